"""巡查: the estate's weekly patrol, building patrols and vacant-unit inspections."""
from . import models  # noqa: F401  (importing the package registers its forms)
