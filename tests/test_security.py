"""Sessions that end, a login throttle that tells nothing, strong passwords, the security log and the headers."""
import itertools
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.accounts import create_user
from app.extensions import db
from app.models import Role, User
from app.models.security import SecurityEvent
from app.models.types import clock_at
from app.security import login as login_module
from app.security.passwords import password_problem
from tests.conftest import PASSWORDS, login, make_app

NOON = datetime(2026, 5, 6, 4, 0, tzinfo=timezone.utc)
NUMBERS = itertools.count(1)


@pytest.fixture
def new_user(app):
    """A fresh clerk account per test, so one test's lock-out or new password never leaks into the next."""
    def make(username=None, password="Quiet-Harbour-72"):
        with app.app_context():
            name = username or f"temp{next(NUMBERS)}"
            create_user(name, password, ["clerk"])
            db.session.remove()
        return name, password
    return make


def user_row(app, username):
    with app.app_context():
        user = db.session.scalar(sa.select(User).filter_by(username=username))
        db.session.expunge(user)
        return user


def events(app, username, kind=None):
    with app.app_context():
        query = sa.select(SecurityEvent).filter_by(username=username).order_by(SecurityEvent.id)
        rows = db.session.scalars(query.filter_by(kind=kind) if kind else query).all()
        return [(row.kind, row.actor_id, row.details, row.address) for row in rows]


def post_login(client, username, password, remember=False, address="10.0.0.1"):
    data = {"username": username, "password": password, **({"remember": "y"} if remember else {})}
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address})


def admin_edits(app, username, **changes):
    """Save the account through the administrator's edit page, changing only what is given."""
    user = user_row(app, username)
    with app.app_context():
        row = db.session.get(User, user.id)
        roles, projects = [str(role.id) for role in row.roles], [str(project.id) for project in row.projects]
        staff = str(row.staff_id or "__None")
    data = {"username": user.username, "display_name": user.display_name, "roles": roles, "projects": projects,
            "staff": staff, **({"all_projects": "y"} if user.all_projects else {}),
            "is_active": "y" if user.is_active else "", "locale": user.locale or "zh_Hans_CN", "new_password": ""}
    data.update(changes)
    if not data["is_active"]:
        del data["is_active"]
    response = login(app.test_client(), "admin").post(f"/admin/user/edit/?id={user.id}", data=data)
    assert response.status_code == 302, response.text[:2000]


# -- sessions -------------------------------------------------------------------------------------------------
def test_logout_ends_the_session_on_the_server(app, new_user):
    username, password = new_user()
    client = app.test_client()
    assert post_login(client, username, password).status_code == 302
    stolen = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/admin/").status_code == 302  # a copy of the old cookie opens nothing


@pytest.mark.parametrize("change", ["password", "roles", "deactivate"])
def test_a_reset_role_change_or_deactivation_ends_every_session(app, new_user, change):
    username, password = new_user()
    browser, phone = app.test_client(), app.test_client()
    post_login(browser, username, password)
    post_login(phone, username, password, remember=True)
    remembered = app.test_client()
    remembered.set_cookie("remember_token", phone.get_cookie("remember_token").value)
    for client in (browser, phone, remembered):
        assert client.get("/admin/").status_code == 200
    with app.app_context():
        manager_id = str(db.session.scalar(sa.select(Role.id).filter_by(code="manager")))
    admin_edits(app, username, **{"password": {"new_password": "Another-Harbour-73"},
                                  "roles": {"roles": [manager_id]},
                                  "deactivate": {"is_active": ""}}[change])
    for client in (browser, phone, remembered):
        assert client.get("/admin/").status_code == 302


def test_renaming_an_account_keeps_its_sessions(app, new_user):
    username, password = new_user()
    client = app.test_client()
    post_login(client, username, password)
    admin_edits(app, username, display_name="陈小姐")
    assert client.get("/admin/").status_code == 200


def test_remember_me_lasts_a_week_and_carries_the_session_token(app, new_user):
    username, password = new_user()
    client = app.test_client()
    post_login(client, username, password, remember=True)
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=7)
    token = client.get_cookie("remember_token").value
    assert user_row(app, username).session_token in token.split("|")[0]
    fresh = app.test_client()
    fresh.set_cookie("remember_token", token)
    assert fresh.get("/admin/").status_code == 200
    client.post("/logout")
    gone = app.test_client()
    gone.set_cookie("remember_token", token)
    assert gone.get("/admin/").status_code == 302


def test_cookies_are_secure_when_configured_and_https_comes_through_the_proxy(tmp_path, demo_database):
    path = tmp_path / "desk.sqlite"
    shutil.copyfile(demo_database, path)
    app = make_app(path, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, PROXY_FIX_HOPS=1)
    client = app.test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    response = client.post("/login", data={"username": "clerk", "password": PASSWORDS["clerk"], "remember": "y"},
                           headers=headers)
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 2 and all("Secure" in cookie and "HttpOnly" in cookie for cookie in cookies)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert events(app, "clerk", "login")[-1][3] == "203.0.113.9"  # the client's address, not the proxy's
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers  # plain http


# -- throttling -----------------------------------------------------------------------------------------------
def test_five_wrong_passwords_lock_the_account_until_the_window_passes(app, new_user):
    username, password = new_user()
    client = app.test_client()
    with clock_at(NOON):
        for _ in range(5):
            assert "用户名或密码错误" in post_login(client, username, "wrong-guess").text
        refused = post_login(client, username, password)
        assert refused.status_code == 200 and "登录失败次数过多,请15分钟后再试" in refused.text
    with clock_at(NOON + timedelta(minutes=16)):
        assert post_login(client, username, password).status_code == 302
    kinds = [kind for kind, *_ in events(app, username)]
    assert kinds[-7:] == ["login_failed"] * 5 + ["locked_out", "login"]


def test_a_sign_in_clears_the_account_count_but_not_the_address_count(app, new_user):
    username, password = new_user()
    with clock_at(NOON + timedelta(hours=1)):
        for _ in range(2):
            for _ in range(4):
                post_login(app.test_client(), username, "wrong-guess", address="10.0.1.1")
            assert post_login(app.test_client(), username, password, address="10.0.1.1").status_code == 302


def test_many_failures_from_one_address_lock_that_address_only(app, new_user):
    username, password = new_user()
    with clock_at(NOON + timedelta(hours=2)):
        for number in range(20):  # 20 different names, none reaching its own limit
            post_login(app.test_client(), f"guess{number}", "wrong-guess", address="10.0.2.2")
        assert "登录失败次数过多" in post_login(app.test_client(), username, password, address="10.0.2.2").text
        assert post_login(app.test_client(), username, password, address="10.0.2.3").status_code == 302


def answer(response, username):
    """The page without what differs by design: the echoed username and the CSRF token."""
    return response.status_code, re.sub(r'value="[^"]*"', "", response.text.replace(username, "?"))


def test_an_unknown_user_is_answered_like_a_known_one(app, new_user, monkeypatch):
    username, _ = new_user()
    checked = []
    real_check = login_module.check_password_hash
    monkeypatch.setattr(login_module, "check_password_hash", lambda hashed, pw: checked.append(hashed) or
                        real_check(hashed, pw))
    with clock_at(NOON + timedelta(hours=3)):
        known = post_login(app.test_client(), username, "wrong-guess", address="10.0.3.1")
        unknown = post_login(app.test_client(), "nobody-here", "wrong-guess", address="10.0.3.2")
        assert answer(known, username) == answer(unknown, "nobody-here")
        with app.app_context():
            assert len(checked) == 2 and checked[1] == login_module.dummy_hash()  # the same hashing work both ways
        assert checked[0].split("$")[0] == checked[1].split("$")[0]  # same method and cost
        for _ in range(5):
            post_login(app.test_client(), "nobody-here", "wrong-guess", address="10.0.3.2")
            post_login(app.test_client(), username, "wrong-guess", address="10.0.3.1")
        locked_known = post_login(app.test_client(), username, "wrong-guess", address="10.0.3.1")
        locked_unknown = post_login(app.test_client(), "nobody-here", "wrong-guess", address="10.0.3.2")
        assert answer(locked_known, username) == answer(locked_unknown, "nobody-here") and "登录失败次数过多" in locked_known.text


# -- passwords ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("password, username, message", [
    ("12345678", "chen", "密码不能全是数字"),
    ("short7!", "chen", "密码至少8位"),
    ("chen-harbour", "chen", "密码不能包含用户名"),
    ("password1", "chen", "这是常见密码"),
    ("qwertyuiop", "chen", "这是常见密码"),
    ("abababababab", "chen", "少数几个字符"),
    ("abcdefgh1", "chen", "太容易被猜到"),
    ("Quiet-Harbour-72", "chen", None),
    ("物业客服部2026年", "chen", None),
])
def test_password_rules(app, password, username, message):
    with app.test_request_context():
        problem = password_problem(password, username)
    assert (problem is None) if message is None else (message in problem)


def test_the_user_page_refuses_a_weak_password_in_chinese_and_saves_nothing(app, client_for):
    admin = client_for("admin")
    with app.app_context():
        clerk_id = str(db.session.scalar(sa.select(Role.id).filter_by(code="clerk")))
    data = {"username": "wang", "display_name": "王", "roles": [clerk_id], "is_active": "y", "locale": "zh_Hans_CN"}
    for weak, message in (("12345678", "密码不能全是数字"), ("wang12345", "密码不能包含用户名")):
        response = admin.post("/admin/user/new/", data={**data, "new_password": weak})
        assert response.status_code == 200 and message in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(User).filter_by(username="wang")) is None
    assert admin.post("/admin/user/new/", data={**data, "new_password": "Quiet-Harbour-72"}).status_code == 302


def test_create_user_command_refuses_a_weak_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "zhao", "--role", "clerk", "--password", "password1"])
    assert result.exit_code != 0 and "常见密码" in result.output
    result = runner.invoke(args=["create-user", "zhao", "--role", "clerk", "--password", "Quiet-Harbour-72"])
    assert result.exit_code == 0, result.output


def test_changing_ones_own_password_ends_the_other_sessions(app, new_user):
    username, password = new_user()
    here, elsewhere = app.test_client(), app.test_client()
    post_login(here, username, password)
    post_login(elsewhere, username, password)
    page = here.get("/admin/password/")
    assert page.status_code == 200 and "修改密码" in page.text
    wrong = here.post("/admin/password/", data={"current": "nope", "new": "Quiet-Lantern-88", "again": "Quiet-Lantern-88"})
    assert "当前密码不正确" in wrong.text
    weak = here.post("/admin/password/", data={"current": password, "new": "11112222", "again": "11112222"})
    assert "密码不能全是数字" in weak.text
    differ = here.post("/admin/password/", data={"current": password, "new": "Quiet-Lantern-88", "again": "x"})
    assert "两次输入的新密码不一致" in differ.text
    assert elsewhere.get("/admin/").status_code == 200  # nothing changed yet
    done = here.post("/admin/password/", data={"current": password, "new": "Quiet-Lantern-88", "again": "Quiet-Lantern-88"})
    assert done.status_code == 302
    assert here.get("/admin/").status_code == 200
    assert elsewhere.get("/admin/").status_code == 302
    assert post_login(app.test_client(), username, "Quiet-Lantern-88").status_code == 302
    assert events(app, username, "password_changed")[-1][2] == {"password": ["…", "…"]}


# -- the security log -----------------------------------------------------------------------------------------
def test_account_changes_are_logged_with_who_and_what(app, new_user):
    username, _ = new_user()
    with app.app_context():
        manager_id = str(db.session.scalar(sa.select(Role.id).filter_by(code="manager")))
        admin_id = db.session.scalar(sa.select(User.id).filter_by(username="admin"))
    admin_edits(app, username, roles=[manager_id], display_name="新名字")
    kind, actor, details, _ = events(app, username, "user_changed")[-1]
    assert kind == "user_changed" and actor == admin_id
    assert details["roles"] == [["客服专员"], ["客服主管"]] and details["display_name"][1] == "新名字"
    page = login(app.test_client(), "admin").get("/admin/security_event/").text
    assert "角色: 客服专员 → 客服主管" in page and "姓名: " in page
    assert events(app, username, "user_created")


def test_only_an_administrator_reads_the_security_log_and_nobody_changes_it(app, client_for):
    admin = client_for("admin")
    page = admin.get("/admin/security_event/")
    assert page.status_code == 200 and "安全日志" in page.text and "登录" in page.text
    assert client_for("manager").get("/admin/security_event/").status_code == 403
    with app.app_context():
        first = db.session.scalar(sa.select(sa.func.min(SecurityEvent.id)))
        count = db.session.scalar(sa.select(sa.func.count(SecurityEvent.id)))
    for url in ("/admin/security_event/new/", f"/admin/security_event/edit/?id={first}", "/admin/security_event/delete/"):
        admin.post(url, data={"id": first, "kind": "login", "username": "x"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SecurityEvent.id))) == count
        assert db.session.get(SecurityEvent, first).username != "x"


# -- headers --------------------------------------------------------------------------------------------------
def test_pages_carry_the_security_headers_and_every_script_its_nonce(client_for):
    clerk = client_for("clerk")
    for url in ("/admin/", "/admin/call_visit_log/", "/admin/call_visit_log/new/", "/admin/call_visit_log/export/csv/"):
        response = clerk.get(url)
        assert response.status_code == 200, url
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "unsafe-inline" not in csp.split(
            "style-src")[0]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store"
        nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
        scripts = re.findall(r"<script\b[^>]*>", response.text)
        assert all(f'nonce="{nonce}"' in tag for tag in scripts), url
        assert not re.search(r"\son(click|submit|change|load)=", response.text), url


def test_bundled_static_files_may_be_cached(app):
    response = app.test_client().get("/admin/static/vendor/jquery.min.js")
    assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_login_page_has_no_inline_script_and_is_not_cached(app):
    response = app.test_client().get("/login")
    assert "<script" not in response.text and response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_gunicorn_with_our_settings_sends_no_server_banner(tmp_path, demo_database):
    """The production server, started as the README says, answers without naming itself."""
    root = Path(__file__).resolve().parent.parent
    shutil.copyfile(demo_database, tmp_path / "desk.sqlite")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "test-secret", "DATABASE_URL": f"sqlite:///{tmp_path / 'desk.sqlite'}"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                              cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):  # waits for the server to listen, not for time to pass
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        assert response.status == 200 and "Server" not in response.headers
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.postgres
def test_on_postgresql_the_throttle_counts_and_a_reset_ends_sessions(postgres_app):
    """The two things kept in the database for every worker to see, on the company's database."""
    with clock_at(NOON):
        for _ in range(5):
            post_login(postgres_app.test_client(), "clerk2", "wrong-guess")
        assert "登录失败次数过多" in post_login(postgres_app.test_client(), "clerk2", PASSWORDS["clerk2"]).text
    client = postgres_app.test_client()
    assert post_login(client, "clerk", PASSWORDS["clerk"]).status_code == 302
    assert client.get("/admin/").status_code == 200
    admin_edits(postgres_app, "clerk", new_password="Another-Harbour-73")
    assert client.get("/admin/").status_code == 302
    assert [kind for kind, *_ in events(postgres_app, "clerk")][-2:] == ["login", "password_changed"]
