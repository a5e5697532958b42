"""投诉与回访: complaints, feedback, incidents, surveys, revisits (6.4, 6.5, 6.6, 6.42, 6.43)."""
import calendar
from datetime import timedelta, timezone

from sqlalchemy.orm import relationship

from ...extensions import db
from ...i18n import Choices
from .. import fields as f
from ..base import Form, FormRecord, LineItem
from ..enums import CHANNEL, COMPLAINT_SEVERITY, COMPLAINT_VALIDITY, SATISFACTION
from ..rules import Rule, date_order, equals, required_if
from ..types import utcnow

COMPLAINT_STATE = Choices(received="已受理", resolved_on_spot="当场处理", classified="已分类",
                          contacted="已约定回复", in_progress="处理中", transferred="已转呈", resolved="已处理",
                          replied="已回复", revisit_pending="待回访", closed="已关闭")
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
REVISIT_TYPE = Choices(complaint="投诉", minor_repair="零星维修", repair_project="维修工程",
                       special_mid="特约服务(中期)", special_end="特约服务(结束)", activity="文体活动",
                       survey="满意度调查", other="其他管理服务")
# §3.3 revisit_method plus the combined visit S2-3 names as the usual way (「面谈、现场查看的方式综合进行」)
REVISIT_METHOD = Choices(face_to_face="面谈", site_check="现场查看", face_and_site="面谈+现场查看", phone="电话",
                         home_visit="上门拜访")
EVALUATION = Choices(good="好", fair="一般", poor="差")
UNSATISFIED = ("not_very_satisfied", "very_dissatisfied")
SIGNED_METHODS = ("face_to_face", "site_check", "face_and_site", "home_visit")


def as_utc(value):
    """Naive times count as UTC, as UTCDateTime stores them."""
    return value if value is None or value.tzinfo else value.replace(tzinfo=timezone.utc)


def add_months(value, months=1):
    """The same day (or the month's last) some months later: S2-3 counts limits in months."""
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    return value.replace(year=year, month=month, day=min(value.day, calendar.monthrange(year, month)[1]))


def earlier_ref(target, label):
    """A link to an earlier row of the same form; f.ref cannot tell SQLAlchemy which side is remote."""
    fk, _ = f.ref(target, label)
    rel = relationship(target, foreign_keys=[fk], remote_side=f"{target}.id", lazy="selectin",
                       info=dict(label=label, en=None, target=target))
    return fk, rel


class ComplaintTicket(FormRecord, db.Model):
    """6.4 客户投诉受理单(项目): one ticket per complaint, carried from receipt to revisit (§4.3)."""

    __form__ = Form("6.4", "客户投诉受理单(项目)", "Customer complaint intake sheet (project level)", "complaints")
    __list__ = ("serial_no", "received_at", "complainant_name", "unit", "category", "validity", "handler", "status")
    __search__ = ("serial_no", "complainant_name", "contact_phone", "content", "result")
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

    def before_save(self):
        """Derive the collective mark from the household count rather than trust a tick box."""
        self.is_collective = (self.households_count or 0) >= 5


class FeedbackRecord(FormRecord, db.Model):
    """6.5 客户投诉/建议/意见记录表: every complaint, suggestion, opinion and praise from any channel."""

    __form__ = Form("6.5", "客户投诉/建议/意见记录表", "Complaint / suggestion / opinion register", "complaints")
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
    # S3-十五: open > 2 days goes to the supervisor, > 1 week to the manager
    escalation_level = f.choice("跟进级别", ESCALATION, required=True, default="receptionist", readonly=True)
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

    def before_save(self):
        """Escalate by how long the event has stayed open (a timer will refresh open ones)."""
        if self.occurred_at is None:
            return
        open_for = as_utc(self.closed_at or utcnow()) - as_utc(self.occurred_at)
        self.escalation_level = ("manager" if open_for > timedelta(weeks=1)
                                 else "supervisor" if open_for > timedelta(days=2) else "receptionist")


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


class SatisfactionSurveyResponse(FormRecord, db.Model):
    """6.42 总体服务意见问卷调查: one household's answers to the yearly satisfaction survey."""

    __form__ = Form("6.42", "总体服务意见问卷调查", "Overall service satisfaction questionnaire", "complaints")
    __list__ = ("serial_no", "survey_batch", "unit", "issued_at", "returned_at", "overall_rating", "needs_revisit")
    __search__ = ("serial_no", "survey_batch", "respondent_name", "comments")
    survey_year = f.integer("调查年度", low=2000, high=2100, required=True)
    survey_batch = f.text("调查批次", 60, required=True, demo=[
        "2024年度业户满意度调查", "2025年度业户满意度调查", "新入伙半年满意度调查"])
    unit_id, unit = f.ref("Unit", "房号", required=True)
    respondent_name = f.text("填写人", 40, demo=["王先生", "李女士", "匿名", "陈先生"])
    issued_at = f.when("发放时间", required=True)
    returned_at = f.when("回收时间")
    items = f.lines("SurveyRatingLine", "分项评价")
    overall_rating = f.choice("总体评价", SATISFACTION)
    comments = f.long_text("其他意见", demo=["希望加强夜间巡逻", "保洁阿姨很负责", "维修响应太慢",
                                            "停车位太紧张"])
    complaint_raised = f.flag("提出投诉")
    complaint_ticket_id, complaint_ticket = f.ref("ComplaintTicket", "投诉受理单")
    needs_revisit = f.flag("需回访", readonly=True)
    is_key_customer = f.flag("重点客户")
    __rules__ = (
        date_order("issued_at", "returned_at"),
        required_if("overall_rating", lambda d: d.get("returned_at"), "已回收的问卷须填写总体评价",
                    "A returned questionnaire needs the overall rating"),
        required_if("complaint_ticket", lambda d: d.get("complaint_raised"), "提出投诉须关联投诉受理单",
                    "A complaint raised needs its complaint ticket"),
    )

    def before_save(self):
        """S2-6 4.7: dissatisfied households are revisited."""
        self.needs_revisit = (self.overall_rating in UNSATISFIED
                              or any(line.rating == "very_dissatisfied" for line in self.items))


class SurveyRatingLine(LineItem, db.Model):
    """One rated item of a questionnaire."""

    parent_id, parent = f.parent("SatisfactionSurveyResponse", "items")
    item = f.choice("评价项目", SURVEY_ITEM, required=True)
    rating = f.choice("评价", SATISFACTION, required=True)


# S2-3 一: revisit within 3 days of a complaint or minor repair, a month of a repair project or an activity,
# a week of other work; special services have no limit in the seeds (a week assumed)
REVISIT_DAYS = dict(complaint=3, minor_repair=3, special_mid=7, special_end=7, survey=7, other=7)
REVISIT_MONTHS = dict(repair_project=1, activity=1)


class RevisitRecord(FormRecord, db.Model):
    """6.43 客户回访记录表: the follow-up call or visit after a complaint, repair, service or activity."""

    __form__ = Form("6.43", "客户回访记录表", "Customer revisit (follow-up call/visit) record", "complaints")
    __list__ = ("serial_no", "revisit_type", "unit", "due_by", "revisited_at", "revisited_by", "satisfaction",
                "is_late")
    __search__ = ("serial_no", "shortcomings", "suggestions")
    revisit_type = f.choice("回访类别", REVISIT_TYPE, required=True, default="complaint")
    complaint_ticket_id, complaint_ticket = f.ref("ComplaintTicket", "来源投诉")
    survey_response_id, survey_response = f.ref("SatisfactionSurveyResponse", "来源问卷")
    community_activity_id, community_activity = f.ref("CommunityActivity", "来源活动")
    work_order_id, work_order = f.ref("WorkOrder", "来源派工单(维修/特约服务)")
    unit_id, unit = f.ref("Unit", "房号", required=True)
    owner_id, owner = f.ref("Owner", "业主", required=True)
    service_done_at = f.when("处理/服务完成时间", required=True)
    due_by = f.when("应回访期限", readonly=True)
    revisited_at = f.when("回访时间")
    revisited_by_id, revisited_by = f.ref("StaffMember", "回访人")
    is_late = f.flag("超期回访", readonly=True)
    method = f.choice("回访方式", REVISIT_METHOD)
    quality_eval = f.choice("质量评价", EVALUATION)
    effect_eval = f.choice("服务效果评价", EVALUATION)
    satisfaction = f.choice("满意程度", SATISFACTION)
    shortcomings = f.long_text("缺点与不足", demo=["维修后墙面未清理干净", "回复不够及时", "无", "师傅未穿鞋套"])
    suggestions = f.long_text("业主建议", demo=["希望维修前电话预约", "建议增加夜间值班人员", "无"])
    owner_signed_name = f.text("业主签名", 40, demo=["王建国", "李秀英", "陈志强", "刘芳"])
    owner_signed_on = f.day("签名日期")
    needs_rework = f.flag("需再整改", readonly=True)
    rework_work_order_id, rework_work_order = f.ref("WorkOrder", "整改派工单")
    previous_revisit_id, previous_revisit = earlier_ref("RevisitRecord", "上次回访")
    __rules__ = (
        required_if("complaint_ticket", equals("revisit_type", "complaint"), "投诉回访须关联投诉受理单",
                    "A complaint revisit needs its ticket"),
        required_if("survey_response", equals("revisit_type", "survey"), "满意度调查回访须关联问卷",
                    "A survey revisit needs its questionnaire"),
        required_if("community_activity", equals("revisit_type", "activity"), "文体活动回访须关联活动记录",
                    "An activity revisit needs its activity"),
        required_if("work_order", equals("revisit_type", "minor_repair", "repair_project", "special_mid",
                                         "special_end"), "维修或特约服务回访须关联派工单", "Link the work order"),
        required_if("revisited_by", lambda d: d.get("revisited_at"), "请填写回访人", "Name who made the revisit"),
        required_if("method", lambda d: d.get("revisited_at"), "请填写回访方式", "Give the revisit method"),
        required_if("satisfaction", lambda d: d.get("revisited_at"), "请填写满意程度", "Record the satisfaction"),
        required_if("owner_signed_name", lambda d: d.get("method") in SIGNED_METHODS, "面谈、现场查看或上门回访须业主签名确认",
                    "The owner signs a face-to-face or on-site revisit"),
        required_if("owner_signed_on", lambda d: d.get("method") in SIGNED_METHODS, "请填写业主签名日期",
                    "Give the date the owner signed"),
        date_order("service_done_at", "revisited_at"),
    )

    def before_save(self):
        """Set the S2-3 deadline from the type, and mark late or unsatisfied revisits."""
        done = as_utc(self.service_done_at)
        if done is not None:
            months = REVISIT_MONTHS.get(self.revisit_type)
            self.due_by = (add_months(done, months) if months
                           else done + timedelta(days=REVISIT_DAYS.get(self.revisit_type, 7)))
        self.is_late = bool(self.due_by and as_utc(self.revisited_at or utcnow()) > as_utc(self.due_by))
        self.needs_rework = self.satisfaction in UNSATISFIED
