"""欠费催缴: overdue charges and how they are chased."""
from . import models, flow  # noqa: F401  (importing the package registers its forms)
