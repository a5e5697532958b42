"""The flow engine, driven through HTTP on goods release (6.13, catalogue §4.5)."""
import threading

import pytest
import sqlalchemy as sa

from app.demo.generator import build, fake_record
from app.extensions import db
from app.models import FORMS, Project, User
from app.models.workflow import TransitionLog
from app.workflow import perform
from conftest import act

ItemRelease = FORMS["item_release"]


def new_release(app, rnd, creator="clerk", **values):
    """A submitted release slip registered by `creator`, with its goods listed."""
    with app.app_context():
        fields, items = fake_record(ItemRelease, rnd)
        record = build(ItemRelease, {**fields, **values}, items)
        record.project = db.session.scalar(sa.select(Project))
        record.created_by = db.session.scalar(sa.select(User).filter_by(username=creator))
        db.session.add(record)
        db.session.commit()
        return record.id


def state_of(app, record_id):
    with app.app_context():
        return db.session.get(ItemRelease, record_id).status



@pytest.mark.parametrize("role, action, start, comment, values, ends, message", [
    ("manager", "approve", "submitted", "", {}, "approved", "已完成操作"),
    ("clerk2", "approve", "submitted", "", {}, "approved", "已完成操作"),
    ("manager", "reject", "submitted", "", {}, "submitted", "请填写理由"),
    ("manager", "reject", "submitted", "身份未核实", {}, "rejected", "已完成操作"),
    ("admin", "approve", "submitted", "", {}, "submitted", "您的角色不能进行此操作"),
    ("manager", "release", "submitted", "", {}, "submitted", "当前状态为「已申请」"),
    ("manager", "release", "approved", "", {"items_match": False}, "approved", "门岗须核对物品与放行条相符"),
    ("manager", "release", "approved", "", {"items_match": True}, "released", "已完成操作"),
    ("clerk2", "close", "released", "", {}, "closed", "已完成操作"),
    ("clerk2", "cancel", "approved", "业主取消", {}, "cancelled", "已完成操作"),
    ("clerk2", "cancel", "closed", "x", {}, "closed", "当前状态为「已关闭」"),
])
def test_transitions(app, rnd, role, action, start, comment, values, ends, message):
    record_id = new_release(app, rnd, status=start, **values)
    client = app.test_client()
    password = {"clerk2": "clerk-demo-2"}.get(role, f"{role}-demo-1")
    client.post("/login", data={"username": role, "password": password})
    page = act(client, "item_release", record_id, action, comment)
    assert message in page
    assert state_of(app, record_id) == ends


def test_each_decision_is_logged_and_shown_on_the_timeline(app, rnd, client_for):
    record_id = new_release(app, rnd)
    manager = client_for("manager")
    act(manager, "item_release", record_id, "approve", "同意,注意保护电梯")
    with app.app_context():
        log = db.session.scalars(sa.select(TransitionLog).filter_by(table_name="item_releases", row_id=record_id)).one()
        assert (log.from_state, log.to_state, log.action, log.comment) == ("submitted", "approved", "approve",
                                                                          "同意,注意保护电梯")
        assert log.user.username == "manager"
    details = manager.get(f"/admin/item_release/details/?id={record_id}").text
    assert "记录轨迹" in details and "批准放行" in details and "同意,注意保护电梯" in details and "创建记录" in details


def test_no_one_decides_on_their_own_request(app, rnd, client_for):
    record_id = new_release(app, rnd, creator="manager")
    assert "不能审批自己登记的申请" in act(client_for("manager"), "item_release", record_id, "approve")
    assert state_of(app, record_id) == "submitted"


def test_a_status_smuggled_into_the_edit_form_is_ignored(app, rnd, client_for):
    from tests.formdata import payload

    record_id = new_release(app, rnd)
    with app.app_context():
        record = db.session.get(ItemRelease, record_id)
        fields = {name: getattr(record, name) for name in ("unit", "applicant_name", "applicant_relation",
                  "applicant_id_type", "applicant_id_number", "applicant_mobile", "move_type", "planned_out_at",
                  "project")}
        data = payload(ItemRelease, fields, {"items": [{"id": line.id, "item_name": line.item_name,
                                                        "quantity": line.quantity} for line in record.items]})
    data["status"] = "approved"
    response = client_for("clerk").post(f"/admin/item_release/edit/?id={record_id}", data=data)
    assert response.status_code == 302
    assert state_of(app, record_id) == "submitted"


def test_a_locked_record_cannot_be_edited(app, rnd, client_for):
    record_id = new_release(app, rnd, status="released")
    client = client_for("clerk")
    response = client.post(f"/admin/item_release/edit/?id={record_id}", data={"applicant_name": "改名"},
                           follow_redirects=True)
    assert "状态的记录不能修改" in response.text
    with app.app_context():
        assert db.session.get(ItemRelease, record_id).applicant_name != "改名"


def test_two_people_deciding_at_once_end_with_one_decision(app, rnd):
    record_id = new_release(app, rnd)
    outcomes, barrier = {}, threading.Barrier(2)

    def decide(action, username, comment):
        with app.app_context():
            user = db.session.scalar(sa.select(User).filter_by(username=username))
            record = db.session.get(ItemRelease, record_id)
            barrier.wait()
            outcomes[action] = perform(record, action, user, comment)
            db.session.remove()

    threads = [threading.Thread(target=decide, args=("approve", "manager", "")),
               threading.Thread(target=decide, args=("reject", "clerk2", "不予放行"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(bool(reasons) for reasons in outcomes.values()) == [False, True]
    with app.app_context():
        logs = db.session.scalars(sa.select(TransitionLog).filter_by(table_name="item_releases",
                                                                      row_id=record_id)).all()
        assert len(logs) == 1 and state_of(app, record_id) == logs[0].to_state


def test_the_inbox_lists_waiting_requests_and_decides_in_bulk(app, rnd, client_for):
    first, second = new_release(app, rnd), new_release(app, rnd, creator="manager")
    manager = client_for("manager")
    page = manager.get("/admin/inbox/").text
    assert "待我审批 (" in page
    with app.app_context():
        serials = [db.session.get(ItemRelease, i).serial_no for i in (first, second)]
    assert all(serial in page for serial in serials)
    result = manager.post("/admin/inbox/decide", data={
        "action": "approve", "selected": [f"item_release:{first}", f"item_release:{second}"]}).text
    assert "不能审批自己登记的申请" in result and "已完成" in result
    assert state_of(app, first) == "approved" and state_of(app, second) == "submitted"


@pytest.mark.postgres
def test_one_decision_wins_on_postgres(postgres_app, rnd):
    test_two_people_deciding_at_once_end_with_one_decision(postgres_app, rnd)
