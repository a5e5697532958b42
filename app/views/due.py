"""到期与超时: what is late or falls due soon: complaints, work orders, revisits, promised replies, keys out,
permits running out and bookings.

Every row is read off a stored deadline and compared with the one clock (late means `deadline < utcnow()`, the
models' own `is_late`/`is_overdue`), so any app server shows the same list.
"""
import functools
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Callable

import sqlalchemy as sa
from sqlalchemy import orm
from flask import request, url_for
from flask_admin import expose
from flask_login import current_user

from ..extensions import db
from ..i18n import L, text
from ..models import FORMS
from ..models.base import LOCAL_TZ
from ..models.fields import snake
from ..core.deadlines import CLOCK
from ..servicedesk.complaint_flow import DUE_KIND
from ..servicedesk.front_desk import awaiting_reply
from ..servicedesk.work_flow import open_work
from ..models.types import UTCDateTime, as_utc, utcnow
from ..scoping import ALL, bound_estates, in_bound_estates, project_ids
from ..workflow import flow_of
from .base import SecuredView, worklist_page
from .inbox import days_hours

SOON = timedelta(hours=24)  # "due" means within the next day; everything past its time is "late"
PERMIT_NOTICE = timedelta(days=3)  # a permit shows this long before it runs out, so the extension is asked in time
LIVE_PERMIT = ("in_progress", "suspended")
BOOKED, IN_USE = ("approved", "paid"), ("in_use",)


@dataclass
class DueItem:
    """One deadline on the list."""

    record: object
    what: str
    at: datetime
    who: object = None

    @property
    def endpoint(self):
        return snake(type(self.record).__name__)

    @property
    def form(self):
        return self.record.__form__

    @property
    def late(self):
        return as_utc(self.at) < utcnow()

    @property
    def overdue_text(self):
        """超时3天 / 超时5小时: how long past its deadline."""
        return text("超时", "late by ") + days_hours(utcnow() - as_utc(self.at))

    @property
    def state(self):
        flow = flow_of(type(self.record))
        return flow.state_label(self.record) if flow else ""


def _only(*relationships):
    """Load a row's columns and just the people shown beside it, not its whole graph of references.

    Joined, not a SELECT each: every one is a many-to-one, so the rows stay one per record (issue 12)."""
    return [orm.lazyload("*"), *(orm.joinedload(rel).lazyload("*") for rel in relationships)]


def _end_of(day):
    """A permit is good to the end of its last day at the desk."""
    return datetime.combine(day + timedelta(days=1), time(0), LOCAL_TZ)


def _local_day(moment):
    return as_utc(moment).astimezone(LOCAL_TZ).date()


@dataclass
class Source:
    """One kind of deadline: the rows due before HORIZON, which of them are late, and whose they are."""

    model: object
    due_before: object  # WHERE clause of the rows listed up to HORIZON
    late: object  # WHERE clause of the rows already late (the model's own definition where it has one)
    what: Callable
    at: Callable
    who: Callable
    mine: object  # WHERE clause of the rows the person STAFF, USER answers for
    order: object
    people: tuple = ()


# the values a statement of the due list is run with: built once, each run binds its own clock, estates and person
HORIZON, PERMIT_DAY = sa.bindparam("due_horizon"), sa.bindparam("due_permit_day")
NOW, TODAY = sa.bindparam(CLOCK), sa.bindparam("due_today")
PROJECT = sa.bindparam("due_project")
STAFF, USER, LIMIT = sa.bindparam("due_staff"), sa.bindparam("due_user"), sa.bindparam("due_limit")


@functools.cache
def _sources():
    complaint, order, revisit, call = (FORMS[name] for name in ("complaint_ticket", "work_order", "revisit_record",
                                                                  "call_visit_log"))
    loan, permit, booking = FORMS["key_loan"], FORMS["renovation_permit"], FORMS["public_area_booking"]
    application = FORMS["renovation_application"]
    renewed = sa.select(permit.previous_permit_id).where(permit.previous_permit_id.isnot(None))
    live_permit = sa.and_(permit.revoked_at.is_(None), permit.id.notin_(renewed),
                          permit.renovation_application.has(application.status.in_(LIVE_PERMIT)))
    booking_due = sa.case((booking.status.in_(IN_USE), booking.end_at), else_=booking.start_at)
    open_booking = booking.status.in_(BOOKED + IN_USE)
    return (
        Source(complaint, complaint.due_at < HORIZON, complaint.is_late,
               lambda r: DUE_KIND.label(r.due_kind), lambda r: r.due_at, lambda r: r.handler or r.received_by,
               sa.or_(complaint.handler_id == STAFF, complaint.received_by_id == STAFF), complaint.due_at,
               (complaint.handler, complaint.received_by)),
        Source(order, sa.and_(open_work(order.status), order.due_at < HORIZON), order.is_overdue,
               lambda r: text("完成派工", "Work done"), lambda r: r.due_at, lambda r: r.assignee or r.assigned_department,
               sa.or_(order.assignee_id == STAFF, order.created_by_id == USER), order.due_at,
               (order.assignee, order.assigned_department)),
        Source(revisit, sa.and_(revisit.revisited_at.is_(None), revisit.due_by < HORIZON),
               sa.and_(revisit.revisited_at.is_(None), revisit.is_late), lambda r: text("回访", "Revisit"),
               lambda r: r.due_by, lambda r: r.unit, revisit.created_by_id == USER, revisit.due_by, (revisit.unit,)),
        # a call handed to another department is followed here; complaints and work orders carry their own clocks
        Source(call, sa.and_(awaiting_reply(), call.promised_reply_at < HORIZON), call.promised_reply_at < NOW,
               lambda r: text("回复来电来访", "Call back"), lambda r: r.promised_reply_at, lambda r: r.received_by,
               call.received_by_id == STAFF, call.promised_reply_at, (call.received_by,)),
        Source(loan, sa.and_(loan.status == "lent", loan.expected_return_at < HORIZON), loan.is_overdue,
               lambda r: text("归还钥匙", "Key back"), lambda r: r.expected_return_at,
               lambda r: r.borrower_name or r.staff,
               sa.or_(loan.lent_by_id == STAFF, loan.staff_id == STAFF, loan.created_by_id == USER),
               loan.expected_return_at, (loan.staff,)),
        Source(permit, sa.and_(live_permit, permit.valid_to < PERMIT_DAY),
               sa.and_(live_permit, permit.valid_to < TODAY),
               lambda r: text("施工许可证到期,办理延期或竣工", "Permit runs out"), lambda r: _end_of(r.valid_to),
               lambda r: r.site_manager_name, sa.or_(permit.issued_by_id == STAFF, permit.created_by_id == USER),
               permit.valid_to),
        Source(booking, sa.and_(open_booking, booking_due < HORIZON), sa.and_(open_booking, booking_due < NOW),
               lambda r: text("场地使用后检查", "Check after use") if r.status in IN_USE
               else text("开放场地使用", "Open the area"),
               lambda r: r.end_at if r.status in IN_USE else r.start_at, lambda r: r.applicant_name,
               sa.or_(booking.approved_by_id == STAFF, booking.created_by_id == USER), booking_due),
    )


def _narrowed(query, source, company, one_estate, mine):
    """The user's estates (none for a company-wide user), one of them when asked, and the person's own (我的)."""
    query = in_bound_estates(query, source.model, company)
    if one_estate:
        query = query.where(source.model.project_id == PROJECT)
    return query.where(source.mine) if mine else query


@functools.cache
def _earliest(*shape):
    """One statement of every kind's earliest deadlines before HORIZON, at most LIMIT of each, for users of one shape
    (see _shape): rows of (kind, id, moment, day), a permit's deadline being a day (it runs to the day's end)."""
    parts = []
    for kind, source in enumerate(_sources()):
        by_day = isinstance(source.order.type, sa.Date)
        query = sa.select(sa.literal_column(str(kind)).label("kind"), source.model.id.label("id"),
                          sa.cast(sa.null(), UTCDateTime).label("moment") if by_day else source.order.label("moment"),
                          source.order.label("day") if by_day else sa.cast(sa.null(), sa.Date).label("day"))
        query = _narrowed(query.where(source.due_before), source, *shape).order_by(source.order).limit(LIMIT)
        parts.append(sa.select(query.subquery()))  # SQLite takes a LIMIT in a compound select only in a subquery
    return sa.union_all(*parts)


@functools.cache
def _records(kind):
    """The statement reading the listed records of one kind by id, with the people shown beside them."""
    source = _sources()[kind]
    return (sa.select(source.model).where(source.model.id.in_(sa.bindparam("due_ids", expanding=True)))
            .options(*_only(*source.people)))


@functools.cache
def _counting(late, *shape):
    """The statement that counts every kind's deadlines before HORIZON (late: only those late now), summed."""
    counts = []
    for source in _sources():
        # late: listed as of now and late by the model's own definition, which must agree
        where = sa.and_(source.due_before, source.late) if late else source.due_before
        # count(*), not count(id): a count the index answers alone reads no row of the table
        counts.append(_narrowed(sa.select(sa.func.count()).select_from(source.model).where(where), source, *shape))
    return sa.select(sa.func.sum(sa.union_all(*counts).subquery().c[0]))


def _shape(project_id, user):
    """(company-wide, one estate asked, one person's own): what a statement of the due list narrows by."""
    return project_ids() is ALL, project_id is not None, user is not None


def _values(horizon, project_id, user, limit=None):
    """What the statements are run with: the clock's now, the horizon, the user's estates and the person."""
    now = utcnow()
    return {**bound_estates(project_ids())[1], CLOCK: now, "due_horizon": horizon,
            "due_permit_day": _local_day(horizon + PERMIT_NOTICE), "due_today": _local_day(now),
            "due_project": project_id, "due_staff": user.staff_id or -1 if user else None,
            "due_user": user.id if user else None, "due_limit": limit}


def due_items(project_id=None, horizon=None, limit=200, user=None, offset=0):
    """Deadlines before `horizon` (default: the next 24 hours), the longest overdue first: the `offset`-th to the
    `limit`-th. With `user`, only those that user answers for (我的).

    The earliest of every kind are picked by id and deadline in one statement, then only the records shown are read
    (issue 12: reading each kind's first `limit` records whole made the due list three times a list page)."""
    values = _values(horizon or utcnow() + SOON, project_id, user, limit)
    found = [(kind, row_id, _end_of(day) if day is not None else moment)
             for kind, row_id, moment, day in db.session.execute(_earliest(*_shape(project_id, user)), values)]
    shown = sorted(found, key=lambda item: (as_utc(item[2]), item[0], item[1]))[offset:limit]
    records = {}
    for kind in sorted({kind for kind, _, _ in shown}):
        ids = [row_id for of, row_id, _ in shown if of == kind]
        records.update(((kind, row.id), row) for row in db.session.scalars(_records(kind), {"due_ids": ids}))
    sources, items = _sources(), []
    for kind, row_id, _ in shown:
        row = records.get((kind, row_id))  # gone if deleted between the two statements
        if row is not None:
            source = sources[kind]
            items.append(DueItem(row, source.what(row), source.at(row), source.who(row)))
    return items


def due_count(project_id=None, horizon=None, user=None):
    """How many deadlines fall before `horizon`, or without one how many are late now: one statement, a COUNT
    per kind summed."""
    statement = _counting(horizon is None, *_shape(project_id, user))
    return int(db.session.scalar(statement, _values(horizon or utcnow(), project_id, user)) or 0)


class DueView(SecuredView):
    """The supervisor's list: late items first, then what falls due within a day; 我的 narrows it to one's own."""

    roles = ("clerk", "manager", "admin")

    def __init__(self):
        super().__init__(name=L("到期与超时", "Due and late"), endpoint="due", url="/admin/due")

    @expose("/")
    def index(self):
        project_id = request.args.get("project", type=int)
        mine = request.args.get("mine") == "1"
        user = current_user if mine else None
        soon = due_count(project_id, utcnow() + SOON, user=user)
        page, pages, start, stop = worklist_page(soon)
        items = due_items(project_id, user=user, limit=stop, offset=start)
        return self.render("admin/due.html", items=items, mine=mine, project=project_id, page=page, pages=pages,
                           first=start + 1, late=due_count(project_id, user=user), soon=soon,
                           page_url=lambda to: url_for(".index", project=project_id, mine=1 if mine else None,
                                                       page=to or None))
