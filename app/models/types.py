"""The clock and time columns, re-exported where the models have always imported them from."""
from ..core.time import LOCAL_TZ, UTCDateTime, as_utc, clock_at, local_today, utcnow  # noqa: F401
