"""Entry never invents data, in a real Chromium: tabbing through a create form leaves only its declared defaults,
a typed time is stored as typed, a required choice left blank is refused at its field."""
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Project, StaffMember, User
from app.models.base import LOCAL_TZ
from app.servicedesk.front_desk import CallVisitLog
from app.renovation.models import RenovationApplication
from app.models.types import clock_at
from conftest import sign_in
from test_browser import app, page, pick_ajax  # noqa: F401  (the served demo app and a chromium page)

pytestmark = pytest.mark.browser
NOW = datetime(2026, 12, 2, 1, 5, tzinfo=timezone.utc)  # 09:05 in Shanghai
VALUES = """els => els.filter(e => e.name && e.type !== 'hidden' || e.dataset.role === 'select2-ajax')
                  .map(e => [e.name, e.type === 'checkbox' ? e.checked : e.value])"""



def form_values(page):
    return dict(page.eval_on_selector_all("form.admin-form [name]", VALUES))


def tab_through(page):
    """Focus the first field and press Tab (and Escape on every date field) until the save button has focus."""
    page.focus("form.admin-form [name]:not([type=hidden])")
    for _ in range(200):
        role = page.evaluate("document.activeElement.dataset.role || ''")
        if role.startswith("desk-"):
            page.keyboard.press("Escape")
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type === 'submit'"):
            return
    raise AssertionError("Tab never reached the save button")


def me_and_my_estate(app):
    with app.app_context():
        clerk = db.session.scalar(sa.select(User).filter_by(username="clerk"))
        staff_id, estate = clerk.staff_id, db.session.scalar(sa.select(Project.id).order_by(Project.id))
        db.session.remove()
    return staff_id, estate


@pytest.mark.parametrize("endpoint, model", [("call_visit_log", CallVisitLog),
                                             ("renovation_application", RenovationApplication)])
def test_tabbing_through_a_new_form_sets_only_its_declared_defaults(app, page, endpoint, model, tmp_path):
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(model))
        db.session.remove()
    sign_in(page)
    with clock_at(NOW):
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(f"/admin/{endpoint}/new/")
        shown = form_values(page)
        tab_through(page)
        assert form_values(page) == shown  # focus, Tab and Escape wrote nothing
        page.screenshot(path=tmp_path / f"{endpoint}_new.png", full_page=True)
        page.click("input[type=submit][value=保存]")
        assert page.evaluate("document.querySelectorAll('form.admin-form :invalid').length") > 0  # the browser refuses
        page.evaluate("document.querySelector('form.admin-form').noValidate = true")  # and so does the server
        page.click("input[type=submit][value=保存]")
        page.wait_for_load_state()
    assert "/new/" in page.url and page.locator(".invalid-feedback").count() > 0  # refused at the fields
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == before
        db.session.remove()
    after = form_values(page)
    dates = [name for name in after if page.get_attribute(f"[name='{name}']", "data-role") == "desk-datetime"]
    staff_id, estate = me_and_my_estate(app)
    if endpoint == "call_visit_log":  # the call's time is now, the receiver me: the manual's defaults, visible
        assert shown["contact_at"] == after["contact_at"] == "2026-12-02 09:05"
        assert shown["received_by"] == str(staff_id)
        assert shown["contact_mode"] == "call" and shown["category"] == "__None"
        assert "reviewed_at" not in shown and "reviewed_by" not in shown  # only a later review fills them
        assert all(after[name] == "" for name in dates if name != "contact_at")
    else:
        assert all(after[name] == "" for name in dates)
        assert "engineering_opinion" not in shown and "approved_by" not in shown
        assert shown["unit"] == "" and shown["owner"] == ""
    assert shown["project"] == str(estate)


def test_a_typed_time_is_stored_as_typed(app, page):
    with app.app_context():
        staff = db.session.scalar(sa.select(StaffMember).where(StaffMember.is_active.is_(True)).order_by(StaffMember.id))
        staff_no, staff_name = staff.employee_no, staff.name
        db.session.remove()
    sign_in(page)
    page.goto("/admin/call_visit_log/new/")
    page.fill("#contact_at", "")
    page.type("#contact_at", "2026-12-02 10:30")
    page.keyboard.press("Tab")
    assert page.input_value("#contact_at") == "2026-12-02 10:30"
    page.type("#promised_reply_at", "20261203 1415")  # the compact way a clerk types is read too
    page.keyboard.press("Tab")
    assert page.input_value("#promised_reply_at") == "2026-12-03 14:15"
    page.select_option("#caller_kind", "visitor", force=True)
    page.fill("#name", "键入时间测试")
    page.fill("#visitor_org", "测试单位")
    page.check("#visitor_id_verified")
    page.select_option("#contact_mode", "visit", force=True)
    page.select_option("#category", "service", force=True)
    page.select_option("#routing", "work_order", force=True)
    page.fill("#matter", "咨询")
    pick_ajax(page, "received_by", staff_no, staff_name)
    page.click("input[type=submit][value=保存]")
    page.wait_for_url("**/admin/call_visit_log/details/**")
    with app.app_context():
        record = db.session.scalar(sa.select(CallVisitLog).filter_by(name="键入时间测试"))
        assert record.contact_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") == "2026-12-02 10:30"
        assert record.promised_reply_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") == "2026-12-03 14:15"
        assert record.closed_at is None and record.reviewed_at is None
        db.session.remove()


def test_a_required_choice_left_blank_is_refused_at_its_field(app, page):
    sign_in(page)
    page.goto("/admin/call_visit_log/new/")
    assert page.input_value("#category") == "__None"
    assert page.locator("#s2id_category .select2-chosen").inner_text() == "请选择"
    page.select_option("#caller_kind", "visitor", force=True)
    page.fill("#name", "未选类别测试")
    page.fill("#visitor_org", "测试单位")
    page.check("#visitor_id_verified")
    page.select_option("#contact_mode", "visit", force=True)
    page.fill("#matter", "咨询")
    page.click("input[type=submit][value=保存]")
    page.wait_for_load_state()
    group = page.locator(".form-group", has=page.locator("#category"))
    assert "请选择" in group.locator(".invalid-feedback").inner_text()
    with app.app_context():
        assert db.session.scalar(sa.select(CallVisitLog).filter_by(name="未选类别测试")) is None
        db.session.remove()
