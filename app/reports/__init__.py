"""The monthly reports of §6 computed from the registers: one compute function per report, keyed by form endpoint.

``REPORTS["complaint_summary"].compute(project, start, end)`` returns a `Figures`; the report centre shows and
snapshots it, and the form records (app/reports/forms.py) copy its values into their read-only columns.
"""
from . import form_figures  # noqa: F401  (report forms take their figures on save)
from .figures import Chart, Figure, Figures, Table  # noqa: F401  (the public names of the package)
from .registry import REPORTS, Report, compute  # noqa: F401
