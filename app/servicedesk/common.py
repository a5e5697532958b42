"""What the service desk's forms share: satisfaction words, a running deadline as shown, months, links."""
import calendar
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import lazyload, relationship

from ..extensions import db
from ..models import fields as f

UNSATISFIED = ("not_very_satisfied", "very_dissatisfied")


@dataclass(frozen=True)
class Deadline:
    """A record's running time limit as its page shows it."""

    what: str
    at: datetime
    late: bool
    escalation: str = ""


def _records(*pairs, key):
    """The rows of each (model, foreign key) pair that point at `key`, oldest first."""
    # each row is shown as a line (serial, state, deadline): its references load only if touched, not in a cascade
    return [row for model, column in pairs for row in db.session.scalars(
        sa.select(model).where(column == key).order_by(model.id).options(lazyload("*")))]


def add_months(value, months=1):
    """The same day (or the month's last) some months later: S2-3 counts limits in months."""
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    return value.replace(year=year, month=month, day=min(value.day, calendar.monthrange(year, month)[1]))


def earlier_ref(target, label):
    """A link to an earlier row of the same form; f.ref cannot tell SQLAlchemy which side is remote."""
    fk, _ = f.ref(target, label)
    rel = relationship(target, foreign_keys=[fk], remote_side=f"{target}.id",
                       info=dict(label=label, en=None, target=target))
    return fk, rel
