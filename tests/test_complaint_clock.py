"""The complaint clock of §4.3 / §5.4 with a fixed "now": every time limit, escalation, lateness and the on-time mark."""
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import FORMS, ComplaintCategory, Project, StaffMember, Unit, User
from app.models.base import LOCAL_TZ
from app.servicedesk.complaint_flow import running_deadline
from app.servicedesk.revisits import RevisitRecord
from app.models.types import clock_at
from app.workflow import perform
from conftest import first

ComplaintTicket = FORMS["complaint_ticket"]
RECEIVED = datetime(2026, 3, 10, 9, 0, tzinfo=LOCAL_TZ)  # a Tuesday morning, Shanghai time


def local(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=LOCAL_TZ)


def h(n):
    return RECEIVED + timedelta(hours=n)



def user(name):
    return db.session.scalar(sa.select(User).filter_by(username=name))


def new_ticket(**values):
    """An unsaved ticket received at RECEIVED from a resident by phone."""
    defaults = dict(project=first(Project), received_at=RECEIVED, channel="phone", complainant_name="王先生",
                    unit=first(Unit), contact_phone="13800138000", content="楼上装修噪音", category=first(ComplaintCategory),
                    received_by=first(StaffMember), households_count=1, status="received")
    return ComplaintTicket(**{**defaults, **values})


def saved_ticket(**values):
    with clock_at(RECEIVED):
        ticket = new_ticket(**values)
        db.session.add(ticket)
        db.session.commit()
    return ticket


# (state and classification, expected (what is due, by when)) — the seed's limit in the comment
DEADLINES = [
    ({}, ("classify", h(2))),  # R-C4/R-C8: whatever it turns out to be, the owner hears within 2 h
    ({"households_count": 5}, ("report_manager", RECEIVED + timedelta(minutes=30))),  # R-C13: at once
    ({"status": "classified", "validity": "valid"}, ("contact", h(2))),  # R-C4
    ({"status": "classified", "validity": "invalid"}, ("reply", h(2))),  # R-C8
    ({"status": "classified", "validity": "assisted"}, ("report_party", h(24))),  # cfg
    ({"status": "contacted", "validity": "valid", "promised_reply_at": h(5)}, ("resolve", h(5))),  # agreed time
    ({"status": "in_progress", "validity": "valid"}, ("resolve", local(10, 23, 59))),  # R-C7: 即日内
    ({"status": "in_progress", "validity": "assisted"}, ("resolve", RECEIVED + timedelta(days=3))),  # R-F11
    ({"status": "resolved_on_spot", "resolved_at": h(1)}, ("reply", h(3))),  # R-C6: 2 h after handling
    ({"status": "resolved", "validity": "valid", "resolved_at": local(11, 15)}, ("reply", local(11, 23, 59))),  # R-C7
    ({"status": "resolved", "validity": "valid", "resolved_at": h(1), "promised_reply_at": local(12, 10)},
     ("reply", local(12, 10))),  # or at the agreed time
    ({"status": "revisit_pending", "resolved_at": h(4)}, ("revisit", h(4) + timedelta(days=3))),  # R-C25 / S2-3
    ({"status": "resolved", "validity": "valid", "resolved_at": local(10, 10), "channel": "transfer"},
     ("report_company", local(10, 22))),  # R-C9: 12 h, earlier than the reply due at 23:59
    ({"status": "resolved", "validity": "valid", "resolved_at": local(10, 10), "channel": "transfer",
      "reported_to_company_at": local(10, 12)}, ("reply", local(10, 23, 59))),
    ({"status": "closed", "resolved_at": h(1)}, (None, None)),
]


@pytest.mark.parametrize("values, expected", DEADLINES)
def test_each_state_runs_the_manuals_time_limit(ctx, values, expected):
    what, at = running_deadline(new_ticket(**values))
    assert (what, at) == expected


@pytest.mark.parametrize("minutes_after_deadline, late", [(-1, False), (1, True)])
def test_late_is_a_comparison_with_the_clock(ctx, minutes_after_deadline, late):
    ticket = saved_ticket()
    assert ticket.due_kind == "classify" and ticket.due_at == h(2)
    moment = h(2) + timedelta(minutes=minutes_after_deadline)
    with clock_at(moment):
        assert ticket.is_late is late
        listed = db.session.scalars(sa.select(ComplaintTicket.id).where(ComplaintTicket.is_late)).all()
        assert (ticket.id in listed) is late  # the list query agrees with the page


@pytest.mark.parametrize("open_for, level", [(timedelta(days=2) - timedelta(minutes=1), "receptionist"),
                                             (timedelta(days=2, minutes=1), "supervisor"),
                                             (timedelta(days=7, minutes=1), "manager")])
def test_open_complaints_escalate_after_two_days_and_a_week(ctx, open_for, level):
    ticket = saved_ticket()
    with clock_at(RECEIVED + open_for):
        assert ticket.escalation_level == level


def test_a_step_taken_late_counts_against_the_on_time_rate(ctx):
    manager = user("manager")
    on_time, late = saved_ticket(validity="valid"), saved_ticket(validity="valid")
    with clock_at(h(1)):
        assert perform(on_time, "classify", manager) == []
    with clock_at(h(3)):
        assert perform(late, "classify", manager) == []
    db.session.expire_all()
    assert on_time.missed_deadline is False and late.missed_deadline is True
    assert on_time.status == late.status == "classified"
    assert on_time.due_kind == "contact" and on_time.due_at == h(2)  # the next limit started


def test_a_collective_complaint_opens_a_special_event_record(ctx):
    ticket = saved_ticket(validity="valid", households_count=8)
    assert ticket.is_collective and ticket.due_kind == "report_manager"
    with clock_at(RECEIVED + timedelta(minutes=10)):
        assert perform(ticket, "classify", user("manager")) == []
    incidents = db.session.scalars(sa.select(FORMS["incident_tracking"]).filter_by(complaint_ticket_id=ticket.id)).all()
    assert [(i.event_type, i.severity) for i in incidents] == [("collective", "major")]
    assert incidents[0].reported_to is not None and incidents[0].reported_at == RECEIVED + timedelta(minutes=10)


@pytest.mark.parametrize("state, action, values, who, refused", [
    ("received", "classify", {}, "manager", "请先确定投诉性质"),  # R-C11
    ("received", "classify", {"validity": "valid"}, "clerk", "您的角色不能进行此操作"),  # the supervisor classifies
    ("classified", "contact", {"validity": "valid"}, "manager", "请先填写约定回复时间"),
    ("classified", "start", {"validity": "valid"}, "manager", "有效投诉须先联系业主约定回复时间"),  # R-C4 first
    ("classified", "start", {"validity": "invalid"}, "manager", "无效投诉请直接解释回复"),
    ("resolved", "reply", {"households_count": 6}, "clerk", "请先填写回复方式"),
    ("resolved", "reply", {"households_count": 6, "reply_method": "phone"}, "clerk", "集体投诉必须上门拜访回复"),  # R-C12
    ("resolved", "reply", {"channel": "letter", "reply_method": "phone"}, "clerk", "书面投诉须同时书面回复"),  # R-C12
    ("revisit_pending", "close", {}, "clerk", "须先完成回访"),  # C12
    ("revisit_pending", "rework", {}, "clerk", "只有回访不满意才退回整改"),
])
def test_guards_name_what_is_missing(ctx, state, action, values, who, refused):
    ticket = saved_ticket(status=state, **values)
    reasons = perform(ticket, action, user(who))
    assert any(refused in reason for reason in reasons), reasons
    db.session.expire_all()
    assert ticket.status == state


def test_reply_schedules_the_revisit_three_days_after_handling(ctx):
    ticket = saved_ticket(validity="valid", status="resolved", resolved_at=h(5), reply_method="phone")
    with clock_at(h(6)):
        assert perform(ticket, "reply", user("clerk")) == []
    revisit = db.session.scalars(sa.select(RevisitRecord).filter_by(complaint_ticket_id=ticket.id)).one()
    assert (revisit.revisit_type, revisit.due_by, revisit.unit_id) == ("complaint", h(5) + timedelta(days=3),
                                                                       ticket.unit_id)
    assert ticket.status == "revisit_pending" and ticket.due_kind == "revisit" and ticket.replied_at == h(6)
    with clock_at(h(5) + timedelta(days=3, minutes=1)):
        assert revisit.is_late and ticket.is_late
