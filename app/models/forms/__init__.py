"""The 60 forms, one module per menu group (catalogue §1)."""
from . import (  # noqa: F401
    cleaning_greening, complaints, fire_safety, front_desk, handover, inspections, key_loans, keys, owners, renovation,
    renovation_flow, renovation_works, reports, revisits, services, surveys,
)
from . import desk_reactions  # noqa: F401  (what follows a save; needs the forms above)
