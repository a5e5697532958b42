"""The 60 forms, one module per menu group (catalogue §1)."""
from . import (  # noqa: F401
    cleaning_greening, complaints, front_desk, handover, inspections, keys, owners, renovation, renovation_works, reports, services,
)
