"""Every area of the manual: importing this module registers all the forms in `FORMS`."""
from . import (  # noqa: F401
    arrears, community, environment, firesafety, handover, inspections, keys, renovation, residents, servicedesk,
)
from .reports import forms  # noqa: F401  (the report forms the registers fill)
