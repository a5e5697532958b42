"""Fixtures: a migrated demo database built once and copied for each test module; clients logged in per role.

The clock is frozen for the whole run at NOW (tests move it with `clock_at`, never read the wall clock), and
passwords are hashed cheaply: hashing is a setting, and scrypt is a third of a suite that logs in often.
"""
import os
import random
import shutil
import threading
import uuid
from contextlib import contextmanager
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask_login import login_user
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app, domains  # noqa: F401  (every form registered before any test reads the mappers)
from app.demo import load_demo
from app.demo.generator import within_estate
from app.extensions import db
from app.models import User
from app.scoping import scoped
from app.core.time import LOCAL_TZ, Clock

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORDS = {"admin": "admin-demo-1", "manager": "manager-demo-1", "clerk": "clerk-demo-1", "clerk2": "clerk-demo-2",
             "clerk3": "clerk-demo-3"}
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=LOCAL_TZ)  # a Wednesday morning at the desk: "now" for every test
TEST_CONFIG = {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
               "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"}

Clock.fixed = NOW  # frozen before any test module is imported, so module-level times are frozen too


@pytest.fixture(autouse=True)
def frozen_clock():
    """Every test starts at NOW, whatever the test before it did with the clock."""
    Clock.fixed = NOW
    yield
    Clock.fixed = NOW


def make_app(path, **overrides):
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", **overrides})


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    """One database built by the migrations and filled with a small demo, once per test run."""
    path = tmp_path_factory.mktemp("template") / "desk.sqlite"
    app = make_app(path)
    with app.app_context():
        upgrade()
        load_demo(units=24, per_form=2)
        db.session.remove()
        db.engine.dispose()  # everything is on disk before the file is copied
    return path


@pytest.fixture(scope="session")
def worker_app(tmp_path_factory, demo_database):
    """(app, database path): building the app (60 admin views) costs more than a database copy, so once per worker."""
    path = tmp_path_factory.mktemp("db") / "desk.sqlite"
    shutil.copyfile(demo_database, path)
    return make_app(path), path


@pytest.fixture(scope="module")
def app(worker_app, demo_database):
    """An app over a fresh copy of the migrated demo database: each test module starts from the same data."""
    app, path = worker_app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # no connection outlives the file it was opened on
    shutil.copyfile(demo_database, path)
    settings = dict(app.config)
    yield app
    app.config.clear()
    app.config.update(settings)  # a module's settings stay in the module


@pytest.fixture(autouse=True)
def first_estate():
    """Generated values point at rows of the first demo estate, the one the demo clerk and manager work in."""
    with within_estate(1):
        yield


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


def login(client, username, password=None):
    """Log `client` in as a demo user; returns the client."""
    response = client.post("/login", data={"username": username, "password": password or PASSWORDS[username]})
    assert response.status_code == 302, response.data.decode()[:500]
    return client


def client_of(app, username):
    """A new test client of `app`, logged in as `username`."""
    return login(app.test_client(), username)


def first(model, *where, **by):
    """The first row of `model` (by id) matching the conditions, or None."""
    query = sa.select(model).where(*where).filter_by(**by).order_by(model.id)
    return db.session.scalars(query).first()


def mine(model, *where, username="clerk", **by):
    """The first row of `model` (by id) matching the conditions in the estates of the demo user `username`."""
    user = db.session.scalar(sa.select(User).filter_by(username=username))
    query = scoped(sa.select(model).where(*where).filter_by(**by), model, user).order_by(model.id)
    return db.session.scalars(query).first()


def count_for(username, model, *where):
    """How many rows of `model` matching the conditions the demo user `username` may reach."""
    user = db.session.scalar(sa.select(User).filter_by(username=username))
    return db.session.scalar(scoped(sa.select(sa.func.count(model.id)).where(*where), model, user))


def staff_estate(project, usernames=("clerk", "clerk2", "manager")):
    """Let demo users work in an estate a test built for itself (the demo's clerks and manager hold only theirs)."""
    for user in db.session.scalars(sa.select(User).where(User.username.in_(usernames))):
        user.projects.append(project)


@contextmanager
def signed_in(app, username):
    """A request of the demo user `username`, for code that reads the signed-in user (scoping, lists, steps)."""
    with app.test_request_context():
        login_user(db.session.scalar(sa.select(User).filter_by(username=username)))
        yield


def act(client, endpoint, record, action, comment="", **fields):
    """Press a step's button (on a record or its id) with what its form asks for; returns the page it lands on."""
    record_id = getattr(record, "id", record)
    page = client.post(f"/admin/{endpoint}/transition/{action}?id={record_id}",
                       data={"comment": comment, **fields}, follow_redirects=True).text
    if has_app_context():
        db.session.expire_all()  # the step was taken in another session: read the record afresh
    return page


@pytest.fixture
def client_for(app):
    """client_for('clerk') -> a test client logged in as that demo user."""
    return lambda username: login(app.test_client(), username)


@pytest.fixture
def rnd():
    return random.Random(1234)


@pytest.fixture(scope="session")
def postgres_server():
    """An AUTOCOMMIT engine on the local PostgreSQL server's admin database; skips where there is no server."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        admin.connect().close()
    except Exception as exc:  # noqa: BLE001 (any failure to connect means: no server here)
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is not reachable: {exc.__class__.__name__}")
    yield admin
    admin.dispose()


def postgres_url_of(name):
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def create_postgres_database(server, name, template=None):
    """A database `name`, empty or a copy of `template`, in place of any database of that name."""
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))


def drop_postgres_database(server, name):
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_worker_app(postgres_server, tmp_path_factory):
    """(app, database name, template name): the worker's app on PostgreSQL, and the template it is reset from: a
    database built by the migrations and filled with the small demo once per worker, since a copy (CREATE DATABASE
    ... TEMPLATE) costs a fraction of building one and of building the app."""
    template, name = (f"desk_{uuid.uuid4().hex[:10]}" for _ in range(2))
    create_postgres_database(postgres_server, name)
    app = make_app(tmp_path_factory.mktemp("pg") / "unused.sqlite", SQLALCHEMY_DATABASE_URI=postgres_url_of(name))
    with app.app_context():
        upgrade()
        load_demo(units=24, per_form=2)
        db.session.remove()
        db.engine.dispose()  # a database takes no copies while anyone is connected to it
    create_postgres_database(postgres_server, template, template=name)
    yield app, name, template
    with app.app_context():
        db.engine.dispose()
    drop_postgres_database(postgres_server, name)
    drop_postgres_database(postgres_server, template)


@pytest.fixture
def postgres_app(postgres_server, postgres_worker_app):
    """The app over a fresh PostgreSQL copy of the migrated demo database."""
    app, name, template = postgres_worker_app
    create_postgres_database(postgres_server, name, template=template)
    settings = dict(app.config)
    yield app
    app.config.clear()
    app.config.update(settings)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # the next test drops and copies the database afresh


# -- browser tests: Debian's chromium driven by Playwright (it cannot download a browser here) -----------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def require_chromium():
    """Skip the calling browser module, with the reason, where chromium or playwright is missing."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


@pytest.fixture(scope="module")
def base_url(app):
    """The module's app served on a free local port from a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def sign_in(page, username="clerk"):
    """Sign a browser page in as a demo user, through the login form."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORDS[username])
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/**")


@contextmanager
def chromium(base_url, width=1366, height=900):
    """A fresh headless chromium context on the served app, in Chinese."""
    from playwright.sync_api import sync_playwright  # optional: only browser modules, after require_chromium()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url, locale="zh-CN", viewport={"width": width, "height": height})
        context.set_default_timeout(60_000)  # generous: CI may share a busy machine; a passing step is far quicker
        try:
            yield context
        finally:
            browser.close()


# -- tiers: every test gets exactly one, here --------------------------------------------------------------------------
# unit: rules, deadlines, figures and guards without a database; domain: services and `perform` on a database;
# web: pages through HTTP (every form per route, the permission matrix, a journey per flow); slow: migrations,
# PostgreSQL, a real browser or server. `pytest -m unit`, `-m "not slow"` etc. pick tiers (README, "Tests").
TIERS = ("unit", "domain", "web", "slow")
MODULE_TIERS = {  # the tier of a module's tests that use a database (those that use none are unit tests)
    "test_architecture": "unit", "test_complaint_clock": "domain", "test_demo_story": "domain",
    "test_models": "domain", "test_tracking_flows": "domain", "test_search": "domain", "test_backup": "domain",
    "test_cli_and_serials": "domain", "test_reports": "domain", "test_worklists": "domain",
    "test_booking_overlap": "domain", "test_engine": "domain", "test_attachments": "web", "test_auth": "web", "test_bad_input": "web",
    "test_entry_pages": "web", "test_exports": "web", "test_finder": "web", "test_forms": "web",
    "test_i18n_and_time": "web", "test_imports": "web", "test_intake_to_revisit": "web", "test_keys": "web",
    "test_lookups": "web", "test_one_language": "web", "test_page_statements": "web", "test_printing": "web",
    "test_privacy": "web", "test_renovation": "web", "test_requests": "web", "test_security": "web",
    "test_surveys": "web", "test_validation": "web", "test_workflow": "web",
    "test_migrations": "slow", "test_browser": "slow", "test_browser_csp": "slow", "test_browser_entry": "slow",
    "test_print_browser": "slow", "test_browser_menu": "slow", "test_form_sections": "web",
    "test_estates": "web", "test_records_stay_true": "web", "test_read_transactions": "web",
}
DATABASE_FIXTURES = {"app", "ctx", "client_for", "demo_database", "worker_app", "tmp_path", "tmp_path_factory"}
SLOW_FIXTURES = {"postgres_server", "base_url"}  # PostgreSQL, or the app served to a browser
SLOW_TESTS = {"test_setup_migrates_and_loads_the_demo_once",  # the full-size demo, as `dev.py serve` loads it
              "test_gunicorn_with_our_settings_sends_no_server_banner"}  # a gunicorn process


def tier_of(item):
    """slow by what the test starts, unit if it needs no database, else its module's tier."""
    module = item.module.__name__.rsplit(".", 1)[-1]
    if module not in MODULE_TIERS:
        raise pytest.UsageError(f"tests/{module}.py has no tier: add it to MODULE_TIERS in tests/conftest.py")
    fixtures = set(item.fixturenames)
    if MODULE_TIERS[module] == "slow" or fixtures & SLOW_FIXTURES or item.originalname in SLOW_TESTS:
        return "slow"
    return MODULE_TIERS[module] if fixtures & DATABASE_FIXTURES else "unit"


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(tier_of(item))
