"""业主与入伙: owner cards, move-in receipts, owner registration (6.3, 6.38, 6.40)."""
import re

import sqlalchemy as sa

from ..extensions import db
from ..i18n import Choices, text
from ..validators import is_plate
from ..workflow import Flow, sets, Transition
from ..models import fields as f
from ..models.base import LOCAL_TZ, Form, FormRecord, LineItem
from ..models.enums import GENDER, ID_TYPE
from ..models.lookups import RELATION, UnitOwner
from ..models.rules import Rule, equals, id_document, required_if
from ..models.types import utcnow

CARD_TYPE = Choices(owner_pass="业主证", access_card="门禁卡", access_lift_card="门禁电梯一体卡")
CARD_REASON = Choices(new="新办", reissue="补办(遗失)", replace="换卡(损坏)", cancel="注销")
CARDS_PER_APPLICATION = 4  # the per-household cap of the catalogue (config later; domain default 4)
CARD_STATES = Choices(submitted="已申请", approved="已批准", issued="已发卡", rejected="不予批准",
                      cancelled="已注销/撤销")
MOVE_IN_ITEM = Choices(owner_handbook="业主手册", user_manual="房屋使用说明书", quality_guarantee="房屋质量保证书",
                       keys="钥匙", access_card="业主卡/门禁卡", mailbox_key="信报箱钥匙", other="其他")
RESIDENCE_TYPE = Choices(owner_occupied="自住", rented="出租", vacant="空置", other="其他")
MEMBER_RELATION = Choices(spouse="配偶", child="子女", parent="父母", relative="其他亲属", tenant="租户",
                          domestic="家政人员")
PLATE_SEPARATORS = re.compile(r"[\s,,、;;/]+")


def _owner_type(data):
    return getattr(data.get("owner"), "owner_type", None)


def _line_values(data, lines, field):
    """One column over the submitted line items (dicts or objects); empty when the view sends none."""
    return [row.get(field) if isinstance(row, dict) else getattr(row, field, None) for row in data.get(lines) or ()]


def _all_checked(*flags):
    return lambda d: all(d.get(flag) for flag in flags)


def _owns_unit(card):
    """The owner named on the card is a current owner of the unit (catalogue 6.3)."""
    today = utcnow().astimezone(LOCAL_TZ).date()
    held = db.session.scalar(sa.select(UnitOwner.id).where(
        UnitOwner.unit_id == card.unit_id, UnitOwner.owner_id == card.owner_id, UnitOwner.start_on <= today,
        sa.or_(UnitOwner.end_on.is_(None), UnitOwner.end_on >= today)).limit(1))
    return [] if held else [text("所选业主不是该房号的现业主", "The owner does not currently own this unit")]


def _issuable(card):
    """A card number unique among the estate's issued cards, an expiry not already past, not a cancellation."""
    reasons = []
    if card.apply_reason == "cancel":
        reasons.append(text("注销申请不发卡", "A cancellation issues no card"))
    if not card.card_no:
        reasons.append(text("发卡须填写卡号", "Give the card number"))
    elif db.session.scalar(sa.select(OwnerCardApplication.serial_no).where(
            OwnerCardApplication.project_id == card.project_id, OwnerCardApplication.card_no == card.card_no,
            OwnerCardApplication.status == "issued", OwnerCardApplication.id != card.id).limit(1)):
        reasons.append(text(f"卡号{card.card_no}已发给其他持卡人", f"Card {card.card_no} is already issued"))
    if card.valid_until and card.valid_until < utcnow().astimezone(LOCAL_TZ).date():
        reasons.append(text("有效期已过,不能发卡", "The card would already have expired"))
    return reasons


@sets("approved_by")
def _sign_approval(card, user):
    card.approved_by = getattr(user, "staff", None)


@sets("issued_at")
def _stamp_issue(card, user):
    card.issued_at = utcnow()


class OwnerCardApplication(FormRecord, db.Model):
    """6.3 业主卡申请表: a request to issue, replace or cancel an owner pass or access card."""

    __form__ = Form("6.3", "业主卡申请表", "Owner card application", "owners", "application")
    __sections__ = (
        (("业主", "Owner"), ("unit", "owner")),
        (("持卡人", "Card holder"), ("holder_name", "holder_relation", "holder_resident", "holder_id_type",
                                  "holder_id_number", "holder_mobile")),
        (("办卡", "Card"), ("card_type", "apply_reason", "quantity", "fee_amount", "card_no", "valid_until")),
    )
    __signatures__ = ("申请人", "受理人", "客服主管")  # who signs the paper
    __list__ = ("serial_no", "unit", "holder_name", "holder_relation", "card_type", "apply_reason", "card_no",
                "status")
    __search__ = ("serial_no", "holder_name", "holder_mobile", "card_no")
    __flow__ = Flow(CARD_STATES, [
        Transition("approve", ("批准", "Approve"), ("submitted",), "approved", ("cs_supervisor",), guard=_owns_unit,
                   effect=_sign_approval, decision=True),
        Transition("reject", ("不予批准", "Reject"), ("submitted",), "rejected", ("cs_supervisor",),
                   needs_comment=True, decision=True, style="danger"),
        Transition("issue", ("发卡", "Issue"), ("approved",), "issued", ("front_desk",), guard=_issuable,
                   effect=_stamp_issue),
        Transition("cancel", ("注销/撤销", "Cancel"), ("submitted", "approved", "issued"), "cancelled",
                   ("front_desk",), needs_comment=True, style="secondary"),
    ], locked=("issued", "rejected", "cancelled"), limits={"submitted": 24})
    status = f.status(CARD_STATES, default="submitted")
    unit_id, unit = f.ref("Unit", "房号", required=True)
    owner_id, owner = f.ref("Owner", "业主", required=True)
    holder_name = f.text("持卡人", 40, required=True, demo=["王建国", "李秀英", "王小明", "张阿姨", "陈静"])
    holder_relation = f.choice("与业主关系", RELATION, required=True, default="self")
    holder_resident_id, holder_resident = f.ref("Resident", "住户档案")
    holder_id_type = f.choice("证件类型", ID_TYPE, required=True, default="cn_id")
    holder_id_number = f.id_number("证件号码", required=True)
    holder_mobile = f.mobile("手机", required=True)
    card_type = f.choice("卡类", CARD_TYPE, required=True, default="access_card")
    apply_reason = f.choice("办理类别", CARD_REASON, required=True, default="new")
    quantity = f.qty("数量", required=True, default=1)
    fee_amount = f.money("工本费")
    card_no = f.text("卡号", 32, index=True, demo=["MJ00012345", "MJ00012346", "YZ2024-0088", "MJ00020117"])
    valid_until = f.day("有效期至")
    approved_by_id, approved_by = f.ref("StaffMember", "审批", readonly=True)
    issued_at = f.when("发卡时间", readonly=True)
    __rules__ = (
        id_document("holder_id_type", "holder_id_number"),
        Rule("quantity", lambda d: d.get("quantity") is None or d["quantity"] <= CARDS_PER_APPLICATION,
             f"每户办卡不超过{CARDS_PER_APPLICATION}张", f"At most {CARDS_PER_APPLICATION} cards per household"),
        required_if("card_no", equals("apply_reason", "cancel"), "注销须填写卡号", "Give the card number to cancel"),
        required_if("valid_until", equals("holder_relation", "tenant"), "租户卡须填写有效期",
                    "A tenant's card needs an expiry date"),
        Rule("valid_until", lambda d: d.get("holder_relation") != "tenant" or not d.get("valid_until")
             or not getattr(d.get("holder_resident"), "lease_end", None)
             or d["valid_until"] <= d["holder_resident"].lease_end,
             "租户卡有效期不能超过租期", "A tenant's card cannot outlast the lease"),
    )


class MoveInReceipt(FormRecord, db.Model):
    """6.38 业主收楼物品资料签收单: what the owner brought, signed and took home at move-in."""

    __form__ = Form("6.38", "业主收楼物品资料签收单", "Owner move-in items & documents receipt", "owners", "certificate")
    __sections__ = (
        (("收楼", "Move-in"), ("unit", "owner", "handover_on", "handled_by")),
        (("委托办理", "By proxy"), ("is_proxy", "proxy_name", "proxy_id_type", "proxy_id_number", "has_proxy_letter")),
        (("业主提交资料", "Documents handed in"), ("doc_purchase_contract", "doc_id_copy", "doc_business_licence",
                                             "doc_legal_rep", "doc_move_in_notice", "doc_payment_receipts",
                                             "doc_photos")),
        (("签署文件", "Signed"), ("signed_management_rules", "signed_civility_pact", "signed_fire_safety",
                              "signed_service_agreement", "handover_form_signed")),
        (("物品资料签收", "Items received"), ("items", "fees_receipt_nos", "owner_signed_at")),
    )
    __signatures__ = ("业主", "经办人")  # who signs the paper
    __list__ = ("serial_no", "unit", "owner", "handover_on", "is_proxy", "handled_by", "owner_signed_at")
    __search__ = ("serial_no", "proxy_name", "fees_receipt_nos")
    unit_id, unit = f.ref("Unit", "房号", required=True)
    owner_id, owner = f.ref("Owner", "业主", required=True)
    handover_on = f.day("收楼日期", required=True)
    is_proxy = f.flag("委托办理")
    proxy_name = f.text("代理人", 40, demo=["王小明", "李华", "陈律师", "赵敏"])
    proxy_id_type = f.choice("代理人证件类型", ID_TYPE, default="cn_id")
    proxy_id_number = f.id_number("代理人证件号码")
    has_proxy_letter = f.flag("已收业主签章委托书")
    # 业主提交资料(验原件): one tick per document of S4-入伙
    doc_purchase_contract = f.flag("购房合同复印件")
    doc_id_copy = f.flag("身份证/护照复印件")
    doc_business_licence = f.flag("营业执照副本复印件")
    doc_legal_rep = f.flag("法人代表证明/授权书/公章样鉴")
    doc_move_in_notice = f.flag("接房通知书")
    doc_payment_receipts = f.flag("已缴款项收据")
    doc_photos = f.flag("1寸彩照")
    # 签署文件
    signed_management_rules = f.flag("业主临时管理规约")
    signed_civility_pact = f.flag("精神文明建设公约")
    signed_fire_safety = f.flag("区域防火责任书")
    signed_service_agreement = f.flag("前期物业服务协议")
    items = f.lines("MoveInItemLine", "发放物品资料")
    fees_receipt_nos = f.text("代收款项收据号", 200, demo=["SJ20240501、SJ20240502", "SJ20240613", "无"])
    handover_form_signed = f.flag("《接房手续书》方框(4)已签章")
    owner_signed_at = f.when("业主签收时间", required=True)
    handled_by_id, handled_by = f.ref("StaffMember", "经办人", required=True)
    __rules__ = (
        required_if("proxy_name", lambda d: d.get("is_proxy"), "委托办理须填写代理人", "Name the proxy"),
        required_if("proxy_id_number", lambda d: d.get("is_proxy"), "委托办理须填写代理人证件号码",
                    "Give the proxy's ID number"),
        id_document("proxy_id_type", "proxy_id_number"),
        Rule("has_proxy_letter", lambda d: not d.get("is_proxy") or d.get("has_proxy_letter"),
             "委托办理须提交业主签章的委托书", "A proxy needs the owner's signed authorisation"),
        Rule("doc_purchase_contract", _all_checked("doc_purchase_contract", "doc_move_in_notice",
                                                   "doc_payment_receipts"),
             "须验收购房合同复印件、接房通知书和已缴款项收据",
             "The purchase contract copy, move-in notice and payment receipts are required"),
        Rule("doc_id_copy", lambda d: _owner_type(d) == "company" or d.get("doc_id_copy"),
             "须收业主身份证/护照复印件", "The owner's ID copy is required"),
        Rule("doc_photos", lambda d: _owner_type(d) == "company" or d.get("doc_photos"),
             "须收业主及家庭成员1寸彩照", "Photos of the owner and household are required"),
        Rule("doc_business_licence", lambda d: _owner_type(d) != "company"
             or (d.get("doc_business_licence") and d.get("doc_legal_rep")),
             "单位业主须提交营业执照副本及法人代表证明/授权书/公章样鉴",
             "A company owner must bring its licence and legal-representative documents"),
        Rule("signed_management_rules", _all_checked("signed_management_rules", "signed_civility_pact",
                                                     "signed_fire_safety"),
             "业主须签署临时管理规约、精神文明建设公约和区域防火责任书",
             "The owner must sign the interim rules, the civility pact and the fire-safety letter"),
        Rule("items", lambda d: "items" not in d or "keys" in _line_values(d, "items", "item"),
             "发放清单须包含钥匙", "The hand-out list must include the keys"),
    )


class MoveInItemLine(LineItem, db.Model):
    """One item or document handed to the owner at move-in."""

    parent_id, parent = f.parent("MoveInReceipt", "items")
    item = f.choice("物品资料", MOVE_IN_ITEM, required=True)
    quantity = f.count("数量", required=True, default=1)
    remark = f.text("说明", 100, demo=["入户门钥匙3把", "含信报箱钥匙2把", "门禁卡2张", "已签收"])


class OwnerRegistration(FormRecord, db.Model):
    """6.40 业主资料登记表: the owner's and household's particulars, kept as the signed archive copy."""

    __form__ = Form("6.40", "业主资料登记表", "Owner registration form", "owners", "register")
    __sections__ = (
        (("房屋与业主", "Unit and owner"), ("unit", "owner", "owner_name", "gender", "id_type", "id_number")),
        (("联系方式", "Contact"), ("mobile", "backup_phone", "email", "mailing_address", "occupation", "employer")),
        (("居住与车辆", "Household"), ("residence_type", "members", "vehicle_plates")),
        (("紧急联系人", "Emergency contact"), ("emergency_contact_name", "emergency_contact_phone")),
        (("资料与同意", "Documents and consent"), ("id_copy_received", "photo_received", "privacy_consent_at",
                                              "registered_by")),
    )
    __list__ = ("serial_no", "unit", "owner_name", "gender", "mobile", "residence_type", "registered_by")
    __search__ = ("serial_no", "owner_name", "mobile", "emergency_contact_name", "vehicle_plates")
    unit_id, unit = f.ref("Unit", "栋号/房号", required=True)
    owner_id, owner = f.ref("Owner", "业主", required=True)
    owner_name = f.text("业主姓名", 40, required=True, demo=["王建国", "李秀英", "陈志强", "张丽", "刘洋"])
    gender = f.choice("性别", GENDER, required=True)
    id_type = f.choice("证件类型", ID_TYPE, required=True, default="cn_id")
    id_number = f.id_number("证件号码", required=True)
    mobile = f.mobile("手机", required=True)
    backup_phone = f.phone("备用电话")
    occupation = f.text("职业", 40, demo=["教师", "工程师", "个体经营", "公务员", "退休"])
    employer = f.text("工作单位", 100, demo=["市第一中学", "华为技术有限公司", "市人民医院", "自营", "无"])
    mailing_address = f.text("通讯地址", 200, demo=["本小区3栋1单元1502", "广州市天河区体育西路100号",
                                                   "深圳市南山区科技园南区8栋"])
    email = f.email("邮箱")
    residence_type = f.choice("居住情况", RESIDENCE_TYPE, required=True, default="owner_occupied")
    members = f.lines("HouseholdMemberLine", "家庭成员/住户")
    emergency_contact_name = f.text("紧急联系人", 40, required=True, demo=["王小明", "李芳", "陈伟", "张强"])
    emergency_contact_phone = f.phone("紧急联系电话", required=True)
    vehicle_plates = f.text("车辆(车牌,多个以逗号分隔)", 60, demo=["粤A12345", "粤B88D88, 粤AD12345", "湘A9K321"])
    # the paper copies go into the owner's file; 6.41 counts a registration complete with both
    id_copy_received = f.flag("已收身份证复印件")
    photo_received = f.flag("已收照片")
    privacy_consent_at = f.when("个人信息使用同意时间", required=True)
    registered_by_id, registered_by = f.ref("StaffMember", "登记人", required=True)
    __rules__ = (
        id_document("id_type", "id_number"),
        Rule("vehicle_plates", lambda d: not d.get("vehicle_plates") or all(
            is_plate(p) for p in PLATE_SEPARATORS.split(d["vehicle_plates"].strip()) if p),
             "车牌号格式不正确", "A plate number is not valid"),
        Rule("members", lambda d: d.get("residence_type") != "rented" or "members" not in d
             or "tenant" in _line_values(d, "members", "relation"),
             "出租须登记租户", "A rented unit needs its tenants listed"),
    )


class HouseholdMemberLine(LineItem, db.Model):
    """A family member, tenant or helper living in the registered unit."""

    parent_id, parent = f.parent("OwnerRegistration", "members")
    name = f.text("姓名", 40, required=True, demo=["王小明", "李秀英", "张阿姨", "陈静", "刘强"])
    relation = f.choice("关系", MEMBER_RELATION, required=True)
    id_type = f.choice("证件类型", ID_TYPE, default="cn_id")
    id_number = f.id_number("证件号码")
    mobile = f.mobile("手机")
    lease_end = f.day("租期至")
    __rules__ = (
        id_document("id_type", "id_number"),
        required_if("lease_end", equals("relation", "tenant"), "租户须填写租期", "A tenant needs a lease end"),
    )
