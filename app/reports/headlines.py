"""The home page's month panel: 6.7's figures and 6.2's calls and work orders of one or two months, in three statements.

The report pages compute a month with a statement per figure family (about 19 a month); the panel asks each
register once for all its months, grouping by the month a row falls in, and builds the figures with the reports' own
conditions and `summary`/`workload_figures`, so the panel and the report pages always show the same numbers.
"""
from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from ..extensions import db
from ..servicedesk.complaints import ComplaintTicket
from ..servicedesk.front_desk import CallVisitLog, WorkOrder
from .complaints import (categories_for, complaint_revisits, handled, handling_columns, intake_columns, lines_of,
                         received, revisit_columns, summary)
from .figures import counted, within
from .service_team import calls_within, late_work, workload_figures

T = ComplaintTicket
EARLY_DAYS = 7  # in a month's first week its figures are thin: last month is shown beside them
TEAM_KEYS = ("calls_visits_count", "work_orders_issued", "work_orders_overdue")  # 6.2's figures the panel shows


def panel_months(today):
    """The periods the panel shows on `today`: this month so far, and in its first week last month before it."""
    start = today.replace(day=1)
    months = [(start, today)]
    if today.day <= EARLY_DAYS:
        last_end = start - timedelta(days=1)
        months.insert(0, (last_end.replace(day=1), last_end))
    return months


def month_of(column, periods):
    """The index of the period `column` falls in (NULL outside them all)."""
    return sa.case(*((within(column, start, end), i) for i, (start, end) in enumerate(periods)), else_=sa.null())


def _summed(rows, names):
    """Column-wise sums of `rows` as one row (0 for no rows)."""
    return SimpleNamespace(**{name: sum(getattr(row, name) for row in rows) for name in names})


def _per_category(rows, names):
    groups = defaultdict(list)
    for row in rows:
        if row.category_id is not None:
            groups[row.category_id].append(row)
    return {category: _summed(group, names) for category, group in groups.items()}


def complaint_tallies(project_id, periods):
    """Per period: intake, handling and both per category id, from one GROUP BY over the estate's complaints.

    A complaint counts in the month it was received (intake) and in the month it was answered (handling)."""
    first, last = periods[0][0], periods[-1][1]
    month_received, month_replied = month_of(T.received_at, periods), month_of(T.replied_at, periods)
    rows = db.session.execute(
        sa.select(month_received.label("received"), month_replied.label("replied"), T.category_id,
                  *intake_columns(), *handling_columns())
        .where(sa.or_(received(project_id, first, last), handled(project_id, first, last)))
        .group_by(month_received, month_replied, T.category_id)).all()
    intake, handling = [c.name for c in intake_columns()], [c.name for c in handling_columns()]
    out = []
    for i in range(len(periods)):
        taken, answered = [row for row in rows if row.received == i], [row for row in rows if row.replied == i]
        out.append((_summed(taken, intake), _summed(answered, handling),
                    _per_category(taken, intake), _per_category(answered, handling)))
    return out


def _count(model, *where):
    return sa.select(sa.func.count()).select_from(model).where(*where).scalar_subquery()


def register_counts(project_id, periods):
    """Per period: calls, work orders issued and late, complaint revisits due and made, in one statement."""
    W = WorkOrder
    parts = []
    for i, (start, end) in enumerate(periods):
        orders = sa.select(sa.func.count().label("issued"), counted(late_work(start, end)).label("overdue")) \
            .where(W.project_id == project_id, within(W.created_at, start, end)).subquery()
        revisits = sa.select(*revisit_columns()).where(complaint_revisits(project_id, start, end)).subquery()
        parts.append(sa.select(
            sa.literal(i).label("period"),
            _count(CallVisitLog, calls_within(project_id, start, end)).label("calls"),
            orders.c.issued, orders.c.overdue, revisits.c.due, revisits.c.done)
            .select_from(orders.join(revisits, sa.true())))  # two one-row counts side by side
    rows = {row.period: row for row in db.session.execute(sa.union_all(*parts))}
    return [rows[i] for i in range(len(periods))]


def month_figures(project_id, periods):
    """For each (start, end): 6.2's TEAM_KEYS figures then 6.7's, and 6.7's first two charts where they draw a bar."""
    tallies, counts = complaint_tallies(project_id, periods), register_counts(project_id, periods)
    categories = categories_for({category for tally in tallies for category in (*tally[2], *tally[3])})
    months = []
    for (start, end), (intake, handling, by_category, handled_by), row in zip(periods, tallies, counts):
        complaints = summary(intake, handling, SimpleNamespace(due=row.due, done=row.done),
                             lines_of(by_category, handled_by, categories))
        team = [item for item in workload_figures(row.calls, row.issued, None, row.overdue) if item.key in TEAM_KEYS]
        charts = [chart for chart in complaints.charts[:2] if any(value for value in chart.values if value)]
        months.append(dict(start=start, end=end, items=team + complaints.items, charts=charts))
    return months
