"""消防安全: hot-work permits and fire extinguisher rentals."""
from . import models  # noqa: F401  (importing the package registers its forms)
