"""修改密码: a user changes their own password; their other sessions end."""
from flask import flash, redirect, url_for
from flask_admin import expose
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import EqualTo, InputRequired, ValidationError

from ..extensions import db
from ..i18n import L, text
from ..security.passwords import password_problem
from .base import SecuredView


class PasswordForm(FlaskForm):
    """The current password, then the new one twice."""

    current = PasswordField(L("当前密码", "Current password"),
                            validators=[InputRequired(L("请输入当前密码", "Enter your current password"))])
    new = PasswordField(L("新密码", "New password"),
                        validators=[InputRequired(L("请输入新密码", "Enter a new password"))])
    again = PasswordField(L("再次输入新密码", "New password again"),
                          validators=[EqualTo("new", L("两次输入的新密码不一致", "The new passwords differ"))])

    def validate_current(self, field):
        if not current_user.check_password(field.data):
            raise ValidationError(text("当前密码不正确", "The current password is wrong"))

    def validate_new(self, field):
        problem = password_problem(field.data, current_user.username)
        if problem:
            raise ValidationError(problem)


class PasswordView(SecuredView):
    """Open to every signed-in user; reached from the navigation bar, not the menu."""

    def __init__(self):
        super().__init__(name=L("修改密码", "Change password"), endpoint="password", url="/admin/password")

    def is_visible(self):
        return False

    @expose("/", methods=["GET", "POST"])
    def index(self):
        form = PasswordForm()
        if form.validate_on_submit():
            user = current_user._get_current_object()
            user.set_password(form.new.data)
            db.session.commit()  # the account hook has rotated the session token: every old cookie is void
            login_user(user)  # this session goes on under the new token
            flash(text("密码已修改,其他设备上的登录已退出。", "Password changed; other sessions were signed out."),
                  "success")
            return redirect(url_for("admin.index"))
        return self.render("admin/password.html", form=form)
