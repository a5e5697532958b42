"""Every page a role can open speaks one language: no English on a Chinese page, no Chinese on an English one
outside the data. One record per form, one client per role. Create and edit pages are the same form for every
role that may write, so the administrator (who may open them all) crawls them; every role crawls every list,
details page (its buttons differ by role) and the home, inbox, due and report pages."""
import re

import pytest
import sqlalchemy as sa
from flask_admin.contrib.sqla import ModelView

from app.extensions import db
from app.models import User
from crawl import shown_text

ROLES = ("clerk", "manager", "admin")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
HAN = re.compile(r"[\u4e00-\u9fff]")
# what may stay Latin on a Chinese page: the other language's own name, file types, units, and codes people type
# (serial numbers KF0660-…, department codes, seal numbers) which are all capitals
ALLOWED_LATIN = {"English", "kg", "mm", "cm", "KB", "MB"}
CODE = re.compile(r"^[A-Z]{1,6}$")
SIDE_PAGES = ("/admin/", "/admin/inbox/", "/admin/due/", "/admin/reports/", "/no-such-page")


def pages(app, forms=True):
    """Every list and details page of every view (one record each), the custom pages, and the forms if asked."""
    urls = list(SIDE_PAGES)
    with app.test_request_context():
        for view in app.extensions["admin"][0]._views:
            if not view.url.startswith("/admin/") or view.url == "/admin":
                continue
            urls.append(view.url + "/")
            if isinstance(view, ModelView):
                first = db.session.scalar(sa.select(view.model.id).order_by(view.model.id).limit(1))
                writable = type(view).can_create is not False  # a read-only log has no form to crawl
                urls += [view.url + "/new/"] if forms and writable else []
                if first is not None:
                    urls += [f"{view.url}/details/?id={first}"] + ([f"{view.url}/edit/?id={first}"]
                                                                   if forms and writable else [])
        db.session.remove()
    return urls


def is_data(tag, attrs):
    """In English, what people typed or chose shows as typed: table cells, options, values, chosen type-aheads."""
    classes = attrs.get("class") or ""
    return (tag in ("td", "option", "textarea", "li") or "select2-chosen" in classes or "badge" in classes
            or "data" in classes.split())  # a page marks what it shows of the records: <span class="data">


def is_code_cell(tag, attrs):
    """A lookup's code column holds the ASCII codes an administrator keys."""
    return tag == "td" and "col-code" in (attrs.get("class") or "")


EMAIL = re.compile(r"\S+@\S+")
# capitals mixed with digits are an identifier the data holds (a credit code 91440300MA5F…, a plate), never a word
MIXED_CODE = re.compile(r"(?<![A-Za-z0-9])(?=[A-Z0-9]*[0-9])[A-Z0-9]{6,}(?![A-Za-z0-9])")


def latin_words(parts, data=frozenset()):
    """Latin words outside e-mail addresses, identifiers, the allow-list and the codes the data holds."""
    return {word for part in parts for word in LATIN_WORD.findall(MIXED_CODE.sub("", EMAIL.sub("", part)))
            if word not in ALLOWED_LATIN and word not in data and not CODE.match(word)}


@pytest.fixture(scope="module")
def codes(app):
    """The ASCII codes lookup rows are keyed by and the user names people log in with: data typed by people."""
    with app.app_context():
        tables = [t for t in db.metadata.tables.values() if "code" in t.columns and "is_active" in t.columns]
        typed = [code for t in tables for code in db.session.scalars(sa.select(t.c.code))]
        typed += db.session.scalars(sa.select(User.username)).all()
        db.session.remove()
    return {word for value in typed for word in LATIN_WORD.findall(value or "")}


@pytest.fixture(scope="module")
def names(app):
    """The Chinese names an English page still shows as data: lookup rows (the estate, complaint categories in a
    chart), the user signed in, the language switch."""
    with app.app_context():
        tables = [t for t in db.metadata.tables.values() if "name" in t.columns and "is_active" in t.columns]
        shown = [name for t in tables for name in db.session.scalars(sa.select(t.c.name))]
        shown += db.session.scalars(sa.select(User.display_name)).all()
        db.session.remove()
    return sorted(set(shown) | {"中文"}, key=len, reverse=True)


@pytest.fixture(scope="module")
def urls(app):
    return {True: pages(app), False: pages(app, forms=False)}


@pytest.mark.parametrize("role", ROLES)
def test_chinese_pages_have_no_english(urls, codes, client_for, role):
    client, found = client_for(role), {}
    for url in urls[role == "admin"]:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), (url, response.status_code)
        for word in latin_words(shown_text(response.text, skip=is_code_cell), codes):
            found.setdefault(word, url)
    assert not found, found


def test_a_refused_save_and_its_messages_are_chinese(client_for):
    page = client_for("clerk").post("/admin/call_visit_log/new/", data={"contact_at": "2026-13-40 10:30"}).text
    parts = shown_text(page)
    assert not latin_words(parts), latin_words(parts)
    assert "请选择" in parts and any("年-月-日 时:分" in part for part in parts)


@pytest.mark.parametrize("role", ROLES)
def test_english_pages_have_no_chinese_outside_the_data(urls, names, client_for, role):
    client, found = client_for(role), {}
    client.post("/locale/en")
    for url in urls[role == "admin"]:
        for part in shown_text(client.get(url).text, skip=is_data):
            for name in names:
                part = part.replace(name, "")
            if HAN.search(part):
                found.setdefault(part[:40], url)
    client.post("/locale/zh_Hans_CN")
    assert not found, found
