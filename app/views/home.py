"""The home page per role: a clerk's day, a manager's queue and month, and every form a click away."""
import functools

import sqlalchemy as sa
from sqlalchemy import orm
from flask import url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user

from ..extensions import db
from ..i18n import text
from ..models import FORMS, GROUPS
from ..models.base import LOCAL_TZ
from ..servicedesk.work_flow import open_work
from ..models.types import as_utc, local_today, utcnow
from ..reports.headlines import month_figures, panel_months
from ..scoping import ALL, estate_condition, project_ids, scoped
from .base import Secured, default_project
from .due import SOON, due_count, due_items
from .inbox import waiting_count, waiting_for

TODAYS_CALLS = 10  # the latest calls a clerk sees; the register holds the rest


def start_of_today():
    return utcnow().astimezone(LOCAL_TZ).replace(hour=0, minute=0, second=0, microsecond=0)


RECENT = 500
TOTAL_LIMIT = 10_000  # an estate's forms are counted up to here (an index-only scan); past it the page says 10000+
# the catalogue's values: its statement of 60 parts is built once and only these change between requests
START, ESTATES = sa.bindparam("start"), sa.bindparam("estates", expanding=True)


def written(number):
    """A constant written into the statement, not bound. PostgreSQL keeps one plan for a prepared statement only if
    its LIMITs are known: with 181 bound values the catalogue was planned anew on every visit (10-18 ms); written
    in, it is planned once per connection (0.2 ms) after psycopg prepares it (benchmarks/company_pages.py)."""
    return sa.literal_column(str(int(number)))


def id_range(model):
    """About how many rows a form holds, from its lowest and highest id (SQLite seeks each in its index)."""
    low = sa.select(sa.func.min(model.id)).scalar_subquery()
    high = sa.select(sa.func.max(model.id)).scalar_subquery()
    return sa.func.coalesce(high - low + written(1), written(0))


def in_estates(query, model):
    """`query` narrowed to the rows of `model` in the ESTATES the statement is given."""
    condition = estate_condition(model, ESTATES)
    return query if condition is None else query.where(condition)


def bounded_total(model):
    """How many of the form's rows the user reaches, counted up to TOTAL_LIMIT + 1 (off the estate index alone)."""
    reached = in_estates(sa.select(written(1)).select_from(model), model).limit(written(TOTAL_LIMIT + 1)).subquery()
    return sa.select(sa.func.count()).select_from(reached).scalar_subquery()


def today_among_newest(model):
    """How many of the form's newest RECENT rows were made since START (a company-wide user: the id index, backward)."""
    newest = sa.select(model.created_at).order_by(model.id.desc()).limit(written(RECENT)).subquery()
    return sa.select(sa.func.count()).where(newest.c.created_at >= START).scalar_subquery()


def made_today(model):
    """How many rows of the ESTATES were made since START, counted up to RECENT.

    The big registers' estate-and-time index reads only today's rows; walking the newest rows by id instead read
    about 25,000 of other estates' rows for one estate's newest 500 (issue 12)."""
    today = in_estates(sa.select(written(1)).select_from(model).where(model.created_at >= START), model)
    return sa.select(sa.func.count()).select_from(today.limit(written(RECENT)).subquery()).scalar_subquery()


def form_counts(model, company):
    """A form's (total, today), neither figure reading a whole table or a whole estate.

    A company-wide user's total is estimated from the ids; in a user's estates it is counted up to TOTAL_LIMIT."""
    return (id_range(model), today_among_newest(model)) if company else (bounded_total(model), made_today(model))


def ordered_forms():
    return sorted(FORMS.items(), key=lambda item: item[1].__form__.sort_key)


@functools.cache
def catalogue_statement(company):
    """The one statement of every form's figures, for a company-wide user or one of some estates.

    One row of 120 scalar subqueries: PostgreSQL plans it in about half the time of 60 rows joined by UNION ALL."""
    columns = []
    for name, model in ordered_forms():
        total, today = form_counts(model, company)
        columns += [total.label(f"{name}_total"), today.label(f"{name}_today")]
    return sa.select(*columns)


def form_figures(ids):
    """{form: (total, today)} in the estates `ids` (ALL: every estate), in one statement."""
    company = ids is ALL
    values = dict(start=start_of_today()) if company else dict(start=start_of_today(), estates=sorted(ids))
    row = db.session.execute(catalogue_statement(company), values).one()._mapping
    return {name: (row[f"{name}_total"], row[f"{name}_today"]) for name, _ in ordered_forms()}


def form_catalogue():
    """Every form by menu group, with about how many records it holds and how many were made today (one query).

    Neither figure reads a whole table: the total is the id range (two index seeks) or a count that stops at
    TOTAL_LIMIT, and today's count stops at RECENT rows, shown as RECENT+."""
    ids = project_ids()
    figures = form_figures(ids)
    groups = {code: [] for code in GROUPS}
    for name, model in ordered_forms():
        total, today = figures[name]
        groups[model.__form__.group].append(dict(
            form=model.__form__, url=url_for(f"{name}.index_view"), today=today,
            total=total if ids is ALL or total <= TOTAL_LIMIT else f"{TOTAL_LIMIT}+"))
    return groups


def todays_calls(project_id):
    call = FORMS["call_visit_log"]
    query = scoped(sa.select(call).where(call.contact_at >= start_of_today()), call)
    if project_id is not None:
        query = query.where(call.project_id == project_id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    # the room is shown beside each call: joined, not a SELECT per call
    calls = query.order_by(call.contact_at.desc()).limit(TODAYS_CALLS).options(orm.joinedload(call.unit).lazyload("*"))
    return total, db.session.scalars(calls).all()


def assigned_to(user, limit=12):
    """Open complaints and work orders the user received, handles or carries out (首问责任制: first contact owns it).

    Returns (how many, the `limit` most urgent)."""
    complaint, order = FORMS["complaint_ticket"], FORMS["work_order"]
    staff_id = user.staff_id or -1
    queries = (
        (complaint, sa.and_(complaint.status != "closed",
                            sa.or_(complaint.received_by_id == staff_id, complaint.handler_id == staff_id)),
         complaint.due_at),
        (order, sa.and_(open_work(order.status),
                        sa.or_(order.assignee_id == staff_id, order.created_by_id == user.id)), order.due_at))
    total, rows = 0, []
    for model, mine, due in queries:
        total += db.session.scalar(scoped(sa.select(sa.func.count(model.id)).where(mine), model))
        rows += db.session.scalars(scoped(sa.select(model).where(mine), model).order_by(due.is_(None), due)
                                   .limit(limit).options(orm.lazyload("*"))).all()
    return total, sorted(rows, key=lambda row: (row.due_at is None, as_utc(row.due_at) if row.due_at else 0))[:limit]


def month_panel():
    """This month so far, and early in a month last month beside it: the complaint summary's and team's figures."""
    project = default_project()
    if project is None:
        return None
    return dict(project=project, months=month_figures(project.id, panel_months(local_today())))


class HomeView(Secured, AdminIndexView):
    """The first page after login: what this person has to do now."""

    roles = ()

    @expose("/")
    def index(self):
        user = current_user
        project_id = user.staff.project_id if user.staff is not None else None
        context = dict(groups=form_catalogue(), group_labels=GROUPS, recent=RECENT,
                       estates=text("全部项目", "Every estate") if project_ids() is ALL
                       else "、".join(project.name for project in user.projects))
        if user.has_role("manager", "admin"):
            context.update(is_manager=True, inbox=waiting_for(user, limit=8), waiting=waiting_count(user),
                           late=due_items(project_id, horizon=utcnow(), limit=10), late_count=due_count(project_id),
                           month=month_panel())
        if user.has_role("clerk") or not user.has_role("manager", "admin"):
            context.update(is_clerk=True, calls=todays_calls(project_id), mine=assigned_to(user),
                           due=due_items(project_id, limit=15), due_total=due_count(project_id, utcnow() + SOON))
        return self.render("admin/home.html", **context)
