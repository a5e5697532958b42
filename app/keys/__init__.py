"""钥匙管理: the keys the company holds, how they are handed over, held in custody, lent and counted."""
from . import models, loans  # noqa: F401  (importing the package registers its forms)
