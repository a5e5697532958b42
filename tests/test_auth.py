"""Login, logout, sessions, CSRF, and who may reach what."""
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import FORMS, LOOKUPS, User
from app.models.fields import snake
from tests.conftest import login, make_app

FORM_NAMES = sorted(FORMS)
LOOKUP_NAMES = [snake(model.__name__) for model in LOOKUPS]


def test_login_page_is_chinese(app):
    page = app.test_client().get("/login").text
    assert "用户名" in page and "密码" in page and "登录" in page


def test_wrong_password_is_refused_in_chinese(app):
    response = app.test_client().post("/login", data={"username": "clerk", "password": "wrong-password"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.text


def test_passwords_are_hashed(app, ctx):
    user = db.session.scalar(sa.select(User).filter_by(username="clerk"))
    assert "clerk-demo-1" not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_session_cookie_is_httponly_and_samesite(app):
    response = app.test_client().post("/login", data={"username": "clerk", "password": "clerk-demo-1"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logout_ends_the_session(client_for):
    client = client_for("clerk")
    assert client.get("/admin/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/admin/").status_code == 302


def test_only_safe_redirects_after_login(app):
    response = app.test_client().post("/login?next=https://evil.example.com/",
                                      data={"username": "clerk", "password": "clerk-demo-1"})
    assert response.location == "/admin/"


@pytest.mark.parametrize("name", FORM_NAMES + LOOKUP_NAMES + ["user"])
def test_anonymous_visitors_are_sent_to_login(app, name):
    client = app.test_client()
    for url in (f"/admin/{name}/", f"/admin/{name}/new/", f"/admin/{name}/export/csv/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location


def test_anonymous_posts_change_nothing(app, ctx):
    model = FORMS["call_visit_log"]
    before = db.session.scalar(sa.select(sa.func.count(model.id)))
    response = app.test_client().post("/admin/call_visit_log/new/", data={"name": "x"})
    assert response.status_code == 302 and "/login" in response.location
    assert db.session.scalar(sa.select(sa.func.count(model.id))) == before


def test_deactivated_user_cannot_log_in_or_keep_a_session(app):
    client = login(app.test_client(), "clerk2", "clerk-demo-2")
    assert client.get("/admin/").status_code == 200
    set_active(app, "clerk2", False)
    assert client.get("/admin/").status_code == 302
    again = app.test_client().post("/login", data={"username": "clerk2", "password": "clerk-demo-2"})
    assert again.status_code == 200 and "已停用" in again.text
    set_active(app, "clerk2", True)


def set_active(app, username, active):
    with app.app_context():
        db.session.scalar(sa.select(User).filter_by(username=username)).is_active = active
        db.session.commit()


@pytest.mark.parametrize("role", ["clerk", "manager"])
@pytest.mark.parametrize("name", LOOKUP_NAMES + ["user"])
def test_non_administrators_cannot_write_lookups_or_users(app, client_for, name, role):
    client = client_for(role)
    for url in (f"/admin/{name}/new/", f"/admin/{name}/edit/?id=1", f"/admin/{name}/delete/"):
        assert client.post(url, data={"id": "1", "name": "changed", "username": "x"}).status_code == 403
    if name == "user":
        assert client.get("/admin/user/").status_code == 403
    else:
        assert client.get(f"/admin/{name}/").status_code == 200  # everyone may read the lookups


def test_csrf_token_is_required(tmp_path):
    app = make_app(tmp_path / "csrf.sqlite", WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        from app.accounts import create_user

        create_user("clerk", "clerk-demo-1", ["clerk"])
    client = app.test_client()
    refused = client.post("/login", data={"username": "clerk", "password": "clerk-demo-1"})
    assert refused.status_code == 400
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").text).group(1)
    accepted = client.post("/login", data={"username": "clerk", "password": "clerk-demo-1", "csrf_token": token})
    assert accepted.status_code == 302
    assert client.post("/admin/call_visit_log/new/", data={"name": "no token"}).status_code == 400
