"""Accounts, kept by administrators: create, deactivate, re-role, reset passwords (each logged, and each but a
rename ends the account's sessions: app/security/accounts.py)."""
from flask_admin.contrib.sqla import ModelView
from wtforms import PasswordField
from wtforms.validators import StopValidation, ValidationError

from ..extensions import db
from ..i18n import L, text
from ..models import User
from ..security.passwords import password_problem
from .base import SHOWN_TYPES, Secured, _format_bool_text


def given(form, field):
    """A new account needs a first password (messages are plain text so Flask-Admin shows them)."""
    if not field.data:
        raise StopValidation(text("请设置初始密码", "Set an initial password"))


def strong_enough(form, field):
    """No common password, none containing the username, none of digits only (app/security/passwords.py)."""
    username = form.username.data if "username" in form else ""
    problem = field.data and password_problem(field.data, username or "")
    if problem:
        raise ValidationError(problem)


LANGUAGE_NAMES = [("zh_Hans_CN", "中文"), ("en", "English")]


class UserView(Secured, ModelView):
    """Only administrators reach any page of it; accounts are deactivated, never deleted."""

    roles = ("admin",)
    # local time to the minute, yes/no in words
    column_type_formatters = {**ModelView.column_type_formatters, **SHOWN_TYPES, bool: _format_bool_text}
    column_type_formatters_detail = column_type_formatters_export = column_type_formatters
    column_formatters = {"locale": lambda view, context, model, name: dict(LANGUAGE_NAMES).get(model.locale, "")}
    can_delete = False
    can_view_details = True
    column_list = ("username", "display_name", "roles", "projects", "all_projects", "is_active", "locale",
                   "last_login_at")
    column_searchable_list = ("username", "display_name")
    column_filters = ("is_active",)
    form_columns = ("username", "display_name", "roles", "projects", "all_projects", "staff", "is_active", "locale",
                    "new_password")
    column_details_exclude_list = ("password_hash", "session_token")
    column_export_exclude_list = ("password_hash", "session_token")
    form_ajax_refs = {"staff": {"fields": ("name", "employee_no"), "page_size": 10}}
    form_choices = {"locale": LANGUAGE_NAMES}
    column_labels = {
        "username": L("用户名", "Username"), "display_name": L("姓名", "Name"), "roles": L("角色", "Roles"),
        "staff": L("员工档案", "Staff record"), "is_active": L("启用", "Active"), "locale": L("界面语言", "Language"),
        "last_login_at": L("上次登录", "Last login"), "created_at": L("创建时间", "Created at"),
        "new_password": L("新密码", "New password"), "projects": L("所属项目", "Estates"),
        "all_projects": L("公司级(可见全部项目)", "Company-wide (every estate)"),
    }
    form_extra_fields = {"new_password": PasswordField(L("新密码", "New password"), validators=[strong_enough])}
    column_descriptions = {"new_password": L(
        "新建账号时必填;编辑时留空则不修改密码。至少8位,不能是常见密码、不能包含用户名或全是数字;修改后该账号的登录全部退出",
        "Required for a new account; leave blank to keep the password. At least 8 characters, not a common password, "
        "not containing the username, not only digits; changing it signs the account out everywhere"),
                           "projects": L("用户只能看到和登记这些项目的记录", "The user sees and records only these estates"),
                           "all_projects": L("勾选后可见全部项目(系统管理员总是可见全部)",
                                             "Sees every estate (administrators always do)")}

    def __init__(self):
        super().__init__(User, db, name=L("用户与角色", "Users & roles"), endpoint="user",
                         category=L("系统管理", "Admin"))

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.new_password.validators = [given, strong_enough]
        return form

    def on_model_change(self, form, model, is_created):
        if form.new_password.data:
            model.set_password(form.new_password.data)
