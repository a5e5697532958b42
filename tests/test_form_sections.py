"""Create and edit pages are grouped into the paper form's sections: declared on the form or derived, the estate
first, every field of the page in exactly one section."""
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import FORMS
from app.views.declared import editable_fields, field_info
from app.views.entry import later_fields

FORM_NAMES = sorted(FORMS, key=lambda name: FORMS[name].__form__.sort_key)
HEAD = re.compile(r"<h3>(.*?)</h3>")
FIELD_NAMES = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([a-z][a-z_0-9-]*)"')


def sections_on(page):
    """[(title, field names in its part of the page)] of a create or edit page's form."""
    form = page[page.index('class="admin-form'):page.index("</form>", page.index('class="admin-form'))]
    parts = HEAD.split(form)[1:]
    return [(title, FIELD_NAMES.findall(body)) for title, body in zip(parts[::2], parts[1::2])]


def expected(model, created):
    fields = [n for n in editable_fields(model) if not (created and n in later_fields(model))]
    return {n for n in fields if field_info(model, n).get("kind") != "lines"}


@pytest.mark.parametrize("name", FORM_NAMES)
def test_every_form_is_drawn_in_its_sections_with_each_field_once(app, client_for, name):
    model, client = FORMS[name], client_for("clerk")
    with app.app_context():
        record_id = db.session.scalar(sa.select(model.id).order_by(model.id))
    for url, created in ((f"/admin/{name}/new/", True), (f"/admin/{name}/edit/?id={record_id}", False)):
        page = client.get(url).text
        sections = sections_on(page)
        assert len(sections) >= (2 if len(expected(model, created)) > 12 else 1), (url, [t for t, _ in sections])
        assert all(fields for _, fields in sections), (url, sections)
        assert len({title for title, _ in sections}) == len(sections), url
        shown = [n for _, fields in sections for n in fields if "-" not in n and n != "csrf_token"]  # lines: x-0-y
        assert sorted(set(shown)) == sorted(shown), (url, [n for n in shown if shown.count(n) > 1])
        assert set(shown) == expected(model, created), url
        assert sections[0][1][0] == "project", url  # the estate first: every other choice belongs to it


@pytest.mark.parametrize("name", [n for n in FORM_NAMES if len(expected(FORMS[n], False) - {"project", "remarks"}) > 10])
def test_big_forms_declare_the_sections_of_their_paper_form(name):
    declared = getattr(FORMS[name], "__sections__", None)
    assert declared and len(declared) >= 2
    assert all(isinstance(title, tuple) and len(title) == 2 for title, _ in declared)  # Chinese, and its English


def test_sections_are_read_in_the_users_language(client_for):
    client = client_for("clerk")
    assert "<h3>来电来访人</h3>" in client.get("/admin/call_visit_log/new/").text
    client.post("/locale/en")
    try:
        page = client.get("/admin/call_visit_log/new/").text
    finally:
        client.post("/locale/zh_Hans_CN")
    assert "<h3>Caller</h3>" in page and "来电来访人" not in page
