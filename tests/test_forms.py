"""Every form, every role: list, create page, create, details, edit, export, delete rights."""
import csv
import io
import re

import openpyxl
import pytest
import sqlalchemy as sa

from app.demo.generator import build, fake_record
from app.extensions import db
from app.models import FORMS
from tests.formdata import editable, encode, errors_in, payload, stored_matches

FORM_NAMES = sorted(FORMS, key=lambda name: FORMS[name].__form__.sort_key)
ROLES = ("clerk", "manager", "admin")


def newest(model):
    return db.session.scalars(sa.select(model).order_by(model.id.desc()).limit(1)).first()


def count(model):
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def make_payload(model, rnd, existing=None):
    """Fresh valid values for the form and its line items (keeping the line ids on edit)."""
    values, lines = fake_record(model, rnd, optional=1.0, lines=(2, 2))
    for name, value in values.items():
        if existing is not None and value is existing:  # a record may not point at itself
            values[name] = None
    for rel_name, rows in lines.items():
        for row, old in zip(rows, getattr(existing, rel_name, ())):
            row["id"] = old.id
    return values, lines


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", FORM_NAMES)
def test_list_and_create_page(client_for, name, role):
    client = client_for(role)
    form = FORMS[name].__form__
    listing = client.get(f"/admin/{name}/")
    assert listing.status_code == 200
    assert form.title in listing.text
    assert client.get(f"/admin/{name}/new/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", FORM_NAMES)
def test_create_edit_export(app, client_for, rnd, name, role):
    model, client = FORMS[name], client_for(role)
    with app.app_context():
        before = count(model)
        values, lines = make_payload(model, rnd)
        response = client.post(f"/admin/{name}/new/", data=payload(model, values, lines))
        assert response.status_code == 302, errors_in(response.text)
        assert count(model) == before + 1
        record = newest(model)
        assert stored_matches(model, record, values) == []
        for rel_name, rows in lines.items():
            assert len(getattr(record, rel_name)) == len(rows)
        assert re.fullmatch(rf"KF06{model.__form__.sort_key:02d}-\d{{6}}-\d{{4}}", record.serial_no)
        assert record.created_by.username == role
        record_id, serial = record.id, record.serial_no

        details = client.get(f"/admin/{name}/details/?id={record_id}").text
        assert serial in details
        for field in editable(model):
            if isinstance(values[field], str) and not model.__table__.columns[field].info.get("choices"):
                assert encode(values[field]) in details.replace("&#34;", '"').replace("&#39;", "'")
        assert serial in client.get(f"/admin/{name}/").text

        new_values, new_lines = make_payload(model, rnd, existing=record)
        response = client.post(f"/admin/{name}/edit/?id={record_id}", data=payload(model, new_values, new_lines))
        assert response.status_code == 302, errors_in(response.text)
        db.session.expire_all()
        edited = db.session.get(model, record_id)
        assert stored_matches(model, edited, new_values) == []
        assert edited.serial_no == serial and edited.updated_by.username == role

        exported = client.get(f"/admin/{name}/export/csv/")
        assert exported.status_code == 200
        assert serial in {row[0] for row in csv.reader(io.StringIO(exported.text))} | set(exported.text.split(","))
        workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/admin/{name}/export/xlsx/").data))
        cells = {str(cell.value) for row in workbook.active.iter_rows() for cell in row}
        assert serial in cells


@pytest.mark.parametrize("role, allowed", [("clerk", False), ("manager", False), ("admin", True)])
@pytest.mark.parametrize("name", FORM_NAMES)
def test_only_administrators_delete(app, client_for, rnd, name, role, allowed):
    model, client = FORMS[name], client_for(role)
    with app.app_context():
        record = build(model, *fake_record(model, rnd))
        db.session.add(record)
        db.session.commit()
        record_id, before = record.id, count(model)
        response = client.post(f"/admin/{name}/delete/", data={"id": record_id})
        assert response.status_code == (302 if allowed else 403)
        assert count(model) == before - (1 if allowed else 0)


def test_all_sixty_forms_of_the_manual_are_there():
    numbers = sorted(FORMS[name].__form__.sort_key for name in FORMS)
    assert len(numbers) >= 60, "the manual's section 6 has 60 forms"
    assert numbers == list(range(1, len(numbers) + 1)), "each form number once, none skipped (a 61st follows on)"
    assert FORMS["call_visit_log"].__form__.code == "WI-NWGZ-AL.KF-06-60"
