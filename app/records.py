"""What keeps a record true whatever page writes it, beside the engine's locks (workflow.lock_reason): fixed
deadline anchors, four eyes on decisions, and its documents going with it when it is deleted."""
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

import sqlalchemy as sa

from .extensions import db
from .i18n import text
from .core.declared import editable_fields
from .models import AuditLog, Attachment, TransitionLog
from .models.types import as_utc
from .workflow import decision_rule, flow_of


def has_started(record) -> bool:
    """Whether the first step of the record's flow has been taken."""
    return db.session.scalar(sa.select(TransitionLog.id).where(
        TransitionLog.table_name == record.__tablename__, TransitionLog.row_id == record.id).limit(1)) is not None


def anchor_errors(record, data):
    """(field, message) for each deadline anchor the posted `data` moves once the flow has started."""
    flow = flow_of(type(record))
    anchors = [name for name in getattr(flow, "anchors", ()) if name in data]
    if not anchors or not has_started(record):
        return []
    def minute(value):  # forms read times to the minute
        return as_utc(value).replace(second=0, microsecond=0) if hasattr(value, "tzinfo") and value else value

    out = []
    for name in anchors:
        if minute(getattr(record, name)) != minute(data[name]):
            out.append((name, text("流程已开始,时限据此计算,不能再修改", "The flow has started and its deadlines "
                                   "run from this; it can no longer be changed")))
    return out


def edited_by(record, user) -> bool:
    """Whether `user` changed a field of the record's own form (not one a flow step fills) at any time."""
    return not _form_columns(type(record)).isdisjoint(_edits_of(record.__tablename__, user.id, record.id))


@cache
def _form_columns(model) -> frozenset:
    """The columns of the form's own fields, not those a flow step fills (the same for every record of it)."""
    mapper = sa.inspect(model)
    flow = flow_of(model)
    owned = flow.step_fields() if flow else set()
    columns = set()
    for name in editable_fields(model):
        if name in owned:
            continue
        rel = mapper.relationships.get(name)
        columns.update(c.key for c in rel.local_columns) if rel is not None else columns.add(name)
    return frozenset(columns)


_EDITS_READ_ONCE: ContextVar = ContextVar("edits_read_once", default=None)


@contextmanager
def edits_read_once():
    """Inside, who edited what is read once for all the records a page checks (see checking), not one query per
    record; the page writes nothing meanwhile."""
    token = _EDITS_READ_ONCE.set({"queued": {}, "read": {}})
    try:
        yield
    finally:
        _EDITS_READ_ONCE.reset(token)


def checking(records):
    """Inside edits_read_once: these records are about to be checked, so the first check reads all of theirs."""
    cache = _EDITS_READ_ONCE.get()
    if cache is not None:
        for record in records:
            cache["queued"].setdefault(record.__tablename__, set()).add(record.id)


def _edits_of(table_name, user_id, row_id):
    """The columns one user has changed in one row."""
    cache = _EDITS_READ_ONCE.get()
    if cache is None:
        return _read_edits(table_name, user_id, {row_id})[row_id]
    read = cache["read"]
    if (table_name, user_id, row_id) not in read:
        row_ids = cache["queued"].pop(table_name, set()) | {row_id}
        read.update(((table_name, user_id, found), columns)
                    for found, columns in _read_edits(table_name, user_id, row_ids).items())
    return read[table_name, user_id, row_id]


def _read_edits(table_name, user_id, row_ids):
    """{row id: columns} one user has changed in these rows, off the log's row index: by the rows, not by the
    user's whole history in the table, which grows with every step a manager takes (issue 12)."""
    edits = {row_id: set() for row_id in row_ids}
    for row_id, changes in db.session.execute(sa.select(AuditLog.row_id, AuditLog.changes).where(
            AuditLog.table_name == table_name, AuditLog.row_id.in_(sorted(row_ids)), AuditLog.action == "update",
            AuditLog.user_id == user_id)):
        edits[row_id].update(changes or {})
    return edits


def remove_documents(record):
    """Delete the record's attachments with it (its audit rows stay: they are history)."""
    db.session.execute(sa.delete(Attachment).where(Attachment.table_name == record.__tablename__,
                                                   Attachment.row_id == record.id))


@decision_rule
def four_eyes(record, user):
    """Who changed a request's own fields may not also decide on it."""
    if edited_by(record, user):
        return [text("您修改过该申请的内容,须由他人审批", "You changed this request, so someone else decides it")]
    return []
