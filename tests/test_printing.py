"""Every form prints as its Chinese A4 sheet with every declared field; batches and reports print; rights hold."""
import html as entities
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.demo.generator import build, fake_record
from app.extensions import db
from app.models import FORMS, User
from app.views.declared import declared_fields, label_for
from app.views.sheets import DEFAULT_SIGNATURES, rmb_upper, sections_of, signatures_of
from conftest import login

FORM_NAMES = sorted(FORMS, key=lambda name: FORMS[name].__form__.sort_key)
UNITS = {"mm", "cm", "kg", "km", "kW", "kWh"}  # units of measure stay as the paper writes them


def english(words):
    return [word for word in re.findall(r"[A-Za-z]{2,}", words) if word not in UNITS]


def first_id(model):
    return db.session.scalar(sa.select(model.id).order_by(model.id).limit(1))


def printed_labels(html):
    """The sheet's own words (labels, titles, headings): markup, style and the values written on it removed."""
    html = re.sub(r"<(style|script|title)\b.*?</\1>", "", html, flags=re.DOTALL)
    html = re.sub(r'<(span|td|u)\b[^>]*class="v"[^>]*>.*?</\1>', "", html, flags=re.DOTALL)
    return entities.unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("name", FORM_NAMES)
def test_every_form_prints_its_sheet_in_chinese_with_every_field(app, ctx, client_for, name):
    model = FORMS[name]
    record = db.session.get(model, first_id(model))
    assert record is not None, f"the demo has no {name}"
    response = client_for("clerk").get(f"/admin/{name}/print/?id={record.id}")
    assert response.status_code == 200
    html = response.text
    form = model.__form__
    assert form.title in html and form.code in html and record.serial_no in html
    assert html.count('class="sheet"') == 1
    words = printed_labels(html)
    assert english(words) == []  # no English on the Chinese sheet
    for field in declared_fields(model):
        assert str(label_for(model, field)) in words, field
        rel = sa.inspect(model).relationships.get(field)
        if rel is not None and rel.info.get("kind") == "lines":
            child = rel.mapper.class_
            for column in declared_fields(child):
                if column != "sort":
                    assert str(label_for(child, column)) in words, f"{field}.{column}"
    for signer in signatures_of(model):
        assert f"{signer}(签字)" in words
    assert "@page" in html and "size: A4" in html and "counter(pages)" in html
    assert '"Noto Serif CJK SC"' in html and "://" not in html and "url(" not in html  # local fonts, nothing fetched


def test_the_sheet_follows_declared_sections_and_falls_back_without(app, ctx, client_for, monkeypatch):
    model = FORMS["call_visit_log"]
    monkeypatch.setattr(model, "__sections__", None)
    derived = sections_of(model)
    assert [title for title, _ in derived] == ["基本情况", "办理情况"]
    assert derived[0][1][:3] == ["contact_at", "contact_mode", "caller_kind"] and derived[0][1][-1] == "matter"
    monkeypatch.setattr(model, "__sections__", (("来电人", ("name", "phone", "unit")),
                                                (("事由", "Matter"), ("matter", "category"))), raising=False)
    sections = sections_of(model)
    assert sections[:2] == [("来电人", ["name", "phone", "unit"]), ("事由", ["matter", "category"])]
    assert sections[2][0] == "其他" and "contact_at" in sections[2][1] and "name" not in sections[2][1]
    html = client_for("clerk").get(f"/admin/call_visit_log/print/?id={first_id(model)}").text
    assert html.index("来电人") < html.index(">姓名<") < html.index(">事由<") < html.index(">其他<")


def test_signers_are_declared_on_the_form_or_follow_its_kind():
    assert signatures_of(FORMS["complaint_ticket"]) == ["受理人", "处理人", "主管", "投诉人"]
    undeclared = next(m for m in FORMS.values() if "__signatures__" not in vars(m) and m.__form__.kind == "checklist")
    assert signatures_of(undeclared) == [str(s) for s in DEFAULT_SIGNATURES["checklist"]]


@pytest.mark.parametrize("amount, words", [("3612.99", "叁仟陆佰壹拾贰元玖角玖分"), ("200", "贰佰元整"),
                                           ("10010.5", "壹万零壹拾元伍角整"), ("0.05", "零元零伍分")])
def test_deposits_are_written_out_as_on_a_receipt(amount, words):
    assert rmb_upper(Decimal(amount)) == words


def test_a_batch_prints_one_record_per_page_and_the_list_action_is_open_to_readers(app, client_for, rnd):
    model = FORMS["call_visit_log"]
    with app.app_context():
        records = [build(model, *fake_record(model, rnd)) for _ in range(3)]
        db.session.add_all(records)
        db.session.commit()
        ids, serials = [r.id for r in records], [r.serial_no for r in records]
    client = client_for("clerk")
    assert "打印" in client.get("/admin/call_visit_log/").text  # offered among the list's actions
    response = client.post("/admin/call_visit_log/action/", data={"action": "print", "rowid": [str(i) for i in ids]})
    assert response.status_code == 302 and "/admin/call_visit_log/print/" in response.location
    html = client.get(response.location).text
    assert html.count('class="sheet"') == 3 and all(serial in html for serial in serials)
    assert "page-break-after: always" in html
    # the list action opens printing, not deleting: a clerk still cannot delete through it
    refused = client.post("/admin/call_visit_log/action/", data={"action": "delete", "rowid": [str(ids[0])]})
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.get(model, ids[0]) is not None


def test_printing_needs_the_right_to_read_the_form(app, client_for):
    with app.app_context():
        record_id = first_id(FORMS["complaint_ticket"])
        roleless = User(username="nobody", display_name="无角色")
        roleless.set_password("nobody-pass-1")
        db.session.add(roleless)
        db.session.commit()
    url = f"/admin/complaint_ticket/print/?id={record_id}"
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.location
    assert login(app.test_client(), "nobody", "nobody-pass-1").get(url).status_code == 403
    client = client_for("clerk")
    assert client.get("/admin/complaint_ticket/print/?id=999999").status_code == 404
    details = client.get(f"/admin/complaint_ticket/details/?id={record_id}").text
    assert details.count("/admin/complaint_ticket/print/") == 1  # 打印 on the details page


@pytest.mark.parametrize("key", ["service_team_statistic", "complaint_summary", "arrears_record",
                                 "renovation_statistic", "owner_info_summary"])
def test_each_monthly_report_prints_without_a_snapshot(client_for, key):
    client = client_for("clerk")
    response = client.get(f"/admin/report-print/?report={key}&start=2020-01-01&end=2030-12-31")
    assert response.status_code == 200
    html = response.text
    assert FORMS[key].__form__.code in html and FORMS[key].__form__.title in html
    assert "<svg" in html and "制表人(签字)" in html
    assert english(printed_labels(html)) == []
    preview = client.get(f"/admin/reports/?report={key}").text
    assert "/admin/report-print/?" in preview


def test_a_saved_snapshot_prints_as_saved_and_a_bad_choice_is_refused_in_chinese(client_for):
    client = client_for("manager")
    saved = client.post("/admin/reports/save", data={"report": "complaint_summary", "start": "2020-01-01",
                                                     "end": "2030-12-31"})
    assert saved.status_code == 302
    snapshot_id = saved.location.rstrip("/").split("/")[-1]
    html = client.get(f"/admin/report-print/?snapshot={snapshot_id}").text
    assert "投诉处理汇总表" in html and "2020-01-01" in html and "<svg" in html
    assert client.get("/admin/report-print/?snapshot=999999").status_code == 404
    refused = client.get("/admin/report-print/?report=complaint_summary&start=2024-13-01")
    assert refused.status_code == 400 and "日期" in refused.text
