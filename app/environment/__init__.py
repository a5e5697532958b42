"""保洁绿化: cleaning, greening, pest control and waste checks of the outsourced services, and their
non-conformities."""
from . import models, flow  # noqa: F401  (importing the package registers its forms)
