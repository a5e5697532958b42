"""The Alembic migrations build exactly the schema the models declare, on SQLite and on PostgreSQL."""
import random

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.demo.generator import fake_record
from app.extensions import db
from app.models import FORMS
from app.models.search import is_search_index
from tests.conftest import login, make_app
from tests.formdata import payload

def schema_differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_name": lambda name, type_, parents: not is_search_index(name)})
        return compare_metadata(context, db.metadata)


def test_sqlite_migrations_match_the_models(tmp_path):
    app = make_app(tmp_path / "migrated.sqlite")
    with app.app_context():
        upgrade()
        assert schema_differences() == []
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade()
        assert schema_differences() == []


@pytest.mark.postgres
def test_postgres_migrations_demo_and_a_form(postgres_app):
    app = postgres_app  # a copy of the database the migrations built and the small demo filled, once per worker
    with app.app_context():
        assert schema_differences() == []
        counts = {name: db.session.scalar(sa.select(sa.func.count(model.id)).where(model.project_id == 1))
                  for name, model in FORMS.items()}  # the first demo estate; the second has a record or so per form
        db.session.remove()
        db.engine.dispose()
    # every form gets its two demo records; walking the demo's complaints and work orders along their flows adds
    # the revisits and special-event records those steps call for, and each call saved writes its ledger line
    # and the demo's story adds the renovations and key loans it walks through their flows, with the papers the
    # renovations' steps ask for (guarantees, undertakings, permits, passes, completion checks, notices)
    more = {"revisit_record", "incident_tracking", "front_desk_ledger_entry", "renovation_application", "key_loan",
            "renovation_guarantee", "renovation_safety_undertaking", "renovation_permit", "renovation_worker_pass",
            "renovation_completion_inspection", "rectification_notice"}
    assert {name: n for name, n in counts.items() if name not in more and n != 2} == {}
    assert all(counts[name] >= 2 for name in more)
    client = login(app.test_client(), "clerk")
    assert client.get("/admin/call_visit_log/?search=王").status_code == 200
    found = client.get("/admin/call_visit_log/ajax/lookup/?name=unit&query=单元10").json
    assert found and all("单元10" in label for _, label in found)
    model = FORMS["call_visit_log"]
    with app.app_context():
        values, lines = fake_record(model, random.Random(5), optional=1.0)
        data = payload(model, values, lines)
    assert client.post("/admin/call_visit_log/new/", data=data).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(model.id)).where(model.project_id == 1)) == 3
        db.session.remove()
        db.engine.dispose()
