"""Flask extensions, created unbound and initialised in create_app."""
from flask import has_request_context
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
import sqlite3

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session

# Named constraints so Alembic can alter them later on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()


@event.listens_for(Engine, "connect")
def enforce_sqlite_foreign_keys(dbapi_connection, connection_record):
    """SQLite ignores foreign keys unless asked, per connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA foreign_keys=ON")


@event.listens_for(Session, "after_flush")
def remember_a_write(session, flush_context):
    session.info["wrote"] = True


@event.listens_for(Session, "do_orm_execute")
def remember_a_statement_that_writes(state):
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True


@event.listens_for(Session, "after_commit")
def forget_the_committed_write(session):
    session.info.pop("wrote", None)


def undo_unsent(session) -> bool:
    """Undo what the session holds and has sent nothing of (no flush, no statement that writes, no delete), without
    ending its transaction, which has only read; False, undoing nothing, when something was sent.

    A ROLLBACK makes psycopg forget every statement it prepared (see end_reading_with_commit): a refused step,
    which has only set fields in memory, is undone here, not by one (benchmarks/load_test.py)."""
    if session.info.get("wrote") or session.deleted:
        return False
    for obj in list(session.new):
        session.expunge(obj)
    session.expire_all()
    return True


def end_reading_with_commit(exc):
    """A request whose open transaction wrote nothing ends it with COMMIT, not the ROLLBACK of the session's removal:
    a page that only read, and a form that saved, committed and then read on (the record for its redirect).

    psycopg forgets every statement it has prepared on a rollback, so PostgreSQL parsed and planned each statement
    of every page anew: the home's catalogue of 120 parts took 10-18 ms of planning on each visit, 0.2 ms once kept
    (benchmarks/company_pages.py). Under load the saves alone, ending with a rollback, made each worker forget its
    statements twice a second, and PostgreSQL spent as long planning as running them (pg_stat_statements,
    benchmarks/load_test.py). Anything written and not committed is still rolled back, and so is a failed request."""
    if exc is not None or not has_request_context():
        return
    if not db.session.registry.has():
        return
    session = db.session()
    if session.in_transaction() and not session.info.get("wrote") and not (
            session.new or session.dirty or session.deleted):
        expiring, session.expire_on_commit = session.expire_on_commit, False  # what was read stays readable
        try:
            session.commit()
        finally:
            session.expire_on_commit = expiring
