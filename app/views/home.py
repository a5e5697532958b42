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
from ..scoping import ALL, bound_estates, in_bound_estates, project_ids
from .base import Secured, default_project
from .due import SOON, due_count, due_items
from .inbox import waiting_count, waiting_for

TODAYS_CALLS = 10  # the latest calls a clerk sees; the register holds the rest


def start_of_today():
    return utcnow().astimezone(LOCAL_TZ).replace(hour=0, minute=0, second=0, microsecond=0)


RECENT = 500
TOTAL_LIMIT = 10_000  # an estate's forms are counted up to here (an index-only scan); past it the page says 10000+
# the catalogue's values: its statement of 60 parts is built once and only these change between requests
START = sa.bindparam("start")


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


def bounded_total(model):
    """How many of the form's rows the user reaches, counted up to TOTAL_LIMIT + 1 (off the estate index alone)."""
    reached = in_bound_estates(sa.select(written(1)).select_from(model), model).limit(written(TOTAL_LIMIT + 1))
    return sa.select(sa.func.count()).select_from(reached.subquery()).scalar_subquery()


def today_among_newest(model):
    """How many of the form's newest RECENT rows were made since START (a company-wide user: the id index, backward)."""
    newest = sa.select(model.created_at).order_by(model.id.desc()).limit(written(RECENT)).subquery()
    return sa.select(sa.func.count()).where(newest.c.created_at >= START).scalar_subquery()


def made_today(model):
    """How many rows of the ESTATES were made since START, counted up to RECENT.

    The big registers' estate-and-time index reads only today's rows; walking the newest rows by id instead read
    about 25,000 of other estates' rows for one estate's newest 500 (issue 12)."""
    today = in_bound_estates(sa.select(written(1)).select_from(model).where(model.created_at >= START), model)
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
    company, values = bound_estates(ids)
    row = db.session.execute(catalogue_statement(company), dict(values, start=start_of_today())).one()._mapping
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


TODAY_ESTATE, ME_STAFF, ME_USER = sa.bindparam("estate"), sa.bindparam("me_staff"), sa.bindparam("me_user")
ASSIGNED = 12  # the open complaints and work orders a clerk sees, the most urgent first


@functools.cache
def todays_calls_statements(company, one_estate):
    """(count, latest) of today's calls in the user's estates, narrowed to one when asked: built once."""
    call = FORMS["call_visit_log"]
    query = sa.select(call).where(call.contact_at >= START)
    query = in_bound_estates(query, call, company)
    query = query.where(call.project_id == TODAY_ESTATE) if one_estate else query
    # the room is shown beside each call: joined, not a SELECT per call
    latest = (query.order_by(call.contact_at.desc()).limit(written(TODAYS_CALLS))
              .options(orm.joinedload(call.unit).lazyload("*")))
    return sa.select(sa.func.count()).select_from(query.subquery()), latest


def todays_calls(project_id):
    company, values = bound_estates(project_ids())
    count, latest = todays_calls_statements(company, project_id is not None)
    values.update(start=start_of_today(), estate=project_id)
    return db.session.scalar(count, values), db.session.scalars(latest, values).all()


@functools.cache
def assigned_statements(company):
    """(count, [complaints, work orders]) open and the person's (ME_STAFF, ME_USER), in the user's estates: built
    once, not on every visit of the home."""
    complaint, order = FORMS["complaint_ticket"], FORMS["work_order"]
    mine = ((complaint, sa.and_(complaint.status != "closed",
                                sa.or_(complaint.received_by_id == ME_STAFF, complaint.handler_id == ME_STAFF)),
             complaint.due_at),
            (order, sa.and_(open_work(order.status),
                            sa.or_(order.assignee_id == ME_STAFF, order.created_by_id == ME_USER)), order.due_at))
    counts = [in_bound_estates(sa.select(sa.func.count(model.id)).where(where), model, company).scalar_subquery()
              for model, where, _ in mine]
    rows = [in_bound_estates(sa.select(model).where(where), model, company).order_by(due.is_(None), due)
            .limit(written(ASSIGNED)).options(orm.lazyload("*")) for model, where, due in mine]
    return sa.select(counts[0] + counts[1]), rows


def assigned_to(user):
    """Open complaints and work orders the user received, handles or carries out (首问责任制: first contact owns it).

    Returns (how many, the ASSIGNED most urgent)."""
    company, values = bound_estates(project_ids())
    values.update(me_staff=user.staff_id or -1, me_user=user.id)
    count, statements = assigned_statements(company)
    rows = [row for statement in statements for row in db.session.scalars(statement, values)]
    urgent = sorted(rows, key=lambda row: (row.due_at is None, as_utc(row.due_at) if row.due_at else 0))
    return db.session.scalar(count, values), urgent[:ASSIGNED]


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
