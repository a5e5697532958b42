"""Records printed to PDF by a real Chromium, as a clerk's browser prints them: page count and text (pdftotext)."""
import random
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.demo.generator import build, fake_record
from app.extensions import db
from app.models import FORMS, StaffMember, User
from app.models.types import clock_at
from app.workflow import finish, perform
from conftest import chromium, make_app, require_chromium, sign_in

pytestmark = pytest.mark.browser

require_chromium()
if not shutil.which("pdftotext"):
    pytest.skip("pdftotext is not installed (apt-get install poppler-utils)", allow_module_level=True)
RECEIVED = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai


@pytest.fixture(scope="module")
def app(tmp_path_factory, demo_database):
    """The demo database copied for this module, served with CSRF on as in production."""
    path = tmp_path_factory.mktemp("db") / "desk.sqlite"
    shutil.copyfile(demo_database, path)
    return make_app(path, WTF_CSRF_ENABLED=True)


@pytest.fixture
def page(base_url):
    """A logged-in manager's page in a fresh headless chromium."""
    with chromium(base_url) as context:
        page = context.new_page()
        sign_in(page, "manager")
        yield page


def printed(page, path):
    """Print the open page to A4 PDF as the browser's dialog does; return its pages' text, whitespace removed."""
    page.emulate_media(media="print")
    page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = [re.sub(r"\s+", "", chunk) for chunk in text.split("\f")]
    return pages[:-1] if pages and not pages[-1] else pages


def test_a_renovation_permit_prints_on_one_page(app, page, tmp_path):
    model = FORMS["renovation_permit"]
    with app.app_context():
        permit = db.session.scalars(sa.select(model).order_by(model.id).limit(1)).one()
        record_id, serial, receipt = permit.id, permit.serial_no, permit.fee_receipt_no
        hours, renovator = permit.work_hours, permit.renovation_application.applicant_name
    page.goto(f"/admin/renovation_permit/details/?id={record_id}")
    page.context.add_init_script("window.printed = 0; window.print = () => { window.printed += 1; };")
    with page.expect_popup() as popup:
        page.click("a:text('打印')")
    sheet = popup.value
    sheet.wait_for_load_state()
    assert sheet.evaluate("window.printed") == 1  # 打印 opens the browser's own print dialog; page.pdf stands in for it
    pages = printed(sheet, tmp_path / "permit.pdf")
    assert len(pages) == 1
    text = pages[0]
    assert "返回" not in text and not text.startswith("打印")  # the screen's buttons stay off the paper
    for expected in ("装修/延期施工许可证", "WI-NWGZ-AL.KF-06-20", serial, receipt, re.sub(r"\s+", "", hours),
                     renovator, "装修人(签字)", "施工单位(签字)", "发证人(签字)", "管理处(盖章)", "第1页共1页"):
        assert expected in text, expected


def test_a_complaint_prints_with_its_decisions(app, page, tmp_path):
    model = FORMS["complaint_ticket"]
    with app.app_context():
        values, lines = fake_record(model, random.Random(7))
        values.update(status="received", validity=None, received_at=RECEIVED, households_count=1,
                      complainant_name="打印测试陈女士", content="地库照明损坏,夜间通行不便")
        with clock_at(RECEIVED):
            ticket = build(model, values, lines)
            db.session.add(ticket)
            db.session.commit()
        manager = db.session.scalars(sa.select(User).filter_by(username="manager")).one()
        handler = db.session.scalars(sa.select(StaffMember).filter_by(is_active=True).order_by(StaffMember.id)).first()
        steps = [("classify", {"validity": "valid", "severity": "general"}, "属实,工程类"),
                 ("contact", {"promised_reply_at": RECEIVED + timedelta(days=1)}, ""),
                 ("start", {"handler": handler, "handling_method": "work_order", "responsible_party": "management"},
                  "派工维修")]
        for minutes, (action, step_values, comment) in enumerate(steps, start=1):
            with clock_at(RECEIVED + timedelta(minutes=30 * minutes)):
                assert finish(perform(ticket, action, manager, comment, step_values)) == []
        record_id, serial, who, handler_name = ticket.id, ticket.serial_no, str(manager), handler.name
    page.goto(f"/admin/complaint_ticket/print/?id={record_id}")
    pages = printed(page, tmp_path / "complaint.pdf")
    assert len(pages) == 1
    text = pages[0]
    for expected in ("客户投诉受理单(项目)", "WI-NWGZ-AL.KF-06-04", serial, "打印测试陈女士",
                     "地库照明损坏,夜间通行不便", handler_name, "审批与处理记录", "分类定性", "已联系业主约定回复",
                     "开始处理", "派工维修", "属实,工程类",
                     "2026-03-0209:30", "2026-03-0210:30", who, "处理中", "受理人(签字)", "主管(签字)", "投诉人(签字)",
                     "投诉受理回执", "第1页共1页"):
        assert expected in text, expected


def test_three_ticked_calls_print_as_three_pages(app, page, tmp_path):
    model = FORMS["call_visit_log"]
    rnd = random.Random(11)
    with app.app_context():
        calls = [build(model, *fake_record(model, rnd)) for _ in range(3)]
        db.session.add_all(calls)
        db.session.commit()
        serials = [call.serial_no for call in calls]
        matters = [call.matter for call in calls]
    page.goto("/admin/call_visit_log/")
    for serial in serials:
        page.locator("tr", has_text=serial).locator("input.action-checkbox").check()
    page.click("a.dropdown-toggle:has-text('选中的')")
    page.click("a.dropdown-item:text('打印')")
    page.wait_for_url("**/admin/call_visit_log/print/**")
    pages = printed(page, tmp_path / "calls.pdf")
    assert len(pages) == 3
    for number, text in enumerate(pages, start=1):
        serial = next(s for s in serials if s in text)  # one record per page, whichever order the list gave
        assert matters[serials.index(serial)].replace(" ", "") in text
        assert sum(s in text for s in serials) == 1
        for expected in ("业主来电来访登记表", "WI-NWGZ-AL.KF-06-60", "接待人(签字)", "主管审核人(签字)",
                         f"第{number}页共3页"):
            assert expected in text, expected
