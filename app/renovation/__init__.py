"""装修管理: a unit's renovation from application to deposit refund, its permits, passes, inspections and
rectification notices."""
from . import models, flow, works  # noqa: F401  (importing the package registers its forms)
