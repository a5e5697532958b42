"""业主与住户: owner registration, household members, move-in receipts and access cards."""
from . import models, reactions  # noqa: F401  (importing the package registers its forms and reactions)
