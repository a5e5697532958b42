"""到期与超时: what is late or falls due soon: complaints, work orders, revisits, promised replies, keys out,
permits running out and bookings.

Every row is read off a stored deadline and compared with the one clock (late means `deadline < utcnow()`, the
models' own `is_late`/`is_overdue`), so any app server shows the same list.
"""
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
from ..servicedesk.complaint_flow import DUE_KIND
from ..servicedesk.front_desk import awaiting_reply
from ..servicedesk.work_flow import open_work
from ..models.types import as_utc, utcnow
from ..scoping import scoped
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
    """One kind of deadline: the rows due before a horizon, which of them are late, and whose they are."""

    model: object
    due_before: Callable  # horizon -> WHERE clause of the rows listed up to then
    late: Callable  # () -> WHERE clause of the rows already late (the model's own definition where it has one)
    what: Callable
    at: Callable
    who: Callable
    mine: Callable  # (staff_id, user_id) -> WHERE clause of the rows this person answers for
    order: object
    people: tuple = ()


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
        Source(complaint, lambda h: complaint.due_at < h, lambda: complaint.is_late,
               lambda r: DUE_KIND.label(r.due_kind), lambda r: r.due_at, lambda r: r.handler or r.received_by,
               lambda s, u: sa.or_(complaint.handler_id == s, complaint.received_by_id == s), complaint.due_at,
               (complaint.handler, complaint.received_by)),
        Source(order, lambda h: sa.and_(open_work(order.status), order.due_at < h), lambda: order.is_overdue,
               lambda r: text("完成派工", "Work done"), lambda r: r.due_at, lambda r: r.assignee or r.assigned_department,
               lambda s, u: sa.or_(order.assignee_id == s, order.created_by_id == u), order.due_at,
               (order.assignee, order.assigned_department)),
        Source(revisit, lambda h: sa.and_(revisit.revisited_at.is_(None), revisit.due_by < h),
               lambda: sa.and_(revisit.revisited_at.is_(None), revisit.is_late), lambda r: text("回访", "Revisit"),
               lambda r: r.due_by, lambda r: r.unit, lambda s, u: revisit.created_by_id == u, revisit.due_by,
               (revisit.unit,)),
        # a call handed to another department is followed here; complaints and work orders carry their own clocks
        Source(call, lambda h: sa.and_(awaiting_reply(), call.promised_reply_at < h),
               lambda: call.promised_reply_at < utcnow(), lambda r: text("回复来电来访", "Call back"),
               lambda r: r.promised_reply_at, lambda r: r.received_by, lambda s, u: call.received_by_id == s,
               call.promised_reply_at, (call.received_by,)),
        Source(loan, lambda h: sa.and_(loan.status == "lent", loan.expected_return_at < h), lambda: loan.is_overdue,
               lambda r: text("归还钥匙", "Key back"), lambda r: r.expected_return_at,
               lambda r: r.borrower_name or r.staff,
               lambda s, u: sa.or_(loan.lent_by_id == s, loan.staff_id == s, loan.created_by_id == u),
               loan.expected_return_at, (loan.staff,)),
        Source(permit, lambda h: sa.and_(live_permit, permit.valid_to < _local_day(h + PERMIT_NOTICE)),
               lambda: sa.and_(live_permit, permit.valid_to < _local_day(utcnow())),
               lambda r: text("施工许可证到期,办理延期或竣工", "Permit runs out"), lambda r: _end_of(r.valid_to),
               lambda r: r.site_manager_name, lambda s, u: sa.or_(permit.issued_by_id == s, permit.created_by_id == u),
               permit.valid_to),
        Source(booking, lambda h: sa.and_(open_booking, booking_due < h), lambda: sa.and_(open_booking,
                                                                                          booking_due < utcnow()),
               lambda r: text("场地使用后检查", "Check after use") if r.status in IN_USE
               else text("开放场地使用", "Open the area"),
               lambda r: r.end_at if r.status in IN_USE else r.start_at, lambda r: r.applicant_name,
               lambda s, u: sa.or_(booking.approved_by_id == s, booking.created_by_id == u), booking_due),
    )


def _scoped(query, source, project_id, user):
    """The user's estates, narrowed to one of them when asked, and to the user's own (我的) with `user`."""
    query = scoped(query, source.model)
    if project_id is not None:
        query = query.where(source.model.project_id == project_id)
    if user is not None:
        query = query.where(source.mine(user.staff_id or -1, user.id))
    return query


def due_items(project_id=None, horizon=None, limit=200, user=None):
    """Deadlines before `horizon` (default: the next 24 hours), the longest overdue first, at most `limit`.

    With `user`, only those that user answers for (我的)."""
    horizon = horizon or utcnow() + SOON
    items = []
    for source in _sources():
        query = sa.select(source.model).where(source.due_before(horizon)).options(*_only(*source.people))
        for row in db.session.scalars(_scoped(query, source, project_id, user).order_by(source.order).limit(limit)):
            items.append(DueItem(row, source.what(row), source.at(row), source.who(row)))
    return sorted(items, key=lambda item: as_utc(item.at))[:limit]


def due_count(project_id=None, horizon=None, user=None):
    """How many deadlines fall before `horizon`, or without one how many are late now: one statement, a COUNT
    per kind summed."""
    counts = []
    for source in _sources():
        # late: listed as of now and late by the model's own definition, which must agree
        where = source.due_before(horizon) if horizon is not None else sa.and_(source.due_before(utcnow()),
                                                                               source.late())
        # count(*), not count(id): a count the index answers alone reads no row of the table
        counts.append(_scoped(sa.select(sa.func.count()).select_from(source.model).where(where), source,
                              project_id, user))
    each = sa.union_all(*counts).subquery()
    return int(db.session.scalar(sa.select(sa.func.sum(each.c[0]))) or 0)


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
        items = due_items(project_id, user=user, limit=stop)[start:]
        return self.render("admin/due.html", items=items, mine=mine, project=project_id, page=page, pages=pages,
                           first=start + 1, late=due_count(project_id, user=user), soon=soon,
                           page_url=lambda to: url_for(".index", project=project_id, mine=1 if mine else None,
                                                       page=to or None))
