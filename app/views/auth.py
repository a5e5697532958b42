"""Log in, log out, and the language switch."""
from urllib.parse import urlparse

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import InputRequired

from ..extensions import db, login_manager
from ..i18n import L, text
from ..models import User
from ..models.types import utcnow

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id):
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


@login_manager.unauthorized_handler
def unauthorized():
    return redirect(url_for("auth.login", next=request.full_path))


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(L("用户名", "Username"), validators=[InputRequired(L("请输入用户名", "Enter a username"))])
    password = PasswordField(L("密码", "Password"), validators=[InputRequired(L("请输入密码", "Enter a password"))])
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
        user = db.session.scalar(db.select(User).filter_by(username=form.username.data.strip()))
        if user is None or not user.check_password(form.password.data) or not user.is_active:
            flash(text("用户名或密码错误,或账号已停用。", "Wrong username or password, or the account is disabled."),
                  "error")
        else:
            login_user(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
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
