"""服务台: the front desk's calls and visits, the ledger, work orders, item releases, complaints, feedback,
revisits and satisfaction surveys, and what follows a save between them."""
from . import front_desk, complaints, complaint_flow, work_flow, revisits, surveys, intake, reactions  # noqa: F401  (importing the package registers its forms)
