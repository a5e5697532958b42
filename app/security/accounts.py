"""Changes to accounts, wherever they are made (admin page, command line, own password page): each one is logged,
and a new password, a deactivation or a change of roles or estates ends every session of that account."""
import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..models import User
from ..models.security import SecurityEvent
from ..models.types import utcnow
from .login import client_address

UNLOGGED = {"session_token", "last_login_at", "password_hash", "locale"}  # locale: the user's own language switch
ENDS_SESSIONS = {"password", "is_active"}  # and every collection (roles, estates): sessions end with old rights


def _shown(value):
    if isinstance(value, (list, tuple, set)):
        return sorted(str(item) for item in value)
    return value if value is None or isinstance(value, (bool, int, float)) else str(value)


def account_changes(user) -> dict:
    """{field: [old, new]} of this flush, roles and other collections by their members; a password only as such."""
    state, changes = sa.inspect(user), {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        if attr.key == "password_hash":
            changes["password"] = ["…", "…"]  # never the hash itself
        elif attr.key not in UNLOGGED and attr.key not in [col.key for col in state.mapper.primary_key]:
            old, new = (history.deleted or [None])[0], (history.added or [None])[0]
            if old != new:
                changes[attr.key] = [_shown(old), _shown(new)]
    for rel in state.mapper.relationships:
        history = state.attrs[rel.key].history
        if rel.uselist and (history.added or history.deleted):
            changes[rel.key] = [_shown([*history.unchanged, *history.deleted]),
                                _shown([*history.unchanged, *history.added])]
    return changes


def _actor_id():
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id
    return None


def _address():
    return client_address() if has_request_context() else None


@event.listens_for(Session, "before_flush")
def log_account_changes(session, flush_context, instances):
    """Log new and changed accounts; rotate the session token where the change takes rights away."""
    actor_id, now = _actor_id(), utcnow()
    for user in [obj for obj in session.new if isinstance(obj, User)]:
        session.add(SecurityEvent(at=now, kind="user_created", user=user, actor_id=actor_id, address=_address(),
                                  username=user.username, details=dict(roles=[[], _shown(user.roles)])))
    for user in [obj for obj in session.dirty if isinstance(obj, User) and session.is_modified(obj)]:
        changes = account_changes(user)
        if not changes:
            continue
        collections = {rel.key for rel in sa.inspect(User).relationships if rel.uselist}
        if (ENDS_SESSIONS | collections) & set(changes):
            user.end_sessions()
        kind = "password_changed" if set(changes) == {"password"} else "user_changed"
        session.add(SecurityEvent(at=now, kind=kind, user=user, actor_id=actor_id, address=_address(),
                                  username=user.username, details=changes))
