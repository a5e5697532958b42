"""到期与超时: what is late or falls due soon across complaints, work orders, revisits and promised replies.

Every row is read off a stored deadline and compared with the clock, so any app server shows the same list.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import orm
from flask import request
from flask_admin import expose

from ..extensions import db
from ..i18n import L, text
from ..models import FORMS
from ..models.fields import snake
from ..models.forms.complaint_flow import DUE_KIND
from ..models.forms.work_flow import OPEN_WORK
from ..models.types import as_utc, utcnow
from ..scoping import scoped
from ..workflow import flow_of
from .base import SecuredView

SOON = timedelta(hours=24)  # "due" means within the next day; everything past its time is "late"


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
    def state(self):
        flow = flow_of(type(self.record))
        return flow.state_label(self.record) if flow else ""


def _only(*relationships):
    """Load a row's columns and just the people shown beside it, not its whole graph of references."""
    return [orm.lazyload("*"), *(orm.selectinload(rel).lazyload("*") for rel in relationships)]


def _sources(horizon):
    """(query, what, deadline column, responsible person) per kind of deadline, each up to `horizon`."""
    complaint, order = FORMS["complaint_ticket"], FORMS["work_order"]
    revisit, call = FORMS["revisit_record"], FORMS["call_visit_log"]
    return (
        (sa.select(complaint).where(complaint.due_at < horizon).options(
            *_only(complaint.handler, complaint.received_by)), lambda r: DUE_KIND.label(r.due_kind),
         complaint.due_at, lambda r: r.handler or r.received_by),
        (sa.select(order).where(order.status.in_(OPEN_WORK), order.due_at < horizon).options(
            *_only(order.assignee, order.assigned_department)),
         lambda r: text("完成派工", "Work done"), order.due_at, lambda r: r.assignee or r.assigned_department),
        (sa.select(revisit).where(revisit.revisited_at.is_(None), revisit.due_by < horizon).options(
            *_only(revisit.unit)), lambda r: text("回访", "Revisit"), revisit.due_by, lambda r: r.unit),
        # a call handed to another department is followed here; complaints and work orders carry their own clocks
        (sa.select(call).where(call.closed_at.is_(None), call.routing.notin_(("settled", "complaint", "work_order")),
                               call.promised_reply_at < horizon).options(*_only(call.received_by)),
         lambda r: text("回复来电来访", "Call back"), call.promised_reply_at, lambda r: r.received_by),
    )


def _scoped(query, column, project_id):
    """The user's estates, narrowed to one of them when asked."""
    query = scoped(query, column.class_)
    return query if project_id is None else query.where(column.class_.project_id == project_id)


def due_items(project_id=None, horizon=None, limit=200):
    """Deadlines before `horizon` (default: the next 24 hours), the longest overdue first, at most `limit`."""
    horizon = horizon or utcnow() + SOON
    items = []
    for query, what, column, who in _sources(horizon):
        for row in db.session.scalars(_scoped(query, column, project_id).order_by(column).limit(limit)):
            items.append(DueItem(row, what(row), getattr(row, column.key), who(row)))
    return sorted(items, key=lambda item: as_utc(item.at))[:limit]


def due_count(project_id=None, horizon=None):
    """How many deadlines fall before `horizon` (default: now, i.e. how many are late): one COUNT per kind."""
    horizon = horizon or utcnow()
    return sum(db.session.scalar(sa.select(sa.func.count()).select_from(
        _scoped(query, column, project_id).with_only_columns(column.class_.id).subquery()))
        for query, _, column, _ in _sources(horizon))


class DueView(SecuredView):
    """The supervisor's list: late items first, then what falls due within a day."""

    roles = ("clerk", "manager", "admin")

    def __init__(self):
        super().__init__(name=L("到期与超时", "Due and late"), endpoint="due", url="/admin/due")

    @expose("/")
    def index(self):
        project_id = request.args.get("project", type=int)
        items = due_items(project_id)
        return self.render("admin/due.html", items=items, late=due_count(project_id),
                           soon=due_count(project_id, utcnow() + SOON))
