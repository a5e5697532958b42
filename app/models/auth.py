"""Accounts and roles: a user may hold several roles."""
import secrets

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..i18n import Choices
from .types import UTCDateTime, utcnow

ROLES = Choices(clerk=("客服专员", "Clerk"), manager=("客服主管", "Manager"), admin=("系统管理员", "Administrator"))

user_roles = sa.Table(
    "user_roles", db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role_id", sa.ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
)

# the estates a user works in (app/scoping.py narrows every query to them)
user_projects = sa.Table(
    "user_projects", db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
)


class Role(db.Model):
    """A named set of permissions; the flows of later issues name finer roles here."""

    __tablename__ = "roles"
    id = sa.Column(sa.Integer, primary_key=True)
    code = sa.Column(sa.String(32), unique=True, nullable=False, info=dict(label="代码"))
    name = sa.Column(sa.String(60), nullable=False, info=dict(label="名称"))

    def __str__(self):
        return ROLES.label(self.code) if self.code in ROLES else self.name


class User(UserMixin, db.Model):
    """A person who logs in; optionally the staff member they are."""

    __tablename__ = "users"
    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(60), unique=True, nullable=False, info=dict(label="用户名", en="Username"))
    display_name = sa.Column(sa.String(60), nullable=False, default="", info=dict(label="姓名", en="Name"))
    password_hash = sa.Column(sa.String(256), nullable=False)
    is_active = sa.Column(sa.Boolean, nullable=False, default=True, info=dict(label="启用", en="Active"))
    locale = sa.Column(sa.String(16), nullable=True, info=dict(label="界面语言", en="Language"))
    # use_alter: staff rows point back at users (created_by), so this key is added after both tables exist
    staff_id = sa.Column(sa.Integer, sa.ForeignKey("staff_members.id", use_alter=True), nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, info=dict(label="创建时间"))
    last_login_at = sa.Column(UTCDateTime, nullable=True, info=dict(label="上次登录", en="Last login"))
    # every session and remember cookie carries this token; a new one ends them all, on every app server
    session_token = sa.Column(sa.String(32), nullable=False, default=lambda: secrets.token_hex(16))
    roles = relationship(Role, secondary=user_roles, info=dict(label="角色", en="Roles"))
    all_projects = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false(),
                             info=dict(label="公司级(可见全部项目)", en="Company-wide (every estate)"))
    projects = relationship("Project", secondary=user_projects, order_by="Project.id",
                            info=dict(label="所属项目", en="Estates"))
    staff = relationship("StaffMember", foreign_keys=[staff_id], info=dict(label="员工档案", en="Staff record"))

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Invalidate every session and remember cookie of this user."""
        self.session_token = secrets.token_hex(16)

    def has_role(self, *codes: str) -> bool:
        return any(role.code in codes for role in self.roles)

    @property
    def role_codes(self):
        return {role.code for role in self.roles}

    def __str__(self):
        return self.display_name or self.username
