"""Late and escalated: one definition of each, read against the one clock (never the database's `now()`)."""
from datetime import timedelta

import sqlalchemy as sa

from .time import as_utc, utcnow

# S3-十五 3.2.2, 3.3.2: an item open over 2 days goes to the supervisor, over a week to the manager
ESCALATE_AFTER = (("manager", timedelta(weeks=1)), ("supervisor", timedelta(days=2)))
FIRST_LEVEL = "receptionist"


def is_late(due_at, now=None) -> bool:
    """Past its due time: a comparison with the clock, never a state, a stored flag or a job."""
    return due_at is not None and as_utc(due_at) < as_utc(now or utcnow())


CLOCK = "clock_now"  # the name the clock is bound under in SQL


def late_sql(due_column):
    """`is_late` as SQL, with the app's clock bound as a value under one name: a statement built once (the due
    list's) is run with the time of each run by passing CLOCK."""
    return due_column < sa.bindparam(CLOCK, utcnow(), type_=due_column.type)


def escalation(opened_at, closed, now=None):
    """跟进级别 of an item by how long it has been open; None once closed."""
    if closed or opened_at is None:
        return None
    age = as_utc(now or utcnow()) - as_utc(opened_at)
    return next((level for level, after in ESCALATE_AFTER if age > after), FIRST_LEVEL)


def escalation_sql(opened_column, closed):
    """`escalation` as SQL: `closed` is the condition of a closed item."""
    now = utcnow()
    return sa.case((closed, sa.null()), (opened_column.is_(None), sa.null()),
                   *((opened_column < now - after, level) for level, after in ESCALATE_AFTER), else_=FIRST_LEVEL)
