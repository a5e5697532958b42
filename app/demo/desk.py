"""The demo's complaints and work orders taken along their flows, at the times a desk would have taken each step.

Every step goes through the workflow service with the clock set to when it happened, so the demo's deadlines,
late marks, revisits and monthly rates are what the desk's own use would have left behind.
"""
from datetime import timedelta

from flask import current_app

from ..core.saving import Refused, save
from ..extensions import db
from ..models import FORMS, StaffMember, User
from ..servicedesk.revisits import latest_revisit
from ..models.types import as_utc, clock_at, utcnow
from ..workflow import finish, perform

# (hours after receipt, action, fields) per path; None ends a path early (the complaint is still open)
ON_TIME = ((1, "classify", dict(validity="valid")), (1.5, "contact", {}), (2, "start", dict(handling_method="work_order")),
           (5, "resolve", dict(result="已安排维修,问题已解决")), (5.5, "reply", {}), (48, "revisit", "satisfied"))
LATE = ((3, "classify", dict(validity="valid")), (3.5, "contact", {}), (4, "start", dict(handling_method="referred")),
        (30, "resolve", dict(result="已协调责任部门处理完毕")), (31, "reply", {}), (80, "revisit", "not_very_satisfied"))
EXPLAINED = ((0.5, "classify", dict(validity="invalid")), (1, "explain", dict(satisfaction="satisfied")),
             (1.5, "close", {}))
STILL_OPEN = ((1, "classify", dict(validity="assisted")), (2, "start", dict(handling_method="referred")))
PATHS = (ON_TIME, ON_TIME, LATE, EXPLAINED, STILL_OPEN, ())
WORK = ((0.2, "dispatch", {}), (1, "start", {}), (4, "complete", dict(result="已处理完毕")),
        (5, "confirm", dict(satisfaction="satisfied")), (6, "close", {}), (75, "revisit", "satisfied"))


# what owners complain of under each of the manual's categories, and what they ask for
COMPLAINT_TEXT = {
    "security": ("快递被放在门口丢失,前台未及时通知", "查清责任并给予答复"),
    "cleaning": ("地下车库垃圾多日未清运,异味大", "每日按时清运并消杀"),
    "greening": ("小区绿化带长期无人修剪,蚊虫多", "每月定期修剪并消杀"),
    "engineering": ("电梯频繁故障,上周困人两次", "尽快彻底检修电梯"),
    "mail": ("挂号信被他人冒领", "查看监控并加强登记"),
    "renovation": ("楼上住户装修晚上十点后仍在施工,噪音严重", "请管理处约束装修时间"),
    "staff_attitude": ("前台接待态度生硬,不解答问题", "加强员工服务培训"),
    "other": ("小区东门人行道地砖松动", "尽快修复"),
}


def tell(record, moment):
    """Make a new demo record consistent: what its flow's later steps fill stays blank until they are taken;
    a complaint is received when it was registered and its text matches its category."""
    if type(record) is FORMS["key_loan"]:  # registered, not yet back
        record.returned_at = record.received_by = record.key_condition = record.deposit_refunded_at = None
    if type(record) is not FORMS["complaint_ticket"]:
        return
    record.received_at = moment
    for later in ("reported_to_company_at", "promised_reply_at", "replied_at", "resolved_at", "result"):
        setattr(record, later, None)  # the steps of its flow fill these, at their own times
    code = getattr(record.category, "code", "other")
    record.content, record.expected_resolution = COMPLAINT_TEXT.get(code, COMPLAINT_TEXT["other"])


def _reply_values(ticket):
    """A reply as the manual wants it: a home visit for a collective complaint, in writing for a letter."""
    return dict(reply_method="home_visit" if ticket.is_collective else "phone", written_reply=ticket.channel == "letter")


def _revisit(user, answer, staff, when, **source):
    """Record the owner's answer as the desk would: the save closes the work or sends it back."""
    revisit = latest_revisit(**source)
    if revisit is None or revisit.revisited_at is not None:
        return
    revisit.revisited_at, revisit.revisited_by, revisit.method, revisit.satisfaction = when, staff, "phone", answer
    try:
        save(revisit, user)
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        current_app.logger.info("demo: revisit %s refused: %s", revisit.serial_no, refused.reasons)


def _walk(record, steps, start, user, staff, source):
    """Take the steps at their times; stop at the first one the record's data refuses, or one not yet due."""
    for hours, action, values in steps:
        when = as_utc(start) + timedelta(hours=hours)
        if when > utcnow():
            return
        with clock_at(when):
            if action == "revisit":
                _revisit(user, values, staff, when, **{f"{source}_id": record.id})
                continue
            values = {**values, **(_reply_values(record) if action in ("reply", "explain") else {})}
            if action == "contact":
                values["promised_reply_at"] = when + timedelta(hours=4)
            if action == "start" and source == "complaint_ticket" and record.handler is None:
                values["handler"] = staff
            if action == "dispatch":
                values["received_by"] = record.assignee or staff
            reasons = finish(perform(record, action, user, values=values))
        if reasons:
            current_app.logger.info("demo: %s %s stops at %s: %s", source, record.serial_no, action, reasons)
            return


def walk_flows(rnd, project):
    """Take each of the estate's complaints along one of the paths above, and each work order as far as its times
    allow, by the estate's own manager, clerk and staff."""
    manager = db.session.scalar(db.select(User).filter_by(username="manager"))
    clerk = db.session.scalar(db.select(User).filter_by(username="clerk"))
    staff = db.session.scalars(db.select(StaffMember).filter_by(project=project).order_by(StaffMember.id)).all()
    for ticket in db.session.scalars(db.select(FORMS["complaint_ticket"]).filter_by(project=project)
                                     .order_by("id")).all():
        _walk(ticket, rnd.choice(PATHS), ticket.received_at, manager, rnd.choice(staff), "complaint_ticket")
    for order in db.session.scalars(db.select(FORMS["work_order"]).filter_by(project=project).order_by("id")).all():
        if rnd.random() < 0.75:  # the rest stay open, some of them late
            _walk(order, WORK[:rnd.randint(1, len(WORK))], order.created_at, clerk, rnd.choice(staff), "work_order")
