"""待我审批: every record waiting for a step this user may take now, across all flows."""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import orm
from flask import current_app, g, has_request_context, redirect, request, url_for
from flask_admin import expose
from flask_babel import LazyString
from flask_login import current_user

from ..extensions import db
from ..i18n import text
from ..models import FORMS
from ..models.types import as_utc, utcnow
from ..models.workflow import TransitionLog
from ..records import checking, edits_read_once
from ..scoping import bound_estates, get_visible, in_bound_estates, project_ids
from ..workflow import finish, flow_of, may_act, may_take, perform
from .base import SecuredView, worklist_page
from .declared import field_info

# what a request is, read off the first of these a form has: who asks, and for what
APPLICANT = ("applicant_name", "complainant_name", "borrower_name", "holder_name", "org_name", "operator_name")
SUMMARY = ("purpose", "apply_reason", "content", "scope", "work_type", "location", "move_type", "description")


def days_hours(delta: timedelta) -> str:
    """A wait as a clerk says it: 3天4小时, 5小时, 20分钟."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, hours = divmod(minutes // 60, 24)
    if days:
        return text(f"{days}天{hours}小时", f"{days} d {hours} h")
    if hours:
        return text(f"{hours}小时", f"{hours} h")
    return text(f"{minutes}分钟", f"{minutes} min")


@dataclass
class Waiting:
    endpoint: str
    form: object
    record: object
    state: str
    since: datetime
    limit_hours: float | None
    steps: tuple  # the inbox steps this user may take on it now

    @property
    def key(self):
        return f"{self.endpoint}:{self.record.id}"

    @property
    def waited(self) -> timedelta:
        return utcnow() - as_utc(self.since)

    @property
    def waited_text(self):
        return days_hours(self.waited)

    @property
    def late(self) -> bool:
        """Past the limit its own flow declares for this state; a flow without one never marks it late."""
        return self.limit_hours is not None and self.waited > timedelta(hours=self.limit_hours)

    @property
    def decidable(self):
        """Whether the bulk approve/reject can take it (a step such as classify is taken on its page)."""
        return any(t.action in ("approve", "reject") for t in self.steps)

    @property
    def unit(self):
        return getattr(self.record, "unit", None)

    @property
    def applicant(self):
        return next((value for name in APPLICANT if (value := getattr(self.record, name, None))), None)

    @property
    def summary(self):
        name = next((name for name in SUMMARY if getattr(self.record, name, None)), None)
        if name is None:
            return ""
        value, choices = getattr(self.record, name), field_info(type(self.record), name).get("choices")
        return str(choices.label(value) if choices else value)[:40]


def _decides(model, flow, user):
    """Per flow, a WHERE clause for the records waiting for a step the user may take now, or None.

    It says in SQL what `may_take` says per record (state, role, not one's own request), so the count on
    every page agrees with the list; the list checks each record with `may_take` itself.
    """
    self_approval = current_app.config.get("ALLOW_SELF_APPROVAL", False)
    clauses = []
    for state in flow.inbox_states():
        steps = [t for t in flow.inbox_steps() if state in t.source and may_act(user, t.roles)]
        if not steps:
            continue
        in_state = getattr(model, flow.field) == state
        if all(t.decision for t in steps) and not self_approval:  # one does not decide on one's own request
            in_state = sa.and_(in_state, sa.or_(model.created_by_id.is_(None),
                                                model.created_by_id != sa.bindparam("inbox_user", user.id)))
        clauses.append(in_state)
    return sa.or_(*clauses) if clauses else None


def _waiting_queries(user, endpoint=None):
    """(endpoint, model, flow, where) per flow with something the user may take."""
    for name, model in FORMS.items():
        flow = flow_of(model)
        if flow is not None and endpoint in (None, name):
            where = _decides(model, flow, user)
            if where is not None:
                yield name, model, flow, where


def waiting_count(user, endpoint=None):
    """How many records wait for the user (of one form with `endpoint`), for the menu on every page: one statement
    whatever the number of flows, sent once per request and transaction however often the page shows it (the
    inbox's title and menu entry, the manager's home)."""
    memo = g.setdefault("waiting_counts", {}) if has_request_context() else {}
    key, transaction = (user.id, endpoint), db.session().get_transaction()
    if key not in memo or memo[key][0] is not transaction:  # a step committed since reads the count anew
        memo[key] = transaction, _count(user, endpoint)
    return memo[key][1]


def _count(user, endpoint):
    company, values = bound_estates(project_ids(user))
    statement = _built("count", user, company, endpoint, lambda: _count_statement(user, company, endpoint))
    return int(db.session.scalar(statement, dict(values, inbox_user=user.id)) or 0) if statement is not None else 0


def _built(kind, user, company, endpoint, build):
    """A statement of the inbox for users of the same roles and reach, the user and estates bound when it runs:
    built once per app, not out of 60 flows on every page (benchmarks/list_views.py)."""
    config = current_app.config
    key = (kind, frozenset(user.role_codes) if user.is_active else None, company, endpoint,
           config.get("ALLOW_SELF_APPROVAL", False), repr(config.get("FLOW_ROLES")))
    built = current_app.extensions.setdefault("inbox_statements", {})
    if key not in built:
        built[key] = build()
    return built[key]


def _count_statement(user, company, endpoint):
    """waiting_count's statement: a COUNT per flow, summed."""
    counts = []
    for _, model, _, where in _waiting_queries(user, endpoint):
        count = sa.select(sa.func.count(model.id)).where(where)
        counts.append(in_bound_estates(count, model, company))
    return sa.select(sa.func.sum(sa.union_all(*counts).subquery().c[0])) if counts else None


EVERY = 2**31 - 1  # the LIMIT of a list of every waiting record


def waiting_for(user, limit=None, endpoint=None):
    """Records waiting for a step the user may take now, the longest waiting first (at most `limit`)."""
    company, values = bound_estates(project_ids(user))
    values.update(inbox_user=user.id, inbox_limit=limit or EVERY)
    statements = _built("list", user, company, endpoint, lambda: [
        (name, model, flow, _waiting_statement(model, where, company))
        for name, model, flow, where in _waiting_queries(user, endpoint)])
    out = []
    with edits_read_once():
        for name, model, flow, statement in statements:
            out.extend(_waiting_in(name, model, flow, db.session.execute(statement, values).all(), user))
    return sorted(out, key=lambda item: as_utc(item.since))[:limit]


def _waiting_statement(model, where, company):
    """The longest waiting records of one form, at most inbox_limit, with when each entered its state."""
    # when the record entered its state, looked up for the waiting records alone (the log's row index), not by
    # grouping the whole table's log: a company's complaints leave a million steps
    entered = (sa.select(sa.func.max(TransitionLog.at))
               .where(TransitionLog.table_name == model.__tablename__, TransitionLog.row_id == model.id)
               .correlate(model).scalar_subquery())
    since = sa.func.coalesce(entered, model.created_at).label("since")
    # the longest waiting picked by id first, then only those rows read whole: sorting whole rows made the director's
    # 559 waiting complaints cost 19 ms, their ids 4.5 ms (issue 12)
    first = sa.select(model.id, since).where(where)
    first = in_bound_estates(first, model, company).order_by(since, model.id)
    first = first.limit(sa.bindparam("inbox_limit")).subquery()
    return (sa.select(model, first.c.since).join(first, model.id == first.c.id).order_by(first.c.since, model.id)
            # the queue shows what the request is and who asks, not the record's whole graph; joined, not one each
            .options(orm.lazyload("*"), orm.joinedload(model.created_by).lazyload("*"),
                     *([orm.joinedload(model.unit).lazyload("*")] if hasattr(model, "unit") else [])))


def _waiting_in(name, model, flow, rows, user):
    """Of one form's waiting (record, since) rows, those with a step this user may take now."""
    checking(record for record, _ in rows)  # who edited which of them: read for all at the first check
    out = []
    for record, at in rows:
        state = getattr(record, flow.field)
        steps = tuple(t for t in flow.inbox_steps() if state in t.source and may_take(record, t, user))
        if steps:
            out.append(Waiting(name, model.__form__, record, flow.states.label(state), at,
                               flow.limits.get(state), steps))
    return out


def inbox_forms(user):
    """(endpoint, form) of every flow that may put something in this user's inbox, for the filter."""
    return [(name, model.__form__) for name, model, _, _ in _waiting_queries(user)]


def inbox_title():
    """The menu entry with the number waiting, recomputed on each page."""
    if not has_request_context() or not current_user.is_authenticated:
        return text("待我审批", "My approvals")
    return text("待我审批", "My approvals") + f" ({waiting_count(current_user)})"


class InboxView(SecuredView):
    """The manager's queue, with bulk decisions and a result per record."""

    def __init__(self):
        super().__init__(name=LazyString(inbox_title), endpoint="inbox", url="/admin/inbox")

    def _page(self, results=None):
        chosen = request.args.get("form") or None
        chosen = chosen if chosen in FORMS else None
        total = waiting_count(current_user, chosen)
        page, pages, start, stop = worklist_page(total)
        return self.render("admin/inbox.html", items=waiting_for(current_user, limit=stop, endpoint=chosen)[start:],
                           results=results, forms=inbox_forms(current_user), chosen=chosen, total=total,
                           first=start + 1, page=page, pages=pages,
                           page_url=lambda to: url_for(".index", form=chosen, page=to or None))

    @expose("/")
    def index(self):
        return self._page()

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
            reasons = finish(perform(record, action, current_user, comment))  # each decision stands on its own
            results.append((f"{model.__form__.title} {record.serial_no}", reasons))
        return self._page(results)
