"""Session hooks: stamp who changed a row, issue serial numbers, write the audit log."""
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .base import LOCAL_TZ, Audited, AuditLog, FormRecord, LineItem, SerialCounter
from .types import utcnow


def _acting_user_id():
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id
    return None


def next_serial(session, record) -> str:
    """Take the next number of this estate, form and year; the row lock serialises writers."""
    form = record.__form__
    now = (record.created_at or utcnow()).astimezone(LOCAL_TZ)
    project_id = record.project_id or record.project.id  # the key column is filled only during the flush
    key = dict(project_id=project_id, form_code=form.code, year=now.year)
    table = SerialCounter.__table__
    where = sa.and_(*(table.c[k] == val for k, val in key.items()))
    bump = table.update().where(where).values(last_value=table.c.last_value + 1)
    if session.execute(bump).rowcount == 0:
        session.execute(_insert_ignore(session, table, key))
        session.execute(bump)
    value = session.execute(sa.select(table.c.last_value).where(where)).scalar_one()
    return f"KF06{form.sort_key:02d}-{now:%Y%m}-{value:04d}"


def _insert_ignore(session, table, key):
    """INSERT that leaves an existing counter alone (another writer may have just made it)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return insert(table).values(**key, last_value=0).on_conflict_do_nothing()


def _jsonable(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "id") and hasattr(value, "__table__"):
        return value.id
    return value


def _changes(obj):
    """Old and new values of the columns that changed in this flush."""
    out = {}
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        if attr.key in ("updated_at", "updated_by_id"):
            continue
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old != new:
                out[attr.key] = [_jsonable(old), _jsonable(new)]
    return out


@event.listens_for(Session, "before_flush")
def stamp_and_number(session, flush_context, instances):
    user_id = _acting_user_id()
    changed = list(session.new) + list(session.dirty)
    # a form whose line items alone changed still recomputes its totals
    parents = [obj.parent for obj in changed + list(session.deleted)
               if isinstance(obj, LineItem) and getattr(obj, "parent", None) is not None]
    for obj in dict.fromkeys(changed + parents):
        if hasattr(obj, "before_save"):  # derived columns: a unit's full room number, a sheet's totals
            obj.before_save()
    for obj in session.new:
        if isinstance(obj, Audited):
            obj.created_at = obj.created_at or utcnow()
            obj.created_by_id = obj.created_by_id or user_id
            obj.updated_by_id = obj.updated_by_id or user_id
        if isinstance(obj, FormRecord) and not obj.serial_no and (obj.project_id or obj.project):
            obj.serial_no = next_serial(session, obj)
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj):
            obj.updated_by_id = user_id or obj.updated_by_id


@event.listens_for(Session, "after_flush")
def write_audit_log(session, flush_context):
    user_id, now, rows = _acting_user_id(), utcnow(), []
    for action, objs in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            if not isinstance(obj, (Audited, LineItem)):
                continue
            changes = _changes(obj) if action != "delete" else {}
            if action == "update" and not changes:
                continue
            rows.append(dict(table_name=obj.__tablename__, row_id=obj.id, action=action,
                             changes=changes, user_id=user_id, at=now))
    if rows:
        session.connection().execute(sa.insert(AuditLog.__table__), rows)
