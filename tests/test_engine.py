"""Every state under the engine: what no flow moves is refused at definition, the database checks what the
model's choices say, and units and extinguishers change state only by logged steps."""
import re

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.extensions import db
from app.i18n import Choices
from app.models import fields as f
from app.models.base import Lookup
from app.workflow import Flow, Transition
from tests.conftest import make_app

STATES = Choices(open="开", shut="关")


def test_a_state_column_without_a_flow_is_refused_when_the_model_is_defined():
    with pytest.raises(TypeError, match=r"Gate\.position is a state .*declare the __flow__"):
        class Gate(Lookup, db.Model):  # noqa: F841
            position = f.choice("位置", STATES, required=True, default="open", readonly=True, state=True)
    with pytest.raises(TypeError, match=r"Door\.position is a state"):  # a flow over another column does not count
        class Door(Lookup, db.Model):  # noqa: F841
            position = f.choice("位置", STATES, required=True, default="open", readonly=True, state=True)
            other = f.status(STATES, default="open")
            __flow__ = Flow(STATES, [Transition("shut", ("关", "Shut"), ("open",), "shut", None)], field="other")
    with pytest.raises(TypeError, match=r"Hatch\.__flow__ moves 'position': declare that column as its state"):
        class Hatch(Lookup, db.Model):  # noqa: F841
            position = f.choice("位置", STATES, required=True, default="open")  # editable in a form: not a state
            __flow__ = Flow(STATES, [Transition("shut", ("关", "Shut"), ("open",), "shut", None)], field="position")
    assert not {"gates", "doors", "hatches"} & set(db.metadata.tables)  # refused before it was mapped


def test_every_state_column_of_the_app_is_moved_by_its_flow():
    states = {(mapper.class_.__name__, column.key) for mapper in db.Model.registry.mappers
              for column in mapper.columns if column.info.get("state")}
    assert {("Unit", "occupancy_status"), ("FireExtinguisher", "status"), ("Key", "status")} <= states
    for mapper in db.Model.registry.mappers:
        flow = getattr(mapper.class_, "__flow__", None)
        moved = {column.key for column in mapper.columns if column.info.get("state")}
        assert moved == ({flow.field} if flow else set()), mapper.class_.__name__


# -- the database's CHECK constraints say what the models' Choices say --------------------------------------------
def choice_columns():
    """(table, column, codes) of every column declared with a Choices."""
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            choices = column.info.get("choices")
            if choices is not None:
                yield table.name, column.name, set(choices.codes)


def checked_values(engine):
    """(table, column) -> the values each CHECK ... IN (...) of the live database allows."""
    inspector, out = sa.inspect(engine), {}
    for table in inspector.get_table_names():
        names = {c["name"] for c in inspector.get_columns(table)}
        for check in inspector.get_check_constraints(table):
            sql = check["sqltext"]
            column = next((word for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", sql) if word in names), None)
            values = [value.replace("''", "'") for value in re.findall(r"'((?:[^']|'')*)'", sql)]
            if column is not None and values:
                out.setdefault((table, column), set()).update(values)
    return out


def assert_checks_match_choices(engine):
    checked = checked_values(engine)
    wrong = {(table, column): (checked.get((table, column)), codes) for table, column, codes in choice_columns()
             if checked.get((table, column)) != codes}
    assert wrong == {}  # (table, column): (what the database allows, what the model's Choices say)


def test_the_migrated_sqlite_checks_match_the_choices(app):
    with app.app_context():
        assert_checks_match_choices(db.engine)


@pytest.mark.postgres
def test_the_migrated_postgres_checks_match_the_choices(postgres_url, tmp_path):
    app = make_app(tmp_path / "unused.sqlite", SQLALCHEMY_DATABASE_URI=postgres_url)
    with app.app_context():
        upgrade()
        assert_checks_match_choices(db.engine)
        db.session.remove()
        db.engine.dispose()
