"""社区服务: signage, courtesy item loans, public area bookings and community activities."""
from . import models  # noqa: F401  (importing the package registers its forms)
