"""Signing in: the password check, the throttle per account and per address, and the log of both.

Failed attempts are rows of the security log, so every app server counts the same ones. An unknown username
costs the same hash as a known one and gets the same answer, so nobody learns which accounts exist.
"""
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, request
from werkzeug.security import check_password_hash

from ..extensions import db
from ..i18n import text
from ..models import User
from ..models.security import SecurityEvent
from ..models.types import utcnow


def dummy_hash() -> str:
    """A hash to check unknown usernames against, made the way this app makes real ones (once per app)."""
    if "dummy_password_hash" not in current_app.extensions:
        stand_in = User()
        stand_in.set_password(secrets.token_hex(16))
        current_app.extensions["dummy_password_hash"] = stand_in.password_hash
    return current_app.extensions["dummy_password_hash"]


def client_address() -> str:
    """The caller's address (behind a proxy, ProxyFix has put the client's address here)."""
    return (request.remote_addr or "")[:64]


def record(kind: str, username=None, user=None, actor=None, **details) -> None:
    """Add a line to the security log (the caller commits)."""
    db.session.add(SecurityEvent(at=utcnow(), kind=kind, username=username, address=client_address(),
                                 user_id=user and user.id, actor_id=actor and actor.id, details=details))


def _failures(since, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count(SecurityEvent.id)).where(
        SecurityEvent.kind == "login_failed", SecurityEvent.at >= since, *where))


def is_throttled(username: str, address: str) -> bool:
    """Too many failures within the window, for this username (since its last sign-in) or from this address."""
    config = current_app.config
    since = utcnow() - timedelta(minutes=config["LOGIN_THROTTLE_MINUTES"])
    last_login = db.session.scalar(sa.select(sa.func.max(SecurityEvent.id)).where(
        SecurityEvent.kind == "login", SecurityEvent.username == username)) or 0
    return (_failures(since, SecurityEvent.username == username, SecurityEvent.id > last_login)
            >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
            or _failures(since, SecurityEvent.address == address) >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"])


def authenticate(username: str, password: str):
    """Return (user, None) when the sign-in may go ahead, else (None, the message to show); logs either way
    (the caller commits, also on a refusal: the failure is what the throttle counts)."""
    username = username.strip()[:60]
    if is_throttled(username, client_address()):
        record("locked_out", username)
        minutes = current_app.config["LOGIN_THROTTLE_MINUTES"]
        return None, text(f"登录失败次数过多,请{minutes}分钟后再试。",
                          f"Too many failed sign-ins; try again in {minutes} minutes.")
    user = db.session.scalar(sa.select(User).filter_by(username=username))
    password_ok = check_password_hash(user.password_hash if user else dummy_hash(), password)
    if user is None or not password_ok or not user.is_active:
        record("login_failed", username, user=user)
        return None, text("用户名或密码错误,或账号已停用。", "Wrong username or password, or the account is disabled.")
    user.last_login_at = utcnow()
    record("login", username, user=user, actor=user)
    return user, None
