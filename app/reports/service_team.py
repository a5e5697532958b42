"""6.2 客服组工作统计表: the team's workload of the period, counted from the registers it keeps."""
import sqlalchemy as sa

from ..extensions import db
from ..servicedesk.complaint_flow import CLOSED_STATES
from ..servicedesk.complaints import ComplaintTicket
from ..servicedesk.front_desk import CallVisitLog, FrontDeskLedgerEntry, WorkOrder
from ..residents.models import MoveInReceipt
from ..renovation.models import RenovationApplication
from ..renovation.flow import WORKING
from ..servicedesk.revisits import REVISIT_TARGETS, REVISIT_TYPE, RevisitRecord
from ..servicedesk.work_flow import OPEN_WORK
from ..models.lookups import Building, Unit
from ..models.types import utcnow
from .complaints import complaint_counts
from .figures import Chart, Figure, Figures, Table, choice_pair, counted, pair, rate, utc_bounds, within

W = WorkOrder


def _count(model, project_id, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.project_id == project_id,
                                                                                 *where))


def _households(model, project_id, *where):
    """Distinct units (户数), not rows: a unit applying twice is one household."""
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(model.unit_id)))
                             .where(model.project_id == project_id, *where))


def late_work(start, end):
    """Orders created in the period that were finished late, or are still open past their due time at its end or now."""
    low, high = utc_bounds(start, end)
    cutoff = min(high, utcnow())
    return sa.and_(W.created_at >= low, W.created_at < high, sa.or_(
        sa.and_(W.completed_at.isnot(None), W.completed_at > W.due_at),
        sa.and_(W.status.in_(OPEN_WORK), W.due_at < cutoff)))


def calls_within(project_id, start, end):
    """The estate's calls and visits of the period."""
    return sa.and_(CallVisitLog.project_id == project_id, within(CallVisitLog.contact_at, start, end))


def work_order_counts(project_id, start, end):
    """Issued (created in the period), completed (completed_at in it) and overdue, in one query."""
    high = utc_bounds(start, end)[1]
    return db.session.execute(sa.select(
        counted(within(W.created_at, start, end)).label("issued"),
        counted(within(W.completed_at, start, end)).label("completed"),
        counted(late_work(start, end)).label("overdue"),
        # open items are counted among orders that existed by the period's end and are still open now
        counted(sa.and_(W.created_at < high, W.status.in_(OPEN_WORK))).label("open"))
        .where(W.project_id == project_id)).one()


def workload_figures(calls, issued, completed, overdue):
    """The calls and work-order figures of 6.2 (the report and the home page's month panel alike)."""
    return [Figure("calls_visits_count", "来电来访数", "Calls and visits", calls),
            Figure("work_orders_issued", "工作任务单派发", "Work orders issued", issued),
            Figure("work_orders_completed", "工作任务单完成", "Work orders completed", completed),
            Figure("work_orders_overdue", "工作任务单超时", "Work orders overdue", overdue)]


def revisit_counts(project_id, start, end):
    """Revisits made in the period, and of those falling due in it (service_done_at) how many were made."""
    R = RevisitRecord
    return db.session.execute(sa.select(
        counted(within(R.revisited_at, start, end)).label("made"),
        counted(within(R.service_done_at, start, end)).label("due"),
        counted(sa.and_(within(R.service_done_at, start, end), R.revisited_at.isnot(None))).label("done"))
        .where(R.project_id == project_id)).one()


def compute(project, start, end, building=None):
    """6.2: calls, work orders, complaints, revisits, move-ins, renovations, rentals and open items."""
    pid, high = project.id, utc_bounds(start, end)[1]
    intake, handling, _ = complaint_counts(pid, start, end)
    orders, visits = work_order_counts(pid, start, end), revisit_counts(pid, start, end)
    A = RenovationApplication
    open_complaints = _count(ComplaintTicket, pid, ComplaintTicket.received_at < high,
                             ComplaintTicket.status.notin_(CLOSED_STATES))
    followups = _count(FrontDeskLedgerEntry, pid, FrontDeskLedgerEntry.needs_followup.is_(True),
                       within(FrontDeskLedgerEntry.entry_at, start, end))
    # 出租 is the unit register's state now: units keep no history of their occupancy
    rented = db.session.scalar(sa.select(sa.func.count(Unit.id)).join(Unit.building)
                               .where(Building.project_id == pid, Unit.occupancy_status == "rented"))
    items = [
        *workload_figures(_count(CallVisitLog, pid, calls_within(pid, start, end)),
                          orders.issued, orders.completed, orders.overdue),
        Figure("complaints_count", "投诉数", "Complaints", intake.total),
        Figure("valid_complaints_count", "有效投诉数", "Valid complaints", intake.valid),
        Figure("complaint_valid_rate", "投诉有效率(%)", "Valid rate (%)", rate(intake.valid, intake.total), "rate"),
        Figure("complaint_timely_rate", "处理及时率(%)", "On-time rate (%)", rate(handling.timely, handling.handled),
               "rate"),
        Figure("revisits_done", "回访数", "Revisits made", visits.made),
        Figure("revisit_rate", "回访率(%)", "Revisit rate (%)", rate(visits.done, visits.due), "rate"),
        Figure("handed_over_units", "收楼(交楼)户数", "Units handed over",
               _households(MoveInReceipt, pid, MoveInReceipt.handover_on.between(start, end))),
        Figure("renovations_applied", "装修申请户数", "Renovation applications",
               _households(A, pid, within(A.created_at, start, end))),
        Figure("renovations_active", "在装户数", "Renovations under way", _households(A, pid, A.status.in_(WORKING))),
        Figure("rented_units", "出租户数", "Units rented", rented),
        Figure("open_items", "未完成事项", "Open items", orders.open + open_complaints + followups),
    ]
    values = {item.key: item.value for item in items}
    charts = [Chart(pair("工作任务单", "Work orders"),
                    [pair("派发", "Issued"), pair("完成", "Completed"), pair("超时", "Overdue")],
                    [orders.issued, orders.completed, orders.overdue]),
              Chart(pair("工作量", "Workload"),
                    [pair("来电来访", "Calls/visits"), pair("投诉", "Complaints"), pair("回访", "Revisits"),
                     pair("收楼", "Move-ins"), pair("装修申请", "Renovations")],
                    [values["calls_visits_count"], intake.total, visits.made, values["handed_over_units"],
                     values["renovations_applied"]])]
    open_table = Table(pair("未完成事项构成", "Open items"), [pair("来源", "From"), pair("件数", "Count")],
                       [[pair("未完成工作任务单", "Open work orders"), orders.open],
                        [pair("未关闭投诉", "Complaints not closed"), open_complaints],
                        [pair("前台台帐需跟进(期内)", "Ledger follow-ups in the period"), followups]])
    return Figures(items=items, tables=[open_table, revisit_rate_table(pid, start, end)], charts=charts)


def revisit_rate_table(project_id, start, end):
    """Per kind of revisit falling due in the period: made, late, the rate and the manual's target (R-RV2)."""
    R = RevisitRecord
    rows = db.session.execute(
        sa.select(R.revisit_type, sa.func.count(), counted(R.revisited_at.isnot(None)), counted(R.is_late))
        .where(R.project_id == project_id, within(R.service_done_at, start, end)).group_by(R.revisit_type)).all()
    body = []
    for kind, due, done, late in sorted(rows, key=lambda r: REVISIT_TYPE.codes.index(r[0])):
        target, got = REVISIT_TARGETS.get(kind), rate(done, due)
        met = None if target is None else pair("达标", "Met") if got >= target else pair("未达标", "Not met")
        body.append([choice_pair(REVISIT_TYPE, kind), due, done, late, got, target, met])
    return Table(pair("回访率(按类别,对照手册目标)", "Revisit rate by kind, against the manual's target"),
                 [pair("回访类别", "Kind"), pair("应回访", "Due"), pair("已回访", "Made"), pair("超期", "Late"),
                  pair("回访率(%)", "Rate (%)"), pair("目标(%)", "Target (%)"), pair("是否达标", "Met")], body)
