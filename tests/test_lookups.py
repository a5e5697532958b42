"""Lookup tables and accounts, kept by administrators."""
import sqlalchemy as sa

from app.extensions import db
from app.models import ComplaintCategory, FeeItem, Role, Unit, User
from tests.conftest import login


def test_manual_categories_are_prefilled(app, ctx):
    names = db.session.scalars(sa.select(ComplaintCategory.name).order_by(ComplaintCategory.sort)).all()
    assert names == ["安保工作", "清洁", "绿化", "工程维修", "信件、报刊收发", "装修管理", "员工服务态度", "其它"]
    assert db.session.scalar(sa.select(FeeItem).filter_by(code="key_deposit")).refundable


def test_admin_adds_a_category(client_for, ctx):
    response = client_for("admin").post("/admin/fee_item/new/", data={
        "code": "umbrella_deposit", "name": "雨伞押金", "sort": "30", "fee_type": "deposit", "unit_price": "50",
        "refundable": "y", "is_active": "y"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(FeeItem).filter_by(code="umbrella_deposit")).name == "雨伞押金"


def test_a_referenced_lookup_is_deactivated_not_deleted(client_for, ctx):
    unit = db.session.scalar(sa.select(Unit).order_by(Unit.id))  # owners and forms point at it
    response = client_for("admin").post("/admin/unit/delete/", data={"id": unit.id}, follow_redirects=True)
    assert "已停用而未删除" in response.text
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).is_active is False
    unit.is_active = True
    db.session.commit()


def test_an_unused_lookup_is_deleted(client_for, ctx):
    category = ComplaintCategory(code="unused", name="未使用类别", sort=99)
    db.session.add(category)
    db.session.commit()
    client_for("admin").post("/admin/complaint_category/delete/", data={"id": category.id})
    db.session.expire_all()
    assert db.session.get(ComplaintCategory, category.id) is None


def test_inactive_entries_leave_the_choice_lists_but_stay_on_records(app, client_for, ctx):
    category = ComplaintCategory(code="retired", name="停用的类别", sort=98, is_active=False)
    db.session.add(category)
    unit = db.session.scalar(sa.select(Unit).where(Unit.display_no.like("%102")))
    unit.is_active = False
    db.session.commit()
    clerk = client_for("clerk")
    assert "停用的类别" not in clerk.get("/admin/complaint_ticket/new/").text
    found = clerk.get("/admin/call_visit_log/ajax/lookup/?name=unit&query=102").json
    assert unit.id not in [row[0] for row in found]
    unit.is_active = True
    db.session.commit()
    found = clerk.get("/admin/call_visit_log/ajax/lookup/?name=unit&query=102").json
    assert unit.id in [row[0] for row in found]


def test_unit_lookup_finds_by_part_of_the_room_number(client_for):
    found = client_for("clerk").get("/admin/call_visit_log/ajax/lookup/?name=unit&query=1单元20").json
    assert found and all("1单元20" in label for _, label in found)


def test_admin_creates_reroles_deactivates_and_resets_a_user(app, client_for):
    # No app context around the requests: Flask would share it, and Flask-Login's cached user, between them.
    admin = client_for("admin")
    with app.app_context():
        clerk_role, manager_role = (db.session.scalar(sa.select(Role.id).filter_by(code=code))
                                    for code in ("clerk", "manager"))
    account = {"username": "newbie", "display_name": "新同事", "roles": [clerk_role], "is_active": "y"}
    refused = admin.post("/admin/user/new/", data=account)
    assert refused.status_code == 200 and "请设置初始密码" in refused.text
    assert admin.post("/admin/user/new/", data={**account, "new_password": "first-pass-1"}).status_code == 302
    login(app.test_client(), "newbie", "first-pass-1")
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).filter_by(username="newbie"))
    admin.post(f"/admin/user/edit/?id={user_id}", data={
        "username": "newbie", "display_name": "新同事", "roles": [clerk_role, manager_role],
        "new_password": "second-pass-2"})
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.role_codes == {"clerk", "manager"} and user.is_active is False
        assert user.check_password("second-pass-2")
    refused = app.test_client().post("/login", data={"username": "newbie", "password": "second-pass-2"})
    assert refused.status_code == 200 and "已停用" in refused.text
