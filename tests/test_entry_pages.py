"""What a clerk reads on a page: typed times read as typed, Chinese filters, page sizes and error pages, the timeline
in local time naming who changed what, states and lateness in coloured words, steps that cannot apply not drawn."""
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import FORMS, User
from app.servicedesk.complaints import ComplaintTicket
from app.views.entry import later_fields, parse_local, parse_typed
from crawl import shown_text

SHANGHAI_1030 = datetime(2026, 12, 2, 2, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("typed", ["2026-12-02 10:30", "2026-12-02 10:30:00", "2026/12/2 10:30", "20261202 1030",
                                   "2026-12-02T10:30", " 2026-12-02  10:30 "])
def test_the_ways_a_clerk_types_a_time_all_read_as_local_time(typed):
    assert parse_local(typed) == SHANGHAI_1030


@pytest.mark.parametrize("typed", ["2026-12-02", "2026-02-30 10:30", "2026-12-02 25:00", "0001-12-31 22:11:23x",
                                   "yesterday", "10:30"])
def test_what_is_not_a_time_is_not_guessed(typed):
    assert parse_local(typed) is None


def test_days_are_read_the_same_ways():
    assert {parse_typed(day, with_time=False) for day in ("2026-12-02", "2026/12/2", "20261202")} == {
        datetime(2026, 12, 2).date()}


def test_a_typed_time_the_server_cannot_read_is_kept_and_refused_at_its_field(client_for):
    page = client_for("clerk").post("/admin/call_visit_log/new/", data={"contact_at": "明天上午"}).text
    assert 'value="明天上午"' in page and "请按“年-月-日 时:分”填写" in page


def test_fields_only_a_later_step_fills_are_off_the_create_form_and_on_the_edit_form(app, client_for):
    assert {"reviewed_by", "reviewed_at"} <= later_fields(FORMS["call_visit_log"])
    assert {"validity", "severity", "result"} <= later_fields(ComplaintTicket)  # the flow's steps ask for them
    client = client_for("clerk")
    create = client.get("/admin/renovation_application/new/").text
    assert 'name="engineering_opinion"' not in create and 'name="approved_by"' not in create
    with app.app_context():
        first = db.session.scalar(sa.select(FORMS["call_visit_log"].id).order_by(FORMS["call_visit_log"].id))
    assert 'name="reviewed_at"' in client.get(f"/admin/call_visit_log/edit/?id={first}").text


def test_filters_page_sizes_and_blank_choices_speak_chinese(client_for):
    client = client_for("clerk")
    parts = shown_text(client.get("/admin/call_visit_log/").text)
    assert "房号" in parts and "每页 50 条" in parts and not any("/" in part and "Units" in part for part in parts)
    create = client.get("/admin/estate_weekly_patrol/new/").text
    assert ">__None<" not in create and "请选择" in create


@pytest.mark.parametrize("url, code, words", [("/admin/no-such-page/", 404, "找不到页面"),
                                              ("/admin/call_visit_log/transition/classify?id=1", 405, "不支持此操作")])
def test_error_pages_are_chinese_with_a_way_back(client_for, url, code, words):
    response = client_for("clerk").get(url)
    assert response.status_code == code and words in response.text and "返回首页" in response.text


def test_a_request_too_large_gets_a_chinese_page(app, client_for):
    app.config["MAX_CONTENT_LENGTH"], before = 100, app.config["MAX_CONTENT_LENGTH"]
    try:
        response = client_for("clerk").post("/admin/call_visit_log/new/", data={"matter": "x" * 500})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = before
    assert response.status_code == 413 and "文件太大" in response.text


def test_the_timeline_shows_local_minutes_and_who_changed_what(app, client_for):
    model = FORMS["call_visit_log"]
    with app.app_context():
        record = db.session.scalar(sa.select(model).order_by(model.id))
        record.closed_at = datetime(2026, 11, 18, 0, 14, tzinfo=timezone.utc)  # changed with no one signed in
        db.session.commit()
        record_id = record.id
    details = client_for("clerk").get(f"/admin/call_visit_log/details/?id={record_id}").text
    timeline = details.split("记录轨迹")[1]
    assert "2026-11-18 08:14" in timeline and "+00:00" not in timeline
    assert "<strong>—</strong>" not in timeline and "<strong>系统</strong>" in timeline


def test_the_users_list_shows_minutes_and_words(app, client_for):
    with app.app_context():
        clerk = db.session.scalar(sa.select(User).filter_by(username="clerk"))
        clerk.last_login_at = datetime(2026, 11, 18, 0, 14, 33, 123456, tzinfo=timezone.utc)
        clerk.locale = "zh_Hans_CN"  # shown in words in the 界面语言 column (the top bar offers only the other language)
        db.session.commit()
    parts = shown_text(client_for("admin").get("/admin/user/").text)
    assert "2026-11-18 08:14" in parts and not any("33.123456" in part for part in parts)
    assert "是" in parts and "中文" in parts


def test_states_are_coloured_words_and_steps_that_cannot_apply_are_not_drawn(app, client_for):
    client = client_for("manager")
    listing = client.get("/admin/complaint_ticket/").text
    assert 'class="badge badge-' in listing and "&#10003;" not in listing  # late in words (已超时), not a tick
    with app.app_context():
        ticket = db.session.scalar(sa.select(ComplaintTicket).order_by(ComplaintTicket.id))
        ticket.status, ticket.validity = "classified", "valid"
        db.session.commit()
        ticket_id = ticket.id
    page = client.get(f"/admin/complaint_ticket/details/?id={ticket_id}").text
    assert "/transition/contact" in page and "/transition/explain" not in page  # the buttons, not the history
    with app.app_context():
        db.session.get(ComplaintTicket, ticket_id).validity = "invalid"
        db.session.commit()
    page = client.get(f"/admin/complaint_ticket/details/?id={ticket_id}").text
    assert "/transition/explain" in page and "/transition/contact" not in page
