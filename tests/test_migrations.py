"""The Alembic migrations build exactly the schema the models declare, on SQLite and on PostgreSQL."""
import random

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.demo import load_demo
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
def test_postgres_migrations_demo_and_a_form(postgres_url, tmp_path):
    app = make_app(tmp_path / "unused.sqlite", SQLALCHEMY_DATABASE_URI=postgres_url)
    with app.app_context():
        upgrade()
        assert schema_differences() == []
        load_demo(units=24, per_form=2)
        counts = {name: db.session.scalar(sa.select(sa.func.count(model.id)).where(model.project_id == 1))
                  for name, model in FORMS.items()}  # the first demo estate; the second has a record or so per form
        db.session.remove()
        db.engine.dispose()
    # every form gets its two demo records; walking the demo's complaints and work orders along their flows adds
    # the revisits and special-event records those steps call for, and each call saved writes its ledger line;
    # the demo's renovations and key loans are walked through their flows on top of the two
    follow_ups = {"revisit_record", "incident_tracking", "front_desk_ledger_entry", "renovation_application",
                  "key_loan"}
    assert {name: n for name, n in counts.items() if name not in follow_ups and n != 2} == {}
    assert all(counts[name] >= 2 for name in follow_ups)
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
