"""投诉与回访: complaints, feedback and incidents (6.4, 6.5, 6.6); the complaint flow is in complaint_flow.py."""

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property

from ..extensions import db
from ..i18n import Choices
from ..models import fields as f
from ..models.base import FORMS, Form, FormRecord, LineItem
from ..models.enums import CHANNEL, COMPLAINT_SEVERITY, COMPLAINT_VALIDITY, SATISFACTION
from ..models.rules import Rule, date_order, equals, required_if
from ..core.deadlines import escalation, escalation_sql, is_late, late_sql
from .common import UNSATISFIED, Deadline, _records, add_months, earlier_ref  # noqa: F401
from .complaint_flow import CLOSED_STATES, COMPLAINT_FLOW, COMPLAINT_STATE, DUE_KIND, running_deadline

RESPONSIBLE_PARTY = Choices(management="管理处", developer="发展商", external="外部/市政", owner="业主自身")
HANDLING_METHOD = Choices(on_spot="当场处理", work_order="派工处理", referred="书面转解决部门", developer="转发展商",
                          external="协调外部单位", explained="解释说明", escalated="上报领导")
REPLY_METHOD = Choices(phone="电话", home_visit="上门拜访", written="书面", in_person="当面口头")
FEEDBACK_TYPE = Choices(complaint="投诉", suggestion="建议", opinion="意见", praise="表扬")
FEEDBACK_SOURCE = Choices(call="来电", visit="来访", letter="书信", email="电子信箱/邮件", survey="问卷调查",
                          revisit="回访", patrol="巡查/家访", staff="员工收集")
FEEDBACK_DECISION = Choices(adopted="采纳", planned="列入整改计划", declined="不采纳", answered="已答复")
EVENT_TYPE = Choices(complaint_followup="投诉跟进", emergency="紧急求援", security="治安事件",
                     facility="设备设施故障/停水停电", collective="集体投诉/特别事件", vip_visit="领导参观来访",
                     other="其它")
SEVERITY = Choices(general="一般", major="重大")
ESCALATION = Choices(receptionist="接待员", supervisor="客服主管", manager="经理")
CLOSE_REASON = Choices(resolved="已解决", unresolvable="无法处理-经理关闭")
STEP_PROGRESS = Choices(accepted="已受理", in_progress="处理中", waiting="待配合", done="已完成")
SURVEY_ITEM = Choices(etiquette="礼仪礼貌", attitude="服务态度", quality="服务质量", efficiency="处理问题效率",
                      customer_service="客服", security="安保", cleaning="清洁", greening="绿化",
                      engineering="工程维修", community="社区文化", other="其他")


class ComplaintTicket(FormRecord, db.Model):
    """6.4 客户投诉受理单(项目): one ticket per complaint, carried from receipt to revisit (§4.3)."""

    __form__ = Form("6.4", "客户投诉受理单(项目)", "Customer complaint intake sheet (project level)", "complaints")
    __sections__ = (
        (("投诉受理", "Intake"), ("received_at", "channel", "received_by", "source_call", "parent_ticket")),
        (("投诉人", "Complainant"), ("complainant_name", "is_resident", "owner", "unit", "contact_phone",
                                  "households_count")),
        (("投诉内容", "Complaint"), ("content", "expected_resolution", "category")),
        (("分类定性", "Classification"), ("validity", "severity", "responsible_party")),
        (("处理", "Handling"), ("handler", "handling_method", "promised_reply_at", "result")),
        (("回复与回访", "Reply"), ("replied_at", "reply_method", "written_reply", "satisfaction",
                              "reported_to_company_at")),
    )
    __signatures__ = ("受理人", "处理人", "主管", "投诉人")  # who signs the paper
    __list__ = ("serial_no", "received_at", "complainant_name", "unit", "category", "validity", "status", "due_at",
                "is_late")
    __search__ = ("serial_no", "complainant_name", "contact_phone", "content", "result")
    __flow__ = COMPLAINT_FLOW
    status = f.status(COMPLAINT_STATE, default="received")
    received_at = f.when("投诉日期/时间", required=True)
    channel = f.choice("投诉方式", CHANNEL, required=True, default="phone")
    complainant_name = f.text("投诉人姓名", 40, required=True, demo=["王先生", "李女士", "陈小姐", "赵伯", "刘女士"])
    is_resident = f.flag("本小区业主/住户", default=True)
    owner_id, owner = f.ref("Owner", "业主")
    unit_id, unit = f.ref("Unit", "区域·单元·房号")
    contact_phone = f.phone("联系电话", required=True)
    content = f.long_text("投诉具体事由", required=True, demo=[
        "楼上住户装修晚上十点后仍在施工,噪音严重", "地下车库照明多处不亮,存在安全隐患",
        "快递被放在门口丢失,前台未及时通知", "小区绿化带长期无人修剪,蚊虫多", "电梯频繁故障,上周困人两次"])
    expected_resolution = f.long_text("需要解决什么问题", demo=[
        "请管理处约束装修时间", "尽快更换灯管并增加巡查", "查清责任并给予答复", "每月定期修剪并消杀"])
    category_id, category = f.ref("ComplaintCategory", "投诉类别", required=True)
    validity = f.choice("投诉性质", COMPLAINT_VALIDITY)
    severity = f.choice("级别", COMPLAINT_SEVERITY, required=True, default="general")
    households_count = f.qty("户数", required=True, default=1)
    # R-C10: a collective complaint is five or more households on the same event
    is_collective = f.flag("集体投诉", readonly=True)
    responsible_party = f.choice("责任方", RESPONSIBLE_PARTY)
    received_by_id, received_by = f.ref("StaffMember", "投诉受理人", required=True)
    handler_id, handler = f.ref("StaffMember", "投诉处理人")
    handling_method = f.choice("处理方式", HANDLING_METHOD)
    # the work orders a complaint dispatches point back at it (WorkOrder.source_complaint)
    promised_reply_at = f.when("约定回复时间")
    result = f.long_text("处理结果", demo=[
        "已书面通知装修户,晚上施工已停止", "工程部已更换灯管12支", "已与快递公司协调,赔偿业主损失",
        "已安排绿化外判单位修剪并消杀"])
    replied_at = f.when("回复时间")
    reply_method = f.choice("回复方式", REPLY_METHOD)
    written_reply = f.flag("另附书面回复")
    satisfaction = f.choice("满意程度", SATISFACTION)
    parent_ticket_id, parent_ticket = earlier_ref("ComplaintTicket", "原投诉")
    source_call_id, source_call = f.ref("CallVisitLog", "来源来电来访")
    reported_to_company_at = f.when("结果报公司投诉处理中心时间")
    # set by the flow (§4.3): when it was handled, the deadline now running and whether one was ever missed
    resolved_at = f.when("处理完成时间", readonly=True)
    due_at = f.when("当前时限", readonly=True, index=True)
    due_kind = f.choice("待办事项", DUE_KIND, readonly=True)
    missed_deadline = f.flag("曾超时", readonly=True, alarm=True)
    __rules__ = (
        required_if("unit", lambda d: d.get("is_resident"), "业主/住户投诉须填写房号",
                    "A resident's complaint needs a unit"),
        date_order("received_at", "promised_reply_at"),
        date_order("received_at", "replied_at"),
        Rule("reply_method", lambda d: d.get("households_count", 0) < 5 or not d.get("reply_method")
             or d["reply_method"] == "home_visit", "集体投诉必须上门拜访回复",
             "A collective complaint is answered by a home visit"),
        Rule("written_reply", lambda d: d.get("channel") != "letter" or not d.get("replied_at")
             or d.get("written_reply"), "书面投诉须同时书面回复", "A written complaint also needs a written reply"),
    )

    @hybrid_property
    def is_late(self):
        """超时: open and past the deadline now running; derived from the stored deadline, never a job."""
        return is_late(self.due_at)

    @is_late.inplace.expression
    @classmethod
    def _is_late(cls):
        return late_sql(cls.due_at)

    @property
    def escalation_level(self):
        """S3-十五: open over 2 days goes to the supervisor, over a week to the manager."""
        return escalation(self.received_at, self.status in CLOSED_STATES)

    def time_limit(self):
        """What is due next, by when, and whether it is late; None once nothing is due."""
        if self.due_at is None:
            return None
        return Deadline(DUE_KIND.label(self.due_kind), self.due_at, self.is_late,
                        ESCALATION.label(self.escalation_level))

    def follow_ups(self):
        """What this complaint set going: its work orders, revisits and the complaints reopened from it."""
        WorkOrder, RevisitRecord = FORMS["work_order"], FORMS["revisit_record"]  # forms that build on this one
        return _records((WorkOrder, WorkOrder.source_complaint_id), (RevisitRecord, RevisitRecord.complaint_ticket_id),
                        (ComplaintTicket, ComplaintTicket.parent_ticket_id), (IncidentTracking,
                                                                              IncidentTracking.complaint_ticket_id),
                        key=self.id)

    def before_save(self):
        """Derive the collective mark and the running deadline from what is stored."""
        self.is_collective = (self.households_count or 0) >= 5
        self.due_kind, self.due_at = running_deadline(self)


ComplaintTicket.is_late.info.update(label="超时", en="Late", alarm=("已超时", "Late"))
# an estate's complaints made today (the home page), received or answered in a month (the month panel, 6.7, 6.2)
sa.Index("ix_complaint_tickets_project_id_created_at", ComplaintTicket.project_id, ComplaintTicket.created_at)
sa.Index("ix_complaint_tickets_project_id_received_at", ComplaintTicket.project_id, ComplaintTicket.received_at)
sa.Index("ix_complaint_tickets_project_id_replied_at", ComplaintTicket.project_id, ComplaintTicket.replied_at)
# an estate's running deadlines (the due list, the home pages), without other estates' late complaints
sa.Index("ix_complaint_tickets_project_id_due_at", ComplaintTicket.project_id, ComplaintTicket.due_at)


class FeedbackRecord(FormRecord, db.Model):
    """6.5 客户投诉/建议/意见记录表: every complaint, suggestion, opinion and praise from any channel."""

    __form__ = Form("6.5", "客户投诉/建议/意见记录表", "Complaint / suggestion / opinion register", "complaints")
    __sections__ = (
        (("记录", "Record"), ("recorded_at", "feedback_type", "source", "source_call", "recorded_by")),
        (("反映人", "From"), ("person_name", "unit", "contact_phone")),
        (("内容", "Content"), ("content", "related_department", "complaint_ticket", "praised_staff",
                             "praise_verified")),
        (("上报与答复", "Reported and answered"), ("reported_to", "reported_at", "decision", "reply_text", "closed_at")),
    )
    __list__ = ("serial_no", "recorded_at", "feedback_type", "source", "person_name", "unit", "decision")
    __search__ = ("serial_no", "person_name", "contact_phone", "content", "reply_text")
    recorded_at = f.when("日期时间", required=True)
    feedback_type = f.choice("类型", FEEDBACK_TYPE, required=True)
    source = f.choice("来源", FEEDBACK_SOURCE, required=True, default="call")
    person_name = f.text("反映人", 40, required=True, demo=["张先生", "周女士", "黄小姐", "吴伯伯", "郑先生"])
    unit_id, unit = f.ref("Unit", "房号")
    contact_phone = f.phone("电话")
    content = f.long_text("内容", required=True, demo=[
        "建议在儿童游乐区加装遮阳棚", "希望延长会所开放时间到晚上十点", "表扬保安小李帮忙搬运重物",
        "小区东门人行道地砖松动", "建议增设电动车充电桩"])
    related_department_id, related_department = f.ref("Department", "涉及部门")
    recorded_by_id, recorded_by = f.ref("StaffMember", "记录人", required=True)
    complaint_ticket_id, complaint_ticket = f.ref("ComplaintTicket", "投诉受理单")
    reported_to_id, reported_to = f.ref("StaffMember", "上报经理")
    reported_at = f.when("上报时间")
    decision = f.choice("处理/采纳意见", FEEDBACK_DECISION)
    praised_staff_id, praised_staff = f.ref("StaffMember", "被表扬员工")
    praise_verified = f.flag("查证属实")
    source_call_id, source_call = f.ref("CallVisitLog", "来源来电来访")
    reply_text = f.long_text("答复", demo=["已采纳,计划下月施工", "已列入年度整改计划", "已电话感谢业主并通报表扬",
                                          "已答复业主,暂不具备条件"])
    closed_at = f.when("关闭时间")
    __rules__ = (
        required_if("complaint_ticket", equals("feedback_type", "complaint"), "投诉须关联投诉受理单",
                    "A complaint needs its complaint ticket"),
        required_if("reported_to", equals("feedback_type", "suggestion"), "建议须上报经理",
                    "A suggestion is reported to the manager"),
        required_if("decision", lambda d: d.get("closed_at") and d.get("feedback_type") in ("suggestion", "opinion"),
                    "建议/意见关闭前须填写处理/采纳意见", "Record the decision before closing a suggestion or opinion"),
        required_if("praised_staff", equals("feedback_type", "praise"), "表扬须填写被表扬员工",
                    "Name the praised staff member"),
        date_order("recorded_at", "reported_at"),
        date_order("recorded_at", "closed_at"),
    )


class IncidentTracking(FormRecord, db.Model):
    """6.6 事件处理跟踪表: follow-up of anything open over time (emergencies, collective complaints, visits)."""

    __form__ = Form("6.6", "事件处理跟踪表", "Incident handling tracking sheet", "complaints")
    __sections__ = (
        (("事件", "Incident"), ("occurred_at", "event_type", "severity", "building", "unit", "location",
                              "description")),
        (("来源", "Source"), ("complaint_ticket", "call_visit", "work_order")),
        (("责任与上报", "Responsibility"), ("first_responsible", "responsible_department", "reported_to", "reported_at",
                                       "deadline_at", "items")),
        (("关闭", "Closing"), ("closed_at", "closed_by", "close_reason")),
    )
    __list__ = ("serial_no", "occurred_at", "event_type", "severity", "first_responsible", "escalation_level",
                "closed_at")
    __search__ = ("serial_no", "location", "description")
    occurred_at = f.when("发生时间", required=True)
    event_type = f.choice("事件类别", EVENT_TYPE, required=True)
    complaint_ticket_id, complaint_ticket = f.ref("ComplaintTicket", "来源投诉")
    call_visit_id, call_visit = f.ref("CallVisitLog", "来源来电来访")
    work_order_id, work_order = f.ref("WorkOrder", "来源派工单")
    building_id, building = f.ref("Building", "楼栋")
    unit_id, unit = f.ref("Unit", "房号")
    location = f.text("地点", 100, demo=["3栋地下车库", "小区南门岗亭", "会所二楼", "7栋天台水箱间"])
    description = f.long_text("事件经过", required=True, demo=[
        "5栋12楼消防水管爆裂,走廊及电梯井进水", "小区突然停电,2部电梯困人", "8户业主联名投诉广场舞噪音",
        "区政府领导来小区检查垃圾分类", "夜间发现可疑人员翻越围墙"])
    severity = f.choice("级别", SEVERITY, required=True, default="general")
    first_responsible_id, first_responsible = f.ref("StaffMember", "第一责任人", required=True)
    responsible_department_id, responsible_department = f.ref("Department", "责任部门")
    reported_to_id, reported_to = f.ref("StaffMember", "上报对象")
    reported_at = f.when("上报时间")
    deadline_at = f.when("计划完成时间")
    items = f.lines("IncidentTrackingStep", "跟进记录")
    closed_at = f.when("关闭时间")
    closed_by_id, closed_by = f.ref("StaffMember", "关闭人")
    close_reason = f.choice("关闭原因", CLOSE_REASON)
    __rules__ = (
        required_if("location", lambda d: not d.get("building") and not d.get("unit"),
                    "请填写楼栋、房号或地点", "Give a building, a unit or a location"),
        required_if("reported_to", lambda d: d.get("severity") == "major" or d.get("event_type") == "collective",
                    "重大或集体事件须立即上报", "A major or collective event is reported at once"),
        required_if("reported_at", lambda d: d.get("severity") == "major" or d.get("event_type") == "collective",
                    "重大或集体事件须填写上报时间", "Give the time it was reported"),
        required_if("closed_by", lambda d: d.get("closed_at"), "关闭须填写关闭人", "Name who closed it"),
        required_if("close_reason", lambda d: d.get("closed_at"), "关闭须填写关闭原因", "Give the reason for closing"),
        date_order("occurred_at", "deadline_at"),
        date_order("occurred_at", "closed_at"),
    )

    @hybrid_property
    def escalation_level(self):
        """跟进级别 (S3-十五): derived from how long the event has been open, so it is never stale."""
        return escalation(self.occurred_at, self.closed_at is not None)

    @escalation_level.inplace.expression
    @classmethod
    def _escalation_level(cls):
        return escalation_sql(cls.occurred_at, cls.closed_at.is_not(None))


IncidentTracking.escalation_level.info.update(label="跟进级别", en="Escalation", choices=ESCALATION)


class IncidentTrackingStep(LineItem, db.Model):
    """One follow-up step of an incident."""

    parent_id, parent = f.parent("IncidentTracking", "items")
    step_at = f.when("时间", required=True)
    action = f.text("跟进情况", 200, required=True, demo=[
        "已通知工程部关闭总阀并抢修", "已电话告知业主处理进度", "已联系供电局,预计两小时恢复", "已上报管理处主任"])
    by_staff_id, by_staff = f.ref("StaffMember", "跟进人")
    progress = f.choice("进度", STEP_PROGRESS, required=True, default="accepted")
    owner_informed = f.flag("已告知业主")
    next_followup_at = f.when("下次跟进时间")
