"""A page that only reads ends its transaction with COMMIT, so PostgreSQL keeps the statements psycopg prepared;
whatever a request wrote and did not commit is still rolled back."""
import sqlalchemy as sa

from app.extensions import db, end_reading_with_commit
from app.models import FORMS, Project
from conftest import client_of, first


class Endings:
    """How the engine's transactions ended while it listened."""

    def __init__(self, engine):
        self.commits = self.rollbacks = 0
        sa.event.listen(engine, "commit", self.commit)
        sa.event.listen(engine, "rollback", self.rollback)
        self.engine = engine

    def commit(self, connection):
        self.commits += 1

    def rollback(self, connection):
        self.rollbacks += 1

    def close(self):
        sa.event.remove(self.engine, "commit", self.commit)
        sa.event.remove(self.engine, "rollback", self.rollback)


def test_a_page_that_reads_ends_with_commit_not_rollback(app):
    clerk = client_of(app, "clerk")
    with app.app_context():
        endings = Endings(db.engine)
    try:
        for url in ("/admin/", "/admin/call_visit_log/", "/admin/due/"):
            assert clerk.get(url).status_code == 200
        assert (endings.commits, endings.rollbacks) == (3, 0)
    finally:
        endings.close()


def renamed(app, method, write):
    """Whether a request of `method` that ran `write` (and did not commit) left the first estate renamed."""
    with app.test_request_context("/", method=method):
        project = first(Project)
        original = project.name
        write(project)
        end_reading_with_commit(None)
        db.session.remove()
    with app.app_context():
        name = db.session.get(Project, project.id).name
        db.session.execute(sa.update(Project).where(Project.id == project.id).values(name=original))
        db.session.commit()
    return name != original


def flushed(project):
    project.name += "改"
    db.session.flush()


def updated_by_statement(project):
    db.session.execute(sa.update(Project).where(Project.id == project.id).values(name=project.name + "改"))


def left_pending(project):
    project.name += "改"


def test_what_a_request_wrote_and_did_not_commit_is_rolled_back(app):
    for write in (flushed, updated_by_statement, left_pending):
        assert not renamed(app, "GET", write), write.__name__
        assert not renamed(app, "POST", write), write.__name__


def test_a_read_after_a_committed_write_ends_with_commit(app):
    with app.test_request_context("/", method="GET"):
        call = first(FORMS["call_visit_log"])
        call.matter += "。"
        db.session.commit()
        first(Project)  # a read after the write, in a new transaction
        assert db.session().in_transaction() and not db.session.info.get("wrote")
        end_reading_with_commit(None)
        assert not db.session().in_transaction()
        db.session.remove()


def test_postgresql_keeps_the_statements_a_page_prepared(postgres_app):
    """psycopg prepares a statement on its sixth run and forgets them all on a rollback."""
    manager = client_of(postgres_app, "manager")
    for _ in range(7):
        assert manager.get("/admin/").status_code == 200
    with postgres_app.app_context():
        connection = db.engine.raw_connection()  # the pool's one connection, which served the pages
        try:
            prepared = connection.driver_connection.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()[0]
        finally:
            connection.close()
    assert prepared >= 10


def test_a_refused_step_is_undone_whole_and_rolled_back_only_once_sent(app):
    """A refusal that only set fields in memory is undone without a ROLLBACK (which makes psycopg forget what it
    prepared); one after a flush is rolled back. Either way nothing of it is kept."""
    from app.workflow.service import finish
    with app.test_request_context("/", method="POST"):
        endings = Endings(db.engine)
        try:
            call = first(FORMS["call_visit_log"])
            original, count = call.matter, db.session.query(Project).count()
            call.matter += "改"
            db.session.add(Project(code="NEW1", name="新项目", project_type="residential"))
            assert finish(["refused"]) == ["refused"]
            assert endings.rollbacks == 0 and call.matter == original and db.session.query(Project).count() == count
            call.matter += "改"
            db.session.flush()
            assert finish(["refused"]) == ["refused"]
            assert endings.rollbacks == 1 and call.matter == original
        finally:
            endings.close()
        db.session.remove()
    with app.app_context():
        assert first(FORMS["call_visit_log"]).matter == original
        assert db.session.query(Project).count() == count
