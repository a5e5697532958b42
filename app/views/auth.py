"""Log in, log out, and the language switch."""
import secrets
from urllib.parse import urlparse

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import orm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import InputRequired

from ..extensions import db, login_manager
from ..i18n import L, text
from ..models import User
from ..security.login import authenticate, record
from ..validators import Plain

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id):
    """The user of a session or remember cookie whose token is still the account's current one."""
    user_id, _, token = session_id.partition(":")
    # one statement for the user, roles and estates, read on every request (issue 12: three made a list page's floor)
    signed_in = (orm.joinedload(User.roles), orm.joinedload(User.projects))
    user = db.session.get(User, int(user_id), options=signed_in) if user_id.isdigit() and token else None
    if user is None or not user.is_active or not secrets.compare_digest(token, user.session_token):
        return None
    return user


@login_manager.unauthorized_handler
def unauthorized():
    return redirect(url_for("auth.login", next=request.full_path))


class LoginForm(FlaskForm):
    """Username and password."""

    # control characters are refused at the field: they would reach the security log (and PostgreSQL refuses a NUL)
    username = StringField(L("用户名", "Username"), validators=[InputRequired(L("请输入用户名", "Enter a username")),
                                                               Plain(60)])
    password = PasswordField(L("密码", "Password"), validators=[InputRequired(L("请输入密码", "Enter a password")),
                                                               Plain(200)])
    remember = BooleanField(L("在此电脑上保持登录", "Keep me signed in on this computer"))


def _safe_next(target):
    """Only follow redirects within this site."""
    if not target:
        return url_for("admin.index")
    parsed = urlparse(target)
    return target if not parsed.netloc and not parsed.scheme and target.startswith("/") else url_for("admin.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user, refusal = authenticate(form.username.data, form.password.data)
        db.session.commit()  # a failure too: it is what the throttle counts
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(refusal, "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """End this session on the server too: the old cookies, copied or not, stop working."""
    current_user.end_sessions()
    record("logout", current_user.username, user=current_user, actor=current_user)
    db.session.commit()
    logout_user()
    flash(text("您已退出登录。", "You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/locale/<code>")
def set_locale(code):
    """Switch the interface language; a logged-in user keeps the choice."""
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(_safe_next(request.args.get("next") or request.referrer and urlparse(request.referrer).path))
