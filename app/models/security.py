"""The security log: sign-ins, failed sign-ins, lock-outs, sign-outs and changes to accounts."""
import sqlalchemy as sa
from sqlalchemy.orm import relationship

from ..extensions import db
from ..i18n import Choices
from .types import UTCDateTime, utcnow

EVENT_KINDS = Choices(
    login=("登录", "Signed in"), login_failed=("登录失败", "Failed sign-in"), locked_out=("登录被限制", "Locked out"),
    logout=("退出", "Signed out"), user_created=("新建账号", "Account created"),
    user_changed=("修改账号", "Account changed"), password_changed=("修改密码", "Password changed"),
)


class SecurityEvent(db.Model):
    """One append-only line of the security log; failed sign-ins here are also what the login throttle counts."""

    __tablename__ = "security_events"
    id = sa.Column(sa.Integer, primary_key=True)
    at = sa.Column(UTCDateTime, nullable=False, default=utcnow, info=dict(label="时间", en="Time"))
    kind = sa.Column(sa.String(32), nullable=False, info=dict(label="事件", en="Event"))
    username = sa.Column(sa.String(60), nullable=True, info=dict(label="用户名", en="Username"))
    address = sa.Column(sa.String(64), nullable=True, info=dict(label="IP地址", en="IP address"))
    actor_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)
    details = sa.Column(sa.JSON, nullable=False, default=dict, info=dict(label="内容", en="Details"))
    actor = relationship("User", foreign_keys=[actor_id], info=dict(label="操作人", en="By"))
    user = relationship("User", foreign_keys=[user_id], info=dict(label="账号", en="Account"))
    # ids never come back after a delete: the log is evidence
    __table_args__ = (sa.Index("ix_security_events_username_at", "username", "at"),
                      sa.Index("ix_security_events_address_at", "address", "at"),
                      {"sqlite_autoincrement": True})
