"""A record's history: its creation, every field change with old and new values, every decision."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..i18n import text
from ..models import AuditLog, User
from ..models.workflow import TransitionLog
from ..privacy import masked, masker
from ..workflow import flow_of
from .base import local_time
from .declared import field_info


@dataclass
class Event:
    at: datetime
    who: str
    what: str
    details: list
    comment: str = ""


def timeline(view, record):
    """Events of one record, oldest first, labelled as its view labels its fields."""
    table, events = record.__tablename__, []
    audits = db.session.scalars(sa.select(AuditLog).filter_by(table_name=table, row_id=record.id)).all()
    decisions = db.session.scalars(sa.select(TransitionLog).filter_by(table_name=table, row_id=record.id)).all()
    ids = {row.user_id for row in audits + decisions} | {record.created_by_id}  # only this record's people
    names = {u.id: str(u) for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
    # a change with no one signed in was made by the system itself (the demo loader, an import, a command)
    system = text("系统", "System")
    for row in audits:
        if row.action == "create":
            who = names.get(row.user_id) or names.get(record.created_by_id) or system
            events.append(Event(row.at, who, text("创建记录", "Created"), []))
        elif row.action == "update":
            changes = [(str(view.column_labels.get(_field(key), key)), _shown(view, key, old), _shown(view, key, new))
                       for key, (old, new) in row.changes.items()]
            events.append(Event(row.at, names.get(row.user_id, system), text("修改", "Changed"), changes))
    flow = flow_of(type(record))
    for row in decisions:
        transition = flow.transition(row.action) if flow else None
        label = text(*transition.label) if transition else row.action
        states = flow.states if flow else None
        events.append(Event(row.at, names.get(row.user_id, system), label,
                             [(text("状态", "State"), _state(states, row.from_state), _state(states, row.to_state))],
                             row.comment))
    return sorted(events, key=lambda event: event.at)


def _field(key):
    return key[:-3] if key.endswith("_id") else key


def _state(states, code):
    return states.label(code) if states is not None else code


def _shown(view, key, value):
    """A stored value as people read it: choice labels, referenced rows by name."""
    if value is None or value == "":
        return "—"
    if masker(view.model, key):
        return masked(view.model, key, value)  # a history must not show what the page masks
    choices = dict(view.column_choices or {}).get(key)
    if choices:
        return str(dict(choices).get(value, value))
    name = _field(key)
    rel = sa.inspect(view.model).relationships.get(name)
    if rel is not None and key.endswith("_id"):
        target = db.session.get(rel.mapper.class_, value)
        return str(target) if target is not None else f"#{value}"
    if isinstance(value, bool):
        return text("是", "Yes") if value else text("否", "No")
    kind = field_info(view.model, key).get("kind") if key in view.model.__table__.columns else None
    if kind == "datetime" and isinstance(value, str):  # the audit log keeps times as ISO text in UTC
        return local_time(datetime.fromisoformat(value))
    return str(value)
