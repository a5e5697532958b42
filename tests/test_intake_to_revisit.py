"""From the first call to the revisit, through HTTP as a clerk and a manager, with the clock moved, not slept."""
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import FORMS, ComplaintCategory, Department, Project, StaffMember, Unit, User
from app.models.base import LOCAL_TZ
from app.servicedesk.revisits import RevisitRecord, revisit_due
from app.models.types import clock_at
from app.models.workflow import TransitionLog
from app.views.declared import field_info
from app.workflow import perform
from tests.formdata import editable, errors_in, payload
from conftest import act, first

CallVisitLog, ComplaintTicket, WorkOrder = FORMS["call_visit_log"], FORMS["complaint_ticket"], FORMS["work_order"]
Ledger, Feedback = FORMS["front_desk_ledger_entry"], FORMS["feedback_record"]
START = datetime(2026, 4, 7, 10, 0, tzinfo=LOCAL_TZ)


def at(hours):
    return START + timedelta(hours=hours)



def newest(model):
    return db.session.scalars(sa.select(model).order_by(model.id.desc())).first()


def current_values(record):
    """What the record's edit form holds now, as its fields' names and values."""
    return {name: getattr(record, name) for name in editable(type(record))}


def edit(client, record, **changes):
    """Post the record's edit form with some fields changed, as a person would."""
    endpoint = {CallVisitLog: "call_visit_log", ComplaintTicket: "complaint_ticket", WorkOrder: "work_order",
                RevisitRecord: "revisit_record"}[type(record)]
    data = payload(type(record), {**current_values(record), **changes})
    for name, value in data.items():  # a blank select posts "__None", as the browser's does
        if value == "" and field_info(type(record), name).get("choices"):
            data[name] = "__None"
    response = client.post(f"/admin/{endpoint}/edit/?id={record.id}", data=data)
    assert response.status_code == 302, errors_in(response.text)
    db.session.expire_all()



def log_call(client, **values):
    """A clerk logs a call; the page it lands on is the call's own, with its intake buttons."""
    call = dict(contact_at=START, contact_mode="call", caller_kind="owner", name="赵女士", unit=first(Unit),
                phone="13912345678", category="complaint", matter="楼上每晚十点后装修电钻噪音", received_by=first(StaffMember),
                routing="settled", project=first(Project), visitor_id_verified=False)
    call.update(values)
    response = client.post("/admin/call_visit_log/new/", data=payload(CallVisitLog, call))
    assert response.status_code == 302, errors_in(response.text)
    record = newest(CallVisitLog)
    assert f"/admin/call_visit_log/details/?id={record.id}" in response.headers["Location"]
    return record


def test_from_a_call_to_a_closed_complaint(app, client_for):
    clerk, manager = client_for("clerk"), client_for("manager")
    with app.app_context(), clock_at(START):
        ledger_before = db.session.scalar(sa.select(sa.func.count(Ledger.id)))
        call = log_call(clerk)
        # the duty ledger filled itself
        lines = db.session.scalars(sa.select(Ledger).filter_by(call_visit_id=call.id)).all()
        assert len(lines) == 1 and db.session.scalar(sa.select(sa.func.count(Ledger.id))) == ledger_before + 1
        assert (lines[0].contact_phone, lines[0].entry_type, lines[0].shift) == ("13912345678", "complaint", "day")
        page = clerk.get(f"/admin/call_visit_log/details/?id={call.id}").text
        assert "转为投诉受理单" in page and "派工单" in page

        # one step: the complaint form opens with the caller, unit and phone already there
        form = clerk.get(f"/admin/complaint_ticket/new/?from=call_visit_log:{call.id}").text
        assert "赵女士" in form and "13912345678" in form and "楼上每晚十点后装修电钻噪音" in form
        values = dict(received_at=START, channel="phone", complainant_name="赵女士", is_resident=True,
                      unit=call.unit, contact_phone="13912345678", content=call.matter,
                      category=first(ComplaintCategory, ComplaintCategory.code == "renovation"),
                      severity="general", households_count=1, received_by=call.received_by, source_call=call,
                      project=call.project)
        assert clerk.post("/admin/complaint_ticket/new/", data=payload(ComplaintTicket, values)).status_code == 302
        ticket = newest(ComplaintTicket)
        assert ticket.source_call_id == call.id and ticket.status == "received"
        assert db.session.get(CallVisitLog, call.id).routing == "complaint"
        assert ticket.due_kind == "classify" and ticket.due_at == at(2)
        ticket_id = ticket.id

    with app.app_context():
        ticket = db.session.get(ComplaintTicket, ticket_id)
        with clock_at(at(1)):  # the supervisor classifies it valid and calls the owner within the 2 hours
            page = manager.get(f"/admin/complaint_ticket/details/?id={ticket.id}").text
            assert 'name="validity"' in page and "分类并联系业主" in page  # the step asks for what it records
            assert "「投诉性质」的值无效" in act(manager, "complaint_ticket", ticket, "classify", validity="nonsense")
            assert "请先确定投诉性质" in act(manager, "complaint_ticket", ticket, "classify")
            assert ticket.status == "received" and ticket.validity is None
            assert "已完成操作" in act(manager, "complaint_ticket", ticket, "classify", validity="valid")
            assert "已完成操作" in act(manager, "complaint_ticket", ticket, "contact",
                                       promised_reply_at=at(6).strftime("%Y-%m-%dT%H:%M"))
            assert "已完成操作" in act(manager, "complaint_ticket", ticket, "start",
                                       handler=first(StaffMember).id, handling_method="work_order")
            assert (ticket.validity, ticket.handling_method, ticket.promised_reply_at) == ("valid", "work_order", at(6))
            assert ticket.due_kind == "resolve" and ticket.due_at == at(6)
            # the work order it dispatches starts from the complaint, and the complaint shows its progress
            form = clerk.get(f"/admin/work_order/new/?from=complaint_ticket:{ticket.id}").text
            assert "赵女士" in form and "13912345678" in form
            order = dict(source="complaint", source_complaint=ticket, task_type="in_home_repair", unit=ticket.unit,
                         requester_name="赵女士", requester_phone="13912345678", description="协调装修户停止夜间施工",
                         assigned_department=first(Department, Department.code == "ENG"), due_at=at(5),
                         project=ticket.project)
            assert clerk.post("/admin/work_order/new/", data=payload(WorkOrder, order)).status_code == 302
            work = newest(WorkOrder)
        with clock_at(at(7)):  # past the agreed time: the supervisor's list shows it late
            due = manager.get("/admin/due/").text
            assert ticket.serial_no in due and work.serial_no in due and "已超时" in due
            page = manager.get(f"/admin/complaint_ticket/details/?id={ticket.id}").text
            assert work.serial_no in page and "已派工" not in page and "已登记" in page
            edit(clerk, ticket, result="已书面通知装修户,晚间施工已停止")
            assert "已完成操作" in act(clerk, "complaint_ticket", ticket, "resolve")
            assert ticket.missed_deadline is True  # resolved after the agreed 6 hours
            edit(clerk, ticket, reply_method="phone")
            assert "已完成操作" in act(clerk, "complaint_ticket", ticket, "reply")
        first_revisit = db.session.scalars(sa.select(RevisitRecord).filter_by(complaint_ticket_id=ticket.id)).one()
        assert first_revisit.due_by == at(7) + timedelta(days=3) and ticket.status == "revisit_pending"

        with clock_at(at(30)):  # the owner is still unhappy: the work goes back and another revisit follows
            edit(clerk, first_revisit, revisited_at=at(30), revisited_by=first(StaffMember), method="phone",
                 satisfaction="not_very_satisfied", shortcomings="周末仍有噪音")
            assert ticket.status == "in_progress"
            edit(clerk, ticket, result="已约谈装修户,周末停工")
            act(clerk, "complaint_ticket", ticket, "resolve")
            act(clerk, "complaint_ticket", ticket, "reply")
        revisits = db.session.scalars(sa.select(RevisitRecord).filter_by(complaint_ticket_id=ticket.id)
                                      .order_by(RevisitRecord.id)).all()
        assert len(revisits) == 2 and revisits[1].previous_revisit_id == revisits[0].id
        with clock_at(at(50)):
            edit(clerk, revisits[1], revisited_at=at(50), revisited_by=first(StaffMember), method="phone",
                 satisfaction="satisfied")
        assert ticket.status == "closed" and ticket.satisfaction == "satisfied" and ticket.due_at is None
        actions = db.session.scalars(sa.select(TransitionLog.action).filter_by(
            table_name="complaint_tickets", row_id=ticket.id).order_by(TransitionLog.id)).all()
        assert actions == ["classify", "contact", "start", "resolve", "reply", "rework", "resolve", "reply", "close"]
        # a dissatisfied owner comes back: a new complaint linked to this one
        form = clerk.get(f"/admin/complaint_ticket/new/?from=complaint_ticket:{ticket.id}").text
        assert "赵女士" in form and ticket.serial_no in form


def test_a_repair_call_becomes_a_work_order_revisited_three_days_after_completion(app, client_for):
    clerk, manager = client_for("clerk"), client_for("manager")
    with app.app_context(), clock_at(START):
        call = log_call(clerk, category="repair", matter="厨房水管漏水")
        form = clerk.get(f"/admin/work_order/new/?from=call_visit_log:{call.id}").text
        assert "厨房水管漏水" in form and "13912345678" in form
        order = dict(source="call_visit", source_call=call, task_type="in_home_repair", unit=call.unit,
                     requester_name=call.name, requester_phone=call.phone, description=call.matter,
                     assigned_department=first(Department, Department.code == "ENG"), due_at=at(4),
                     project=call.project)
        assert clerk.post("/admin/work_order/new/", data=payload(WorkOrder, order)).status_code == 302
        work = newest(WorkOrder)
        assert db.session.get(CallVisitLog, call.id).routing == "work_order"
        assert "请先填写接收人签收" in act(clerk, "work_order", work, "dispatch")
        edit(clerk, work, received_by=first(StaffMember, StaffMember.position == "engineer"), received_at=START)
        assert "已完成操作" in act(clerk, "work_order", work, "dispatch")
        work_id, call_id = work.id, call.id
    with app.app_context():
        work, call = db.session.get(WorkOrder, work_id), db.session.get(CallVisitLog, call_id)
        with clock_at(at(4) + timedelta(minutes=1)):
            assert work.is_overdue
            assert work.id in db.session.scalars(sa.select(WorkOrder.id).where(WorkOrder.is_overdue)).all()
            assert work.serial_no in clerk.get("/admin/").text  # the clerk's home lists it as due and late
        with clock_at(at(3)):
            assert not work.is_overdue
            edit(clerk, work, result="已更换阀芯,试水正常")
            assert "已完成操作" in act(clerk, "work_order", work, "complete")
            assert "须先告知业主结果并记录满意程度" in act(clerk, "work_order", work, "close")
            edit(clerk, work, satisfaction="very_satisfied")
            act(clerk, "work_order", work, "confirm")
            assert "已完成操作" in act(clerk, "work_order", work, "close")
        assert work.status == "closed" and work.slip_returned_at == at(3) and work.completed_at == at(3)
        revisit = db.session.scalars(sa.select(RevisitRecord).filter_by(work_order_id=work.id)).one()
        assert (revisit.revisit_type, revisit.due_by) == ("minor_repair", at(3) + timedelta(days=3))
        page = manager.get(f"/admin/call_visit_log/details/?id={call.id}").text
        assert work.serial_no in page  # the call shows what it became
        with clock_at(at(80)):  # unsatisfied at the revisit: a rework order, whose closing calls the next revisit
            edit(clerk, revisit, revisited_at=at(80), revisited_by=first(StaffMember), method="phone",
                 satisfaction="very_dissatisfied", shortcomings="仍在滴水")
            rework = db.session.get(RevisitRecord, revisit.id).rework_work_order
            assert rework is not None and rework.status == "created" and rework.source_call_id == call.id
            assert "仍在滴水" in rework.description
            rework.received_by = first(StaffMember)
            clerk_user = db.session.scalar(sa.select(User).filter_by(username="clerk"))
            for action in ("dispatch", "complete"):
                rework.result = "已更换整套龙头"
                assert perform(rework, action, clerk_user) == []
            rework.satisfaction = "satisfied"
            assert perform(rework, "confirm", clerk_user) == [] and perform(rework, "close", clerk_user) == []
        follow = db.session.scalars(sa.select(RevisitRecord).filter_by(work_order_id=rework.id)).one()
        assert follow.previous_revisit_id == revisit.id and follow.revisit_type == "minor_repair"


@pytest.mark.parametrize("kind, done, due", [
    ("complaint", datetime(2026, 1, 31, 9, tzinfo=LOCAL_TZ), datetime(2026, 2, 3, 9, tzinfo=LOCAL_TZ)),
    ("minor_repair", datetime(2026, 1, 31, 9, tzinfo=LOCAL_TZ), datetime(2026, 2, 3, 9, tzinfo=LOCAL_TZ)),
    ("repair_project", datetime(2026, 1, 31, 9, tzinfo=LOCAL_TZ), datetime(2026, 2, 28, 9, tzinfo=LOCAL_TZ)),
    ("activity", datetime(2026, 3, 15, 20, tzinfo=LOCAL_TZ), datetime(2026, 4, 15, 20, tzinfo=LOCAL_TZ)),
    ("other", datetime(2026, 3, 15, 20, tzinfo=LOCAL_TZ), datetime(2026, 3, 22, 20, tzinfo=LOCAL_TZ)),
    ("special_end", datetime(2026, 3, 15, 20, tzinfo=LOCAL_TZ), datetime(2026, 3, 22, 20, tzinfo=LOCAL_TZ)),
    ("survey", datetime(2026, 3, 15, 20, tzinfo=LOCAL_TZ), datetime(2026, 3, 22, 20, tzinfo=LOCAL_TZ)),
])
def test_revisits_fall_due_on_the_limits_of_s2_3(kind, done, due):
    assert revisit_due(kind, done) == due


def test_a_clerk_cannot_classify_and_the_state_cannot_be_posted(app, client_for):
    clerk = client_for("clerk")
    with app.app_context(), clock_at(START):
        call = log_call(clerk)
        values = dict(received_at=START, channel="phone", complainant_name="钱先生", is_resident=True, unit=call.unit,
                      contact_phone="13912345678", content="路灯不亮", category=first(ComplaintCategory),
                      severity="general", households_count=1, received_by=call.received_by, project=call.project,
                      validity="valid")
        data = {**payload(ComplaintTicket, values), "status": "closed", "due_at": "2030-01-01 00:00"}
        assert clerk.post("/admin/complaint_ticket/new/", data=data).status_code == 302
        ticket = newest(ComplaintTicket)
        assert ticket.status == "received" and ticket.due_at == at(2)  # read-only on the server, not only hidden
        assert "您的角色不能进行此操作" in act(clerk, "complaint_ticket", ticket, "classify")
        assert ticket.status == "received"
