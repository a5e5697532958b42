"""Issue 9 item 3: ID numbers and phones masked everywhere, revealed on purpose by named roles, reveals and
exports logged and capped, and the administrator's 个人信息访问日志."""
import sqlalchemy as sa

from app.extensions import db
from app.models import FORMS, Owner, PiiAccessLog, Project, StaffMember, User
from app.privacy import mask_id, mask_phone, personal_fields
from app.scoping import scoped
from tests.conftest import count_for


def owner(app):
    with app.app_context():
        row = db.session.scalars(sa.select(Owner).where(Owner.id_number.isnot(None)).order_by(Owner.id)).first()
        return row.id, row.mobile, row.id_number, row.name


def logs(app, **where):
    with app.app_context():
        return [(r.user.username, r.action, r.table_name, r.row_id, r.field, r.rows)
                for r in db.session.scalars(sa.select(PiiAccessLog).filter_by(**where).order_by(PiiAccessLog.id))]


def test_maskers():
    """The shapes the issue asks for: the region and check digits of an ID, the ends of a phone."""
    assert mask_id("440301199001012249") == "440301********2249"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("0755-12345678") == "075******5678"


def test_every_form_with_phones_or_ids_masks_them():
    """Every mobile, phone and ID field of the 60 forms is personal data, a company's hotline is not."""
    assert "mobile" in personal_fields(Owner) and "id_number" in personal_fields(Owner)
    assert sum(len(personal_fields(model)) for model in FORMS.values()) >= 20
    assert personal_fields(Project) == []


def test_lists_details_and_type_aheads_show_masked_values(app, client_for):
    owner_id, mobile, id_number, name = owner(app)
    for role in ("clerk", "manager", "admin"):
        client = client_for(role)
        for page in (client.get("/admin/owner/"), client.get(f"/admin/owner/details/?id={owner_id}"),
                     client.get("/admin/unit_owner/ajax/lookup/", query_string={"name": "owner", "query": mobile}),
                     client.get(f"/admin/owner/edit/?id={owner_id}")):
            assert page.status_code in (200, 403), page.status_code
            assert mobile not in page.text and id_number not in page.text, role
        found = client.get("/admin/unit_owner/ajax/lookup/", query_string={"name": "owner", "query": mobile}).json
        assert [label for id_, label in found if id_ == owner_id][0].startswith(name)  # found by the number
        assert all(mobile not in label for _, label in found)  # shown by name, room and the phone's tail only
        details = client.get(f"/admin/owner/details/?id={owner_id}").text
        assert mask_phone(mobile) in details and mask_id(id_number) in details
        assert ("显示</button>" in details) is (role != "clerk")


def test_reveal_is_for_named_roles_and_logged(app, client_for):
    owner_id, mobile, id_number, _ = owner(app)
    assert client_for("clerk").post(f"/admin/owner/reveal/?id={owner_id}", data={"field": "mobile"}).status_code == 403
    assert logs(app, action="reveal") == []
    manager = client_for("manager")
    assert manager.post(f"/admin/owner/reveal/?id={owner_id}", data={"field": "name"}).status_code == 404
    shown = manager.post(f"/admin/owner/reveal/?id={owner_id}", data={"field": "id_number"})
    assert shown.status_code == 200 and id_number in shown.text and mobile not in shown.text
    assert "no-store" in shown.headers["Cache-Control"]
    assert logs(app, action="reveal") == [("manager", "reveal", "owners", owner_id, "id_number", None)]
    app.config["PII_ROLES"] = ("admin",)  # a department narrows who may look
    try:
        assert manager.post(f"/admin/owner/reveal/?id={owner_id}", data={"field": "mobile"}).status_code == 403
    finally:
        app.config["PII_ROLES"] = ("manager", "admin")


def test_exports_are_masked_logged_and_capped(app, client_for):
    with app.app_context():  # the clerk and the manager work in the same estate: the same staff list
        manager = db.session.scalar(sa.select(User).filter_by(username="manager"))
        mobiles = db.session.scalars(scoped(sa.select(StaffMember.mobile), StaffMember, manager)).all()
        total = count_for("manager", StaffMember)
        assert total == count_for("clerk", StaffMember) == len(mobiles)
    before = len(logs(app, action="export"))
    clerk_csv = client_for("clerk").get("/admin/staff_member/export/csv/")
    assert clerk_csv.status_code == 200 and not any(m in clerk_csv.text for m in mobiles)
    assert mask_phone(mobiles[0]) in clerk_csv.text
    manager_csv = client_for("manager").get("/admin/staff_member/export/csv/")
    assert all(m in manager_csv.text for m in mobiles)
    assert logs(app, action="export")[before:] == [("clerk", "export", "staff_members", None, None, total),
                                                   ("manager", "export", "staff_members", None, None, total)]
    app.config["EXPORT_MAX_ROWS"] = total - 1
    try:
        refused = client_for("manager").get("/admin/staff_member/export/csv/", follow_redirects=True)
    finally:
        app.config["EXPORT_MAX_ROWS"] = 1000
    assert f"每次最多 {total - 1} 行" in refused.text and not any(m in refused.text for m in mobiles)
    assert len(logs(app, action="export")) == before + 2


def test_editing_keeps_a_masked_value_and_takes_a_new_one(app, client_for):
    owner_id, mobile, id_number, name = owner(app)
    client = client_for("admin")
    form = client.get(f"/admin/owner/edit/?id={owner_id}").text
    assert f'value="{mask_phone(mobile)}"' in form and f'value="{mask_id(id_number)}"' in form
    with app.app_context():
        record = db.session.get(Owner, owner_id)
        data = {"owner_type": record.owner_type, "name": name + "改", "gender": record.gender or "",
                "id_type": record.id_type, "id_number": mask_id(id_number), "mobile": ""}
    saved = client.post(f"/admin/owner/edit/?id={owner_id}", data=data)
    assert saved.status_code == 302
    with app.app_context():
        record = db.session.get(Owner, owner_id)
        assert (record.name, record.mobile, record.id_number) == (name + "改", mobile, id_number)
    client.post(f"/admin/owner/edit/?id={owner_id}", data={**data, "mobile": "13900001111"})
    with app.app_context():
        assert db.session.get(Owner, owner_id).mobile == "13900001111"


def test_access_log_is_for_administrators(client_for):
    assert client_for("clerk").get("/admin/pii_access_log/").status_code == 403
    assert client_for("manager").get("/admin/pii_access_log/").status_code == 403
    page = client_for("admin").get("/admin/pii_access_log/")
    assert page.status_code == 200 and "个人信息访问日志" in page.text
    assert "显示完整信息" in page.text and "证件号码" in page.text and "业主" in page.text  # the reveal test's line
    assert client_for("admin").get("/admin/pii_access_log/new/").status_code in (302, 403, 404)
