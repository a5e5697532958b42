"""The other request flows, driven through HTTP: common-area booking (6.56), hot work (6.57), extinguisher rental
(6.58), owner cards (6.3) and courtesy loans (6.47); V-NOOVERLAP has its own module, test_booking_overlap."""
import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.demo.generator import build, fake_record
from app.extensions import db
from app.models import (
    FORMS,
    FireExtinguisher,
    Owner,
    Project,
    PublicArea,
    StaffMember,
    UnitOwner,
    User,
)
from app.models.types import utcnow
from app.models.workflow import TransitionLog
from app.workflow import flow_of
from tests.formdata import errors_in, payload
from conftest import act, client_of, first

NOW = utcnow().replace(second=0, microsecond=0)
SEQ = itertools.count(1)
DONE, ROLE = "已完成操作", "您的角色不能进行此操作"


def hours(n):
    return NOW + timedelta(hours=n)



def booking_defaults(values):
    """A future two-hour slot on a fresh area, so no other test's booking is in the way."""
    out = {"start_at": hours(48), "end_at": hours(50), "participants": None, "damage_found": False,
           "damage_note": None, "post_use_checked_at": None, "deposit_amount": Decimal(500),
           "deduction_amount": None}
    if "public_area_id" not in values:
        out["public_area"] = new_area()
    return out


def hot_work_defaults(values):
    """A permit for tomorrow that passes every guard of §4.7."""
    return {"applicant_kind": "internal", "renovation_application": None, "construction_permit": None,
            "start_at": hours(24), "end_at": hours(26), "operator_name": "刘铁军", "fire_watch_name": "黄国平",
            "operator_cert_expiry": NOW.date() + timedelta(days=365), "extinguishers_on_site": 2,
            "combustibles_cleared": True, "extinguishers_ready": True, "site_checked_by": None,
            "site_checked_at": None, "approved_by": None, "approved_at": None, "post_check_by": None,
            "post_check_at": None}


def rental_defaults(values):
    units = values.get("units", [("in_place", None), ("in_place", None)])
    return {"quantity": len(units), "deposit_amount": Decimal(300), "deduction_amount": None, "issued_at": None,
            "issued_by": None, "returned_at": None}


def card_defaults(values):
    """A card for a current owner of the unit, with a card number of its own."""
    today = NOW.date()
    held = first(UnitOwner, UnitOwner.start_on <= today, UnitOwner.end_on.is_(None))
    owner = held.owner
    if values.pop("other_owner", False):
        owner = first(Owner, Owner.id != held.owner_id,
                      ~Owner.id.in_(sa.select(UnitOwner.owner_id).where(UnitOwner.unit_id == held.unit_id)))
    return {"unit": held.unit, "owner": owner, "card_no": f"TC{next(SEQ):05d}", "apply_reason": "new",
            "holder_relation": "self", "valid_until": None, "approved_by": None, "issued_at": None}


def loan_defaults(values):
    return {"lent_at": hours(-5), "due_at": hours(2), "returned_at": None, "received_by": None,
            "return_condition": None, "damage_note": None}


DEFAULTS = {"public_area_booking": booking_defaults, "hot_work_permit": hot_work_defaults,
            "fire_extinguisher_rental": rental_defaults, "owner_card_application": card_defaults,
            "courtesy_item_loan": loan_defaults}


def new_area():
    return PublicArea(project=db.session.scalar(sa.select(Project)), name=f"测试场地{next(SEQ)}",
                      area_type="meeting_room")


def new_record(app, rnd, name, creator="clerk", **values):
    """A record of the form registered by `creator`: fake values, the form's defaults, then `values`."""
    model = FORMS[name]
    with app.app_context():
        fields, lines = fake_record(model, rnd)
        fields.update(DEFAULTS[name](values))
        units = values.pop("units", [("in_place", None), ("in_place", None)])
        duplicate = values.pop("duplicate_card", False)
        fields.update(values)
        if "public_area_id" in values:
            del fields["public_area"]
        record = build(model, fields, {} if name == "fire_extinguisher_rental" else lines)
        if name == "fire_extinguisher_rental":
            for status, condition in units:
                unit = FireExtinguisher(asset_no=f"T-{next(SEQ):04d}", extinguisher_type="abc_powder", spec="4kg",
                                        status=status, produced_on=NOW.date() - timedelta(days=400))
                record.items.append(model.items.property.mapper.class_(fire_extinguisher=unit,
                                                                       return_condition=condition))
        record.project = db.session.scalar(sa.select(Project))
        record.created_by = db.session.scalar(sa.select(User).filter_by(username=creator))
        db.session.add(record)
        if duplicate:
            twin = build(model, {**fields, "status": "issued"}, {})
            twin.project, twin.created_by = record.project, record.created_by
            db.session.add(twin)
        db.session.commit()
        return record.id


def fetch(app, name, record_id, *attributes):
    with app.app_context():
        record = db.session.get(FORMS[name], record_id)
        return tuple(getattr(record, attribute) for attribute in attributes)




CASES = [
    # 6.56 common-area booking, §4.6
    ("public_area_booking", "manager", "approve", "submitted", "", {}, "approved", DONE),
    ("public_area_booking", "clerk", "approve", "submitted", "", {}, "submitted", ROLE),
    ("public_area_booking", "manager", "approve", "submitted", "", {"start_at": hours(-1), "end_at": hours(1)},
     "submitted", "使用开始时间已过,不能批准"),
    ("public_area_booking", "manager", "reject", "submitted", "", {}, "submitted", "请填写理由"),
    ("public_area_booking", "manager", "reject", "submitted", "场地检修", {}, "rejected", DONE),
    ("public_area_booking", "manager", "pay", "submitted", "", {}, "submitted", "当前状态为「已提交」"),
    ("public_area_booking", "clerk", "pay", "approved", "", {}, "paid", DONE),
    ("public_area_booking", "admin", "pay", "approved", "", {}, "approved", ROLE),
    ("public_area_booking", "clerk2", "open", "paid", "", {}, "in_use", DONE),
    ("public_area_booking", "admin", "open", "paid", "", {}, "paid", ROLE),
    ("public_area_booking", "clerk", "inspect", "in_use", "", {}, "inspected", DONE),
    ("public_area_booking", "clerk", "inspect", "in_use", "", {"damage_found": True}, "in_use",
     "发现损坏须填写损坏情况"),
    ("public_area_booking", "admin", "inspect", "in_use", "", {}, "in_use", ROLE),
    ("public_area_booking", "clerk", "settle", "inspected", "", {"post_use_checked_at": hours(-1)}, "settled", DONE),
    ("public_area_booking", "clerk", "settle", "inspected", "", {}, "inspected", "须先完成使用后检查"),
    ("public_area_booking", "admin", "settle", "inspected", "", {"post_use_checked_at": hours(-1)}, "inspected",
     ROLE),
    ("public_area_booking", "clerk", "close", "settled", "", {}, "closed", DONE),
    ("public_area_booking", "clerk", "cancel", "approved", "业主取消活动", {}, "cancelled", DONE),
    ("public_area_booking", "clerk", "cancel", "in_use", "x", {}, "in_use", "当前状态为「使用中」"),
    # 6.57 hot work, §4.7
    ("hot_work_permit", "clerk", "site_check", "submitted", "", {}, "site_checked", DONE),
    ("hot_work_permit", "admin", "site_check", "submitted", "", {}, "submitted", ROLE),
    ("hot_work_permit", "manager", "site_check", "submitted", "", {"extinguishers_on_site": 1}, "submitted",
     "现场灭火器不少于2具"),
    ("hot_work_permit", "manager", "approve", "site_checked", "", {}, "approved", DONE),
    ("hot_work_permit", "clerk", "approve", "site_checked", "", {}, "site_checked", ROLE),
    ("hot_work_permit", "manager", "approve", "site_checked", "", {"fire_watch_name": "刘铁军"}, "site_checked",
     "须指定作业人以外的现场监护人"),
    ("hot_work_permit", "manager", "approve", "site_checked", "", {"start_at": hours(-1)}, "site_checked",
     "动火开始时间已过,须重新申请"),
    ("hot_work_permit", "manager", "approve", "site_checked", "",
     {"operator_cert_expiry": NOW.date() - timedelta(days=1)}, "site_checked", "作业人操作证在动火当日已过期"),
    ("hot_work_permit", "manager", "reject", "site_checked", "未隔离烟感", {}, "rejected", DONE),
    ("hot_work_permit", "clerk", "start", "approved", "", {"start_at": hours(-1), "end_at": hours(2)}, "active",
     DONE),
    ("hot_work_permit", "clerk", "start", "approved", "", {}, "approved", "不在批准的动火时段内"),
    ("hot_work_permit", "admin", "start", "approved", "", {"start_at": hours(-1), "end_at": hours(2)}, "approved",
     ROLE),
    ("hot_work_permit", "clerk2", "revoke", "active", "监护人离岗", {}, "revoked", DONE),
    ("hot_work_permit", "clerk", "complete", "active", "", {}, "completed", DONE),
    ("hot_work_permit", "clerk", "post_check", "completed", "", {"start_at": hours(-3), "end_at": hours(-1)},
     "post_checked", DONE),
    ("hot_work_permit", "clerk", "post_check", "completed", "",
     {"start_at": hours(-3), "end_at": NOW - timedelta(minutes=10)}, "completed", "动火结束后须监护满30分钟"),
    ("hot_work_permit", "clerk", "close", "post_checked", "", {}, "closed", DONE),
    ("hot_work_permit", "admin", "close", "post_checked", "", {}, "post_checked", ROLE),
    ("hot_work_permit", "clerk", "expire", "approved", "", {"start_at": hours(-5), "end_at": hours(-3)}, "expired",
     DONE),
    ("hot_work_permit", "clerk", "expire", "approved", "", {}, "approved", "动火时段尚未结束"),
    # 6.58 extinguisher rental, §4.8
    ("fire_extinguisher_rental", "clerk", "pay", "submitted", "", {}, "paid", DONE),
    ("fire_extinguisher_rental", "admin", "pay", "submitted", "", {}, "submitted", ROLE),
    ("fire_extinguisher_rental", "clerk", "issue", "paid", "", {}, "issued", DONE),
    ("fire_extinguisher_rental", "clerk", "issue", "paid", "", {"units": [("in_place", None), ("rented", None)]},
     "paid", "不在位"),
    ("fire_extinguisher_rental", "clerk", "issue", "paid", "", {"quantity": 3}, "paid",
     "发放编号须为3具不同的灭火器"),
    ("fire_extinguisher_rental", "clerk", "return", "issued", "",
     {"units": [("rented", "intact"), ("rented", "intact")]}, "returned", DONE),
    ("fire_extinguisher_rental", "clerk", "return", "issued", "",
     {"units": [("rented", "intact"), ("rented", None)]}, "issued", "须逐具填写归还状况"),
    ("fire_extinguisher_rental", "admin", "return", "issued", "",
     {"units": [("rented", "intact"), ("rented", "intact")]}, "issued", ROLE),
    ("fire_extinguisher_rental", "clerk", "settle", "returned", "",
     {"units": [("in_place", "intact"), ("in_place", "intact")]}, "settled", DONE),
    ("fire_extinguisher_rental", "clerk", "settle", "returned", "",
     {"units": [("in_place", "intact"), ("servicing", "used_refill")]}, "returned", "须填写扣款"),
    ("fire_extinguisher_rental", "clerk", "close", "settled", "", {}, "closed", DONE),
    ("fire_extinguisher_rental", "manager", "lose", "issued", "施工方称被盗", {}, "lost", DONE),
    ("fire_extinguisher_rental", "clerk", "lose", "issued", "施工方称被盗", {}, "issued", ROLE),
    # 6.3 owner card
    ("owner_card_application", "manager", "approve", "submitted", "", {}, "approved", DONE),
    ("owner_card_application", "clerk", "approve", "submitted", "", {}, "submitted", ROLE),
    ("owner_card_application", "manager", "approve", "submitted", "", {"other_owner": True}, "submitted",
     "所选业主不是该房号的现业主"),
    ("owner_card_application", "manager", "reject", "submitted", "身份材料不符", {}, "rejected", DONE),
    ("owner_card_application", "clerk", "issue", "approved", "", {}, "issued", DONE),
    ("owner_card_application", "clerk", "issue", "approved", "", {"card_no": None}, "approved", "发卡须填写卡号"),
    ("owner_card_application", "clerk", "issue", "approved", "", {"duplicate_card": True}, "approved",
     "已发给其他持卡人"),
    ("owner_card_application", "clerk", "issue", "approved", "", {"apply_reason": "cancel"}, "approved",
     "注销申请不发卡"),
    ("owner_card_application", "admin", "issue", "approved", "", {}, "approved", ROLE),
    ("owner_card_application", "clerk2", "cancel", "issued", "业主搬离", {}, "cancelled", DONE),
    # 6.47 courtesy loans
    ("courtesy_item_loan", "clerk", "return", "lent", "", {"return_condition": "intact"}, "returned", DONE),
    ("courtesy_item_loan", "clerk", "return", "lent", "", {"return_condition": "damaged", "due_at": hours(-1),
                                                            "damage_note": "伞骨折断"}, "returned", DONE),
    ("courtesy_item_loan", "clerk", "return", "lent", "", {}, "lent", "归还时须检查物品状况"),
    ("courtesy_item_loan", "admin", "return", "lent", "", {"return_condition": "intact"}, "lent", ROLE),
    ("courtesy_item_loan", "clerk", "lose", "lent", "", {}, "lent", "请填写理由"),
    ("courtesy_item_loan", "clerk2", "lose", "lent", "借用人称已遗失", {"due_at": hours(-1)}, "lost", DONE),
    ("courtesy_item_loan", "clerk", "lose", "returned", "x", {}, "returned", "当前状态为「已归还」"),
]


@pytest.mark.parametrize("name, role, action, start, comment, values, ends, message", CASES)
def test_transitions(app, rnd, name, role, action, start, comment, values, ends, message):
    record_id = new_record(app, rnd, name, status=start, **values)
    page = act(client_of(app, role), name, record_id, action, comment)
    assert message in page
    assert fetch(app, name, record_id, "status") == (ends,)
    with app.app_context():
        logs = db.session.scalars(sa.select(TransitionLog).filter_by(table_name=FORMS[name].__tablename__,
                                                                      row_id=record_id)).all()
        assert [(log.action, log.from_state, log.to_state) for log in logs] == (
            [(action, start, ends)] if message == DONE else [])


def test_every_transition_is_in_the_table():
    covered = {(name, action) for name, _, action, *_ in CASES}
    declared = {(name, t.action) for name in DEFAULTS for t in flow_of(FORMS[name]).transitions}
    assert declared == covered


def test_effects_sign_and_stamp_the_record(app, rnd):
    booking = new_record(app, rnd, "public_area_booking")
    permit = new_record(app, rnd, "hot_work_permit", status="site_checked", approved_at=hours(-30))
    card = new_record(app, rnd, "owner_card_application")
    loan = new_record(app, rnd, "courtesy_item_loan", return_condition="intact")
    manager, clerk = client_of(app, "manager"), client_of(app, "clerk")
    for client, name, record_id, action in ((manager, "public_area_booking", booking, "approve"),
                                            (manager, "hot_work_permit", permit, "approve"),
                                            (manager, "owner_card_application", card, "approve"),
                                            (clerk, "owner_card_application", card, "issue"),
                                            (clerk, "courtesy_item_loan", loan, "return")):
        assert DONE in act(client, name, record_id, action)
    with app.app_context():
        staff = {u.username: u.staff_id for u in db.session.scalars(sa.select(User))}
    approved_by, approved_at = fetch(app, "public_area_booking", booking, "approved_by_id", "approved_at")
    assert approved_by == staff["manager"] and approved_at >= NOW
    approved_by, approved_at = fetch(app, "hot_work_permit", permit, "approved_by_id", "approved_at")
    assert approved_by == staff["manager"] and approved_at >= NOW  # the decision overwrites a typed-in time
    approved_by, issued_at = fetch(app, "owner_card_application", card, "approved_by_id", "issued_at")
    assert approved_by == staff["manager"] and issued_at >= NOW
    received_by, returned_at = fetch(app, "courtesy_item_loan", loan, "received_by_id", "returned_at")
    assert received_by == staff["clerk"] and returned_at >= NOW


def test_extinguishers_follow_the_rental(app, rnd):
    rental = new_record(app, rnd, "fire_extinguisher_rental", status="paid", deduction_amount=Decimal(80))

    def unit_states():
        with app.app_context():
            record = db.session.get(FORMS["fire_extinguisher_rental"], rental)
            return [line.fire_extinguisher.status for line in record.items]

    clerk = client_of(app, "clerk")
    assert DONE in act(clerk, "fire_extinguisher_rental", rental, "issue")
    assert unit_states() == ["rented", "rented"]
    assert fetch(app, "fire_extinguisher_rental", rental, "issued_by_id")[0] is not None
    with app.app_context():
        record = db.session.get(FORMS["fire_extinguisher_rental"], rental)
        record.items[0].return_condition, record.items[1].return_condition = "intact", "used_refill"
        db.session.commit()
    assert DONE in act(clerk, "fire_extinguisher_rental", rental, "return")
    assert unit_states() == ["in_place", "servicing"]
    with app.app_context():  # each extinguisher took logged steps of its own flow
        units = [line.fire_extinguisher_id for line in db.session.get(FORMS["fire_extinguisher_rental"], rental).items]
        steps = db.session.execute(sa.select(TransitionLog.row_id, TransitionLog.action).where(
            TransitionLog.table_name == "fire_extinguishers", TransitionLog.row_id.in_(units))
            .order_by(TransitionLog.id)).all()
    assert [tuple(step) for step in steps] == [(units[0], "rent_out"), (units[1], "rent_out"),
                                               (units[0], "back_in_place"), (units[1], "back_for_service")]
    manager = client_of(app, "manager")  # engineering puts the refilled one back, on the extinguisher's own page
    assert "充装/维修完毕" in manager.get(f"/admin/fire_extinguisher/details/?id={units[1]}").text
    assert "您的角色不能进行此操作" in act(clerk, "fire_extinguisher", units[1], "serviced")
    assert DONE in act(manager, "fire_extinguisher", units[1], "serviced")
    assert "随相关记录自动进行,不能直接操作" in act(manager, "fire_extinguisher", units[0], "rent_out")
    assert unit_states() == ["in_place", "in_place"]
    returned_at, refund = fetch(app, "fire_extinguisher_rental", rental, "returned_at", "refund_amount")
    assert returned_at >= NOW and refund == Decimal("220.00")
    lost = new_record(app, rnd, "fire_extinguisher_rental", status="issued", units=[("rented", None)])
    assert DONE in act(client_of(app, "manager"), "fire_extinguisher_rental", lost, "lose", "遗失")
    with app.app_context():
        record = db.session.get(FORMS["fire_extinguisher_rental"], lost)
        assert [line.fire_extinguisher.status for line in record.items] == ["scrapped"]


@pytest.mark.parametrize("name, state, field", [
    ("public_area_booking", "approved", "applicant_name"), ("hot_work_permit", "approved", "location"),
    ("fire_extinguisher_rental", "settled", "applicant_name"), ("owner_card_application", "issued", "holder_name"),
    ("courtesy_item_loan", "returned", "borrower_name"),
])
def test_a_locked_record_cannot_be_edited(app, rnd, name, state, field):
    record_id = new_record(app, rnd, name, status=state)
    page = client_of(app, "clerk").post(f"/admin/{name}/edit/?id={record_id}", data={field: "改过"},
                                    follow_redirects=True).text
    assert "状态的记录不能修改" in page
    assert fetch(app, name, record_id, field)[0] != "改过"


def edit_with_own_values(app, rnd, name, record_id, **changes):
    """POST the edit form of a record with valid values of its own, changed by `changes`."""
    model = FORMS[name]
    with app.app_context():
        record = db.session.get(model, record_id)
        values, _ = fake_record(model, rnd)
        values.update({key: getattr(record, key) for key in ("public_area", "start_at", "end_at")
                       if hasattr(record, key)}, participants=None)
        values.update(changes)
        data = payload(model, values)
    return client_of(app, "clerk").post(f"/admin/{name}/edit/?id={record_id}", data=data)


def test_a_state_smuggled_into_an_edit_is_ignored(app, rnd):
    card = new_record(app, rnd, "owner_card_application")
    with app.app_context():
        staff = first(StaffMember)
    response = edit_with_own_values(app, rnd, "owner_card_application", card, status="issued", apply_reason="new",
                                    issued_at=NOW, holder_relation="self")
    assert response.status_code == 302, errors_in(response.text)
    assert fetch(app, "owner_card_application", card, "status", "issued_at") == ("submitted", None)
    loan = new_record(app, rnd, "courtesy_item_loan")
    response = edit_with_own_values(app, rnd, "courtesy_item_loan", loan, lent_at=hours(-5), due_at=hours(-4),
                                    returned_at=hours(-1), received_by=staff, return_condition="lost",
                                    damage_note="丢了", status="returned")
    assert response.status_code == 302, errors_in(response.text)
    assert fetch(app, "courtesy_item_loan", loan, "status", "return_condition") == ("lent", "lost")


@pytest.mark.parametrize("renovation_state, ends", [("approved", "site_checked"), ("in_progress", "approved")])
def test_renovation_hot_work_is_approved_only_while_the_works_are_on(app, rnd, renovation_state, ends):
    with app.app_context():
        renovation = db.session.scalars(sa.select(FORMS["renovation_application"])).first()
        renovation.status = renovation_state  # set up: the renovation flow has its own tests
        db.session.commit()
        renovation_id, serial = renovation.id, renovation.serial_no
    record_id = new_record(app, rnd, "hot_work_permit", status="site_checked")
    with app.app_context():
        permit = db.session.get(FORMS["hot_work_permit"], record_id)
        permit.applicant_kind, permit.renovation_application_id = "renovation", renovation_id
        db.session.commit()
    page = act(client_of(app, "manager"), "hot_work_permit", record_id, "approve")
    assert fetch(app, "hot_work_permit", record_id, "status") == (ends,)
    assert (f"关联的装修{serial}不在施工中" in page) == (ends == "site_checked")
