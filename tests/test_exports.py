"""Exports: every form, both formats, every role that may export, complete and readable by Excel."""
import csv
import io
from datetime import datetime, timezone
from urllib.parse import quote

import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import FORMS
from app.models.types import clock_at
from app.views.export import xlsx_cell
from app.views import export as export_module
from tests.conftest import count_for, mine

EXPORTERS = ("clerk", "manager", "admin")  # every role in the forms' read_roles


def view_of(app, name):
    return next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", None) == name)


def csv_rows(response):
    assert response.status_code == 200
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


def xlsx_rows(response):
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    return [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("role", EXPORTERS)
def test_every_form_exports_every_row_and_column(app, client_for, monkeypatch, role):
    monkeypatch.setattr(export_module, "CHUNK", 2)  # the demo's few rows still cross chunk boundaries
    client = client_for(role)
    for name, model in FORMS.items():
        view = view_of(app, name)
        header = [str(label) for _, label in view._export_columns]
        with app.app_context():
            expected = count_for(role, model)  # the user's estates only
        assert expected > 0, name
        for rows in (csv_rows(client.get(f"/admin/{name}/export/csv/")),
                     xlsx_rows(client.get(f"/admin/{name}/export/xlsx/"))):
            assert rows[0] == header, name
            assert len(rows) - 1 == expected, name
            assert all(len(row) == len(header) for row in rows), name


def test_the_file_is_named_by_title_and_local_time(client_for):
    client = client_for("clerk")
    with clock_at(datetime(2026, 12, 2, 2, 30, tzinfo=timezone.utc)):
        for kind in ("csv", "xlsx"):
            response = client.get(f"/admin/call_visit_log/export/{kind}/")
            disposition = response.headers["Content-Disposition"]
            assert f"filename*=UTF-8''{quote(f'6.60 业主来电来访登记表 2026-12-02 1030.{kind}')}" in disposition
            response.close()


def test_formulas_are_defused_in_both_formats(app, client_for):
    with app.app_context():
        record = db.session.scalars(sa.select(FORMS["call_visit_log"]).order_by(FORMS["call_visit_log"].id)).first()
        record.matter = '=HYPERLINK("http://x","y")'
        db.session.commit()
    client = client_for("clerk")
    for rows in (csv_rows(client.get("/admin/call_visit_log/export/csv/")),
                 xlsx_rows(client.get("/admin/call_visit_log/export/xlsx/"))):
        cells = {str(cell) for row in rows for cell in row}
        assert "'=HYPERLINK(\"http://x\",\"y\")" in cells
        assert '=HYPERLINK("http://x","y")' not in cells


def test_xlsx_columns_fit_their_content(client_for):
    response = client_for("clerk").get("/admin/call_visit_log/export/xlsx/")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
    header = [cell.value for cell in sheet[1]]
    matter = openpyxl.utils.get_column_letter(header.index("事由") + 1)
    serial = openpyxl.utils.get_column_letter(header.index("编号") + 1)
    assert widths[matter] > widths[serial] >= len("KF0660-202612-000001")


def test_export_follows_the_lists_filter(app, client_for):
    view = view_of(app, "call_visit_log")
    index = next(i for i, flt in enumerate(view._filters)
                 if getattr(flt.column, "key", None) == "category" and type(flt).__name__ == "EnumEqualFilter")
    with app.app_context():
        model = FORMS["call_visit_log"]
        category = mine(model).category
        expected = count_for("clerk", model, model.category == category)
    rows = csv_rows(client_for("clerk").get(f"/admin/call_visit_log/export/csv/?flt0_{index}={category}"))
    assert len(rows) - 1 == expected


def test_an_xlsx_cell_keeps_numbers_leaves_blanks_empty_and_drops_what_excel_refuses():
    assert [xlsx_cell(v) for v in (None, "", 3, 2.5, "王芳", "a\x01b\x1f", "行一\n行二", True)] == \
        [None, None, 3, 2.5, "王芳", "ab", "行一\n行二", "True"]
