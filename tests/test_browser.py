"""A clerk fills in form 6.60 in a real Chromium: login, select2 type-ahead, date picker, save, list; then the call
becomes a complaint in one step, its caller, unit and phone carried over."""

import pytest
from flask_migrate import upgrade

from app.demo import load_demo
from app.extensions import db
from app.models import ComplaintCategory, StaffMember, Unit
from app.models.base import LOCAL_TZ
from app.servicedesk.complaints import ComplaintTicket
from app.servicedesk.front_desk import CallVisitLog
from conftest import chromium, make_app, mine, require_chromium, sign_in

pytestmark = pytest.mark.browser

require_chromium()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app over a migrated demo database, with CSRF on as in production."""
    app = make_app(tmp_path_factory.mktemp("db") / "desk.sqlite", WTF_CSRF_ENABLED=True)
    with app.app_context():
        upgrade()
        load_demo(units=24, per_form=2)
    return app


@pytest.fixture
def page(base_url):
    """A fresh headless Debian chromium page pointed at the served app."""
    with chromium(base_url, 1280, 1600) as context:
        yield context.new_page()


def pick_ajax(page, field, typed, label):
    """Open a select2 (v3) ajax widget, type part of a value and click the matching result."""
    page.click(f"#s2id_{field} a.select2-choice")
    page.fill("#select2-drop .select2-input", typed)
    page.locator("#select2-drop .select2-result-selectable", has_text=label).first.click()
    assert page.locator(f"#s2id_{field} .select2-chosen").inner_text().startswith(label)  # then owner, department


def choose(page, field, value):
    """Set a plain select2 <select> through the real element, which select2 v3 keeps off screen."""
    page.select_option(f"#{field}", value, force=True)


def test_clerk_registers_a_call_in_the_browser(app, page, tmp_path):
    """A clerk logs in, registers an owner's call with a typed-in unit and staff, and finds it listed."""
    with app.app_context():
        unit = mine(Unit, display_no="1栋1单元102")  # the second estate has a 1栋1单元102 of its own
        staff = StaffMember.query.filter_by(is_active=True).order_by(StaffMember.id).first()
        unit_id, staff_id, staff_no, staff_name = unit.id, staff.id, staff.employee_no, staff.name

    sign_in(page, "clerk")

    page.goto("/admin/call_visit_log/new/")
    page.fill("#contact_at", "2024-05-06 09:30:00")
    page.keyboard.press("Tab")  # the picker reads typed text when the field is left
    choose(page, "contact_mode", "call")
    choose(page, "caller_kind", "owner")
    page.fill("#name", "浏览器测试王先生")
    pick_ajax(page, "unit", "102", "1栋1单元102")
    page.fill("#phone", "13800138000")
    choose(page, "category", "repair")
    page.fill("#matter", "厨房水管漏水,浏览器登记")
    pick_ajax(page, "received_by", staff_no, staff_name)
    choose(page, "routing", "settled")
    page.click("input[type=submit][value=保存]")

    page.wait_for_url("**/admin/call_visit_log/details/**")  # a new call opens on its page, ready to be handed on
    with app.app_context():
        record = CallVisitLog.query.filter_by(name="浏览器测试王先生").one()
        assert (record.unit_id, record.received_by_id, record.category) == (unit_id, staff_id, "repair")
        assert record.contact_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") == "2024-05-06 09:30"
        serial, call_id = record.serial_no, record.id
        category = ComplaintCategory.query.filter_by(code="engineering").one().id
        db.session.remove()

    page.click("text=转为投诉受理单")
    page.wait_for_url("**/admin/complaint_ticket/new/**")
    assert page.input_value("#complainant_name") == "浏览器测试王先生"
    assert page.input_value("#contact_phone") == "13800138000"
    assert page.locator("#s2id_unit .select2-chosen").inner_text().startswith("1栋1单元102")
    choose(page, "category", str(category))
    page.click("input[type=submit][value=保存]")
    page.wait_for_url("**/admin/complaint_ticket/details/**")
    assert "分类并联系业主" in page.inner_text("body")  # the complaint opens on its page with the 2-hour limit running
    with app.app_context():
        ticket = ComplaintTicket.query.filter_by(complainant_name="浏览器测试王先生").one()
        assert (ticket.source_call_id, ticket.unit_id, ticket.status) == (call_id, unit_id, "received")
        assert ticket.content == "厨房水管漏水,浏览器登记" and ticket.due_kind == "classify"
        db.session.remove()

    page.goto("/admin/call_visit_log/")
    row = page.locator("table.model-list tbody tr", has_text="浏览器测试王先生")
    assert row.count() == 1
    assert serial and serial in row.inner_text() and "1栋1单元102" in row.inner_text()
    page.screenshot(path=tmp_path / "call_visit_log_list.png", full_page=True)


def test_clerk_finds_a_unit_from_the_top_bar_and_opens_its_file(app, page, tmp_path):
    """Typing 1-102 style room numbers in the top search finds the unit's records; its file shows them."""
    import random

    from app.demo.generator import fake_record
    from app.renovation.models import RenovationApplication

    with app.app_context():
        renovation = RenovationApplication.query.order_by(RenovationApplication.id).first()
        unit = renovation.unit
        values, _lines = fake_record(ComplaintTicket, random.Random(4), optional=0.0)
        complaint = ComplaintTicket(**{**values, "unit": unit, "project": renovation.project})
        db.session.add(complaint)
        db.session.commit()
        spelling, unit_id = f"{unit.building.code}-{unit.room_no}", unit.id
        serials = (complaint.serial_no, renovation.serial_no)
        db.session.remove()

    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "clerk")
    page.fill("#top-search", spelling)
    page.press("#top-search", "Enter")
    page.wait_for_url("**/admin/find/**")
    body = page.inner_text("body")
    assert all(serial in body for serial in serials), body[:2000]
    page.screenshot(path=tmp_path / "find.png", full_page=True)
    page.click(f"a[href='/admin/unit/details/?id={unit_id}']")
    page.wait_for_url("**/admin/unit/details/**")
    body = page.inner_text("body")
    assert "房屋档案" in body and all(serial in body for serial in serials)
    page.screenshot(path=tmp_path / "unit_file.png", full_page=True)
