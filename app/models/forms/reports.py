"""统计报表: the five monthly reports, stored with their period and figures (6.2, 6.7, 6.12, 6.17, 6.41).

The figures are read-only and computed from the registers (app/reports) when a record is made or its period,
estate or building changes, and never otherwise: what was submitted does not change afterwards.
"""
from decimal import Decimal

import sqlalchemy as sa

from ...extensions import db
from ...i18n import Choices
from .. import fields as f
from ..base import Form, FormRecord, LineItem
from ..rules import Rule, date_order, equals, required_if
from ..types import local_today
from .tracking_flows import ARREARS_FLOW, ARREARS_STATES

PERIOD_TYPE = Choices(day="日", week="周", month="月")
SUMMARY_PERIOD = Choices(week="周", month="月")
DUNNING_METHOD = Choices(phone="电话", written="书面通知", visit="上门", lawyer_letter="律师函", lawsuit="诉讼")


def _stored(model, key, value):
    """A computed value as its column holds it: rates and money are Numeric, computed as float or str."""
    if value is not None and isinstance(model.__table__.columns[key].type, sa.Numeric):
        return Decimal(str(value))
    return value


class Computed:
    """A report form whose read-only figures come from app/reports when it is made or re-scoped."""

    __inputs__ = ("period_start", "period_end", "project_id", "project")

    def period(self):
        return self.period_start, self.period_end

    def take(self, figures):
        """Copy the report's figures into the read-only columns (a snapshot: later changes do not alter them)."""
        for key, value in figures.values.items():
            setattr(self, key, _stored(type(self), key, value))
        self.copy_lines(figures.lines)

    def copy_lines(self, lines):
        """Reports with line items fill them too."""


WEEK_STARTS_MONDAY = Rule(
    "period_start",
    lambda d: d.get("period_type") != "week" or d.get("period_start") is None or d["period_start"].weekday() == 0,
    "周报须从周一开始", "A weekly report starts on a Monday")


class ServiceTeamStatistic(Computed, FormRecord, db.Model):
    """6.2 客服组工作统计表: the team's daily, weekly or monthly workload and rates."""

    __form__ = Form("6.2", "客服组工作统计表", "Customer-service team work statistics", "reports", "report")
    __list__ = ("serial_no", "period_type", "period_start", "period_end", "calls_visits_count", "complaints_count",
                "open_items", "submitted_at")
    __search__ = ("serial_no", "summary_and_plan")
    period_type = f.choice("统计周期", PERIOD_TYPE, required=True, default="month")
    period_start = f.day("开始日期", required=True)
    period_end = f.day("结束日期", required=True)
    calls_visits_count = f.count("来电来访数", readonly=True)
    work_orders_issued = f.count("工作任务单派发", readonly=True)
    work_orders_completed = f.count("工作任务单完成", readonly=True)
    work_orders_overdue = f.count("工作任务单超时", readonly=True)
    complaints_count = f.count("投诉数", readonly=True)
    valid_complaints_count = f.count("有效投诉数", readonly=True)
    complaint_valid_rate = f.pct("投诉有效率(%)", readonly=True)
    complaint_timely_rate = f.pct("处理及时率(%)", readonly=True)
    revisits_done = f.count("回访数", readonly=True)
    revisit_rate = f.pct("回访率(%)", readonly=True)
    handed_over_units = f.count("收楼(交楼)户数", readonly=True)
    renovations_applied = f.count("装修申请户数", readonly=True)
    renovations_active = f.count("在装户数", readonly=True)
    rented_units = f.count("出租户数", readonly=True)
    open_items = f.count("未完成事项", readonly=True)
    summary_and_plan = f.long_text("工作总结与计划", demo=[
        "本周来电来访以报修为主,均已派单跟进;下周重点跟进3栋外墙渗水维修。",
        "本月投诉均在时限内处理完毕,回访率100%;下月开展业主满意度调查。",
        "装修申请较上月增加,下周加强装修巡查频次。"])
    prepared_by_id, prepared_by = f.ref("StaffMember", "编制人", required=True)
    submitted_at = f.when("上报时间", required=True)
    reviewed_by_id, reviewed_by = f.ref("StaffMember", "审核人", required=True)
    __rules__ = (
        date_order("period_start", "period_end"),
        WEEK_STARTS_MONDAY,
        required_if("summary_and_plan", equals("period_type", "week", "month"), "周报、月报须填写工作总结与计划",
                    "A weekly or monthly report needs a summary and plan"),
    )


class ComplaintSummary(Computed, FormRecord, db.Model):
    """6.7 投诉处理汇总表: the week's or month's complaints by validity and category, with the rates."""

    __form__ = Form("6.7", "投诉处理汇总表", "Complaint handling summary", "reports", "report")
    __list__ = ("serial_no", "period_type", "period_start", "period_end", "total_count", "valid_rate", "timely_rate",
                "approved_by")
    __search__ = ("serial_no", "analysis")
    period_type = f.choice("统计周期", SUMMARY_PERIOD, required=True, default="month")
    period_start = f.day("开始日期", required=True)
    period_end = f.day("结束日期", required=True)
    total_count = f.count("投诉总数", readonly=True)
    valid_count = f.count("有效投诉", readonly=True)
    assist_count = f.count("协助处理投诉", readonly=True)
    invalid_count = f.count("无效投诉", readonly=True)
    collective_count = f.count("集体投诉", readonly=True)
    valid_rate = f.pct("投诉有效率(%)", readonly=True)
    timely_rate = f.pct("处理及时率(%)", readonly=True)
    revisit_rate = f.pct("回访率(%)", readonly=True)
    satisfaction_rate = f.pct("满意率(%)", readonly=True)
    items = f.lines("ComplaintSummaryLine", "分类统计")
    analysis = f.long_text("分析及改进措施", required=True, demo=[
        "本月清洁类投诉占比最高,已要求外判单位增加楼道清扫频次。",
        "装修噪音投诉集中在周末,下月起加强周末装修巡查。",
        "维修类投诉处理及时率偏低,工程部调整值班安排。"])
    prepared_by_id, prepared_by = f.ref("StaffMember", "编制人", required=True)
    submitted_at = f.when("上报时间", required=True)
    approved_by_id, approved_by = f.ref("StaffMember", "项目经理审阅", required=True)
    company_report_sent_at = f.when("报公司投诉处理中心时间")
    __rules__ = (
        date_order("period_start", "period_end"),
        WEEK_STARTS_MONDAY,
        required_if("company_report_sent_at", equals("period_type", "month"), "月报须填写报公司投诉处理中心的时间",
                    "A monthly summary is sent to the company complaint centre"),
    )

    def copy_lines(self, lines):
        """Count the categories the clerk listed; with none listed, list every category (one line each)."""
        if not self.items:
            self.items = [ComplaintSummaryLine(category_id=line["category_id"], sort=i)
                          for i, line in enumerate(lines, 1)]
        self.count_lines(self.items, lines)

    @staticmethod
    def count_lines(items, lines):
        by_category = {line["category_id"]: line for line in lines}
        for item in items:
            got = by_category.get(item.category_id or getattr(item.category, "id", None), {})
            for key in ("count", "valid_count", "timely_count", "satisfied_count"):
                setattr(item, key, got.get(key, 0))


class ComplaintSummaryLine(LineItem, db.Model):
    """The period's complaints of one category."""

    parent_id, parent = f.parent("ComplaintSummary", "items")
    category_id, category = f.ref("ComplaintCategory", "投诉类别", required=True)
    count = f.count("投诉数", readonly=True)
    valid_count = f.count("有效投诉", readonly=True)
    timely_count = f.count("及时处理", readonly=True)
    satisfied_count = f.count("满意", readonly=True)


class ArrearsRecord(FormRecord, db.Model):
    """6.12 欠费情况明细表: a unit's overdue charges of one fee item and how they are chased."""

    __form__ = Form("6.12", "欠费情况明细表", "Arrears detail list", "reports", "report")
    __sections__ = (
        (("欠费户", "Account"), ("as_of_date", "unit", "owner", "dunning_staff")),
        (("欠费", "Arrears"), ("fee_item", "period_from", "period_to", "amount_due", "late_fee", "pay_deadline")),
        (("催缴", "Dunning"), ("actions",)),
    )
    __list__ = ("serial_no", "unit", "owner", "fee_item", "amount_due", "months_overdue", "pay_deadline", "status")
    __search__ = ("serial_no",)
    __flow__ = ARREARS_FLOW
    status = f.status(ARREARS_STATES, default="generated")
    as_of_date = f.day("统计日期", required=True)
    unit_id, unit = f.ref("Unit", "房号", required=True)
    owner_id, owner = f.ref("Owner", "业主", required=True)
    fee_item_id, fee_item = f.ref("FeeItem", "收费项目", required=True)
    period_from = f.day("欠费起始月份", required=True)
    period_to = f.day("欠费截止月份", required=True)
    # typed in until a billing ledger (fee_charge) exists to sum the unpaid charges from
    amount_due = f.money("欠费金额", required=True)
    late_fee = f.money("滞纳金")
    months_overdue = f.count("欠费月数", readonly=True)
    pay_deadline = f.day("交费期限")
    dunning_staff_id, dunning_staff = f.ref("StaffMember", "催缴专人")
    actions = f.lines("DunningAction", "催缴记录")
    __rules__ = (
        date_order("period_from", "period_to"),
        required_if("pay_deadline", lambda d: d.get("status") not in (None, "", "generated") or d.get("actions"),
                    "已通知业主的须填写交费期限", "Give the payment deadline once the owner is notified"),
        required_if("dunning_staff", lambda d: d.get("pay_deadline") is not None and d["pay_deadline"] < local_today(),
                    "交费期限已过,须指定催缴专人", "Name a collector once the deadline has passed"),
    )

    def before_save(self):
        """欠费月数: the months from the first to the last owed, both counted."""
        if self.period_from and self.period_to:
            months = (self.period_to.year - self.period_from.year) * 12 + self.period_to.month - self.period_from.month
            self.months_overdue = max(months + 1, 0)


class DunningAction(LineItem, db.Model):
    """One reminder to the owner: when, how, by whom, and what came of it."""

    parent_id, parent = f.parent("ArrearsRecord", "actions")
    acted_at = f.when("催缴时间", required=True)
    method = f.choice("方式", DUNNING_METHOD, required=True, default="phone")
    by_staff_id, by_staff = f.ref("StaffMember", "催缴人", required=True)
    result = f.text("结果", 200, demo=["业主承诺月底前缴清", "电话无人接听,已发书面通知", "业主对收费有异议,已转收费中心解释"])
    promise_to_pay_on = f.day("承诺缴费日期")


class RenovationStatistic(Computed, FormRecord, db.Model):
    """6.17 装修单元办理统计表: the period's renovation applications, permits, passes and deposits."""

    __form__ = Form("6.17", "装修单元办理统计表", "Renovation processing statistics", "reports", "report")
    __list__ = ("serial_no", "period_start", "period_end", "building", "applied", "in_progress", "deposits_held",
                "submitted_at")
    __search__ = ("serial_no",)
    period_start = f.day("开始日期", required=True)
    period_end = f.day("结束日期", required=True)
    building_id, building = f.ref("Building", "楼栋")  # empty: the whole estate
    __inputs__ = Computed.__inputs__ + ("building_id", "building")
    applied = f.count("申请户数", readonly=True)
    approved = f.count("批准户数", readonly=True)
    rejected = f.count("不批准户数", readonly=True)
    in_progress = f.count("施工中", readonly=True)
    suspended = f.count("停工", readonly=True)
    extended = f.count("延期", readonly=True)
    completion_passed = f.count("竣工验收合格", readonly=True)
    completion_failed = f.count("竣工验收不合格", readonly=True)
    notices_issued = f.count("整改通知", readonly=True)
    passes_issued = f.count("出入证发放", readonly=True)
    passes_returned = f.count("出入证交回结算", readonly=True)
    deposits_held = f.money("保证金在押", readonly=True)
    deposits_refunded = f.money("保证金已退", readonly=True)
    deductions = f.money("保证金扣款", readonly=True)
    prepared_by_id, prepared_by = f.ref("StaffMember", "编制人", required=True)
    submitted_at = f.when("上报时间", required=True)
    __rules__ = (date_order("period_start", "period_end"),)


class OwnerInfoSummary(Computed, FormRecord, db.Model):
    """6.41 业主资料情况表: the estate's households by occupancy on a given day."""

    __form__ = Form("6.41", "业主资料情况表", "Owner information roster", "reports", "report")
    __list__ = ("serial_no", "as_of_date", "units", "handed_over", "owner_occupied", "rented", "vacant", "renovating")
    __search__ = ("serial_no",)
    as_of_date = f.day("统计日期", required=True)
    units = f.count("总户数", readonly=True)
    handed_over = f.count("已收楼", readonly=True)
    owner_occupied = f.count("自住", readonly=True)
    rented = f.count("出租", readonly=True)
    vacant = f.count("空置", readonly=True)
    renovating = f.count("装修中", readonly=True)
    __inputs__ = ("as_of_date", "project_id", "project")

    def period(self):
        """The roster is the register on one day: its period is that day."""
        return self.as_of_date, self.as_of_date
