"""6.7 投诉处理汇总表: the period's complaints by validity and category, and the four rates (shared with 6.2)."""
import sqlalchemy as sa

from ..extensions import db
from ..servicedesk.complaint_flow import SATISFIED
from ..servicedesk.complaints import ComplaintTicket
from ..servicedesk.revisits import RevisitRecord
from ..models.lookups import ComplaintCategory
from .figures import Chart, Figure, Figures, Table, counted, pair, rate, within

T = ComplaintTicket


def received(project_id, start, end):
    """Tickets received in the period: the population of the counts, the valid rate and the satisfaction rate."""
    return sa.and_(T.project_id == project_id, within(T.received_at, start, end))


def handled(project_id, start, end):
    """Tickets answered in the period (replied_at): the population of the timely rate."""
    return sa.and_(T.project_id == project_id, within(T.replied_at, start, end))


def intake_columns():
    return (sa.func.count().label("total"), counted(T.validity == "valid").label("valid"),
            counted(T.validity == "assisted").label("assisted"), counted(T.validity == "invalid").label("invalid"),
            counted(T.is_collective.is_(True)).label("collective"),
            counted(T.satisfaction.in_(SATISFIED)).label("satisfied"),
            counted(T.satisfaction.isnot(None)).label("rated"))


def handling_columns():
    # 及时: no deadline of the ticket was ever missed (the flow sets missed_deadline when one passes)
    return sa.func.count().label("handled"), counted(T.missed_deadline.is_(False)).label("timely")


def complaint_revisits(project_id, start, end):
    """Complaint revisits falling due in the period (service_done_at): the population of the revisit rate."""
    R = RevisitRecord
    return sa.and_(R.project_id == project_id, R.revisit_type == "complaint", within(R.service_done_at, start, end))


def revisit_columns():
    return sa.func.count().label("due"), counted(RevisitRecord.revisited_at.isnot(None)).label("done")


def complaint_counts(project_id, start, end):
    """The estate-wide counts: one row of intake figures, one of handling figures, one of complaint revisits."""
    intake = db.session.execute(sa.select(*intake_columns()).where(received(project_id, start, end))).one()
    handling = db.session.execute(sa.select(*handling_columns()).where(handled(project_id, start, end))).one()
    visits = db.session.execute(sa.select(*revisit_columns()).where(complaint_revisits(project_id, start, end))).one()
    return intake, handling, visits


def _by_category(project_id, start, end):
    """Per category id: (received, valid, satisfied) and (timely) counts, two GROUP BY queries."""
    intake = {row.category_id: row for row in db.session.execute(
        sa.select(T.category_id, *intake_columns()).where(received(project_id, start, end)).group_by(T.category_id))}
    handling = {row.category_id: row for row in db.session.execute(
        sa.select(T.category_id, *handling_columns()).where(handled(project_id, start, end))
        .group_by(T.category_id))}
    return intake, handling


def category_lines(project_id, start, end):
    """One line per active category in its set order (and any retired one that still had complaints)."""
    return lines_of(*_by_category(project_id, start, end))


def categories_for(used):
    """The active categories in their set order, and any retired one among `used` (ids that had complaints)."""
    return db.session.scalars(sa.select(ComplaintCategory).where(
        sa.or_(ComplaintCategory.is_active.is_(True), ComplaintCategory.id.in_(set(used) or [0])))
        .order_by(ComplaintCategory.sort, ComplaintCategory.id)).all()


def lines_of(intake, handling, categories=None):
    """The category lines from the counts per category id (rows with total, valid, satisfied / timely)."""
    used = set(intake) | set(handling)
    out = []
    for category in categories_for(used) if categories is None else categories:
        if not (category.is_active or category.id in used):
            continue  # a retired category another period needed
        got, done = intake.get(category.id), handling.get(category.id)
        out.append(dict(category_id=category.id, category=category.name, count=got.total if got else 0,
                        valid_count=got.valid if got else 0, timely_count=done.timely if done else 0,
                        satisfied_count=got.satisfied if got else 0))
    return out


def rate_table(rows):
    """How each rate was reached: numerator, denominator, result (a reader can check the arithmetic)."""
    return Table(pair("比率计算", "How the rates are computed"),
                 [pair("比率", "Rate"), pair("分子", "Numerator"), pair("分母", "Denominator"), pair("结果(%)", "Result (%)")],
                 [[label, part, whole, rate(part, whole)] for label, part, whole in rows])


def compute(project, start, end, building=None):
    """6.7: counts by validity, the valid / timely / revisit / satisfaction rates and the per-category lines."""
    intake, handling, visits = complaint_counts(project.id, start, end)
    return summary(intake, handling, visits, category_lines(project.id, start, end))


def summary(intake, handling, visits, lines):
    """6.7's figures, tables and charts from its counts (the report and the home page's month panel alike)."""
    rates = [(pair("投诉有效率 = 有效投诉 ÷ 投诉总数", "Valid rate = valid ÷ all"), intake.valid, intake.total),
             (pair("处理及时率 = 期内回复且未超时 ÷ 期内回复", "On-time rate = answered in time ÷ answered"),
              handling.timely, handling.handled),
             (pair("回访率 = 已回访 ÷ 期内应回访的投诉", "Revisit rate = revisited ÷ due"), visits.done, visits.due),
             (pair("满意率 = (非常满意+满意) ÷ 有满意度评价", "Satisfaction = satisfied ÷ rated"),
              intake.satisfied, intake.rated)]
    items = [Figure("total_count", "投诉总数", "Complaints", intake.total),
             Figure("valid_count", "有效投诉", "Valid", intake.valid),
             Figure("assist_count", "协助处理投诉", "Assisted", intake.assisted),
             Figure("invalid_count", "无效投诉", "Invalid", intake.invalid),
             Figure("collective_count", "集体投诉", "Collective", intake.collective),
             Figure("valid_rate", "投诉有效率(%)", "Valid rate (%)", rate(intake.valid, intake.total), "rate"),
             Figure("timely_rate", "处理及时率(%)", "On-time rate (%)", rate(handling.timely, handling.handled), "rate"),
             Figure("revisit_rate", "回访率(%)", "Revisit rate (%)", rate(visits.done, visits.due), "rate"),
             Figure("satisfaction_rate", "满意率(%)", "Satisfaction rate (%)", rate(intake.satisfied, intake.rated),
                    "rate")]
    table = Table(pair("分类统计", "By category"),
                  [pair("投诉类别", "Category"), pair("投诉数", "Complaints"), pair("有效投诉", "Valid"),
                   pair("及时处理", "Handled on time"), pair("满意", "Satisfied")],
                  [[line["category"], line["count"], line["valid_count"], line["timely_count"], line["satisfied_count"]]
                   for line in lines])
    charts = [Chart(pair("投诉分类", "Complaints by category"), [line["category"] for line in lines],
                    [line["count"] for line in lines]),
              Chart(pair("投诉性质", "Complaints by validity"),
                    [pair("有效", "Valid"), pair("协助处理", "Assisted"), pair("无效", "Invalid")],
                    [intake.valid, intake.assisted, intake.invalid])]
    return Figures(items=items, tables=[table, rate_table(rates)], charts=charts, lines=lines)
