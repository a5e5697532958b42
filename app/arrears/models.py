"""6.12 欠费情况明细表: a unit's overdue charges and how they are chased (S2 arrears)."""
from ..extensions import db
from ..i18n import Choices
from ..models import fields as f
from ..models.base import Form, FormRecord, LineItem
from ..models.rules import date_order, required_if
from ..models.types import local_today
from .flow import ARREARS_FLOW, ARREARS_STATES

DUNNING_METHOD = Choices(phone="电话", written="书面通知", visit="上门", lawyer_letter="律师函", lawsuit="诉讼")


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
