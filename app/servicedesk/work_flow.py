"""派工单 (flow): a work order from dispatch to the returned slip (§4.4), and the revisit it calls for.

Overdue is a comparison of the stored `due_at` with the clock (W5), not a state and not a job.
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..config import Defaults
from ..extensions import db
from ..i18n import Choices, text
from ..workflow import Flow, Transition, need, sets
from ..models.types import utcnow
from .revisits import RevisitRecord, schedule_revisit

WORK_ORDER_STATES = Choices(created="已登记", dispatched="已派工", in_progress="处理中", completed="已完成",
                            confirmed="业主已确认", closed="已结单", cancelled="已取消")
OPEN_WORK = ("created", "dispatched", "in_progress")


def open_work(status):
    """`status` IN the open states, the codes written into the statement (not bound) so that a prepared or a
    SQLite statement too sees it matches the partial index over open work."""
    return status.in_([sa.literal_column(f"'{code}'") for code in OPEN_WORK])


OWNER_SOURCES = ("call_visit", "complaint", "paid_service")  # orders an owner asked for: who and how to reach them
# which revisit of S2-3 a closed order calls for (internal jobs are exempt, S2-9 4.9)
REVISIT_KIND = dict(in_home_repair="minor_repair", public_repair="minor_repair", paid_service="special_end")


def default_due(task_type, start=None):
    """The due time a task type is given by default (WORK_ORDER_DUE_HOURS)."""
    hours = {**Defaults.WORK_ORDER_DUE_HOURS, **current_app.config.get("WORK_ORDER_DUE_HOURS", {})}
    return (start or utcnow()) + timedelta(hours=hours.get(task_type, 24))




def _owner_asked(order):
    return order.source in OWNER_SOURCES


@sets("received_at")
def _dispatched(order, user):
    order.received_at = order.received_at or utcnow()


@sets("completed_at")
def _completed(order, user):
    order.completed_at = order.completed_at or utcnow()


def _complete_refusals(order):
    out = need(order.result, "请先填写完成情况", "Describe the work done")
    if order.task_type == "paid_service":  # 办理即收费 (S2-1 4.6.1.1)
        out += need(order.charge_amount is not None and order.receipt_no, "有偿服务须收费并填写收据号",
                     "A paid service is charged, with its receipt number")
    return out


def _close_refusals(order):
    if _owner_asked(order) and order.status != "confirmed":
        return need(False, "须先告知业主结果并记录满意程度", "Tell the owner and record their satisfaction first")
    return []


@sets("slip_returned_at")
def _closed(order, user):
    """The slip is back (R-W3); an owner's repair or paid service is revisited (S2-3, W7)."""
    order.slip_returned_at = order.slip_returned_at or utcnow()
    if not _owner_asked(order):
        return
    previous = db.session.scalars(db.select(RevisitRecord).filter_by(rework_work_order_id=order.id)).first()
    schedule_revisit(REVISIT_KIND.get(order.task_type, "other"), order.unit, order.completed_at or utcnow(),
                     previous=previous, work_order=order)


T = Transition
WORK_ORDER_FLOW = Flow(WORK_ORDER_STATES, [
    T("dispatch", ("派工(接收人已签收)", "Dispatch"), ("created",), "dispatched", ("front_desk",),
      guard=lambda o: need(o.received_by is not None, "请先填写接收人签收", "The receiver signs for the slip first"),
      effect=_dispatched, fields=("received_by", "assignee")),
    T("start", ("开始处理", "Start"), ("dispatched",), "in_progress", ("engineering", "front_desk")),
    T("complete", ("完成", "Complete"), ("dispatched", "in_progress"), "completed", ("engineering", "front_desk"),
      guard=_complete_refusals, effect=_completed, fields=("result", "charge_amount", "receipt_no")),
    T("confirm", ("业主确认", "Owner confirmed"), ("completed",), "confirmed", ("front_desk",),
      guard=lambda o: need(o.satisfaction, "请记录业主满意程度", "Record the owner's satisfaction"),
      fields=("satisfaction",)),
    T("close", ("派工单回收,结单", "Slip returned, close"), ("completed", "confirmed"), "closed", ("front_desk",),
      guard=_close_refusals, effect=_closed, style="success"),
    T("cancel", ("取消", "Cancel"), ("created", "dispatched"), "cancelled", ("front_desk",), needs_comment=True,
      style="secondary"),
], locked=("closed", "cancelled"))


def settle_work_order(order, revisit, user):
    """An unsatisfied revisit sends the work back as a new order; its closing calls the next revisit (R-RV4)."""
    if not revisit.needs_rework or revisit.rework_work_order is not None:
        return
    rework = type(order)(
        project=order.project, source=order.source, source_call=order.source_call,
        source_complaint=order.source_complaint, task_type=order.task_type, unit=order.unit, location=order.location,
        requester_name=order.requester_name, requester_phone=order.requester_phone,
        assigned_department=order.assigned_department, due_at=default_due(order.task_type),
        description=text("回访不满意,返工:", "Rework after the revisit: ") + (revisit.shortcomings or order.description))
    revisit.rework_work_order = rework
    db.session.add(rework)
