"""6.12 欠费情况明细表: the arrears rows dated in the period, totalled and broken down.

There is no billing ledger yet: each arrears row is typed in by the cashier (amount, months), so these totals
are sums of what was typed, not of unpaid charges. Once a fee_charge ledger exists, the rows are generated
from it and this module does not change.
"""
import sqlalchemy as sa

from ..extensions import db
from ..arrears.flow import ARREARS_STATES
from ..arrears.models import ArrearsRecord
from ..models.lookups import FeeItem
from .figures import Chart, Figure, Figures, Table, choice_pair, counted, money, pair

R = ArrearsRecord
BUCKETS = ((pair("1–3个月", "1–3 months"), 1, 3), (pair("4–6个月", "4–6 months"), 4, 6),
           (pair("6个月以上", "Over 6 months"), 7, None))


def _bucket(low, high):
    return R.months_overdue >= low if high is None else R.months_overdue.between(low, high)


def _in_period(project_id, start, end):
    return sa.and_(R.project_id == project_id, R.as_of_date.between(start, end))


def _sums():
    return (sa.func.count().label("records"), sa.func.count(sa.distinct(R.unit_id)).label("households"),
            sa.func.coalesce(sa.func.sum(R.amount_due), 0).label("amount"),
            sa.func.coalesce(sa.func.sum(R.late_fee), 0).label("late_fee"))


def compute(project, start, end, building=None):
    """6.12: households in arrears, amounts and late fees, by fee item, by dunning status, by months overdue."""
    where = _in_period(project.id, start, end)
    total = db.session.execute(sa.select(*_sums(), *(counted(_bucket(lo, hi)).label(f"b{i}")
                                                     for i, (_, lo, hi) in enumerate(BUCKETS))).where(where)).one()
    by_fee = db.session.execute(sa.select(FeeItem.name, *_sums()).join(FeeItem, FeeItem.id == R.fee_item_id)
                                .where(where).group_by(FeeItem.id, FeeItem.name, FeeItem.sort)
                                .order_by(FeeItem.sort, FeeItem.id)).all()
    by_status = {row.status: row for row in db.session.execute(
        sa.select(R.status, *_sums()).where(where).group_by(R.status))}
    items = [Figure("records", "欠费记录数", "Arrears rows", total.records),
             Figure("households", "欠费户数", "Households in arrears", total.households),
             Figure("amount_due", "欠费金额合计", "Amount due", money(total.amount), "money"),
             Figure("late_fee", "滞纳金合计", "Late fees", money(total.late_fee), "money"),
             Figure("total_due", "应收合计", "Total receivable", money(total.amount + total.late_fee), "money")]
    keys = ("months_1_3", "months_4_6", "months_over_6")
    items += [Figure(key, f"欠费{label['zh']}", f"Overdue {label['en']}", getattr(total, f"b{i}"))
              for i, (key, (label, _, _)) in enumerate(zip(keys, BUCKETS))]
    sums = [pair("记录数", "Rows"), pair("户数", "Households"), pair("欠费金额", "Amount due"),
            pair("滞纳金", "Late fees")]
    fee_table = Table(pair("按收费项目", "By fee item"), [pair("收费项目", "Fee item"), *sums],
                      [[row.name, row.records, row.households, money(row.amount), money(row.late_fee)]
                       for row in by_fee])
    status_rows = [[choice_pair(ARREARS_STATES, code), row.records, row.households, money(row.amount),
                    money(row.late_fee)] for code in ARREARS_STATES.codes if (row := by_status.get(code))]
    status_table = Table(pair("按催缴状态", "By dunning status"), [pair("状态", "Status"), *sums], status_rows)
    bucket_table = Table(pair("按欠费月数", "By months overdue"), [pair("欠费月数", "Months"), pair("记录数", "Rows")],
                         [[label, getattr(total, f"b{i}")] for i, (label, _, _) in enumerate(BUCKETS)])
    charts = [Chart(pair("欠费金额(按收费项目)", "Amount due by fee item"), [row.name for row in by_fee],
                    [float(row.amount) for row in by_fee], "元"),
              Chart(pair("欠费户数(按催缴状态)", "Households by status"), [row[0] for row in status_rows],
                    [row[2] for row in status_rows])]
    return Figures(items=items, tables=[fee_table, status_table, bucket_table], charts=charts)
