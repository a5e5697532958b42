"""Fixtures: one migrated, demo-filled SQLite database per test module, and clients logged in per role."""
import random

import pytest
from flask_migrate import upgrade

from app import create_app
from app.demo import load_demo
from app.extensions import db

PASSWORDS = {"admin": "admin-demo-1", "manager": "manager-demo-1", "clerk": "clerk-demo-1"}


def make_app(path, **overrides):
    config = {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", **overrides}
    return create_app(config)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """An app over a database built by the migrations and filled with a small demo."""
    app = make_app(tmp_path_factory.mktemp("db") / "desk.sqlite")
    with app.app_context():
        upgrade()
        load_demo(units=24, per_form=2)
    return app


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


def login(client, username, password=None):
    response = client.post("/login", data={"username": username, "password": password or PASSWORDS[username]})
    assert response.status_code == 302, response.data.decode()[:500]
    return client


@pytest.fixture
def client_for(app):
    """client_for('clerk') -> a test client logged in as that demo user."""
    return lambda username: login(app.test_client(), username)


@pytest.fixture
def rnd():
    return random.Random(1234)
