"""Column types: times kept in UTC whatever the database; the one clock every deadline is read against."""
from contextlib import contextmanager
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa


class UTCDateTime(sa.types.TypeDecorator):
    """Store aware datetimes as UTC; naive input is taken to be UTC already."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


LOCAL_TZ = ZoneInfo("Asia/Shanghai")  # where the desk is: times are shown and days counted here


class Clock:
    """Where "now" comes from: the system clock, or a fixed moment a test injects."""

    fixed: datetime | None = None


def as_utc(value):
    """Naive times count as UTC, as UTCDateTime stores them."""
    return value if value is None or value.tzinfo else value.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return Clock.fixed or datetime.now(timezone.utc)


def local_today() -> date:
    """Today's date at the desk (Asia/Shanghai), read off the one clock."""
    return utcnow().astimezone(LOCAL_TZ).date()


@contextmanager
def clock_at(moment: datetime):
    """Run the block as if it were `moment` (tests move the clock instead of sleeping)."""
    before, Clock.fixed = Clock.fixed, moment.astimezone(timezone.utc)
    try:
        yield
    finally:
        Clock.fixed = before
