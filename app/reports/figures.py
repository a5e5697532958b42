"""What a report computes: figures, tables and charts, kept JSON-ready so a snapshot stores them as they are."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from ..i18n import text
from ..rates import counted, rate  # noqa: F401  (the reports' arithmetic, shared with the survey)
from ..models.base import LOCAL_TZ

CENT = Decimal("0.01")


def pair(zh, en):
    """A label stored in both languages, so a snapshot reads the same to either user."""
    return {"zh": zh, "en": en}


def shown(value):
    """A stored label in the request's language; data (names, numbers) as it is."""
    if isinstance(value, dict) and set(value) == {"zh", "en"}:
        return text(value["zh"], value["en"])
    return "—" if value is None else value


def choice_pair(choices, code):
    """A Choices code as a stored label in both languages ("—" for no code)."""
    return pair(*choices.both(code)) if code in choices else code or "—"


def money(value):
    """Yuan as a two-decimal string: exact in JSON, unlike a float."""
    return str(Decimal(str(value or 0)).quantize(CENT, ROUND_HALF_UP))


def utc_bounds(start: date, end: date):
    """[start 00:00, end+1 00:00) local time, as UTC datetimes to compare stored times with."""
    low = datetime.combine(start, time(), LOCAL_TZ)
    high = datetime.combine(end + timedelta(days=1), time(), LOCAL_TZ)
    return low.astimezone(timezone.utc), high.astimezone(timezone.utc)


def within(column, start, end):
    """`column` (a stored UTC time) falls in the local-date period."""
    low, high = utc_bounds(start, end)
    return sa.and_(column >= low, column < high)


@dataclass
class Figure:
    """One headline number: its key (a column of the form where there is one), label and value."""

    key: str
    zh: str
    en: str
    value: object
    kind: str = "count"  # count, rate (a percentage) or money

    @property
    def label(self):
        return text(self.zh, self.en)

    @property
    def shown(self):
        if self.value is None:
            return "—"
        return f"{self.value:.1f}%" if self.kind == "rate" else self.value


@dataclass
class Table:
    """A breakdown: a title, column headers and rows (labels stored in both languages)."""

    heading: dict
    columns: list
    body: list

    @property
    def title(self):
        return shown(self.heading)

    @property
    def headers(self):
        return [shown(c) for c in self.columns]

    @property
    def rows(self):
        return [[shown(cell) for cell in row] for row in self.body]


@dataclass
class Chart:
    """A bar chart's data; `title`, `labels` and `values` are what templates/admin/_charts.html draws."""

    heading: dict
    keys: list
    values: list
    unit: str = ""

    @property
    def title(self):
        return shown(self.heading)

    @property
    def labels(self):
        return [shown(k) for k in self.keys]


@dataclass
class Figures:
    """A report for one estate and period: headline figures, breakdown tables, charts (and 6.7's lines)."""

    items: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    lines: list = field(default_factory=list)

    @property
    def values(self):
        """Figure key -> value, for the form record and the snapshot."""
        return {item.key: item.value for item in self.items}

    def to_payload(self):
        """Everything as JSON: what a snapshot stores and later shows without touching the registers."""
        return dict(values=self.values, items=[[i.key, i.zh, i.en, i.value, i.kind] for i in self.items],
                    tables=[dict(heading=t.heading, columns=t.columns, rows=t.body) for t in self.tables],
                    charts=[dict(heading=c.heading, keys=c.keys, values=c.values, unit=c.unit) for c in self.charts],
                    lines=self.lines)

    @classmethod
    def from_payload(cls, payload):
        """Rebuild what a snapshot stored, for its page and its export."""
        return cls(items=[Figure(*row) for row in payload.get("items", [])],
                   tables=[Table(t["heading"], t["columns"], t["rows"]) for t in payload.get("tables", [])],
                   charts=[Chart(c["heading"], c["keys"], c["values"], c.get("unit", ""))
                           for c in payload.get("charts", [])],
                   lines=payload.get("lines", []))
