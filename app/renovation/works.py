"""装修管理 (works): site inspections, rectification, tests, completion, resumption, hot work, extinguishers."""
from datetime import timedelta, timezone

from ..extensions import db
from ..i18n import Choices
from ..models import fields as f
from ..models.base import LOCAL_TZ, Form, FormRecord, LineItem
from ..models.rules import Rule, date_order, equals, not_more, required_if
from .models import linked

RENOVATION_CHECK = Choices(
    # the 14 prohibited acts (R-RN9)
    build_structures="搭建建筑物、构筑物", facade_openings="改变外立面、非承重外墙开门窗",
    damage_structure="损坏承重结构、主体结构和基础", alter_structure="擅自变动主体和承重结构",
    excavation="开挖地下室、打井", rebuild_exterior="擅自改建重建、破坏房屋外貌",
    common_facilities="损坏或擅自移动共有设施设备", energy_saving="损坏节能设施或降低节能效果",
    change_use="擅自改变物业使用性质", change_room_function="擅自改变房屋内区域功能",
    occupy_common_parts="侵占共有部位及共有设施", enclose_gas_pipes="遮挡封包室内燃气管道和设施",
    tap_shared_lines="擅自拆接共用水管、燃气管道和供电设施", other_unsafe="其他影响结构安全、使用安全或外貌的行为",
    # the four items that need a written undertaking (R-RN6)
    guardrail="拆除安全防护栏", security_devices="移动可视电话/红外监视器/煤气报警器",
    drain_stacks="遮挡包裹雨污排水主管", gas_main="遮挡封闭燃气主管道及燃气表",
    # site discipline (domain)
    hours_noise="施工时间/噪音", fire_equipment="消防器材配备", hot_work="动火许可", debris="装修垃圾袋装清运",
    common_protection="公共区域/电梯保护", waterproofing="防水施工")
SITE_RESULT = Choices(ok=("符合", "Compliant"), violation="违规", na=("不适用", "Not applicable"))
INSPECTION_ACTION = Choices(none="无", verbal="口头提醒", notice="发整改通知", stop_work="责令停工")
NOTICE_TARGET = Choices(renovation="装修人/装修企业", occupant="业户(违章)", outsourced="外判服务商",
                        department="内部部门")
RECHECK_RESULT = Choices(done="已整改", partial="部分整改", not_done="未整改")
PASS_FAIL = Choices({"pass": "合格"}, fail="不合格")
TEST_STAGE = Choices(membrane="防水层完成后", finish="饰面完成后复试")
COMPLETION_CHECK = Choices(structure="主体/承重结构", facade="外立面/外窗", shared_pipes="公共管道(雨污/燃气)",
                           waterproofing="防水", fire_facilities="消防设施(烟感/喷淋)",
                           common_damage="公共区域/电梯损坏", debris="装修垃圾清运", passes_returned="出入证交回",
                           extinguishers_returned="租用灭火器归还")
COMPLETION_RESULT = Choices(passed="合格", failed="不合格需整改")
SUSPENSION_REASON = Choices(ordered="违规责令停工", owner="业主自行停工", holiday="节假日/管控停工", other="其他")
RESUMPTION_DECISION = Choices(approved="同意复工", refused="不同意")
OBSERVATION_DAYS = 30  # domain default from passing completion to the deposit refund; configurable later
NAMES = ["王建国", "李秀英", "陈志强", "刘芳", "张伟"]
SITE_MANAGERS = ["赵师傅", "孙建华", "周立明", "吴海涛", "郑国庆"]


def _local_day(at):
    """The Shanghai calendar day of a time (naive means UTC, as UTCDateTime reads it)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(LOCAL_TZ).date()


class RenovationInspection(FormRecord, db.Model):
    """6.23 装修巡查表: a site round of one renovating unit against the prohibited acts and site rules."""

    __form__ = Form("6.23", "装修巡查表", "Renovation site inspection sheet", "renovation", "checklist")
    __list__ = ("serial_no", "renovation_application", "inspected_at", "inspector", "workers_without_pass",
                "violations_count", "action")
    __search__ = ("serial_no", "site_manager_name")
    renovation_application_id, renovation_application = f.ref("RenovationApplication", "装修申请", required=True)
    inspected_at = f.when("巡查时间", required=True)
    inspector_id, inspector = f.ref("StaffMember", "巡查人(物业助理)", required=True)
    permit_posted = f.flag("许可证已张贴")
    workers_present = f.count("在场人数", required=True, default=0)
    workers_without_pass = f.count("无证人数", required=True, default=0)
    items = f.lines("RenovationCheckItem", "检查项目")
    violations_count = f.count("违规项数", readonly=True, default=0)
    action = f.choice("处理", INSPECTION_ACTION, required=True, default="none")
    rectification_notice_id, rectification_notice = f.ref("RectificationNotice", "整改通知单")
    site_manager_name = f.text("施工负责人签字", 40, demo=SITE_MANAGERS)
    __rules__ = (
        not_more("workers_without_pass", "workers_present", "无证人数不能超过在场人数",
                 "Workers without a pass cannot exceed workers present"),
        required_if("rectification_notice", equals("action", "notice"), "发整改通知须关联整改通知单",
                    "Link the rectification notice"),
    )

    def before_save(self):
        """Count the violations from the lines."""
        self.violations_count = sum(1 for item in self.items if item.result == "violation")


class RenovationCheckItem(LineItem, db.Model):
    """A checked point of the renovation round."""

    parent_id, parent = f.parent("RenovationInspection", "items")
    item = f.choice("检查项目", RENOVATION_CHECK, required=True)
    result = f.choice("结果", SITE_RESULT, required=True, default="ok")
    note = f.text("说明", 200, demo=["中午12点后仍在电钻作业", "未配备灭火器", "装修垃圾堆放在楼道",
                                    "电梯未做防护", "卫生间防水未做闭水试验即铺砖"])
    __rules__ = (
        required_if("note", equals("result", "violation"), "违规项须写明情况", "Describe the violation"),
    )


class RectificationNotice(FormRecord, db.Model):
    """6.25 整改通知单: a written order to put right a violation or nonconformity by a deadline."""

    __form__ = Form("6.25", "整改通知单", "Rectification notice", "renovation", "certificate")
    __sections__ = (
        (("被通知方", "Notified party"), ("target_type", "renovation_application", "unit", "contractor", "department")),
        (("通知内容", "Notice"), ("issued_at", "issued_by", "facts", "rule_reference", "required_action", "deadline",
                              "penalty_amount")),
        (("签收", "Receipt"), ("recipient_name", "recipient_signed_at", "refused_to_sign", "witness")),
        (("复查", "Recheck"), ("recheck_at", "recheck_by", "recheck_result")),
    )
    __signatures__ = ("签发人", "签收人")  # who signs the paper
    __list__ = ("serial_no", "target_type", "unit", "issued_at", "deadline", "recheck_result", "issued_by")
    __search__ = ("serial_no", "recipient_name", "facts", "required_action")
    target_type = f.choice("被通知方类型", NOTICE_TARGET, required=True, default="renovation")
    renovation_application_id, renovation_application = f.ref("RenovationApplication", "装修申请")
    unit_id, unit = f.ref("Unit", "房号")
    contractor_id, contractor = f.ref("Contractor", "承包商/装修企业")
    department_id, department = f.ref("Department", "责任部门")
    issued_at = f.when("发出时间", required=True)
    issued_by_id, issued_by = f.ref("StaffMember", "发出人", required=True)
    facts = f.long_text("违规/不合格事实", required=True, demo=[
        "擅自拆除卫生间与卧室间承重墙", "装修垃圾未袋装,堆放于消防通道", "遮挡封包厨房燃气管道",
        "公共走廊地面清洁不达标,连续两日检查不合格", "阳台违章搭建雨棚"])
    rule_reference = f.text("依据条款", 200, demo=["装修禁止行为第三项", "装修禁止行为第十二项",
                                                  "《二次装修管理规定》第五条", "外判服务合同第4.2条"])
    required_action = f.long_text("整改要求", required=True, demo=[
        "立即停止拆除,恢复原结构并提交设计单位鉴定", "当日内清运装修垃圾,保持通道畅通", "拆除燃气管道封包,恢复检修口",
        "三日内完成整改并报客服中心复查"])
    deadline = f.when("整改期限", required=True)
    recipient_name = f.text("签收人", 40, demo=NAMES + SITE_MANAGERS[:2])
    recipient_signed_at = f.when("签收时间")
    refused_to_sign = f.flag("拒签")
    witness_id, witness = f.ref("StaffMember", "拒签见证人")
    penalty_amount = f.money("扣款(从保证金)")
    recheck_at = f.when("复查时间")
    recheck_by_id, recheck_by = f.ref("StaffMember", "复查人")
    recheck_result = f.choice("复查结果", RECHECK_RESULT)
    __rules__ = (
        required_if("renovation_application", equals("target_type", "renovation"), "装修整改须关联装修申请",
                    "Link the renovation application"),
        required_if("unit", equals("target_type", "occupant"), "业户违章须填写房号", "Give the unit"),
        required_if("contractor", equals("target_type", "outsourced"), "请选择外判服务商", "Choose the contractor"),
        required_if("department", equals("target_type", "department"), "请选择责任部门", "Choose the department"),
        Rule("deadline", lambda d: d.get("deadline") is None or d.get("issued_at") is None
             or d["deadline"] > d["issued_at"], "整改期限须晚于发出时间", "The deadline must be after issue"),
        Rule("recipient_signed_at", lambda d: bool(d.get("recipient_signed_at") or d.get("refused_to_sign")),
             "须记录签收时间或注明拒签", "Record the signature or the refusal"),
        required_if("recipient_name", lambda d: d.get("recipient_signed_at"), "请填写签收人", "Give who signed"),
        required_if("witness", lambda d: d.get("refused_to_sign"), "拒签须有见证人", "A refusal needs a witness"),
        required_if("recheck_at", lambda d: d.get("recheck_result"), "请填写复查时间", "Give when it was rechecked"),
        required_if("recheck_by", lambda d: d.get("recheck_result"), "请填写复查人", "Give who rechecked"),
    )

    def before_save(self):
        """Address a renovation notice to the application's unit, so lists and searches by unit find it."""
        if self.unit is None and self.renovation_application is not None:
            self.unit = self.renovation_application.unit


class WaterproofTest(FormRecord, db.Model):
    """6.27 闭水试验确认书: the ponding test of the wet areas, confirmed from above and below."""

    __form__ = Form("6.27", "闭水试验确认书", "Ponding (water-tightness) test confirmation", "renovation",
                    "certificate")
    __sections__ = (
        (("试验", "Test"), ("renovation_application", "stage", "area_bathroom", "area_kitchen", "area_balcony",
                          "water_depth_mm", "start_at", "end_at")),
        (("检查结果", "Result"), ("downstairs_unit", "downstairs_checked", "result", "leak_description")),
        (("签字确认", "Signatures"), ("owner_signer_name", "contractor_signer_name", "inspector", "confirmed_at")),
    )
    __signatures__ = ("装修人", "施工单位", "物业验收人")  # who signs the paper
    __list__ = ("serial_no", "renovation_application", "stage", "start_at", "end_at", "result", "inspector")
    __search__ = ("serial_no", "owner_signer_name", "contractor_signer_name", "leak_description")
    renovation_application_id, renovation_application = f.ref("RenovationApplication", "装修申请", required=True)
    area_bathroom = f.flag("试验部位:卫生间")
    area_kitchen = f.flag("试验部位:厨房")
    area_balcony = f.flag("试验部位:阳台/露台")
    stage = f.choice("试验阶段", TEST_STAGE, required=True, default="membrane")
    water_depth_mm = f.count("蓄水深度(mm)", required=True)
    start_at = f.when("蓄水开始", required=True)
    end_at = f.when("蓄水结束", required=True)
    downstairs_unit_id, downstairs_unit = f.ref("Unit", "楼下单元", required=True)
    downstairs_checked = f.flag("楼下已检查")
    result = f.choice("结果", PASS_FAIL, required=True, demo=["pass", "pass", "pass", "fail"])  # most tests pass
    leak_description = f.long_text("渗漏情况", demo=["楼下卫生间天花排水管根部渗水", "地漏周边有水渍",
                                                     "楼下厨房墙角潮湿", "门槛石下方渗水"])
    owner_signer_name = f.text("装修人签字", 40, required=True, demo=NAMES)
    contractor_signer_name = f.text("施工方签字", 40, required=True, demo=SITE_MANAGERS)
    inspector_id, inspector = f.ref("StaffMember", "物业(工程部)确认人", required=True)
    confirmed_at = f.when("确认时间", required=True)
    __rules__ = (
        Rule("area_bathroom", lambda d: any(d.get(k) for k in ("area_bathroom", "area_kitchen", "area_balcony")),
             "请至少选择一个试验部位", "Choose at least one area"),
        date_order("start_at", "end_at"),
        required_if("leak_description", equals("result", "fail"), "不合格须写明渗漏情况", "Describe the leak"),
    )


class RenovationCompletionInspection(FormRecord, db.Model):
    """6.28 装修竣工检查申请表: the request for the final check and its result, which starts the refund clock."""

    __form__ = Form("6.28", "装修竣工检查申请表", "Renovation completion inspection application", "renovation",
                    "application")
    __sections__ = (
        (("竣工申请", "Application"), ("renovation_application", "applied_at", "applicant_name", "actual_finish_on",
                                   "waterproof_test")),
        (("竣工检查", "Inspection"), ("inspection_at", "lead_inspector", "other_inspectors", "items", "result",
                                  "damage_deduction")),
        (("签字与批准", "Signatures and approval"), ("owner_signer_name", "approved_by")),
    )
    __list__ = ("serial_no", "renovation_application", "applied_at", "actual_finish_on", "inspection_at", "result",
                "refund_eligible_on")
    __search__ = ("serial_no", "applicant_name", "other_inspectors")
    renovation_application_id, renovation_application = f.ref("RenovationApplication", "装修申请", required=True)
    applied_at = f.when("申请时间", required=True)
    applicant_name = f.text("申请人", 40, required=True, demo=NAMES)
    actual_finish_on = f.day("实际完工日期", required=True)
    waterproof_test_id, waterproof_test = f.ref("WaterproofTest", "闭水试验确认书")
    inspection_at = f.when("检查时间")
    lead_inspector_id, lead_inspector = f.ref("StaffMember", "检查人(工程部)")
    other_inspectors = f.text("其他检查人", 100, demo=["客服助理 李敏", "物业助理 黄磊", "客服主管 陈静"])
    items = f.lines("CompletionCheckItem", "检查项目")
    result = f.choice("检查结论", COMPLETION_RESULT)
    damage_deduction = f.money("损坏扣款")
    refund_eligible_on = f.day("可退保证金日期", readonly=True)
    owner_signer_name = f.text("装修人签字", 40, demo=NAMES)
    approved_by_id, approved_by = f.ref("StaffMember", "批准人", later=True)
    __rules__ = (
        required_if("waterproof_test", linked("renovation_application", "involves_waterproofing"),
                    "涉及防水施工须关联闭水试验确认书", "Link the ponding test"),
        Rule("waterproof_test", lambda d: getattr(d.get("waterproof_test"), "result", "pass") == "pass",
             "闭水试验须合格", "The ponding test must have passed"),
        date_order("applied_at", "inspection_at"),
        required_if("inspection_at", lambda d: d.get("result"), "请填写检查时间", "Give when it was inspected"),
        required_if("lead_inspector", lambda d: d.get("result"), "请填写检查人", "Give who inspected"),
        required_if("approved_by", equals("result", "passed"), "合格须有批准人", "A pass needs an approver"),
    )

    def before_save(self):
        """Start the observation period on the day the unit passed."""
        passed = self.result == "passed" and self.inspection_at is not None
        self.refund_eligible_on = (_local_day(self.inspection_at) + timedelta(days=OBSERVATION_DAYS)
                                   if passed else None)


class CompletionCheckItem(LineItem, db.Model):
    """A checked point of the completion inspection."""

    parent_id, parent = f.parent("RenovationCompletionInspection", "items")
    item = f.choice("检查项目", COMPLETION_CHECK, required=True)
    result = f.choice("结果", PASS_FAIL, required=True, default="pass")
    note = f.text("说明", 200, demo=["烟感被吊顶遮挡", "楼道墙面有碰损", "装修垃圾未清运完毕", "出入证尚欠2张未交回"])
    __rules__ = (
        required_if("note", equals("result", "fail"), "不合格项须写明情况", "Describe what failed"),
    )


class RenovationResumption(FormRecord, db.Model):
    """6.29 装修单元复工申请表: a suspended renovation's request to resume work."""

    __form__ = Form("6.29", "装修单元复工申请表", "Renovation resumption application", "renovation", "application")
    __sections__ = (
        (("停工情况", "Suspension"), ("renovation_application", "suspension_reason", "rectification_notice",
                                  "suspended_on", "rectification_done")),
        (("复工申请", "Request"), ("planned_resume_on", "new_planned_end", "applicant_name")),
        (("审核", "Review"), ("reviewed_by", "decision", "decided_at", "resumed_on")),
    )
    __list__ = ("serial_no", "renovation_application", "suspension_reason", "suspended_on", "planned_resume_on",
                "decision", "resumed_on")
    __search__ = ("serial_no", "applicant_name", "rectification_done")
    renovation_application_id, renovation_application = f.ref("RenovationApplication", "装修申请", required=True)
    suspension_reason = f.choice("停工原因", SUSPENSION_REASON, required=True)
    rectification_notice_id, rectification_notice = f.ref("RectificationNotice", "整改通知单")
    suspended_on = f.day("停工日期", required=True)
    rectification_done = f.long_text("整改完成情况", demo=["已恢复承重墙原状并经设计单位确认", "燃气管道封包已拆除",
                                                          "装修垃圾已全部清运", "已补办全部工人出入证"])
    planned_resume_on = f.day("计划复工日期", required=True)
    new_planned_end = f.day("新计划完工日期")  # past the permit's end, an extension permit (6.20) comes first
    applicant_name = f.text("申请人签字", 40, required=True, demo=NAMES)
    reviewed_by_id, reviewed_by = f.ref("StaffMember", "审核人", later=True)
    decision = f.choice("审核结论", RESUMPTION_DECISION, later=True)
    decided_at = f.when("审核时间", later=True)
    resumed_on = f.day("实际复工日期")
    __rules__ = (
        required_if("rectification_notice", equals("suspension_reason", "ordered"), "责令停工须关联整改通知单",
                    "Link the rectification notice"),
        Rule("rectification_notice", lambda d: d.get("suspension_reason") != "ordered"
             or getattr(d.get("rectification_notice"), "recheck_result", "done") == "done",
             "整改通知单须复查为已整改", "The notice must be rechecked as rectified"),
        required_if("rectification_done", equals("suspension_reason", "ordered"), "请填写整改完成情况",
                    "Describe the rectification"),
        date_order("suspended_on", "planned_resume_on"),
        date_order("planned_resume_on", "new_planned_end"),
        date_order("suspended_on", "resumed_on"),
        required_if("reviewed_by", lambda d: d.get("decision"), "请填写审核人", "Give who decided"),
        required_if("decided_at", lambda d: d.get("decision"), "请填写审核时间", "Give when it was decided"),
    )
