"""`flask backup` copies the database while it is in use; `flask restore` brings that copy back, row for row."""
import sqlite3

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Role, User
from app.models.security import SecurityEvent


def everything(app):
    """Every row of every table, ordered by key."""
    with app.app_context():
        with db.engine.connect() as connection:
            return {table.name: connection.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
                    for table in db.metadata.sorted_tables}


def change_some_data(app):
    """An insert, an update and a delete, as a day's work would."""
    with app.app_context():
        db.session.add(Role(code="auditor", name="审计"))
        db.session.scalar(sa.select(User).filter_by(username="clerk")).display_name = "改过的名字"
        db.session.execute(sa.delete(SecurityEvent).where(SecurityEvent.id == sa.select(
            sa.func.min(SecurityEvent.id)).scalar_subquery()))
        db.session.commit()
        db.session.remove()


def backup_change_restore(app, path):
    runner = app.test_cli_runner()
    before = everything(app)
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0 and path.exists(), result.output
    change_some_data(app)
    assert everything(app) != before
    refused = runner.invoke(args=["restore", str(path)], input="n\n")
    assert refused.exit_code != 0 and everything(app) != before  # nothing happens without a yes
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert everything(app) == before
    assert app.test_client().post("/login", data={"username": "clerk", "password": "clerk-demo-1"}).status_code == 302


def test_sqlite_backup_and_restore(app, tmp_path):
    with app.app_context():
        db.session.add(SecurityEvent(kind="login", username="someone"))  # a row to delete later
        db.session.commit()
    backup_change_restore(app, tmp_path / "desk-backup.sqlite")


def test_sqlite_backup_is_consistent_while_another_writer_is_busy(app, tmp_path):
    writer = sqlite3.connect(database_file(app), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO roles (code, name) VALUES ('half_done', '未提交')")
    try:
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "busy.sqlite")])
        assert result.exit_code == 0, result.output
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    copy = sqlite3.connect(tmp_path / "busy.sqlite")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM roles WHERE code = 'half_done'").fetchone()[0] == 0
    assert copy.execute("SELECT count(*) FROM users").fetchone()[0] > 0
    copy.close()


def test_backup_never_overwrites_and_restore_refuses_a_broken_file(app, tmp_path):
    runner = app.test_cli_runner()
    (tmp_path / "taken.sqlite").write_text("already here")
    assert "exists already" in runner.invoke(args=["backup", str(tmp_path / "taken.sqlite")]).output
    before = everything(app)
    result = runner.invoke(args=["restore", str(tmp_path / "taken.sqlite"), "--yes"])
    assert result.exit_code != 0 and "not an intact SQLite database" in result.output and everything(app) == before


def database_file(app):
    with app.app_context():
        return db.engine.url.database


@pytest.mark.postgres
def test_postgres_backup_and_restore(postgres_app, tmp_path):
    with postgres_app.app_context():
        db.session.add(SecurityEvent(kind="login", username="someone"))
        db.session.commit()
        db.session.remove()
    backup_change_restore(postgres_app, tmp_path / "desk-backup.dump")
