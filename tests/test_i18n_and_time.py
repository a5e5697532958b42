"""Chinese by default, English on request; times stored in UTC and shown in Asia/Shanghai."""
from datetime import datetime, timezone

import sqlalchemy as sa

from app.extensions import db
from app.models import FORMS, User


def test_chinese_is_the_default(client_for):
    page = client_for("clerk").get("/admin/call_visit_log/").text
    assert "业主来电来访登记表" in page and "接待类别" in page and "列表" in page


def test_a_user_switches_to_english_and_keeps_it(app, client_for):
    client = client_for("manager")
    assert client.post("/locale/en", headers={"Referer": "/admin/"}).status_code == 302
    page = client.get("/admin/call_visit_log/").text
    assert "Owner call & visit register" in page and "Contact mode" in page and "List" in page
    assert "接待类别" not in page
    with app.app_context():
        assert db.session.scalar(sa.select(User.locale).filter_by(username="manager")) == "en"
    client.post("/locale/zh_Hans_CN")
    assert "接待类别" in client.get("/admin/call_visit_log/").text


def test_choice_labels_follow_the_language(client_for):
    client = client_for("admin")
    client.post("/locale/en")
    assert "Residence" in client.get("/admin/unit/").text  # the code `residence`, labelled 住宅 in Chinese
    client.post("/locale/zh_Hans_CN")
    assert "住宅" in client.get("/admin/unit/").text


def test_times_are_stored_in_utc_and_shown_in_shanghai(app, client_for):
    model = FORMS["call_visit_log"]
    with app.app_context():
        record = db.session.scalars(sa.select(model).order_by(model.id)).first()
        record.contact_at = datetime(2026, 3, 1, 1, 30, tzinfo=timezone.utc)
        db.session.commit()
        raw = db.session.execute(sa.text("SELECT contact_at FROM call_visit_logs WHERE id = :id"),
                                 {"id": record.id}).scalar()
        record_id = record.id
    assert str(raw).startswith("2026-03-01 01:30")
    client = client_for("clerk")
    assert "2026-03-01 09:30" in client.get(f"/admin/call_visit_log/details/?id={record_id}").text
    edit_page = client.get(f"/admin/call_visit_log/edit/?id={record_id}").text
    assert 'value="2026-03-01 09:30"' in edit_page
