"""投诉 (flow): a complaint's states and steps (§4.3) and the clock the manual runs them on (§5.4).

Every step stores the deadline of what is due next (`due_at`, `due_kind`), so whether a complaint is late is a
comparison any app server makes with its own clock, without a background job.
"""
from datetime import datetime, time, timedelta

from flask import current_app

from ..config import Defaults
from ..extensions import db
from ..i18n import Choices, text
from ..workflow import Flow, Transition, need, perform, sets
from ..models.base import FORMS, LOCAL_TZ
from ..models.types import as_utc, utcnow
from .revisits import latest_revisit, revisit_due, schedule_revisit

COMPLAINT_STATE = Choices(received="已受理", resolved_on_spot="当场处理", classified="已分类",
                          contacted="已约定回复", in_progress="处理中", transferred="已转呈", resolved="已处理",
                          replied="已回复", revisit_pending="待回访", closed="已关闭")
DUE_KIND = Choices(classify="分类并联系业主", report_manager="报告管理处主任", contact="联系业主约定回复时间",
                   report_party="书面转解决部门", resolve="按约定处理完毕", reply="回复业主",
                   report_company="结果报公司投诉处理中心", revisit="回访")
CLOSED_STATES = ("closed",)
SATISFIED = ("very_satisfied", "satisfied")


def limits():
    """The time limits in force: the manual's defaults, as the deployment configured them."""
    return {**Defaults.COMPLAINT_LIMITS, **current_app.config.get("COMPLAINT_LIMITS", {})}


def end_of_day(moment):
    """23:59 local time of the day `moment` falls on: the manual's 即日 / 当天."""
    day = as_utc(moment).astimezone(LOCAL_TZ).date()
    return datetime.combine(day, time(23, 59), LOCAL_TZ).astimezone(as_utc(moment).tzinfo)


def pending_deadlines(ticket):
    """(what, when) of everything due on the ticket now, from its state and classification."""
    limit, state = limits(), ticket.status or "received"
    received = as_utc(ticket.received_at)
    if received is None or state in CLOSED_STATES:
        return []
    hours = lambda n: timedelta(hours=n)  # noqa: E731
    out = []
    if state == "received":
        out.append(("report_manager", received + timedelta(minutes=limit["collective_report_minutes"]))
                   if (ticket.households_count or 0) >= 5 else ("classify", received + hours(limit["contact_hours"])))
    elif state == "classified":
        out.append({"invalid": ("reply", received + hours(limit["invalid_reply_hours"])),
                    "assisted": ("report_party", received + hours(limit["assisted_report_hours"]))}.get(
            ticket.validity, ("contact", received + hours(limit["contact_hours"]))))
    elif state in ("contacted", "in_progress", "transferred"):
        default = (end_of_day(received) if ticket.validity == "valid"
                   else received + timedelta(days=limit["reply_default_days"]))
        out.append(("resolve", as_utc(ticket.promised_reply_at) or default))
    elif state == "resolved_on_spot":
        out.append(("reply", as_utc(ticket.resolved_at or received) + hours(limit["on_spot_reply_hours"])))
    elif state == "resolved":
        done, promised = as_utc(ticket.resolved_at or received), as_utc(ticket.promised_reply_at)
        out.append(("reply", promised if promised and promised > done else end_of_day(done)))
    elif state == "revisit_pending":
        out.append(("revisit", revisit_due("complaint", ticket.resolved_at or ticket.replied_at or received)))
    if ticket.channel == "transfer" and ticket.resolved_at and not ticket.reported_to_company_at:
        out.append(("report_company", as_utc(ticket.resolved_at) + hours(limit["company_report_hours"])))
    return out


def running_deadline(ticket):
    """(what, when) of the earliest deadline now running, or (None, None)."""
    pending = pending_deadlines(ticket)
    return min(pending, key=lambda item: item[1]) if pending else (None, None)


def _note_missed(ticket, transition, user):
    """A step taken after the deadline it answers counts against the on-time rate (read before anything moves it)."""
    if ticket.due_at is not None and utcnow() > as_utc(ticket.due_at):
        ticket.missed_deadline = True


def _restart_clock(ticket, transition, user):
    """Once a step is taken, the next deadline starts."""
    ticket.due_kind, ticket.due_at = running_deadline(ticket)




def _staff(user):
    return getattr(user, "staff", None)


def _handled(ticket, user):
    """Each round of handling has its own time: a complaint sent back is handled, replied and revisited anew."""
    ticket.resolved_at = utcnow()
    ticket.handler = ticket.handler or _staff(user)


def _classified(ticket, user):
    """A collective complaint opens a 特别事件 record at once (C7, R-C13)."""
    if not ticket.is_collective:
        return
    staff = _staff(user)
    db.session.add(FORMS["incident_tracking"](
        project=ticket.project, occurred_at=ticket.received_at, event_type="collective", severity="major",
        complaint_ticket=ticket, unit=ticket.unit, location=None if ticket.unit else text("小区", "Estate"),
        description=ticket.content, first_responsible=ticket.handler or ticket.received_by,
        reported_to=staff, reported_at=utcnow() if staff else None))


@sets("replied_at")
def _replied(ticket, user):
    """Record this round's reply and schedule the revisit due 3 days after its handling (S2-3, R-C25)."""
    ticket.replied_at = utcnow()
    previous = latest_revisit(complaint_ticket_id=ticket.id)
    schedule_revisit("complaint", ticket.unit, ticket.resolved_at or ticket.replied_at, previous=previous,
                     complaint_ticket=ticket)


def _reply_refusals(ticket):
    out = need(ticket.reply_method, "请先填写回复方式", "Record how the owner was answered")
    if ticket.is_collective and ticket.reply_method and ticket.reply_method != "home_visit":
        out += need(False, "集体投诉必须上门拜访回复", "A collective complaint is answered by a home visit")
    if ticket.channel == "letter":
        out += need(ticket.written_reply, "书面投诉须同时书面回复", "A written complaint also needs a written reply")
    return out


def _classify_refusals(ticket):
    return (need(ticket.validity, "请先确定投诉性质(有效/协助处理/无效)", "Classify the complaint first")
            + need(ticket.category_id, "请先选择投诉类别", "Choose the category"))


def _start_refusals(ticket):
    if ticket.validity == "invalid":
        return need(False, "无效投诉请直接解释回复", "An invalid complaint is answered with an explanation")
    out = []
    if ticket.validity == "valid" and ticket.status == "classified" and not ticket.is_collective:
        out += need(False, "有效投诉须先联系业主约定回复时间", "Contact the owner and agree a reply time first")
    return out + need(ticket.handler is not None and ticket.handling_method, "请先指定投诉处理人和处理方式",
                       "Name the handler and the handling method")


def _revisit_answer(ticket):
    revisit = latest_revisit(complaint_ticket_id=ticket.id)
    return revisit if revisit is not None and revisit.revisited_at is not None else None


def _close_refusals(ticket):
    if ticket.status == "replied":  # an invalid complaint explained: nothing to revisit
        return need(ticket.satisfaction, "请记录业主对解释的满意程度", "Record the owner's satisfaction")
    revisit = _revisit_answer(ticket)
    return (need(revisit is not None, "须先完成回访", "The revisit has not been made yet")
            or need(revisit.satisfaction in SATISFIED, "回访结果不满意,须再整改", "The owner is not satisfied yet"))


def _rework_refusals(ticket):
    revisit = _revisit_answer(ticket)
    return need(revisit is not None and revisit.satisfaction not in SATISFIED, "只有回访不满意才退回整改",
                 "Only an unsatisfied revisit sends the work back")


def _closed(ticket, user):
    revisit = _revisit_answer(ticket)
    if revisit is not None:
        ticket.satisfaction = revisit.satisfaction


T = Transition
COMPLAINT_FLOW = Flow(COMPLAINT_STATE, [
    T("resolve_on_spot", ("当场处理完毕", "Handled on the spot"), ("received",), "resolved_on_spot", ("front_desk",),
      guard=lambda t: need(t.result, "请先填写处理结果", "Record the result first"), effect=_handled,
      fields=("result",)),
    T("classify", ("分类定性", "Classify"), ("received",), "classified", ("cs_supervisor", "project_manager"),
      guard=_classify_refusals, effect=_classified, fields=("validity", "severity"), waits=True),
    T("contact", ("已联系业主约定回复", "Owner contacted"), ("classified",), "contacted", ("cs_supervisor",),
      guard=lambda t: (need(t.validity == "valid", "只有有效投诉需约定回复时间", "Only a valid complaint is contacted")
                       + need(t.promised_reply_at, "请先填写约定回复时间", "Give the agreed reply time")),
      fields=("promised_reply_at",), applies=lambda t: t.validity != "invalid"),
    T("start", ("开始处理", "Start handling"), ("classified", "contacted"), "in_progress",
      ("cs_supervisor", "project_manager"), guard=_start_refusals,
      fields=("handler", "handling_method", "responsible_party")),
    T("transfer", ("转呈(发展商/外部/上级)", "Transfer"), ("classified", "contacted", "in_progress"), "transferred",
      ("cs_supervisor", "project_manager"), needs_comment=True, style="warning", fields=("responsible_party",)),
    T("resume", ("转呈后继续跟进", "Resume"), ("transferred",), "in_progress", ("cs_supervisor", "project_manager")),
    T("resolve", ("处理完毕", "Resolved"), ("contacted", "in_progress", "transferred"), "resolved", ("front_desk",),
      guard=lambda t: need(t.result, "请先填写处理结果", "Record the result first"), effect=_handled,
      fields=("result",)),
    T("reply", ("已回复业主", "Owner answered"), ("resolved", "resolved_on_spot"), "revisit_pending", ("front_desk",),
      guard=_reply_refusals, effect=_replied, fields=("reply_method", "written_reply")),
    T("explain", ("已解释回复(无效投诉)", "Explained (invalid)"), ("classified",), "replied", ("cs_supervisor",),
      guard=lambda t: need(t.validity == "invalid", "只有无效投诉直接解释回复", "Only an invalid complaint is explained")
      + _reply_refusals(t), effect=sets("replied_at")(lambda t, user: setattr(t, "replied_at", t.replied_at or utcnow())),
      fields=("reply_method", "written_reply", "satisfaction"), applies=lambda t: t.validity != "valid"),
    T("close", ("关闭", "Close"), ("replied", "revisit_pending"), "closed",
      ("property_assistant", "cs_supervisor"), guard=_close_refusals, effect=_closed, style="success",
      fields=("satisfaction",)),
    T("rework", ("回访不满意,退回整改", "Send back"), ("revisit_pending",), "in_progress",
      ("property_assistant", "cs_supervisor"), guard=_rework_refusals, style="danger"),
], locked=("closed",), before=_note_missed, after=_restart_clock, anchors=("received_at",))


def settle_complaint(ticket, revisit, user):
    """The revisit's answer closes the complaint, or sends it back to be handled again (C12, R-RV4)."""
    if ticket.status != "revisit_pending" or revisit.id != getattr(_revisit_answer(ticket), "id", None):
        return []
    if revisit.needs_rework:
        return perform(ticket, "rework", user, revisit.shortcomings or text("回访不满意", "Unsatisfied at the revisit"))
    return perform(ticket, "close", user)
