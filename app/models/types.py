"""Column types: times kept in UTC whatever the database."""
from datetime import datetime, timezone

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


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(timezone.utc)
