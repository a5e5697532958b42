"""接管验收与收楼: taking over buildings, units and facilities from the developer, handing units to owners, and
chasing the defects found until they are fixed."""
from . import models, flows  # noqa: F401  (importing the package registers its forms)
