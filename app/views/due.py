"""到期与超时: what is late or falls due soon across complaints, work orders, revisits and promised replies.

Every row is read off a stored deadline and compared with the clock, so any app server shows the same list.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import request
from flask_admin import expose

from ..extensions import db
from ..i18n import L, text
from ..models import FORMS
from ..models.fields import snake
from ..models.forms.complaint_flow import DUE_KIND
from ..models.forms.work_flow import OPEN_WORK
from ..models.types import as_utc, utcnow
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


def _sources(horizon):
    """(query, what, deadline column, responsible person) per kind of deadline, each up to `horizon`."""
    complaint, order = FORMS["complaint_ticket"], FORMS["work_order"]
    revisit, call = FORMS["revisit_record"], FORMS["call_visit_log"]
    return (
        (sa.select(complaint).where(complaint.due_at < horizon), lambda r: DUE_KIND.label(r.due_kind),
         complaint.due_at, lambda r: r.handler or r.received_by),
        (sa.select(order).where(order.status.in_(OPEN_WORK), order.due_at < horizon),
         lambda r: text("完成派工", "Work done"), order.due_at, lambda r: r.assignee or r.assigned_department),
        (sa.select(revisit).where(revisit.revisited_at.is_(None), revisit.due_by < horizon),
         lambda r: text("回访", "Revisit"), revisit.due_by, lambda r: r.unit),
        # a call handed to another department is followed here; complaints and work orders carry their own clocks
        (sa.select(call).where(call.closed_at.is_(None), call.routing.notin_(("settled", "complaint", "work_order")),
                               call.promised_reply_at < horizon),
         lambda r: text("回复来电来访", "Call back"), call.promised_reply_at, lambda r: r.received_by),
    )


def due_items(project_id=None, horizon=None, limit=200):
    """Deadlines before `horizon` (default: the next 24 hours), the longest overdue first."""
    horizon = horizon or utcnow() + SOON
    items = []
    for query, what, column, who in _sources(horizon):
        if project_id is not None:
            query = query.where(column.class_.project_id == project_id)
        for row in db.session.scalars(query.order_by(column).limit(limit)):
            items.append(DueItem(row, what(row), getattr(row, column.key), who(row)))
    return sorted(items, key=lambda item: as_utc(item.at))[:limit]


class DueView(SecuredView):
    """The supervisor's list: late items first, then what falls due within a day."""

    roles = ("clerk", "manager", "admin")

    def __init__(self):
        super().__init__(name=L("到期与超时", "Due and late"), endpoint="due", url="/admin/due")

    @expose("/")
    def index(self):
        items = due_items(request.args.get("project", type=int))
        return self.render("admin/due.html", items=items, late=sum(item.late for item in items))
