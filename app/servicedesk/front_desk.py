"""前台与来访: the front desk's registers (6.1, 6.11, 6.13, 6.60)."""
from datetime import time

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property

from ..extensions import db
from ..i18n import Choices, text
from ..workflow import Flow, sets, Transition
from ..models import fields as f
from ..models.base import LOCAL_TZ, Form, FormRecord, LineItem
from ..models.enums import ID_TYPE, SATISFACTION, SHIFT
from ..models.rules import Rule, date_order, equals, id_document, required_if
from ..models.types import utcnow
from ..core.deadlines import escalation, escalation_sql, is_late, late_sql
from .complaints import ESCALATION, ComplaintTicket, Deadline, FeedbackRecord, _records
from .work_flow import OPEN_WORK, OWNER_SOURCES, WORK_ORDER_FLOW, WORK_ORDER_STATES, open_work

CONTACT_MODE = Choices(call="来电", visit="来访", email="电子信箱/邮件", letter="信函", web="网站")
CALLER_KIND = Choices(owner="业主", resident="住户/租户", visitor="访客/外来人员", other="其他")
CALL_CATEGORY = Choices(after_sales="售后", repair="报修", complaint="投诉", service="服务", praise="表扬",
                        suggestion="建议", other="其它")
ROUTING = Choices(settled="当场解答/办结", work_order="派工单", complaint="投诉受理单", warranty="保修跟进(售后)",
                  paid_service="特约服务", transferred="转其他部门")
HANDED_ON = ("settled", "complaint", "work_order")  # routings after which the desk owes the caller no reply itself

LEDGER_ENTRY_TYPE = Choices(enquiry="咨询", help="求助", emergency="紧急求援", repair="报修派单",
                            complaint="投诉转办", mail="邮件报刊", key="钥匙", cash="代收费用", paid_service="特约服务",
                            outage_notice="停水停电通知", loiterer="劝离闲逛人员", other="其它")
WORK_ORDER_SOURCE = Choices(call_visit="来电来访", complaint="投诉", patrol="巡查", paid_service="特约服务",
                            internal="内部")
TASK_TYPE = Choices(in_home_repair="户内维修", public_repair="公共设施维修", cleaning="清洁", greening="绿化",
                    security="安保", paid_service="特约(有偿)服务", other="其它")
ITEM_RELEASE_STATES = Choices(submitted="已申请", approved="已批准(放行条已开)", released="已放行", closed="已关闭",
                              rejected="不予放行", expired="已过期", cancelled="已撤销")
APPLICANT_RELATION = Choices(owner="业主", family="家庭成员", tenant="租户", agent="业主委托人")
OWNER_CONSENT = Choices(not_needed="无需", phone="电话确认", written="书面签字")
MOVE_TYPE = Choices(move_out="搬出迁出", bulky="大件物品", renovation_out="装修材料/工具出场", other="其它")


class FrontDeskLedgerEntry(FormRecord, db.Model):
    """6.1 客服组前台工作台帐: one line per event of a duty shift, including the shift handover."""

    __form__ = Form("6.1", "客服组前台工作台帐", "Front-desk duty ledger", "front_desk", "register")
    __sections__ = (
        (("值班", "Duty"), ("duty_date", "shift", "duty_staff")),
        (("事项", "Entry"), ("entry_at", "entry_type", "unit", "contact_name", "contact_phone", "call_visit",
                           "description", "action_taken", "reported_to_department", "needs_followup")),
        (("代收款项", "Cash collected"), ("cash_amount", "cash_handed_to", "cash_handed_at")),
        (("交接班与检查", "Handover and check"), ("handed_over_to", "handover_signed_at", "checked_by", "checked_at")),
    )
    __signatures__ = ("交班人", "接班人", "客服主管")  # who signs the paper
    __list__ = ("serial_no", "entry_at", "shift", "duty_staff", "entry_type", "unit", "needs_followup", "checked_by")
    __search__ = ("serial_no", "contact_name", "contact_phone", "description", "action_taken")
    duty_date = f.day("值班日期", required=True)
    shift = f.choice("班次", SHIFT, required=True, default="day")
    entry_at = f.when("时间", required=True)
    duty_staff_id, duty_staff = f.ref("StaffMember", "值班人", required=True)
    entry_type = f.choice("事项类别", LEDGER_ENTRY_TYPE, required=True)
    unit_id, unit = f.ref("Unit", "房号")
    contact_name = f.text("联系人", 40, demo=["王先生", "李女士", "陈阿姨", "赵师傅", "邮递员小刘"])
    contact_phone = f.phone("电话")
    description = f.long_text("事项内容", required=True, demo=[
        "3栋1单元电梯困人,业主来电求助", "业主咨询本月水电费缴纳时间", "收到工程部停水通知,明日9:00-12:00检修",
        "代收2-1502业主挂号信一封", "交接班:5-0801漏水报修待工程部回复"])
    action_taken = f.long_text("处理情况", demo=[
        "已通知工程部和秩序维护部到场,10分钟内解困", "已答复,业主满意", "已在各单元大堂张贴停水通知",
        "已通知片区管理员领取", "已填写派工单,待下一班跟进"])
    reported_to_department_id, reported_to_department = f.ref("Department", "上报部门")
    needs_followup = f.flag("需下一班跟进")
    # holiday takings go to the cashier by 09:00 of the cashier's next working day (S2-1 4.6.2.2)
    cash_amount = f.money("代收金额")
    cash_handed_to_id, cash_handed_to = f.ref("StaffMember", "交接收银员")
    cash_handed_at = f.when("交接时间")
    handed_over_to_id, handed_over_to = f.ref("StaffMember", "接班人")
    handover_signed_at = f.when("交接签名时间")
    checked_by_id, checked_by = f.ref("StaffMember", "主管检查")
    checked_at = f.when("检查时间")
    call_visit_id, call_visit = f.ref("CallVisitLog", "关联来电来访")
    __rules__ = (
        required_if("reported_to_department", equals("entry_type", "emergency"), "紧急求援须填写上报部门",
                    "An emergency must name the department it was reported to"),
        required_if("cash_amount", equals("entry_type", "cash"), "代收费用须填写金额", "Give the amount taken"),
        required_if("cash_handed_at", lambda d: d.get("cash_handed_to"), "请填写交接收银员的时间",
                    "Give the time the cash was handed over"),
        required_if("handover_signed_at", lambda d: d.get("handed_over_to"), "请填写交接签名时间",
                    "Give the time of the handover signature"),
        required_if("checked_at", lambda d: d.get("checked_by"), "请填写检查时间", "Give the time of the check"),
        date_order("entry_at", "cash_handed_at"),
        date_order("entry_at", "handover_signed_at"),
    )


class WorkOrder(FormRecord, db.Model):
    """6.11 工作任务单: the three-part dispatch slip sent to a department for a repair or service."""

    __form__ = Form("6.11", "工作任务单", "Work order (dispatch ticket)", "front_desk", "register")
    __sections__ = (
        (("报事", "Request"), ("source", "source_call", "source_complaint", "task_type", "unit", "location",
                             "requester_name", "requester_phone")),
        (("任务", "Task"), ("description", "needs_site_attendance", "appointment_at", "due_at")),
        (("派工", "Dispatch"), ("assigned_department", "assignee", "received_by", "received_at")),
        (("完成情况", "Completion"), ("completed_at", "result", "satisfaction", "slip_returned_at")),
        (("收费", "Charges"), ("charge_amount", "charged_at", "receipt_no")),
    )
    __signatures__ = ("派单人", "接收人", "业主/使用人")  # who signs the paper
    __list__ = ("serial_no", "task_type", "unit", "location", "assigned_department", "assignee", "due_at", "status",
                "is_overdue")
    __search__ = ("serial_no", "requester_name", "requester_phone", "location", "description")
    __flow__ = WORK_ORDER_FLOW
    status = f.status(WORK_ORDER_STATES, default="created")
    source = f.choice("来源", WORK_ORDER_SOURCE, required=True, default="call_visit")
    source_call_id, source_call = f.ref("CallVisitLog", "来源来电来访")
    source_complaint_id, source_complaint = f.ref("ComplaintTicket", "来源投诉")
    task_type = f.choice("任务类别", TASK_TYPE, required=True)
    unit_id, unit = f.ref("Unit", "房号")
    location = f.text("地点", 100, demo=["3栋大堂", "地下车库B2层", "中心花园喷泉", "5栋1单元12楼走廊", "东门岗亭"])
    requester_name = f.text("报事人", 40, demo=["王先生", "李女士", "陈小姐", "张伟", "刘阿姨"])
    requester_phone = f.phone("电话")
    description = f.long_text("任务内容", required=True, demo=[
        "厨房水龙头漏水,需更换阀芯", "大堂照明灯不亮两盏", "卫生间地漏堵塞", "中心花园草坪需补植", "单元门禁刷卡失灵"])
    needs_site_attendance = f.flag("重要/疑难报修(客服须到现场)")
    appointment_at = f.when("预约上门时间")
    assigned_department_id, assigned_department = f.ref("Department", "派往部门", required=True)
    assignee_id, assignee = f.ref("StaffMember", "执行人")
    received_by_id, received_by = f.ref("StaffMember", "接收人签收")
    received_at = f.when("签收时间", later=True)
    due_at = f.when("完成时限", required=True)
    completed_at = f.when("完成时间", later=True)
    result = f.long_text("完成情况", demo=[
        "已更换阀芯,试水正常", "已更换灯管两支", "已疏通地漏", "已补植草皮20㎡", "已更换读卡器,测试正常"])
    charge_amount = f.money("有偿服务费")
    charged_at = f.when("收费时间", later=True)
    receipt_no = f.text("收据号", 40, demo=["SJ20240501", "SJ20240502", "SJ20240613", "SJ20240720"])
    satisfaction = f.choice("业主满意程度", SATISFACTION)
    slip_returned_at = f.when("派工单回收时间", later=True)
    __rules__ = (
        required_if("location", lambda d: not d.get("unit"), "请填写房号或地点", "Give a unit or a location"),
        required_if("requester_name", equals("source", *OWNER_SOURCES), "业主报事须填写报事人",
                    "An order raised by an owner needs the requester"),
        required_if("requester_phone", equals("source", *OWNER_SOURCES), "业主报事须填写联系电话",
                    "An order raised by an owner needs a phone number"),
        # the dispatch step stamps 签收时间 (no form offers it): a stamped slip keeps the one who signed for it
        required_if("received_by", lambda d: d.get("received_at"), "已签收的派工单须有接收人",
                    "A slip signed for keeps who signed for it"),
        required_if("result", lambda d: d.get("completed_at"), "完成时须填写完成情况", "Describe the work done"),
        date_order("received_at", "completed_at"),
        # 办理即收费: a paid service is charged when it is done, not chased afterwards (S2-1 4.6.1.1)
        required_if("charge_amount", lambda d: d.get("task_type") == "paid_service" and d.get("completed_at"),
                    "有偿服务完成时须收费", "A paid service is charged when it is done"),
        required_if("receipt_no", lambda d: d.get("task_type") == "paid_service" and d.get("completed_at"),
                    "有偿服务须填写收据号", "A paid service needs a receipt number"),
        required_if("charged_at", lambda d: d.get("charge_amount"), "请填写收费时间", "Give the time of charging"),
    )

    @hybrid_property
    def is_overdue(self):
        """超时 (W5): not finished and past its due time; derived from the stored due time."""
        return self.status in OPEN_WORK and is_late(self.due_at)

    @is_overdue.inplace.expression
    @classmethod
    def _is_overdue(cls):
        return sa.and_(cls.status.in_(OPEN_WORK), late_sql(cls.due_at))

    @property
    def escalation_level(self):
        """Open over 2 days goes to the supervisor, over a week to the manager (W9)."""
        return escalation(self.created_at, self.status not in OPEN_WORK)

    def time_limit(self):
        """完成时限 while the work is open."""
        if self.status not in OPEN_WORK or self.due_at is None:
            return None
        return Deadline(text("完成", "Completion"), self.due_at, self.is_overdue, ESCALATION.label(self.escalation_level))


WorkOrder.is_overdue.info.update(label="超时", en="Overdue")
# the due list and a manager's late items read the open orders by due time, not a year of closed ones first; a user
# of some estates reads those estates' own
sa.Index("ix_work_orders_open_due", WorkOrder.due_at, sqlite_where=open_work(WorkOrder.status),
         postgresql_where=open_work(WorkOrder.status))
sa.Index("ix_work_orders_open_due_by_estate", WorkOrder.project_id, WorkOrder.due_at,
         sqlite_where=open_work(WorkOrder.status), postgresql_where=open_work(WorkOrder.status))
# an estate's orders of a day or a month (the home page's today figure, the month panel, 6.2) without other estates'
sa.Index("ix_work_orders_project_id_created_at", WorkOrder.project_id, WorkOrder.created_at)


@sets("approved_by", "approved_at")
def _sign_release(release, user):
    """The approver signs the slip: who and when are the flow's, not the form's."""
    release.approved_by, release.approved_at = getattr(user, "staff", None), utcnow()


class ItemRelease(FormRecord, db.Model):
    """6.13 物品放行申请表: the release slip without which goods may not leave the estate."""

    __form__ = Form("6.13", "物品放行申请表", "Goods release application", "front_desk", "application")
    __sections__ = (
        (("申请人", "Applicant"), ("unit", "applicant_name", "applicant_relation", "applicant_id_type",
                                "applicant_id_number", "applicant_mobile", "owner_consent")),
        (("放行物品", "Release"), ("move_type", "planned_out_at", "vehicle_plate", "mover_company", "items")),
        (("审批", "Approval"), ("approved_by", "approved_at", "slip_no")),
        (("门岗核验", "Gate check"), ("gate_checked_by", "gate_checked_at", "items_match")),
    )
    __signatures__ = ("申请人", "业主", "客服审批", "门岗核验")  # who signs the paper
    __list__ = ("serial_no", "unit", "applicant_name", "move_type", "planned_out_at", "slip_no", "status")
    __search__ = ("serial_no", "applicant_name", "applicant_mobile", "vehicle_plate", "mover_company", "slip_no")
    __flow__ = Flow(ITEM_RELEASE_STATES, [  # §4.5
        Transition("approve", ("批准放行", "Approve"), ("submitted",), "approved", ("front_desk",), decision=True,
                   effect=_sign_release, guard=lambda r: [] if r.items else [text("放行条上没有物品", "The slip lists no goods")]),
        Transition("reject", ("不予放行", "Reject"), ("submitted",), "rejected", ("front_desk",), decision=True,
                   needs_comment=True, style="danger"),
        Transition("release", ("门岗放行", "Released at the gate"), ("approved",), "released", ("security",),
                   guard=lambda r: [] if r.items_match else [text("门岗须核对物品与放行条相符",
                                                                 "The gate must check the goods against the slip")]),
        Transition("expire", ("过期作废", "Expire"), ("approved",), "expired", ("front_desk",), style="secondary"),
        Transition("close", ("关闭", "Close"), ("released",), "closed", ("front_desk",), style="secondary"),
        Transition("cancel", ("撤销", "Cancel"), ("submitted", "approved"), "cancelled", ("front_desk",),
                   needs_comment=True, style="secondary"),
    ], locked=("released", "closed", "rejected", "expired", "cancelled"), limits={"submitted": 4})
    status = f.status(ITEM_RELEASE_STATES, default="submitted")
    unit_id, unit = f.ref("Unit", "房号", required=True)
    applicant_name = f.text("申请人", 40, required=True, demo=["王先生", "李女士", "陈小姐", "张伟", "刘阿姨"])
    applicant_relation = f.choice("身份", APPLICANT_RELATION, required=True, default="owner")
    applicant_id_type = f.choice("证件类型", ID_TYPE, required=True, default="cn_id")
    applicant_id_number = f.id_number("证件号码", required=True)
    applicant_mobile = f.mobile("手机", required=True)
    owner_consent = f.choice("业主确认", OWNER_CONSENT)
    move_type = f.choice("放行类别", MOVE_TYPE, required=True)
    items = f.lines("ItemReleaseLine", "物品清单")
    planned_out_at = f.when("放行日期时间", required=True)
    vehicle_plate = f.plate("车牌")
    mover_company = f.text("搬家公司", 60, demo=["大众搬家", "蚂蚁搬家", "货拉拉", "顺心搬家服务部"])
    approved_by_id, approved_by = f.ref("StaffMember", "客服审批")
    approved_at = f.when("审批时间")
    slip_no = f.text("放行条号", 32, demo=["FX-202405-001", "FX-202405-002", "FX-202406-015", "FX-202407-033"])
    gate_checked_by_id, gate_checked_by = f.ref("StaffMember", "门岗核验人")
    gate_checked_at = f.when("核验时间")
    items_match = f.flag("物品与放行条相符")
    __rules__ = (
        id_document("applicant_id_type", "applicant_id_number"),
        Rule("owner_consent", lambda d: d.get("applicant_relation") not in ("tenant", "agent")
             or d.get("owner_consent") in ("phone", "written"), "租户或业主委托人须经业主电话或书面确认",
             "A tenant or agent needs the owner's confirmation by phone or in writing"),
        # passes when the view sends no line data, so a rule over lines never blocks a save it cannot see
        Rule("items", lambda d: "items" not in d or bool(d["items"]), "请至少填写一项放行物品",
             "List at least one item"),
        required_if("approved_at", lambda d: d.get("approved_by"), "请填写审批时间", "Give the approval time"),
        required_if("slip_no", lambda d: d.get("approved_by"), "审批后须填写放行条号", "Give the release slip number"),
        required_if("gate_checked_at", lambda d: d.get("gate_checked_by"), "请填写核验时间", "Give the check time"),
        date_order("approved_at", "gate_checked_at"),
    )


class ItemReleaseLine(LineItem, db.Model):
    """One kind of goods on a release slip."""

    parent_id, parent = f.parent("ItemRelease", "items")
    item_name = f.text("物品名称", 60, required=True, demo=["沙发", "冰箱", "纸箱(衣物)", "装修剩余瓷砖", "电动工具"])
    quantity = f.qty("数量", required=True, default=1)
    unit_of_measure = f.text("单位", 10, demo=["件", "台", "箱", "套", "批"])


class CallVisitLog(FormRecord, db.Model):
    """6.60 业主来电来访登记表: every call and visit lands here first."""

    __form__ = Form("6.60", "业主来电来访登记表", "Owner call & visit register", "front_desk")
    __signatures__ = ("接待人", "主管审核人")  # who signs the paper
    __list__ = ("serial_no", "contact_at", "contact_mode", "name", "unit", "category", "routing", "received_by")
    __search__ = ("serial_no", "name", "phone", "matter")
    __sections__ = ((("接待", "Contact"), ("contact_at", "contact_mode", "received_by", "category")),
                    (("来电来访人", "Caller"), ("caller_kind", "name", "unit", "phone", "visitor_org",
                                               "visitor_id_verified")),
                    (("事由及处理", "Matter and handling"), ("matter", "routing", "promised_reply_at", "result",
                                                            "closed_at", "escalation_level", "remarks")),
                    (("主管审核", "Supervisor's review"), ("reviewed_by", "reviewed_at")))
    contact_at = f.when("日期时间", required=True, preset="now")
    contact_mode = f.choice("方式", CONTACT_MODE, required=True, default="call")
    caller_kind = f.choice("来访人类别", CALLER_KIND, required=True, default="owner")
    name = f.text("姓名", 40, required=True, demo=["王先生", "李女士", "陈小姐", "张伟", "刘阿姨"])
    unit_id, unit = f.ref("Unit", "房号")
    phone = f.phone("联系电话")
    visitor_org = f.text("工作单位", 100)
    visitor_id_verified = f.flag("已核验身份证件")
    category = f.choice("接待类别", CALL_CATEGORY, required=True)
    matter = f.long_text("事由", required=True, demo=["厨房水管漏水,请派人维修", "咨询本月物业费缴纳方式",
                                                       "楼上装修噪音过大", "快递代收咨询", "表扬保安热情服务"])
    received_by_id, received_by = f.ref("StaffMember", "接待人", required=True, preset="me")
    routing = f.choice("处理去向", ROUTING, required=True, default="settled")
    promised_reply_at = f.when("约定回复时间")
    result = f.long_text("处理结果")
    closed_at = f.when("办结时间")
    reviewed_by_id, reviewed_by = f.ref("StaffMember", "主管审核人", later=True)
    reviewed_at = f.when("审核时间", later=True)
    __rules__ = (
        required_if("unit", equals("caller_kind", "owner", "resident"), "业主或住户来电来访须填写房号",
                    "An owner or resident contact needs a unit"),
        required_if("phone", equals("contact_mode", "call"), "来电须填写联系电话", "A call needs a phone number"),
        required_if("visitor_org", equals("caller_kind", "visitor"), "访客须填写工作单位",
                    "A visitor needs an organisation"),
        required_if("visitor_id_verified", equals("caller_kind", "visitor"), "访客须核验身份证件",
                    "A visitor's ID must be verified"),
        required_if("promised_reply_at", lambda d: d.get("routing") not in (None, "", "settled"),
                    "未当场办结的须约定回复时间", "Give a reply time when not settled on the spot"),
    )

    @hybrid_property
    def escalation_level(self):
        """跟进级别: how long a call not settled on the spot has waited to be closed (S3-十五)."""
        return escalation(self.contact_at, self.closed_at is not None or self.routing == "settled")

    @escalation_level.inplace.expression
    @classmethod
    def _escalation_level(cls):
        return escalation_sql(cls.contact_at, sa.or_(cls.closed_at.is_not(None), cls.routing == "settled"))

    def follow_ups(self):
        """The complaint, work orders and feedback this call or visit became."""
        return _records((ComplaintTicket, ComplaintTicket.source_call_id), (WorkOrder, WorkOrder.source_call_id),
                        (FeedbackRecord, FeedbackRecord.source_call_id), key=self.id)


CallVisitLog.escalation_level.info.update(label="跟进级别", en="Escalation", choices=ESCALATION)

# what a call or visit is on the duty ledger
LEDGER_TYPE_OF_CALL = dict(repair="repair", complaint="complaint", service="paid_service", after_sales="repair")


def ledger_line_for(call):
    """The 6.1 line of a 6.60 call or visit: same time, person, unit and matter."""
    local = call.contact_at.astimezone(LOCAL_TZ)
    shift = "day" if time(7, 30) <= local.time() < time(20) else "night"  # R-F2: duty hours 07:30–20:00
    return FrontDeskLedgerEntry(
        project=call.project, duty_date=local.date(), shift=shift, entry_at=call.contact_at,
        duty_staff=call.received_by, entry_type=LEDGER_TYPE_OF_CALL.get(call.category, "enquiry"), unit=call.unit,
        contact_name=call.name, contact_phone=call.phone, description=call.matter, action_taken=call.result,
        needs_followup=call.routing != "settled", call_visit=call)


def awaiting_reply():
    """The calls the desk still owes a reply: open, neither settled at once nor followed by a complaint or work
    order (those carry their own clocks)."""
    # the codes are written into the statement, not bound, so that SQLite too sees it matches the partial indexes
    handed_on = [sa.literal_column(f"'{code}'") for code in HANDED_ON]
    return sa.and_(CallVisitLog.closed_at.is_(None), CallVisitLog.routing.notin_(handed_on))


# the due list's promised call-backs read only the calls still owed a reply, not the register (issue 12): by time
# for a company-wide user, by estate and time for a user of some estates; a count reads the index alone
sa.Index("ix_call_visit_logs_open_promises", CallVisitLog.promised_reply_at,
         sqlite_where=awaiting_reply(), postgresql_where=awaiting_reply())
# an estate's calls of a day or a month (today's calls, the month's figures) without reading other estates' rows
sa.Index("ix_call_visit_logs_project_id_contact_at", CallVisitLog.project_id, CallVisitLog.contact_at)
sa.Index("ix_call_visit_logs_project_id_created_at", CallVisitLog.project_id, CallVisitLog.created_at)
sa.Index("ix_call_visit_logs_open_promises_by_estate", CallVisitLog.project_id, CallVisitLog.promised_reply_at,
         sqlite_where=awaiting_reply(), postgresql_where=awaiting_reply())
