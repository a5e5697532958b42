"""The shared records: the register (estates, units, owners, staff, keys), users, audit rows and the base every form
builds on. The forms themselves live in the domain packages (see app/domains.py)."""
import sqlalchemy as sa

from . import events  # noqa: F401  (session hooks)
from .auth import ROLES, Role, User
from .base import FORMS, GROUPS, AuditLog, FormRecord, LineItem, Lookup, SerialCounter
from .attachments import Attachment  # noqa: F401
from .snapshots import ReportSnapshot  # noqa: F401
from .security import SecurityEvent  # noqa: F401
from .workflow import TransitionLog  # noqa: F401
from .privacy import PiiAccessLog  # noqa: F401
from .lookups import (
    Building, ComplaintCategory, Contractor, Department, FeeItem, FireExtinguisher, Key, KeyCategory, Owner,
    Project, PublicArea, Resident, StaffMember, Unit, UnitOwner,
)


def _never_reuse_ids(metadata):
    """SQLite AUTOINCREMENT on every table keyed by one integer id: a deleted row's id never comes back, so no
    new record inherits its documents or audit rows (PostgreSQL sequences never go back anyway)."""
    for table in metadata.tables.values():
        key = list(table.primary_key.columns)
        if len(key) == 1 and isinstance(key[0].type, sa.Integer):
            table.dialect_kwargs["sqlite_autoincrement"] = True


_never_reuse_ids(Role.metadata)

LOOKUPS = (Project, Building, Unit, Owner, UnitOwner, Resident, Department, StaffMember, Contractor,
           ComplaintCategory, KeyCategory, FeeItem, PublicArea, Key, FireExtinguisher)

__all__ = [
    "ROLES", "Role", "User", "FORMS", "GROUPS", "AuditLog", "FormRecord", "LineItem", "Lookup", "SerialCounter",
    "LOOKUPS", *[model.__name__ for model in LOOKUPS],
]
