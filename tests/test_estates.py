"""Estates are a boundary: over all 60 forms and every route, a user of one estate never reaches another's records."""
import io
import re

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from app.extensions import db
from app.models import FORMS, LOOKUPS, Attachment, Project, User
from app.scoping import estate_condition
from app.workflow import flow_of
from tests.conftest import login, signed_in
from tests.formdata import errors_in, payload

FORM_NAMES = sorted(FORMS, key=lambda name: FORMS[name].__form__.sort_key)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def estate(code):
    return db.session.scalar(sa.select(Project).filter_by(code=code))


def record_in(model, project):
    """A record of the form in the estate: the demo's own, else one of the first estate's moved there."""
    record = db.session.scalars(sa.select(model).filter_by(project_id=project.id).order_by(model.id)).first()
    if record is None:
        record = db.session.scalars(sa.select(model).order_by(model.id)).first()
        record.project_id = project.id
        db.session.commit()
    return record


@pytest.fixture(scope="module")
def records(app):
    """{form: (id, serial) of a record in 翠湖花园 (CHGY), and one in 榕苑居 (RYJ)}, each with a document."""
    with app.app_context():
        first, second = estate("CHGY"), estate("RYJ")
        admin = db.session.scalar(sa.select(User).filter_by(username="admin"))
        out = {}
        for name, model in FORMS.items():
            other = record_in(model, second)
            own = record_in(model, first)
            out[name] = dict(own=(own.id, own.serial_no), other=(other.id, other.serial_no))
            document = Attachment(table_name=model.__tablename__, row_id=other.id, kind="其他", filename="id.pdf",
                                  mime="application/pdf", size=len(PDF), sha256="0" * 64, content=PDF,
                                  uploaded_by_id=admin.id)
            db.session.add(document)
            db.session.flush()
            out[name]["document"] = document.id
        db.session.commit()
        db.session.remove()
    return out


@pytest.fixture(scope="module")
def clients(app):
    return {user: login(app.test_client(), user) for user in ("clerk", "clerk3", "manager", "admin")}


def view_of(app, endpoint):
    return next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", None) == endpoint)


def listed_ids(client, url):
    """The ids of the rows a list page shows (read off each row's link to its details)."""
    html = client.get(url).get_data(as_text=True)
    body = re.search(r"</thead>(.*?)</table>", html, re.S)
    return {int(i) for i in re.findall(r"details/\?id=(\d+)", body.group(1) if body else "")}


@pytest.mark.parametrize("name", FORM_NAMES)
def test_another_estates_record_is_absent_from_lists_counts_searches_and_exports(app, clients, records, name):
    own_id, own_serial = records[name]["own"]
    other_id, other_serial = records[name]["other"]
    clerk, clerk3, admin = clients["clerk"], clients["clerk3"], clients["admin"]
    page = f"/admin/{name}/?page_size=100"
    listed = listed_ids(clerk, page)
    assert own_id in listed and other_id not in listed
    theirs = listed_ids(clerk3, page)
    assert other_id in theirs and own_id not in theirs
    assert {own_id, other_id} <= listed_ids(admin, page)
    for term in (other_serial, other_serial[-4:]):
        assert other_id not in listed_ids(clerk, f"/admin/{name}/?search={term}")
    assert other_id in listed_ids(clerk3, f"/admin/{name}/?search={other_serial[-4:]}") or \
        "serial_no" not in FORMS[name].__search__
    exported = clerk.get(f"/admin/{name}/export/csv/").get_data(as_text=True)  # serials repeat across estates
    assert "翠湖花园" in exported and "榕苑居" not in exported
    model = FORMS[name]
    with signed_in(app, "clerk"):
        counted = view_of(app, name).get_count_query().scalar()
        mine = db.session.scalar(sa.select(sa.func.count(model.id)).where(model.project_id == estate("CHGY").id))
        assert counted == mine < db.session.scalar(sa.select(sa.func.count(model.id)))


@pytest.mark.parametrize("name", FORM_NAMES)
def test_another_estates_record_answers_404_by_every_url(app, clients, records, name):
    other_id, _ = records[name]["other"]
    clerk = clients["clerk"]
    model = FORMS[name]
    with app.app_context():
        before = db.session.get(model, other_id).updated_at
    assert clerk.get(f"/admin/{name}/details/?id={other_id}").status_code == 404
    assert clerk.get(f"/admin/{name}/edit/?id={other_id}").status_code == 404
    assert clerk.post(f"/admin/{name}/edit/?id={other_id}", data={"remarks": "x"}).status_code == 404
    assert clerk.post(f"/admin/{name}/attach?id={other_id}",
                      data={"file": (io.BytesIO(PDF), "a.pdf"), "kind": "其他"}).status_code == 404
    assert clerk.get(f"/admin/{name}/attachment/{records[name]['document']}").status_code == 404
    assert clerk.get(f"/admin/{name}/print/?id={other_id}").status_code == 404
    assert clerk.get(f"/admin/{name}/print/?ids={records[name]['own'][0]},{other_id}").status_code == 404
    assert clerk.post(f"/admin/{name}/reveal/?id={other_id}", data={"field": "mobile"}).status_code == 404
    # where the role may not delete or edit at all, the refusal comes first (403), else the record is not found
    assert clerk.post(f"/admin/{name}/delete/", data={"id": other_id}).status_code in (403, 404)
    assert clerk.post(f"/admin/{name}/ajax/update/", data={"list_form_pk": other_id, "remarks": "x"}).status_code in (
        400, 403, 404)
    clerk.post(f"/admin/{name}/action/", data={"action": "delete", "rowid": [other_id]})
    flow = flow_of(model)
    for transition in (flow.transitions if flow else ()):
        assert clerk.post(f"/admin/{name}/transition/{transition.action}?id={other_id}",
                          data={"comment": "x"}).status_code == 404
    assert clients["clerk3"].get(f"/admin/{name}/details/?id={other_id}").status_code == 200
    assert clients["clerk3"].get(f"/admin/{name}/attachment/{records[name]['document']}").status_code == 200
    with signed_in(app, "clerk"):  # delete and mass delete find the record through the same scoped queries
        view = view_of(app, name)
        with pytest.raises(NotFound):
            view.get_one(str(other_id))
        view.action_delete((str(other_id),))
        assert db.session.get(model, other_id) is not None
    with app.app_context():
        assert db.session.get(model, other_id).updated_at == before  # nothing the clerk sent was saved
        assert db.session.scalar(sa.select(sa.func.count(Attachment.id)).where(
            Attachment.table_name == model.__tablename__, Attachment.row_id == other_id)) == 1


@pytest.mark.parametrize("name", FORM_NAMES)
def test_type_aheads_offer_only_the_users_estates(app, clients, name):
    """Every type-ahead of the form (units, owners, staff, other forms' records) keeps to the clerk's estate."""
    clerk = clients["clerk"]
    with app.app_context():
        view = view_of(app, name)
        refs = {key: loader.model for key, loader in view._form_ajax_refs.items()}
        first = estate("CHGY").id
    for key, target in refs.items():
        found = clerk.get(f"/admin/{name}/ajax/lookup/?name={key}&query=").json
        with app.app_context():
            condition = estate_condition(target, {first})
            if condition is None:
                continue
            allowed = set(db.session.scalars(sa.select(target.id).where(condition)))
        assert {row[0] for row in found} <= allowed, (key, target)


@pytest.mark.parametrize("model", [m for m in LOOKUPS if m is not Project], ids=lambda m: m.__name__)
def test_lookup_rows_of_another_estate_are_scoped_too(app, clients, model):
    from app.models.fields import snake

    with app.app_context():
        theirs_only = estate_condition(model, {estate("RYJ").id})
        if theirs_only is None:
            pytest.skip(f"{model.__name__} is kept company-wide")
        theirs = db.session.scalars(sa.select(model.id).where(theirs_only, ~estate_condition(
            model, {estate("CHGY").id})).order_by(model.id)).first()
    assert theirs is not None, "the demo's second estate has rows of every estate-bound lookup"
    endpoint = snake(model.__name__)
    assert clients["clerk"].get(f"/admin/{endpoint}/details/?id={theirs}").status_code == 404
    with signed_in(app, "clerk"):
        listed = {row.id for row in view_of(app, endpoint).get_query()}
        assert listed and theirs not in listed
    assert clients["clerk3"].get(f"/admin/{endpoint}/details/?id={theirs}").status_code == 200


def test_estates_list_shows_only_the_users_own(app, clients):
    with app.app_context():
        other = estate("RYJ")
    page = clients["clerk"].get("/admin/project/").get_data(as_text=True)
    assert "翠湖花园" in page and other.name not in page
    assert clients["clerk"].get(f"/admin/project/details/?id={other.id}").status_code == 404


def test_a_new_record_is_of_the_users_estate_and_naming_another_is_refused(app, clients, rnd):
    from app.demo.generator import fake_record

    name = "call_visit_log"
    model = FORMS[name]
    page = clients["clerk"].get(f"/admin/{name}/new/").get_data(as_text=True)
    with app.app_context():
        first, second = estate("CHGY"), estate("RYJ")
        values, lines = fake_record(model, rnd, optional=1.0)
        values["project"] = second
        data = payload(model, values, lines)
        before = db.session.scalar(sa.select(sa.func.count(model.id)))
    assert f'value="{first.id}" selected' in page.replace("selected ", "selected ") or "翠湖花园" in page
    assert second.name not in page  # another estate is not even offered
    response = clients["clerk"].post(f"/admin/{name}/new/", data=data)
    assert response.status_code == 200
    assert "只能选择您所属的项目" in " ".join(errors_in(response.get_data(as_text=True)))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(model.id))) == before


def test_a_new_record_is_not_started_from_another_estates_record(app, clients, records):
    """?from= (a call becomes a complaint) reads only a record the user may reach."""
    from app.servicedesk.intake import prefill

    with app.app_context():
        calls = {which: db.session.get(FORMS["call_visit_log"], records["call_visit_log"][which][0])
                 for which in ("own", "other")}
        carried = {which: prefill("call_visit_log", "complaint_ticket", call) for which, call in calls.items()}
        name = {which: calls[which].name for which in calls}
    assert name["own"] != name["other"] and all(carried.values())
    for which, user, shown in (("own", "clerk", True), ("other", "clerk", False), ("other", "clerk3", True)):
        call_id = records["call_visit_log"][which][0]
        page = clients[user].get(f"/admin/complaint_ticket/new/?from=call_visit_log:{call_id}")
        assert page.status_code == 200 and (f'value="{name[which]}"' in page.text) is shown, (which, user)


def test_a_report_snapshot_of_another_estate_is_not_printed(app, clients):
    with app.app_context():
        second = estate("RYJ").id
    response = clients["clerk3"].post("/admin/reports/save", data={"report": "complaint_summary", "project": second})
    snapshot = response.headers["Location"].rstrip("/").split("/")[-1]
    assert clients["clerk"].get(f"/admin/report-print/?snapshot={snapshot}").status_code == 404
    assert clients["clerk3"].get(f"/admin/report-print/?snapshot={snapshot}").status_code == 200


def test_repeated_and_odd_ids_answer_404(app, clients, records):
    name = "complaint_ticket"
    own_id, _ = records[name]["own"]
    for query in (f"id={own_id}&id=0", f"id={own_id}&id={own_id}", "id=%D9%A3", "id=-1", f"id={2**64}", "id=1e3"):
        assert clients["admin"].get(f"/admin/{name}/edit/?{query}").status_code == 404, query
        assert clients["admin"].get(f"/admin/{name}/details/?{query}").status_code == 404, query


def test_inbox_due_list_home_and_reports_keep_to_the_estate(app, clients, records):
    with app.app_context():
        second = estate("RYJ")
        # serial numbers repeat across estates: a record is known on these pages by the link to its page
        theirs = {f"/admin/{name}/details/?id={rec['other'][0]}\"" for name, rec in records.items()
                  if flow_of(FORMS[name])}
        serial = theirs.pop()
    for user, path in (("manager", "/admin/inbox/"), ("manager", "/admin/due/"), ("clerk", "/admin/due/"),
                       ("manager", "/admin/"), ("clerk", "/admin/"), ("clerk", f"/admin/due/?project={second.id}")):
        page = clients[user].get(path).get_data(as_text=True)
        assert not any(s in page for s in theirs | {serial}), (user, path)
    assert clients["clerk"].get(f"/admin/reports/?project={second.id}").status_code == 400
    assert clients["clerk3"].get(f"/admin/reports/?project={second.id}").status_code == 200
    response = clients["clerk3"].post("/admin/reports/save", data={"report": "complaint_summary",
                                                                   "project": second.id})
    assert response.status_code == 302
    snapshot = response.headers["Location"].rstrip("/").split("/")[-1]
    assert clients["clerk"].get(f"/admin/reports/snapshot/{snapshot}").status_code == 404
    assert clients["clerk"].get(f"/admin/reports/snapshot/{snapshot}/xlsx").status_code == 404
    assert clients["clerk3"].get(f"/admin/reports/snapshot/{snapshot}").status_code == 200


def test_the_inbox_decides_only_the_users_estates(app, clients, records):
    name = "renovation_application"
    other_id, _ = records[name]["other"]
    page = clients["manager"].post("/admin/inbox/decide", data={"action": "approve", "selected": f"{name}:{other_id}"})
    assert "记录不存在" in page.get_data(as_text=True)


def test_the_administrator_gives_users_their_estates(app, clients, records):
    page = clients["admin"].get("/admin/user/new/").get_data(as_text=True)
    assert "所属项目" in page and "公司级" in page
    with app.app_context():
        second = estate("RYJ").id
        clerk_role = next(role.id for role in db.session.scalar(sa.select(User).filter_by(username="clerk")).roles)
    data = {"username": "zhou", "display_name": "周前台", "roles": [str(clerk_role)], "projects": [str(second)],
            "is_active": "y", "locale": "zh_Hans_CN", "new_password": "Qiantai-desk-2931"}
    assert clients["admin"].post("/admin/user/new/", data=data).status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).filter_by(username="zhou"))
        assert [p.code for p in user.projects] == ["RYJ"] and not user.all_projects
    zhou = login(app.test_client(), "zhou", "Qiantai-desk-2931")
    page = zhou.get("/admin/call_visit_log/?page_size=100").get_data(as_text=True)
    assert records["call_visit_log"]["other"][1] in page and records["call_visit_log"]["own"][1] not in page


# the routes of a form's pages, each visited above with another estate's record; a new route must join this list
ROUTES_VISITED = {"/", "/new/", "/edit/", "/details/", "/delete/", "/action/", "/ajax/lookup/", "/ajax/update/",
                  "/attach", "/attachment/<int:attachment_id>", "/export/<export_type>/", "/print/", "/reveal/",
                  "/transition/<action>"}


def test_every_route_of_a_form_is_one_the_estate_tests_visit(app):
    for name in FORMS:
        routes = {rule.rule[len(f"/admin/{name}"):] for rule in app.url_map.iter_rules()
                  if rule.endpoint.startswith(f"{name}.") and rule.endpoint != f"{name}.static"}
        assert routes == ROUTES_VISITED, (name, routes ^ ROUTES_VISITED)


@pytest.mark.postgres
def test_on_postgresql_each_estate_lists_and_opens_only_its_own(postgres_app):
    """The boundary holds on the company's database too: for every form, each estate's clerk lists and opens only
    the own estate's record."""
    with postgres_app.app_context():
        first, second = estate("CHGY"), estate("RYJ")
        pairs = {name: (record_in(model, first).id, record_in(model, second).id) for name, model in FORMS.items()}
        db.session.remove()
    clerk = login(postgres_app.test_client(), "clerk")
    clerk3 = login(postgres_app.test_client(), "clerk3")
    for name, (own_id, other_id) in pairs.items():
        page = f"/admin/{name}/?page_size=100"
        listed, theirs = listed_ids(clerk, page), listed_ids(clerk3, page)
        assert own_id in listed and other_id not in listed, name
        assert other_id in theirs and own_id not in theirs, name
        assert clerk.get(f"/admin/{name}/details/?id={other_id}").status_code == 404, name
        assert clerk3.get(f"/admin/{name}/details/?id={own_id}").status_code == 404, name
