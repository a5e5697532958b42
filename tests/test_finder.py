"""The top-bar search, 房屋档案 / 业主档案 and the type-aheads that tell people apart."""
import random
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.demo.generator import fake_record
from app.extensions import db
from app.models import FORMS, Owner, Resident, StaffMember, Unit, UnitOwner
from app.models.search import search_condition
from app.views.dossier import open_states
from tests.conftest import login, mine


def unit_with(model):
    """A unit that has a record of the form, and that record's id."""
    record = mine(model, model.unit_id.is_not(None))  # the clerk's estate: another's unit answers 404
    return record.unit, record


def test_top_search_finds_a_unit_by_room_and_groups_its_records_by_form(app, client_for):
    with app.app_context():
        unit, complaint = unit_with(FORMS["complaint_ticket"])
        spelling, serial = f"{unit.building.code}-{unit.room_no}", complaint.serial_no
        unit_id = unit.id
    page = client_for("clerk").get("/admin/find/", query_string={"q": spelling}).get_data(as_text=True)
    groups = re.findall(r'data-endpoint="(\w+)"', page)
    assert groups[0] == "unit" and "complaint_ticket" in groups
    assert f"/admin/unit/details/?id={unit_id}" in page and serial in page
    assert "/admin/complaint_ticket/?search=" in page  # each group leads on to its full list


def test_top_search_by_serial_phone_and_a_miss(app, client_for):
    client = client_for("manager")
    with app.app_context():
        call = db.session.scalars(sa.select(FORMS["call_visit_log"]).order_by(sa.text("id"))).first()
        owner = db.session.scalars(sa.select(Owner).order_by(Owner.id)).first()
        serial, mobile, owner_id = call.serial_no, owner.mobile, owner.id
    assert serial in client.get("/admin/find/", query_string={"q": serial}).get_data(as_text=True)
    assert f"/admin/owner/details/?id={owner_id}" in client.get("/admin/find/", query_string={"q": mobile}).get_data(as_text=True)
    assert "没有找到" in client.get("/admin/find/", query_string={"q": "查无此人此房"}).get_data(as_text=True)
    assert 'id="top-search"' in client.get("/admin/").get_data(as_text=True)


def test_the_unit_page_is_its_file(app, client_for):
    with app.app_context():
        unit, renovation = unit_with(FORMS["renovation_application"])
        values, _lines = fake_record(FORMS["complaint_ticket"], random.Random(3), optional=0.0)
        complaint = FORMS["complaint_ticket"](**{**values, "unit": unit, "project": renovation.project})
        db.session.add(complaint)
        db.session.commit()
        owner = db.session.scalars(sa.select(Owner).join(UnitOwner).where(UnitOwner.unit_id == unit.id)).first()
        resident = db.session.scalars(sa.select(Resident).where(Resident.unit_id == unit.id)).first()
        expected = [owner.name, owner.mobile, renovation.serial_no, complaint.serial_no]
        expected += [resident.name] if resident else []
        unit_id, owner_id = unit.id, owner.id
        complaint_serial = complaint.serial_no
    client = client_for("clerk")
    page = client.get(f"/admin/unit/details/?id={unit_id}").get_data(as_text=True)
    assert "房屋档案" in page
    for text in expected:
        assert text in page, text
    owner_page = client.get(f"/admin/owner/details/?id={owner_id}").get_data(as_text=True)
    assert "业主档案" in owner_page and complaint_serial in owner_page


def test_open_items_come_first_in_a_file(app):
    from app.views.dossier import records_about

    with app.app_context():
        unit, _ = unit_with(FORMS["complaint_ticket"])
        entries = records_about(Unit, unit.id)
        assert entries
        flags = [e.is_open for e in entries]
        assert flags == sorted(flags, reverse=True)
        for entry in entries:
            model = type(entry.record)
            assert entry.is_open == (getattr(entry.record, "status", None) in open_states(model))


def lookup(client, endpoint, name, query, **extra):
    response = client.get(f"/admin/{endpoint}/ajax/lookup/", query_string={"name": name, "query": query, **extra})
    assert response.status_code == 200
    return response.json


def test_unit_type_ahead_reads_every_room_spelling_and_shows_owner_and_phone_tail(app, client_for):
    client = client_for("clerk")
    with app.app_context():
        ownership = db.session.scalars(sa.select(UnitOwner).where(UnitOwner.end_on.is_(None))
                                       .order_by(UnitOwner.is_primary.desc(), UnitOwner.id)).first()
        unit, owner = ownership.unit, ownership.owner
        spellings = [f"{unit.building.code}-{unit.room_no}", f"{unit.building.code}-{unit.entrance}-{unit.room_no}",
                     unit.display_no, owner.mobile]
        unit_id, tail, name = unit.id, owner.mobile[-4:], owner.name
    for spelling in spellings:
        found = dict(lookup(client, "call_visit_log", "unit", spelling))
        assert unit_id in found, spelling
        assert name in found[unit_id] and f"****{tail}" in found[unit_id] and owner.mobile not in found[unit_id]


def test_owner_type_ahead_narrows_to_the_chosen_unit_and_tells_namesakes_apart(app, client_for):
    client = client_for("clerk")
    with app.app_context():
        unit_id = db.session.scalar(sa.select(UnitOwner.unit_id).order_by(UnitOwner.id))
        owners_of_unit = set(db.session.scalars(sa.select(UnitOwner.owner_id).where(UnitOwner.unit_id == unit_id)))
        first = db.session.scalars(sa.select(Owner).order_by(Owner.id)).first()
        namesake = Owner(name=first.name, mobile="13911112222", owner_type="person", id_type="passport",
                         id_number="E7654321")
        # an owner is of the estates where they hold a unit: the namesake holds another unit of the clerk's estate
        other_unit = mine(Unit, Unit.id != unit_id)
        db.session.add_all([namesake, UnitOwner(unit=other_unit, owner=namesake, start_on=date(2024, 1, 1))])
        db.session.commit()
        name = first.name
    everyone = lookup(client, "complaint_ticket", "owner", name)
    narrowed = lookup(client, "complaint_ticket", "owner", "", unit=unit_id)
    assert {i for i, _ in narrowed} == owners_of_unit
    assert len(everyone) > 1 and len({label for _, label in everyone}) == len(everyone)
    assert all("·" in label and "****" in label for _, label in everyone)


def test_staff_namesakes_are_told_apart_by_department_and_number(app, client_for):
    with app.app_context():
        first = db.session.scalars(sa.select(StaffMember).order_by(StaffMember.id)).first()
        twin = StaffMember(employee_no="E9999", name=first.name, department_id=first.department_id,
                           position="other", mobile="13900000000")
        db.session.add(twin)
        db.session.commit()
        name, department = first.name, str(first.department)
    found = lookup(client_for("clerk"), "call_visit_log", "received_by", name)
    labels = [label for _, label in found if label.startswith(name)]
    assert len(labels) >= 2 and len(set(labels)) == len(labels)
    assert all(department in label or "·" in label for label in labels)


@pytest.mark.postgres
def test_postgres_search_uses_trigram_indexes_and_finds_what_like_finds(postgres_app):
    with postgres_app.app_context():
        indexes = set(db.session.scalars(sa.text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_trgm'")))
        assert "ix_call_visit_logs_phone_trgm" in indexes and "ix_owners_name_trgm" in indexes
        rnd = random.Random(8)
        texts = [v for v in db.session.scalars(sa.select(Owner.mobile))] + [
            v for v in db.session.scalars(sa.select(FORMS["call_visit_log"].name))] + ["无此人"]
        for _ in range(30):
            value = rnd.choice(texts)
            start = rnd.randrange(len(value))
            term = value[start:start + rnd.choice((2, 3, 4))]
            for model in (FORMS["call_visit_log"], FORMS["complaint_ticket"], Unit, Owner):
                indexed = set(db.session.scalars(sa.select(model.id).where(search_condition(model, term))))
                scanned = set(db.session.scalars(sa.select(model.id).where(search_condition(model, term, False))))
                assert indexed == scanned, (model.__name__, term)


@pytest.mark.postgres
def test_postgres_searched_pages_are_what_like_finds(postgres_app, monkeypatch):
    from tests.test_search import assert_pages_are_what_like_finds

    client = login(postgres_app.test_client(), "clerk")
    assert_pages_are_what_like_finds(postgres_app, client, monkeypatch, 3, random.Random(4))
