"""装修管理: the renovation application, its undertakings, permits and worker passes (6.16, 6.18–6.22, 6.55)."""
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from ..extensions import db
from ..i18n import Choices, text
from ..models import fields as f
from ..models.base import Form, FormRecord, LineItem
from ..models.enums import ID_TYPE, OCCUPANCY
from ..models.rules import Rule, date_order, equals, id_document, required_if
from ..models.types import local_today
from .flow import ENDED, RENOVATION_DOC, RENOVATION_FLOW, RENOVATION_STATE, WAITING, _logs, permits

APPLICANT_TYPE = Choices(owner="产权人", occupant="物业使用人")
CONSTRUCTION_MODE = Choices(contractor="委托装修企业", self_build="自行装修")
DECISION = Choices(approved="批准", returned="退回补正", rejected="不予批准")
SIGNER_ROLE = Choices(renovator="装修人", contractor="装修企业")
PERMIT_TYPE = Choices(initial="装修施工", extension="延期施工")
WORK_TYPE = Choices(common_area="公共区域施工", shop_fitout="商铺装修", advertising="广告安装",
                    air_conditioner="空调安装", utilities="管线/通信施工", developer_repair="开发商遗留工程维修",
                    other="其他")
TRADE = Choices(electrician_plumber="水电工", gas_fitter="燃气安装", mason="泥瓦工", carpenter="木工",
                painter="油漆工", labourer="杂工", other="其他")
UNDERTAKER_TYPE = Choices(occupant="业主/使用人", contractor="装修企业", developer="开发商/施工单位", other="其他")
COST_BEARER = Choices(undertaker="承诺人", property="物业", shared="分摊")
WORK_HOURS = "08:00–12:00, 14:00–18:00"  # domain default until each estate configures its own
WORK_HOURS_DEMO = [WORK_HOURS, "08:30–12:00, 14:30–18:00", "09:00–12:00, 14:00–17:30"]
NAMES = ["王建国", "李秀英", "陈志强", "刘芳", "张伟"]
SITE_MANAGERS = ["赵师傅", "孙建华", "周立明", "吴海涛", "郑国庆"]
RECEIPTS = ["SJ20240315001", "SJ20240402017", "SJ20240518009", "SJ20240620023"]


def linked(field, attr, *values):
    """A condition on a record the form links to, e.g. the application's construction mode."""
    def condition(d):
        value = getattr(d.get(field), attr, None)
        return value in values if values else bool(value)
    return condition


def accepted(field, zh="须确认此条款", en="This clause must be accepted"):
    """A clause the signer must tick: the undertaking means nothing without it."""
    return Rule(field, lambda d: bool(d.get(field)), zh, en)


def covers(flag):
    """A sensitive item ticked on the application needs its written undertaking here (R-RN6)."""
    return Rule(flag, lambda d: bool(d.get(flag)) or not getattr(d.get("renovation_application"), flag, False),
                "装修申请已勾选此项,须作书面承诺", "The application lists this item: an undertaking is required")


def _extends_previous(d):
    """An extension picks up the day after its previous permit ran out."""
    previous_end = getattr(d.get("previous_permit"), "valid_to", None)
    if d.get("permit_type") != "extension" or previous_end is None or d.get("valid_from") is None:
        return True
    return d["valid_from"] == previous_end + timedelta(days=1)


BY_CONTRACTOR = linked("renovation_application", "construction_mode", "contractor")


class RenovationApplication(FormRecord, db.Model):
    """6.16 装修申请表: an owner's or tenant's application to renovate a unit; it carries the renovation flow."""

    __form__ = Form("6.16", "装修申请表", "Renovation application", "renovation", "application")
    __sections__ = (
        (("房屋与申报人", "Unit and applicant"), ("unit", "owner", "applicant_type", "applicant_name", "applicant_id_type",
                                            "applicant_id_number", "applicant_mobile")),
        (("施工方", "Builder"), ("construction_mode", "contractor", "site_manager_name", "site_manager_mobile",
                              "workers_planned")),
        (("装修项目", "Works"), ("scope", "planned_start_on", "planned_end_on", "involves_waterproofing",
                             "involves_structural_change")),
        (("需书面承诺事项", "Items needing a written undertaking"), ("removes_guardrail", "moves_security_devices",
                                                              "encloses_drain_stacks", "encloses_gas_main")),
        (("申报资料与签收", "Documents and receipts"), ("documents", "rules_received_at", "agreement_signed_at")),
        (("审核与审批", "Review and approval"), ("drawings_signed_at", "reviewed_by", "engineering_opinion",
                                            "approved_by")),
    )
    __signatures__ = ("装修人", "施工负责人", "客服审核人", "批准人")  # who signs the paper
    __flow__ = RENOVATION_FLOW
    __list__ = ("serial_no", "unit", "applicant_name", "construction_mode", "contractor", "planned_start_on",
                "planned_end_on", "status")
    __search__ = ("serial_no", "applicant_name", "applicant_mobile", "site_manager_name", "scope")
    unit_id, unit = f.ref("Unit", "房号", required=True)
    owner_id, owner = f.ref("Owner", "产权人", required=True)
    applicant_type = f.choice("申报人类型", APPLICANT_TYPE, required=True, default="owner")
    applicant_name = f.text("装修人姓名", 40, required=True, demo=NAMES)
    applicant_id_type = f.choice("证件类型", ID_TYPE, required=True, default="cn_id")
    applicant_id_number = f.id_number("证件号码", required=True)
    applicant_mobile = f.mobile("装修人手机", required=True)
    construction_mode = f.choice("施工方式", CONSTRUCTION_MODE, required=True, default="contractor")
    contractor_id, contractor = f.ref("Contractor", "装修企业")
    site_manager_name = f.text("装修施工负责人", 40, required=True, demo=SITE_MANAGERS)
    site_manager_mobile = f.mobile("施工负责人手机", required=True)
    documents = f.lines("RenovationDocument", "申报资料")
    scope = f.long_text("装修项目及内容", required=True, demo=[
        "全屋水电改造,厨卫重新做防水,客厅铺木地板", "客厅吊顶,墙面刷乳胶漆,更换室内门",
        "卫生间改造,更换洁具,阳台封窗", "厨房橱柜更换,地面重铺瓷砖", "安装空调及新风系统,卧室铺木地板"])
    involves_waterproofing = f.flag("涉及防水/厨卫施工")  # then a passed 6.27 test is due before 6.28
    involves_structural_change = f.flag("涉及主体/承重结构变动")
    removes_guardrail = f.flag("拆除安全防护栏")
    moves_security_devices = f.flag("移动可视电话/红外监视器/煤气报警器")
    encloses_drain_stacks = f.flag("遮挡包裹雨污排水主管")
    encloses_gas_main = f.flag("遮挡封闭燃气主管道及燃气表")
    planned_start_on = f.day("计划开工", required=True)
    planned_end_on = f.day("计划完工", required=True)
    workers_planned = f.count("施工人数")
    rules_received_at = f.when("禁止行为及注意事项签收时间", required=True)
    agreement_signed_at = f.when("《装修管理服务协议》签订时间", required=True)
    drawings_signed_at = f.when("设计图纸签字确认时间", later=True)  # signed on the reviewed drawings, so after review
    reviewed_by_id, reviewed_by = f.ref("StaffMember", "客服审核人", later=True)
    engineering_opinion = f.long_text("工程部意见", later=True, demo=[
        "方案可行,同意施工", "卫生间防水须做闭水试验后方可铺贴", "不得拆改承重墙,请修改图纸后再报",
        "空调外机须按指定位置安装"])
    approved_by_id, approved_by = f.ref("StaffMember", "批准人", later=True)
    decision = f.choice("审批结论", DECISION, readonly=True)  # set with its time and decider by the flow
    decided_at = f.when("审批时间", readonly=True)
    deposit_refund = f.money("退还保证金", readonly=True)
    fee_receipt_no = f.text("缴费收据号", 40, readonly=True)  # filled by the pay step; the permit (6.20) must match it
    occupancy_before = f.choice("装修前房屋状态", OCCUPANCY, readonly=True)  # what the unit goes back to (R13)
    suspended_at = f.when("最近停工时间", readonly=True)  # a resumption (6.29) must come after it (R9)
    extensions_approved = f.count("已批准延期次数", readonly=True, default=0)  # each extension permit is approved once
    status = f.status(RENOVATION_STATE, default="draft")
    __rules__ = (
        id_document("applicant_id_type", "applicant_id_number"),
        date_order("planned_start_on", "planned_end_on"),
        required_if("contractor", equals("construction_mode", "contractor"), "委托装修企业须选择装修企业",
                    "Choose the renovation company"),
        required_if("approved_by", lambda d: d.get("decision"), "有审批结论须填写批准人", "Give who decided"),
        required_if("decided_at", lambda d: d.get("decision"), "有审批结论须填写审批时间", "Give when it was decided"),
    )

    def __str__(self):
        return f"{self.serial_no or f'#{self.id}'} {self.unit or ''}".strip()

    def standing(self):
        """(state label, what the renovation waits for, in Chinese first) for the unit and application pages."""
        label = RENOVATION_STATE.label(self.status)
        if self.status not in WAITING:
            return label, []
        action, zh, en = WAITING[self.status]
        guard = RENOVATION_FLOW.transition(action).guard
        waiting = (guard(self) if guard else []) or [text(zh, en)]
        why = _logs(self, "return", "suspend")
        if self.status in ("returned", "suspended") and why and why[-1].comment:
            waiting.insert(0, text(f"原因:{why[-1].comment}", f"Why: {why[-1].comment}"))
        permit = (permits(self) or [None])[-1]
        if self.status in ("in_progress", "suspended") and permit is not None:
            expired = permit.valid_to < local_today()
            waiting.append(text(f"施工许可证有效期至{permit.valid_to}" + (",已超期,须办理延期" if expired else ""),
                                f"The permit runs to {permit.valid_to}" + (", overdue" if expired else "")))
        return label, waiting

    @classmethod
    def of_unit(cls, unit_id):
        """The unit's renovation not yet ended, else its latest one (None if it never had one)."""
        rows = db.session.scalars(sa.select(cls).filter_by(unit_id=unit_id).order_by(cls.id.desc())).all()
        return next((r for r in rows if r.status not in ENDED), rows[0] if rows else None)


class RenovationDocument(LineItem, db.Model):
    """A document handed in with the application (R-RN1–R-RN4, R-RN10)."""

    parent_id, parent = f.parent("RenovationApplication", "documents")
    doc_type = f.choice("资料类型", RENOVATION_DOC, required=True)
    provided = f.flag("已提交", default=True)
    verified_by_id, verified_by = f.ref("StaffMember", "核验人")


class RenovationGuarantee(FormRecord, db.Model):
    """6.18 装修保证书: the renovator's or company's guarantee, with the deposit and written undertakings."""

    __form__ = Form("6.18", "装修保证书", "Renovation guarantee letter", "renovation", "certificate")
    __sections__ = (
        (("保证人", "Guarantor"), ("renovation_application", "signer_role", "signer_name", "signer_id_card",
                                "contractor", "clause_version")),
        (("书面承诺事项", "Undertakings"), ("removes_guardrail", "moves_security_devices", "encloses_drain_stacks",
                                      "encloses_gas_main")),
        (("保证金与签署", "Deposit and signing"), ("deposit_amount", "deduction_terms_accepted", "signed_on",
                                             "witness_staff")),
    )
    __signatures__ = ("装修人", "装修企业")  # who signs the paper
    __list__ = ("serial_no", "renovation_application", "signer_role", "signer_name", "deposit_amount", "signed_on",
                "witness_staff")
    __search__ = ("serial_no", "signer_name")
    renovation_application_id, renovation_application = f.ref("RenovationApplication", "装修申请", required=True)
    signer_role = f.choice("保证人身份", SIGNER_ROLE, required=True, default="renovator")
    signer_name = f.text("保证人", 100, required=True, demo=NAMES + ["广州美居装饰工程有限公司"])
    signer_id_card = f.id_card("保证人身份证号")
    contractor_id, contractor = f.ref("Contractor", "装修企业")
    clause_version = f.text("条款版本", 40, required=True, default="2024版", demo=["2024版", "2023版", "2024修订版"])
    removes_guardrail = f.flag("承诺:拆除安全防护栏")
    moves_security_devices = f.flag("承诺:移动可视电话/红外监视器/煤气报警器")
    encloses_drain_stacks = f.flag("承诺:遮挡包裹雨污排水主管")
    encloses_gas_main = f.flag("承诺:遮挡封闭燃气主管道及燃气表")
    deposit_amount = f.money("装修保证金(履约金)", required=True)
    deduction_terms_accepted = f.flag("同意违约扣款/赔偿")
    signed_on = f.day("签署日期", required=True)
    witness_staff_id, witness_staff = f.ref("StaffMember", "经办人", required=True)
    __rules__ = (
        required_if("signer_id_card", equals("signer_role", "renovator"), "装修人须填写身份证号",
                    "The renovator's ID number is required"),
        required_if("contractor", equals("signer_role", "contractor"), "装修企业保证须选择装修企业",
                    "Choose the renovation company"),
        covers("removes_guardrail"), covers("moves_security_devices"), covers("encloses_drain_stacks"),
        covers("encloses_gas_main"),
        accepted("deduction_terms_accepted"),
    )


class RenovationSafetyUndertaking(FormRecord, db.Model):
    """6.19 房屋装修工程、防水工程质量、防火安全承诺书: warranty, waterproofing and fire-safety undertakings."""

    __form__ = Form("6.19", "房屋装修工程、防水工程质量、防火安全承诺书",
                    "Undertaking on renovation works, waterproofing quality and fire safety", "renovation",
                    "certificate")
    __sections__ = (
        (("签署人", "Signers"), ("renovation_application", "owner_signer_name", "contractor_signer_name", "signed_on")),
        (("防水工程", "Waterproofing"), ("wet_kitchen", "wet_bathroom", "wet_balcony", "waterproof_warranty_years",
                                     "general_warranty_years", "leak_liability_accepted")),
        (("结构与防火安全", "Structure and fire safety"), ("structure_gas_water_clause", "extinguishers_committed",
                                                    "hot_work_clause", "no_smoking_no_flammables_clause")),
    )
    __signatures__ = ("装修人", "施工单位")  # who signs the paper
    __list__ = ("serial_no", "renovation_application", "owner_signer_name", "contractor_signer_name",
                "waterproof_warranty_years", "extinguishers_committed", "signed_on")
    __search__ = ("serial_no", "owner_signer_name", "contractor_signer_name")
    renovation_application_id, renovation_application = f.ref("RenovationApplication", "装修申请", required=True)
    owner_signer_name = f.text("装修人签字", 40, required=True, demo=NAMES)
    contractor_signer_name = f.text("施工单位签字人", 40, demo=SITE_MANAGERS)
    wet_kitchen = f.flag("防水部位:厨房")
    wet_bathroom = f.flag("防水部位:卫生间")
    wet_balcony = f.flag("防水部位:阳台/露台")
    waterproof_warranty_years = f.integer("防渗漏保修年限", low=5, required=True, default=5)
    general_warranty_years = f.integer("装修工程保修年限", low=2, required=True, default=2)
    leak_liability_accepted = f.flag("渗漏致邻户损失由装修人承担")
    structure_gas_water_clause = f.flag("不破坏结构/不遮挡燃气/不拆接共用管线")
    extinguishers_committed = f.count("配备灭火器数量", required=True, default=2)
    hot_work_clause = f.flag("动火须办理临时动火作业申请")
    no_smoking_no_flammables_clause = f.flag("现场禁烟、易燃物限量存放")
    signed_on = f.day("签署日期", required=True)
    __rules__ = (
        required_if("contractor_signer_name", BY_CONTRACTOR, "委托装修企业的须由施工单位签字",
                    "The renovation company must sign"),
        accepted("leak_liability_accepted"),
        accepted("structure_gas_water_clause"),
        accepted("hot_work_clause"),
    )


class RenovationPermit(FormRecord, db.Model):
    """6.20 装修/延期施工许可证: the permit posted at the door, issued against the fee receipt; one row per extension."""

    __form__ = Form("6.20", "装修/延期施工许可证", "Renovation / extension works permit", "renovation", "certificate")
    __sections__ = (
        (("许可证", "Permit"), ("renovation_application", "permit_type", "previous_permit", "valid_from", "valid_to",
                             "work_hours", "scope_summary")),
        (("施工单位", "Builder"), ("contractor", "site_manager_name", "site_manager_mobile")),
        (("缴费与延期", "Fees and extension"), ("fee_receipt_no", "extension_reason", "extension_fee")),
        (("发证与吊销", "Issue and revocation"), ("issued_by", "issued_at", "revoked_at", "revoke_reason")),
    )
    __signatures__ = ("装修人", "施工单位", "发证人")  # who signs the paper
    __list__ = ("serial_no", "renovation_application", "permit_type", "valid_from", "valid_to", "contractor",
                "issued_at", "revoked_at")
    __search__ = ("serial_no", "fee_receipt_no", "site_manager_name", "scope_summary")
    renovation_application_id, renovation_application = f.ref("RenovationApplication", "装修申请", required=True)
    permit_type = f.choice("类型", PERMIT_TYPE, required=True, default="initial")
    # f.ref cannot pass remote_side, which a self-reference needs to be many-to-one
    previous_permit_id = sa.Column(sa.Integer, sa.ForeignKey("renovation_permits.id"), index=True,
                                   info=dict(label="原许可证", en=None, kind="ref", target="RenovationPermit",
                                             validators=[]))
    previous_permit = relationship("RenovationPermit", foreign_keys=[previous_permit_id],
                                   remote_side="RenovationPermit.id",
                                   info=dict(label="原许可证", en=None, target="RenovationPermit"))
    valid_from = f.day("有效期自", required=True)
    valid_to = f.day("有效期至", required=True)
    work_hours = f.text("准许施工时间", 60, required=True, default=WORK_HOURS, demo=WORK_HOURS_DEMO)
    scope_summary = f.long_text("施工内容", required=True, demo=[
        "水电改造、厨卫防水、地面铺贴", "吊顶、墙面乳胶漆、木门安装", "卫生间改造及阳台封窗", "橱柜安装、地面瓷砖铺贴"])
    contractor_id, contractor = f.ref("Contractor", "施工单位")
    site_manager_name = f.text("施工负责人", 40, demo=SITE_MANAGERS)
    site_manager_mobile = f.mobile("负责人手机")
    fee_receipt_no = f.text("缴费收据号", 40, required=True, demo=RECEIPTS)
    extension_reason = f.long_text("延期原因", demo=["材料到货延误", "业主变更设计方案", "春节停工顺延",
                                                    "整改停工后顺延工期"])
    extension_fee = f.money("延期费")
    issued_by_id, issued_by = f.ref("StaffMember", "发证人", required=True)
    issued_at = f.when("发证时间", required=True)
    revoked_at = f.when("吊销时间")
    revoke_reason = f.long_text("吊销原因", demo=["违规拆改承重墙,责令停工", "整改逾期未完成", "无证人员施工屡教不改"])
    __rules__ = (
        date_order("valid_from", "valid_to"),
        required_if("previous_permit", equals("permit_type", "extension"), "延期须选择原许可证",
                    "An extension needs the previous permit"),
        required_if("extension_reason", equals("permit_type", "extension"), "延期须填写原因",
                    "An extension needs a reason"),
        required_if("extension_fee", equals("permit_type", "extension"), "延期须填写延期费",
                    "An extension needs its fee"),
        Rule("valid_from", _extends_previous, "延期许可证须从原许可证到期次日起算",
             "An extension starts the day after the previous permit ends"),
        required_if("contractor", BY_CONTRACTOR, "委托装修企业的须填写施工单位", "Choose the renovation company"),
        required_if("revoke_reason", lambda d: d.get("revoked_at"), "吊销须填写原因", "Give the reason for revoking"),
    )


class ConstructionPermit(FormRecord, db.Model):
    """6.21 施工许可证: a permit for works other than a unit's renovation (common areas, shops, signs, air-con)."""

    __form__ = Form("6.21", "施工许可证", "Construction permit (works other than unit renovation)", "renovation",
                    "certificate")
    __sections__ = (
        (("施工", "Works"), ("work_type", "building", "location", "public_area", "valid_from", "valid_to", "work_hours",
                           "workers_count")),
        (("申请与施工单位", "Applicant and builder"), ("applicant_name", "contractor", "site_manager_name",
                                                "site_manager_mobile")),
        (("安全与费用", "Safety and fees"), ("safety_measures", "hot_work_required", "deposit_amount", "fee_receipt_no")),
        (("审批与完工检查", "Approval and completion"), ("approved_by", "issued_at", "completion_checked_by",
                                                  "completed_at")),
    )
    __signatures__ = ("施工单位", "批准人")  # who signs the paper
    __list__ = ("serial_no", "work_type", "location", "contractor", "valid_from", "valid_to", "hot_work_required",
                "issued_at")
    __search__ = ("serial_no", "applicant_name", "location", "site_manager_name", "site_manager_mobile")
    work_type = f.choice("施工类别", WORK_TYPE, required=True)
    building_id, building = f.ref("Building", "楼栋")
    location = f.text("部位", 100, demo=["3栋1单元大堂", "地下车库B区", "南门广场", "12栋外墙", "会所二楼"])
    public_area_id, public_area = f.ref("PublicArea", "公共区域")
    applicant_name = f.text("申请单位", 100, required=True, demo=[
        "华景地产售后部", "好又多便利店", "中国电信天河分公司", "美的空调安装服务部", "业主委员会"])
    contractor_id, contractor = f.ref("Contractor", "施工单位", required=True)
    site_manager_name = f.text("现场负责人", 40, required=True, demo=SITE_MANAGERS)
    site_manager_mobile = f.mobile("负责人手机", required=True)
    valid_from = f.day("有效期自", required=True)
    valid_to = f.day("有效期至", required=True)
    work_hours = f.text("施工时间", 60, required=True, default=WORK_HOURS, demo=WORK_HOURS_DEMO)
    workers_count = f.count("施工人数", required=True)
    safety_measures = f.long_text("安全措施(围挡/警示牌)", required=True, demo=[
        "施工区域设围挡及警示牌,专人看护", "高空作业系安全带,下方设警戒线", "夜间设警示灯,材料堆放整齐",
        "施工区域铺设保护垫,电梯加装防护"])
    hot_work_required = f.flag("是否动火")  # then a 6.57 permit per day of hot work
    deposit_amount = f.money("押金")
    fee_receipt_no = f.text("收据号", 40, demo=RECEIPTS)
    approved_by_id, approved_by = f.ref("StaffMember", "批准人", required=True)
    issued_at = f.when("发证时间", required=True)
    completion_checked_by_id, completion_checked_by = f.ref("StaffMember", "完工检查人")
    completed_at = f.when("完工检查时间")
    __rules__ = (
        date_order("valid_from", "valid_to"),
        Rule("location", lambda d: any(d.get(k) for k in ("building", "location", "public_area")),
             "请填写楼栋、部位或公共区域之一", "Give a building, a location or a common area"),
        required_if("completed_at", lambda d: d.get("completion_checked_by"), "请填写完工检查时间",
                    "Give when the completion was checked"),
    )


class RenovationWorkerPass(FormRecord, db.Model):
    """6.22 装修工作证申请表: a batch of temporary passes, one per worker on their own ID (R-RN11)."""

    __form__ = Form("6.22", "装修工作证申请表", "Renovation worker pass application", "renovation", "application")
    __signatures__ = ("申请人", "施工单位", "审批人")  # who signs the paper
    __list__ = ("serial_no", "renovation_application", "contractor", "applied_by_name", "approved_by", "issued_at",
                "settled_at")
    __search__ = ("serial_no", "applied_by_name")
    renovation_application_id, renovation_application = f.ref("RenovationApplication", "装修申请", required=True)
    contractor_id, contractor = f.ref("Contractor", "施工单位")
    applied_by_name = f.text("申请人(施工负责人)", 40, required=True, demo=SITE_MANAGERS)
    workers = f.lines("WorkerPassLine", "工人明细")
    approved_by_id, approved_by = f.ref("StaffMember", "审批人", required=True)
    issued_at = f.when("发证时间", required=True)
    settled_at = f.when("结算(退押金)时间")
    __rules__ = (
        required_if("contractor", BY_CONTRACTOR, "委托装修企业的须填写施工单位", "Choose the renovation company"),
    )


class WorkerPassLine(LineItem, db.Model):
    """One worker's pass: the holder's own ID, trade, fee and deposit, and when it came back."""

    parent_id, parent = f.parent("RenovationWorkerPass", "workers")
    worker_name = f.text("姓名", 40, required=True, demo=["李大勇", "王小军", "陈阿明", "黄德福", "杨春生"])
    id_number = f.id_card("身份证号", required=True)
    mobile = f.mobile("手机")
    trade = f.choice("工种", TRADE, required=True)
    skill_cert_no = f.text("技能证书号", 40, demo=["T440106198503120011", "DG2021-08831", "RQ-2022-0456"])
    pass_no = f.text("出入证号", 20, demo=["ZX0001", "ZX0002", "ZX0015", "ZX0108"])
    valid_to = f.day("有效期至")
    fee = f.money("工本费")
    pass_deposit = f.money("证件押金")
    returned_at = f.when("交回时间")
    __rules__ = (
        required_if("skill_cert_no", equals("trade", "electrician_plumber", "gas_fitter"),
                    "水电、燃气安装人员须填写技能证书号", "Electricians, plumbers and gas fitters need a certificate"),
    )


class RepairUndertaking(FormRecord, db.Model):
    """6.55 修缮责任承诺书: a party's undertaking to repair stated damage by a deadline at its cost."""

    __form__ = Form("6.55", "修缮责任承诺书", "Repair responsibility undertaking", "renovation", "certificate")
    __sections__ = (
        (("承诺人", "Undertaker"), ("undertaker_type", "undertaker_name", "undertaker_id_type", "undertaker_id_number",
                                 "undertaker_uscc")),
        (("损坏与修缮", "Damage and repair"), ("unit", "location", "renovation_application", "affected_owner",
                                          "damage_description", "repair_scope", "deadline")),
        (("费用与条款", "Costs and terms"), ("cost_bearer", "estimated_cost", "default_clause_accepted", "signed_on")),
        (("完成验证", "Verification"), ("verified_by", "completion_verified_at")),
    )
    __signatures__ = ("承诺人", "物业")  # who signs the paper
    __list__ = ("serial_no", "undertaker_type", "undertaker_name", "unit", "deadline", "cost_bearer",
                "completion_verified_at")
    __search__ = ("serial_no", "undertaker_name", "location", "damage_description")
    undertaker_type = f.choice("承诺人类型", UNDERTAKER_TYPE, required=True, default="occupant")
    undertaker_name = f.text("承诺人", 100, required=True, demo=NAMES + ["广东建安工程有限公司"])
    undertaker_id_type = f.choice("证件类型", ID_TYPE, default="cn_id")
    undertaker_id_number = f.id_number("证件号码")
    undertaker_uscc = f.uscc("统一社会信用代码")
    unit_id, unit = f.ref("Unit", "房号")
    location = f.text("部位", 100, demo=["卫生间楼板", "楼下住户厨房天花", "公共走廊墙面", "电梯轿厢", "外墙窗台"])
    renovation_application_id, renovation_application = f.ref("RenovationApplication", "关联装修申请")
    damage_description = f.long_text("损坏/缺陷情况", required=True, demo=[
        "卫生间防水层破损,导致楼下天花渗水", "搬运材料刮花电梯轿厢不锈钢面板", "施工碰坏公共走廊墙砖三块",
        "外墙窗台开裂渗水"])
    repair_scope = f.long_text("修缮内容及标准", required=True, demo=[
        "重做卫生间防水并闭水试验48小时合格,修复楼下天花", "更换受损面板,恢复原样", "按原规格更换墙砖",
        "凿除开裂部位重新防水处理"])
    deadline = f.day("完成期限", required=True)
    cost_bearer = f.choice("费用承担", COST_BEARER, required=True, default="undertaker")
    estimated_cost = f.money("估算费用")
    affected_owner_id, affected_owner = f.ref("Owner", "受影响业主(如楼下)")
    default_clause_accepted = f.flag("逾期未修由物业代修并从保证金扣除")
    signed_on = f.day("签署日期", required=True)
    verified_by_id, verified_by = f.ref("StaffMember", "验证人")
    completion_verified_at = f.when("完成验证时间")
    __rules__ = (
        id_document("undertaker_id_type", "undertaker_id_number"),
        required_if("undertaker_id_number", equals("undertaker_type", "occupant"), "个人承诺人须填写证件号码",
                    "A person needs an ID number"),
        required_if("undertaker_uscc", equals("undertaker_type", "contractor", "developer"),
                    "单位承诺人须填写统一社会信用代码", "An organisation needs its unified social credit code"),
        Rule("location", lambda d: bool(d.get("unit") or d.get("location")), "请填写房号或部位",
             "Give a unit or a location"),
        date_order("signed_on", "deadline"),
        required_if("verified_by", lambda d: d.get("completion_verified_at"), "请填写验证人", "Give who verified"),
    )
