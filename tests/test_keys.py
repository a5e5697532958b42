"""Keys (§4.2, §5.3): the loan flow through HTTP, key states in step, hand-overs filing keys, the monthly count."""
import itertools
import random
import re
import threading
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from wtforms.validators import ValidationError

from app.demo.generator import fake_record, id18
from app.core.saving import Refused, save
from app.extensions import db
from app.models import Building, Department, Key, KeyCategory, Project, StaffMember, Unit, User
from app.models.base import LOCAL_TZ
from app.servicedesk.front_desk import WorkOrder
from app.keys.loans import KeyInventoryCount, KeyLoan
from app.keys.models import CommonKeyHandover, KeyCustodyDeclaration, UnitKeyHandover
from app.models.types import utcnow
from app.models.workflow import TransitionLog
from app.workflow import finish, perform
from tests.formdata import errors_in, payload
from conftest import act, client_of

VALID_ID = id18(random.Random(3))
OUTSIDER = dict(borrower_kind="outsider", borrower_name="陈师傅", borrower_org="某某装修公司", borrower_mobile="13800138000",
                id_type="cn_id", id_number=VALID_ID, deposit_amount=Decimal("200.00"), deposit_receipt_no="YJ-001")
TAGS = itertools.count(1)



def user(username):
    return db.session.scalar(sa.select(User).filter_by(username=username))


def new_key(category="vacant_unit", status="in_cabinet", project=None, **values):
    """A key of its own per test, so the tests do not share a key's state."""
    category = db.session.scalar(sa.select(KeyCategory).filter_by(code=category))
    project = project or db.session.scalar(sa.select(Project).order_by(Project.id))
    unit = db.session.scalar(sa.select(Unit).order_by(Unit.id)) if category.code != "equipment_room" else None
    key = Key(project=project, key_category=category, tag_no=f"T-TEST-{next(TAGS):04d}", unit=unit,
              room_name=None if unit else "2栋配电房", copies=1, cabinet_no="A柜", hook_position="09", status=status,
              **values)
    db.session.add(key)
    db.session.commit()
    return key


def new_loan(app, rnd, category="vacant_unit", key_status="in_cabinet", creator="clerk", **values):
    """A loan of a fresh key registered by `creator`, by default a staff member's loan due back tomorrow."""
    with app.app_context():
        key = new_key(category, key_status)
        fields, _ = fake_record(KeyLoan, rnd)
        staff = db.session.scalar(sa.select(StaffMember).order_by(StaffMember.id))
        fields.update(project=key.project, key=key, loan_type="loan", borrower_kind="staff", staff=staff,
                      owner_authorization=None, lent_at=utcnow() - timedelta(hours=1), expected_return_at=utcnow() + timedelta(days=1),
                      returned_at=None, received_by=None, key_condition=None, deposit_amount=None)
        fields.update(values)
        loan = KeyLoan(**fields, created_by=user(creator))
        db.session.add(loan)
        db.session.commit()
        return loan.id, key.id


def states(app, loan_id, key_id):
    with app.app_context():
        return db.session.get(KeyLoan, loan_id).status, db.session.get(Key, key_id).status



@pytest.mark.parametrize("role, action, category, key_status, start, values, comment, ends, key_ends, message", [
    ("clerk", "lend", "vacant_unit", "in_cabinet", "registered", {}, "", "lent", "on_loan", "已完成操作"),
    ("clerk", "lend", "vacant_unit", "in_cabinet", "registered", OUTSIDER, "", "lent", "on_loan", "已完成操作"),
    ("admin", "lend", "vacant_unit", "in_cabinet", "registered", {}, "", "registered", "in_cabinet", "您的角色不能进行此操作"),
    ("clerk", "lend", "equipment_room", "in_cabinet", "registered", {}, "", "registered", "in_cabinet",
     "此类钥匙借出前须主管审批"),
    ("clerk", "lend", "vacant_unit", "on_loan", "registered", {}, "", "registered", "on_loan", "钥匙当前为「借出」"),
    ("clerk", "lend", "vacant_unit", "lost", "registered", {}, "", "registered", "lost", "钥匙当前为「遗失」"),
    ("clerk", "lend", "vacant_unit", "in_cabinet", "registered", {**OUTSIDER, "deposit_amount": None}, "",
     "registered", "in_cabinet", "非公司人员借用须交押金"),
    ("clerk", "lend", "vacant_unit", "in_cabinet", "registered", {**OUTSIDER, "id_number": "440305199001011231"}, "",
     "registered", "in_cabinet", "非公司人员须出示并登记有效身份证件"),
    ("clerk", "lend", "vacant_unit", "in_cabinet", "registered", {"expected_return_at": None}, "", "registered",
     "in_cabinet", "借用须填写预计归还时间"),
    ("clerk", "lend", "vacant_unit", "on_loan", "lent", {}, "", "lent", "on_loan", "当前状态为「借出」"),
    ("clerk", "request_approval", "vacant_unit", "in_cabinet", "registered", {}, "", "registered", "in_cabinet",
     "此类钥匙无须审批"),
    ("clerk", "request_approval", "equipment_room", "in_cabinet", "registered", {}, "", "pending_approval",
     "in_cabinet", "已完成操作"),
    ("clerk", "request_approval", "equipment_room", "in_cabinet", "registered", OUTSIDER, "", "registered",
     "in_cabinet", "此类钥匙不借给外来人员"),
    ("manager", "approve", "equipment_room", "in_cabinet", "pending_approval", {}, "", "lent", "on_loan", "已完成操作"),
    ("clerk2", "approve", "equipment_room", "in_cabinet", "pending_approval", {}, "", "pending_approval", "in_cabinet",
     "您的角色不能进行此操作"),
    ("manager", "approve", "equipment_room", "on_loan", "pending_approval", {}, "", "pending_approval", "on_loan",
     "钥匙当前为「借出」"),
    ("manager", "approve", "owner_custody", "in_custody", "pending_approval", {"owner_authorization": "written"}, "",
     "lent", "on_loan", "已完成操作"),
    ("manager", "approve", "owner_custody", "in_custody", "pending_approval", {}, "", "pending_approval", "in_custody",
     "业主托管钥匙须有业主授权"),
    ("manager", "reject", "equipment_room", "in_cabinet", "pending_approval", {}, "", "pending_approval", "in_cabinet",
     "请填写理由"),
    ("manager", "reject", "equipment_room", "in_cabinet", "pending_approval", {}, "非检修时段", "rejected", "in_cabinet",
     "已完成操作"),
    ("clerk", "return", "vacant_unit", "on_loan", "lent", {"key_condition": "intact"}, "", "returned", "in_cabinet",
     "已完成操作"),
    ("manager", "return", "owner_custody", "on_loan", "lent", {"key_condition": "damaged", "owner_authorization":
     "written"}, "", "returned", "in_custody", "已完成操作"),
    ("clerk", "return", "vacant_unit", "on_loan", "lent", {}, "", "lent", "on_loan", "请先检查钥匙并填写钥匙状况"),
    ("admin", "return", "vacant_unit", "on_loan", "lent", {"key_condition": "intact"}, "", "lent", "on_loan",
     "您的角色不能进行此操作"),
    ("clerk", "return", "vacant_unit", "in_cabinet", "returned", {"key_condition": "intact"}, "", "returned",
     "in_cabinet", "当前状态为「已归还」"),
    ("clerk", "report_lost", "vacant_unit", "on_loan", "lent", {}, "借用人丢失", "lent", "on_loan", "您的角色不能进行此操作"),
    ("manager", "report_lost", "vacant_unit", "on_loan", "lent", {}, "", "lent", "on_loan", "请填写理由"),
    ("manager", "report_lost", "vacant_unit", "on_loan", "lent", {}, "借用人丢失", "lost", "lost", "已完成操作"),
    ("clerk", "issue", "vacant_unit", "in_cabinet", "registered", {"loan_type": "issue", "id_number": VALID_ID}, "",
     "issued", "returned_to_owner", "已完成操作"),
    ("clerk", "issue", "vacant_unit", "in_cabinet", "registered", {"loan_type": "issue", "id_number": None}, "",
     "registered", "in_cabinet", "领用须核验并登记业主身份证件"),
    ("clerk", "issue", "vacant_unit", "in_cabinet", "registered", {"id_number": VALID_ID}, "", "registered",
     "in_cabinet", "这是借用登记"),
    ("clerk", "lend", "vacant_unit", "in_cabinet", "registered", {"loan_type": "issue"}, "", "registered",
     "in_cabinet", "这是领用登记"),
    ("clerk", "cancel", "vacant_unit", "in_cabinet", "registered", {}, "借用人未到", "cancelled", "in_cabinet",
     "已完成操作"),
    ("clerk2", "cancel", "equipment_room", "in_cabinet", "pending_approval", {}, "", "pending_approval", "in_cabinet",
     "请填写理由"),
])
def test_transitions(app, rnd, role, action, category, key_status, start, values, comment, ends, key_ends, message):
    loan_id, key_id = new_loan(app, rnd, category, key_status, status=start, **values)
    page = act(client_of(app, role), "key_loan", loan_id, action, comment)
    assert message in page
    assert states(app, loan_id, key_id) == (ends, key_ends)
    with app.app_context():
        logs = db.session.scalars(sa.select(TransitionLog).filter_by(table_name="key_loans", row_id=loan_id)).all()
        assert [(log.action, log.from_state, log.to_state) for log in logs] == (
            [(action, start, ends)] if ends != start else [])


def test_a_sensitive_loan_from_registration_to_return(app, client_for):
    clerk, manager = client_for("clerk"), client_for("manager")
    with app.app_context():
        key = new_key("equipment_room")
        staff = db.session.scalar(sa.select(StaffMember).where(StaffMember.project_id == key.project_id)
                                  .order_by(StaffMember.id.desc()))  # the clerk's estate: another's is no choice
        values = dict(project=key.project, key=key, loan_type="loan", borrower_kind="staff", staff=staff,
                      purpose="配电房设备检修", lent_at=utcnow().replace(second=0, microsecond=0),
                      lent_by=staff, expected_return_at=utcnow().replace(second=0, microsecond=0) + timedelta(hours=4))
        data = payload(KeyLoan, values)
        key_id = key.id
    response = clerk.post("/admin/key_loan/new/", data=data)
    assert response.status_code == 302, errors_in(response.text)
    with app.app_context():
        loan = db.session.scalar(sa.select(KeyLoan).where(KeyLoan.key_id == key_id))
        loan_id, serial = loan.id, loan.serial_no
        assert (loan.status, loan.created_by.username) == ("registered", "clerk")

    assert "此类钥匙借出前须主管审批" in act(clerk, "key_loan", loan_id, "lend")
    assert "已完成操作" in act(clerk, "key_loan", loan_id, "request_approval")
    assert states(app, loan_id, key_id) == ("pending_approval", "in_cabinet")
    assert "状态的记录不能修改" in clerk.post(f"/admin/key_loan/edit/?id={loan_id}", data=data,
                                             follow_redirects=True).text
    assert serial in manager.get("/admin/inbox/").text
    assert "已完成操作" in act(manager, "key_loan", loan_id, "approve", "注意陪同")
    assert states(app, loan_id, key_id) == ("lent", "on_loan")

    returned = dict(values, key_condition="intact", returned_at=utcnow().replace(second=0, microsecond=0),
                    received_by=None)
    with app.app_context():
        returned["received_by"] = db.session.scalar(sa.select(StaffMember).order_by(StaffMember.id))
        data = payload(KeyLoan, returned)
    response = clerk.post(f"/admin/key_loan/edit/?id={loan_id}", data=data)
    assert response.status_code == 302, errors_in(response.text)
    assert "已完成操作" in act(clerk, "key_loan", loan_id, "return")
    assert states(app, loan_id, key_id) == ("returned", "in_cabinet")
    with app.app_context():
        loan = db.session.get(KeyLoan, loan_id)
        assert loan.approved_by_id == user("manager").staff_id and loan.deposit_refunded_at is None
        logs = db.session.scalars(sa.select(TransitionLog).filter_by(table_name="key_loans", row_id=loan_id)
                                  .order_by(TransitionLog.id)).all()
        assert [(log.action, log.user.username) for log in logs] == [
            ("request_approval", "clerk"), ("approve", "manager"), ("return", "clerk")]
        key_log = db.session.scalars(sa.select(TransitionLog).filter_by(table_name="keys", row_id=key_id)
                                     .order_by(TransitionLog.id)).all()  # the key moved through its own flow
        assert [(log.action, log.from_state, log.to_state, log.user.username) for log in key_log] == [
            ("lend", "in_cabinet", "on_loan", "manager"), ("put_back", "on_loan", "in_cabinet", "clerk")]
    details = manager.get(f"/admin/key_loan/details/?id={loan_id}").text
    assert "批准借出" in details and "注意陪同" in details and "归还入柜" in details


def test_smuggled_state_approval_and_forfeit_are_ignored(app, rnd, client_for):
    loan_id, key_id = new_loan(app, rnd, "equipment_room", deposit_amount=Decimal("50.00"))
    with app.app_context():
        loan = db.session.get(KeyLoan, loan_id)
        names = ("project", "key", "loan_type", "borrower_kind", "staff", "purpose", "lent_at", "lent_by",
                 "expected_return_at")
        data = payload(KeyLoan, {name: getattr(loan, name) for name in names})
        manager_staff = user("manager").staff_id
    data.update(status="lent", approved_by=str(manager_staff), deposit_forfeited="y",
                deposit_refunded_at="2026-01-01 10:00")
    assert client_for("clerk").post(f"/admin/key_loan/edit/?id={loan_id}", data=data).status_code == 302
    with app.app_context():
        loan = db.session.get(KeyLoan, loan_id)
        assert (loan.status, loan.approved_by_id, loan.deposit_forfeited, loan.deposit_refunded_at) == (
            "registered", None, False, None)
        assert db.session.get(Key, key_id).status == "in_cabinet"


def test_a_lent_loan_keeps_its_key(app, rnd, client_for):
    loan_id, key_id = new_loan(app, rnd, status="lent", key_status="on_loan")
    with app.app_context():
        other = new_key()
        loan = db.session.get(KeyLoan, loan_id)
        names = ("project", "loan_type", "borrower_kind", "staff", "purpose", "lent_at", "lent_by",
                 "expected_return_at")
        data = payload(KeyLoan, {**{name: getattr(loan, name) for name in names}, "key": other})
    response = client_for("clerk").post(f"/admin/key_loan/edit/?id={loan_id}", data=data, follow_redirects=True)
    assert "不能更换钥匙" in response.text
    with app.app_context():
        assert db.session.get(KeyLoan, loan_id).key_id == key_id


def test_two_clerks_lending_one_key_at_once_end_with_one_loan(app, rnd):
    for _round in range(3):
        first, key_id = new_loan(app, rnd, creator="clerk")
        with app.app_context():
            second = KeyLoan(**{c.key: getattr(db.session.get(KeyLoan, first), c.key)
                                for c in KeyLoan.__table__.columns if c.key not in ("id", "serial_no")})
            db.session.add(second)
            db.session.commit()
            second = second.id
        outcomes, barrier = {}, threading.Barrier(2)

        def lend(loan_id, username, barrier=barrier, outcomes=outcomes):
            with app.app_context():
                record, clerk = db.session.get(KeyLoan, loan_id), user(username)
                barrier.wait()
                outcomes[loan_id] = finish(perform(record, "lend", clerk))
                db.session.remove()

        threads = [threading.Thread(target=lend, args=(first, "clerk")),
                   threading.Thread(target=lend, args=(second, "clerk2"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(bool(reasons) for reasons in outcomes.values()) == [False, True]
        with app.app_context():
            loans = {i: db.session.get(KeyLoan, i).status for i in (first, second)}
            assert sorted(loans.values()) == ["lent", "registered"]
            assert db.session.get(Key, key_id).status == "on_loan"
            logs = db.session.scalars(sa.select(TransitionLog).where(TransitionLog.table_name == "key_loans",
                                                                      TransitionLog.row_id.in_((first, second)))).all()
            assert [log.row_id for log in logs] == [i for i, state in loans.items() if state == "lent"]


@pytest.mark.postgres
def test_one_loan_wins_on_postgres(postgres_app, rnd):
    test_two_clerks_lending_one_key_at_once_end_with_one_loan(postgres_app, rnd)


@pytest.mark.parametrize("category, task_type", [("vacant_unit", "in_home_repair"),
                                                 ("equipment_room", "public_repair")])
def test_a_lost_key_forfeits_the_deposit_and_orders_a_lock_change(app, rnd, client_for, category, task_type):
    values = OUTSIDER if category == "vacant_unit" else {"deposit_amount": None}
    loan_id, key_id = new_loan(app, rnd, category, "on_loan", status="lent", **values)
    assert "已完成操作" in act(client_for("manager"), "key_loan", loan_id, "report_lost", "借用人称钥匙丢失")
    with app.app_context():
        loan, key = db.session.get(KeyLoan, loan_id), db.session.get(Key, key_id)
        order = loan.lock_change_order
        assert (loan.status, key.status, loan.key_condition) == ("lost", "lost", "lost")
        assert (loan.deposit_forfeited, loan.deposit_refunded_at) == (category == "vacant_unit", None)
        assert order is not None and order.status == "created" and order.source == "internal"
        assert (order.task_type, order.unit_id) == (task_type, key.unit_id)
        assert order.assigned_department.dept_type == "engineering"
        assert key.tag_no in order.description and loan.serial_no in order.description
        assert order.location == (None if key.unit_id else "2栋配电房")
        assert timedelta(hours=23) < order.due_at - utcnow() <= timedelta(hours=24)
        assert re.fullmatch(r"KF0611-\d{6}-\d{4}", order.serial_no) and order.created_by.username == "manager"


def test_overdue_is_derived_and_heads_the_worklist(app, rnd, client_for):
    past, future = utcnow() - timedelta(hours=2), utcnow() + timedelta(hours=2)
    overdue, _ = new_loan(app, rnd, status="lent", key_status="on_loan", lent_at=past - timedelta(hours=1),
                          expected_return_at=past)
    due_later, _ = new_loan(app, rnd, status="lent", key_status="on_loan", expected_return_at=future)
    returned, _ = new_loan(app, rnd, status="returned", lent_at=past - timedelta(hours=1), expected_return_at=past)
    with app.app_context():
        assert [db.session.get(KeyLoan, i).is_overdue for i in (overdue, due_later, returned)] == [True, False, False]
        flagged = set(db.session.scalars(sa.select(KeyLoan.id).where(KeyLoan.is_overdue)))
        assert overdue in flagged and not flagged & {due_later, returned}
        worklist = [loan.id for loan in db.session.scalars(KeyLoan.worklist())]
        assert returned not in worklist and worklist.index(overdue) < worklist.index(due_later)
        assert all(db.session.get(KeyLoan, i).is_overdue for i in worklist[:worklist.index(overdue) + 1])
    assert client_for("clerk").get("/admin/key_loan/").status_code == 200


def _handover_data(app, lines, **extra):
    with app.app_context():
        building = db.session.scalar(sa.select(Building).order_by(Building.id))
        staff = db.session.scalar(sa.select(StaffMember).order_by(StaffMember.id))
        values = dict(project=building.project, building=building, handover_on=date(2026, 5, 6),
                      handing_over_party="深圳市华景置业有限公司", developer_rep_name="刘工", received_by=staff,
                      pm_signed_at=datetime(2026, 5, 6, 10, 0, tzinfo=LOCAL_TZ), **extra)
        return payload(UnitKeyHandover, values, {"items": lines})


def test_a_unit_key_handover_files_its_keys_once(app, client_for):
    clerk = client_for("clerk")
    with app.app_context():
        building = db.session.scalar(sa.select(Building).order_by(Building.id))  # the clerk's estate, as handed over
        first, second = db.session.scalars(sa.select(Unit).join(Building).where(
            Building.project_id == building.project_id).order_by(Unit.id.desc()).limit(2)).all()
        buildings = first.building.code, second.building.code  # read while the units are in a session
        lines = [dict(unit=first, key_kind="entry_door", quantity=2, trial_open_ok=True, cabinet_position="A柜-05"),
                 dict(unit=second, key_kind="mailbox", quantity=1, trial_open_ok=False, cabinet_position="")]
        keys_before = db.session.scalar(sa.select(sa.func.count(Key.id)))
    response = clerk.post("/admin/unit_key_handover/new/", data=_handover_data(app, lines))
    assert response.status_code == 302, errors_in(response.text)
    with app.app_context():
        handover = db.session.scalar(sa.select(UnitKeyHandover).order_by(UnitKeyHandover.id.desc()))
        items = sorted(handover.items, key=lambda line: line.id)
        keys = [db.session.scalar(sa.select(Key).filter_by(tag_no=line.tag_no)) for line in items]
        assert db.session.scalar(sa.select(sa.func.count(Key.id))) == keys_before + 2
        assert re.fullmatch(rf"K-{buildings[0]}-1-{first.room_no}-RH(-\d+)?", items[0].tag_no)
        assert re.fullmatch(rf"K-{buildings[1]}-1-{second.room_no}-XB(-\d+)?", items[1].tag_no)
        assert [(k.unit_id, k.floor, k.copies, k.cabinet_no, k.hook_position, k.status, k.key_category.code)
                for k in keys] == [(first.id, first.floor, 2, "A柜", "05", "in_cabinet", "vacant_unit"),
                                   (second.id, second.floor, 1, "待上柜", "待定", "in_cabinet", "vacant_unit")]
        lines = [dict(line, id=item.id) for line, item in zip(lines, items)]
        lines[1]["cabinet_position"] = "B柜-02"
        handover_id, tags = handover.id, [item.tag_no for item in items]
    response = clerk.post(f"/admin/unit_key_handover/edit/?id={handover_id}", data=_handover_data(app, lines))
    assert response.status_code == 302, errors_in(response.text)
    response = clerk.post("/admin/unit_key_handover/new/", data=_handover_data(app, lines[:1]))  # a second set
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Key.id))) == keys_before + 3
        moved = db.session.scalar(sa.select(Key).filter_by(tag_no=tags[1]))
        assert (moved.cabinet_no, moved.hook_position) == ("B柜", "02")
        newest = db.session.scalar(sa.select(UnitKeyHandover).order_by(UnitKeyHandover.id.desc()))
        assert newest.items[0].tag_no not in tags and newest.items[0].tag_no.startswith(tags[0])


def test_a_common_key_handover_files_plant_room_keys(app, client_for):
    with app.app_context():
        building = db.session.scalar(sa.select(Building).order_by(Building.id))
        staff = db.session.scalar(sa.select(StaffMember).order_by(StaffMember.id))
        data = payload(CommonKeyHandover, dict(
            project=building.project, handover_on=date(2026, 5, 6), handing_over_party="深圳市华景置业有限公司",
            developer_rep_name="刘工", received_by=staff, pm_signed_at=datetime(2026, 5, 6, 10, 0, tzinfo=LOCAL_TZ)),
            {"items": [dict(building=building, room_name="power_room", location_detail="地下一层", quantity=3,
                            trial_open_ok=True, cabinet_position="公区柜-07")]})
    response = client_for("clerk").post("/admin/common_key_handover/new/", data=data)
    assert response.status_code == 302, errors_in(response.text)
    with app.app_context():
        line = db.session.scalar(sa.select(CommonKeyHandover).order_by(CommonKeyHandover.id.desc())).items[0]
        key = db.session.scalar(sa.select(Key).filter_by(tag_no=line.tag_no, project_id=building.project_id))
        assert re.fullmatch(rf"G-{building.code}-PD(-\d+)?", line.tag_no)
        assert (key.key_category.code, key.room_name, key.copies, key.cabinet_no, key.unit_id, key.status) == (
            "equipment_room", f"{building.name}配电房 地下一层", 3, "公区柜", None, "in_cabinet")


def test_custody_files_the_owners_key_and_withdrawal_hands_it_back(app, rnd):
    with app.app_context():
        fields, _ = fake_record(KeyCustodyDeclaration, rnd)
        fields.update(declaration_type="custody", key=None, keys_count=2, withdrawn_at=None, withdrawn_by_name=None,
                      signed_at=utcnow() - timedelta(days=1))
        declaration = KeyCustodyDeclaration(**dict(fields, project=db.session.scalar(sa.select(Project))))
        clerk = user("clerk")
        save(declaration, clerk)
        db.session.commit()
        key, unit = declaration.key, declaration.unit
        assert (key.status, key.key_category.code, key.unit_id, key.copies) == ("in_custody", "owner_custody",
                                                                                unit.id, 2)
        assert key.tag_no.startswith(f"T-{unit.building.code}-{unit.entrance}-{unit.room_no}")
        key.status = "on_loan"  # lent under the owner's authorisation: editing other fields leaves it out
        declaration.authorized_persons = "王小明 身份证后四位1234"
        save(declaration, clerk)
        db.session.commit()
        assert db.session.get(Key, key.id).status == "on_loan"
        key.status = "in_custody"
        declaration.withdrawn_at, declaration.withdrawn_by_name = utcnow(), "王建国"
        save(declaration, clerk)
        db.session.commit()
        assert db.session.get(Key, key.id).status == "returned_to_owner"

        lost = new_key(status="lost")
        with pytest.raises(Refused, match="遗失或作废的钥匙不能托管"):  # the form's own rule, on every save
            save(KeyCustodyDeclaration(**dict(fields, key=lost, project=lost.project)), clerk)
        db.session.rollback()


@pytest.fixture
def estate(app):
    """A second estate holding one key in each state, so a count sees exactly these."""
    with app.app_context():
        project = Project(code=f"CNT{next(TAGS)}", name="盘点测试苑", project_type="residential", address="测试路1号",
                          service_hotline="0755-86001111")
        db.session.add(project)
        keys = {status: new_key("equipment_room", status, project=project)
                for status in ("in_cabinet", "on_loan", "in_custody", "returned_to_owner", "lost", "void")}
        keys["spare"] = new_key("equipment_room", "in_cabinet", project=project)
        keys["retired"] = new_key("equipment_room", "in_cabinet", project=project, is_active=False)
        staff = db.session.scalar(sa.select(StaffMember).order_by(StaffMember.id))
        loan = KeyLoan(project=project, key=keys["on_loan"], status="lent", loan_type="loan", borrower_kind="staff",
                       staff=staff, purpose="检修", lent_at=utcnow() - timedelta(days=2), lent_by=staff,
                       expected_return_at=utcnow() - timedelta(days=1))
        db.session.add(loan)
        db.session.commit()
        yield project.id, {name: key.id for name, key in keys.items()}, staff.id


def new_count(project_id, staff_id, day=date(2026, 5, 26), **values):
    count = KeyInventoryCount(project_id=project_id, count_from=day, counted_by_id=staff_id, **values)
    db.session.add(count)
    db.session.commit()
    return count


def test_the_monthly_count_lists_every_key_held_and_reports_discrepancies(app, estate):
    project_id, keys, staff_id = estate
    with app.app_context():
        count = new_count(project_id, staff_id)
        lines = {line.key_id: line for line in count.lines}
        assert set(lines) == {keys[name] for name in ("in_cabinet", "on_loan", "in_custody", "spare")}
        assert {line.key_id: line.expected_status for line in count.lines}[keys["on_loan"]] == "on_loan"
        assert lines[keys["on_loan"]].expected_place.startswith("借出:")
        assert lines[keys["spare"]].expected_place == "A柜 09"
        assert (count.expected, count.missing) == (4, 3)  # nothing ticked yet: only the loan is accounted for

        lines[keys["in_cabinet"]].found = lines[keys["in_custody"]].found = True
        db.session.commit()
        assert (count.expected, count.in_cabinet, count.on_loan, count.in_custody, count.missing) == (4, 1, 1, 1, 1)
        assert {(line.key_id, code) for line, code in count.discrepancies()} == {
            (keys["spare"], "missing"), (keys["on_loan"], "overdue")}

        lines[keys["on_loan"]].found = True
        lines[keys["spare"]].note = "钥匙柜内未见,待查"
        db.session.commit()
        assert (count.in_cabinet, count.on_loan, count.missing) == (2, 0, 1)
        report = count.report()
        assert report["due_at"] == datetime(2026, 5, 28, 23, 59, 59, tzinfo=LOCAL_TZ)
        assert sorted(report["discrepancies"]) == sorted([
            (db.session.get(Key, keys["spare"]).tag_no, "缺失(账面在柜未见钥匙)", "钥匙柜内未见,待查"),
            (db.session.get(Key, keys["on_loan"]).tag_no, "借出未登记归还(钥匙在柜)", None)])
        assert report["expected"] == report["in_cabinet"] + report["on_loan"] + report["in_custody"] + report["missing"]


@pytest.mark.parametrize("values, message", [
    (dict(count_from=date(2026, 5, 24)), "25日至27日"),
    (dict(count_from=date(2026, 5, 28)), "25日至27日"),
    (dict(count_from=date(2026, 5, 27), count_to=date(2026, 6, 25)), "25日至27日"),
    (dict(count_from=date(2026, 5, 27), count_to=date(2026, 5, 25)), "结束时间不能早于开始时间"),
    (dict(count_from=date(2026, 5, 25), reported_at=datetime(2026, 5, 29, 9, 0, tzinfo=LOCAL_TZ)), "28日前上报"),
])
def test_a_count_outside_the_window_is_refused(app, estate, values, message):
    project_id, _, staff_id = estate
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count(KeyInventoryCount.id)))
        with pytest.raises(ValidationError, match=message):
            new_count(project_id, staff_id, **{"day": values.pop("count_from"), **values})
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(KeyInventoryCount.id))) == before


def test_a_count_on_the_27th_reported_on_the_28th_is_accepted(app, estate):
    project_id, _, staff_id = estate
    with app.app_context():
        count = new_count(project_id, staff_id, day=date(2026, 5, 25), count_to=date(2026, 5, 27),
                          reported_at=datetime.combine(date(2026, 5, 28), time(18, 0), LOCAL_TZ))
        assert count.id and count.expected == 4


def test_an_engineering_department_is_needed_to_report_a_loss(app, rnd, client_for):
    loan_id, key_id = new_loan(app, rnd, status="lent", key_status="on_loan")
    with app.app_context():
        departments = db.session.scalars(sa.select(Department).filter_by(dept_type="engineering")).all()
        for department in departments:
            department.is_active = False
        db.session.commit()
    try:
        assert "未设置工程部" in act(client_for("manager"), "key_loan", loan_id, "report_lost", "丢失")
        assert states(app, loan_id, key_id) == ("lent", "on_loan")
    finally:
        with app.app_context():
            for department in db.session.scalars(sa.select(Department).filter_by(dept_type="engineering")):
                department.is_active = True
            db.session.commit()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(WorkOrder.id)).where(
            WorkOrder.description.contains(db.session.get(KeyLoan, loan_id).serial_no))) == 0



def test_the_register_opens_with_overdue_loans_first(app, client_for, rnd):
    from app.demo.generator import build, fake_record

    with app.app_context():
        loan = build(KeyLoan, *fake_record(KeyLoan, rnd))
        loan.project = db.session.scalar(sa.select(Project))
        loan.status, loan.expected_return_at = "lent", utcnow() - timedelta(days=2)  # set up as lent days ago
        later = build(KeyLoan, *fake_record(KeyLoan, rnd))  # newer, so first in a plain newest-first list
        later.project, later.status = loan.project, "returned"
        db.session.add_all([loan, later])
        db.session.commit()
        serial = loan.serial_no
        assert later.id > loan.id
    page = client_for("clerk").get("/admin/key_loan/").text
    assert re.search(r"KF0654-\d{6}-\d{4}", page).group(0) == serial
