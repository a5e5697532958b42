"""待我审批: every record waiting for a decision by a role the user holds, across all flows."""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import orm
from flask import has_request_context, redirect, request, url_for
from flask_admin import expose
from flask_babel import LazyString
from flask_login import current_user

from ..extensions import db
from ..i18n import text
from ..models import FORMS
from ..models.fields import snake
from ..models.types import utcnow
from ..models.workflow import TransitionLog
from ..scoping import get_visible, scoped
from ..workflow import flow_of, may_act, perform
from .base import SecuredView


@dataclass
class Waiting:
    endpoint: str
    form: object
    record: object
    state: str
    since: datetime
    limit_hours: float | None

    @property
    def key(self):
        return f"{self.endpoint}:{self.record.id}"

    @property
    def waited(self) -> timedelta:
        return utcnow() - self.since

    @property
    def late(self) -> bool:
        return self.limit_hours is not None and self.waited > timedelta(hours=self.limit_hours)


def _waiting_queries(user):
    """Per flow: the model and the states whose decision the user's roles may take."""
    for model in FORMS.values():
        flow = flow_of(model)
        if flow is not None:
            states = [state for state, roles in flow.inbox_states().items() if may_act(user, roles)]
            if states:
                yield model, flow, states


def waiting_count(user):
    """How many records wait for the user: one COUNT per flow, for the menu on every page."""
    return sum(db.session.scalar(scoped(sa.select(sa.func.count(model.id)).where(getattr(model, flow.field).in_(states)),
                                        model, user))
               for model, flow, states in _waiting_queries(user))


def waiting_for(user, limit=None):
    """Records in a state whose decision the user's roles may take, oldest first (at most `limit`)."""
    out = []
    for model, flow, states in _waiting_queries(user):
        entered = (sa.select(TransitionLog.row_id, sa.func.max(TransitionLog.at).label("at"))
                   .where(TransitionLog.table_name == model.__tablename__).group_by(TransitionLog.row_id).subquery())
        since = sa.func.coalesce(entered.c.at, model.created_at)
        rows = db.session.execute(
            scoped(sa.select(model, since).outerjoin(entered, entered.c.row_id == model.id), model, user)
            .where(getattr(model, flow.field).in_(states)).order_by(since).limit(limit)
            # the queue shows a record's serial number, state and who registered it, not its whole graph
            .options(orm.lazyload("*"), orm.selectinload(model.created_by).lazyload("*")))
        for record, at in rows:
            state = getattr(record, flow.field)
            out.append(Waiting(snake(model.__name__), model.__form__, record, flow.states.label(state), at,
                               flow.limits.get(state)))
    return sorted(out, key=lambda item: item.since)[:limit]


def inbox_title():
    """The menu entry with the number waiting, recomputed on each page."""
    if not has_request_context() or not current_user.is_authenticated:
        return text("待我审批", "My approvals")
    return text("待我审批", "My approvals") + f" ({waiting_count(current_user)})"


class InboxView(SecuredView):
    """The manager's queue, with bulk decisions and a result per record."""

    def __init__(self):
        super().__init__(name=LazyString(inbox_title), endpoint="inbox", url="/admin/inbox")

    @expose("/")
    def index(self):
        return self.render("admin/inbox.html", items=waiting_for(current_user), results=None)

    @expose("/decide", methods=("POST",))
    def decide(self):
        """Approve or reject the ticked records one by one; each gets its own outcome."""
        action, comment = request.form.get("action"), request.form.get("comment", "")
        if action not in ("approve", "reject"):
            return redirect(url_for(".index"))
        results = []
        for key in request.form.getlist("selected"):
            endpoint, _, record_id = key.partition(":")
            model = FORMS.get(endpoint)
            record = get_visible(model, record_id) if model else None
            if record is None:
                results.append((key, [text("记录不存在", "No such record")]))
                continue
            results.append((f"{model.__form__.title} {record.serial_no}", perform(record, action, current_user,
                                                                                  comment)))
        return self.render("admin/inbox.html", items=waiting_for(current_user), results=results)
