"""装修管理 (fire safety): temporary hot-work permits and fire-extinguisher rentals (6.57, 6.58; §4.7, §4.8)."""
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property

from ..extensions import db
from ..i18n import Choices, text
from ..workflow import Flow, Refused, Transition, move, sets
from ..models import fields as f
from ..models.base import LOCAL_TZ, Form, FormRecord, LineItem
from ..models.enums import RETURN_CONDITION
from ..models.lookups import EXTINGUISHER_TYPE
from ..models.rules import Rule, date_order, equals, not_more, required_if
from ..models.types import local_today, utcnow
from ..renovation.models import accepted
from ..renovation.works import NAMES, SITE_MANAGERS, _local_day

HOT_WORK_STATE = Choices(submitted="已申请", site_checked="已现场确认", approved="已批准", active="作业中",
                         completed="已完工", post_checked="已余火检查", closed="已关闭", rejected="不予批准",
                         expired="已过期", revoked="已撤销")
HOT_WORK_SOURCE = Choices(renovation="装修单元", construction="公共区域施工", internal="内部维修")
HOT_WORK_TYPE = Choices(electric_welding="电焊", gas_welding="气焊/气割", cutting="切割打磨",
                        open_flame="喷灯/明火烘烤", other="其他")
RENTAL_STATE = Choices(submitted="已申请", paid="已缴费", issued="已发放", returned="已归还", settled="已结算",
                       closed="已结案", lost="遗失")
EXTINGUISHER_SPEC = Choices(kg2=("2kg", "2 kg"), kg4=("4kg", "4 kg"), kg5=("5kg", "5 kg"), kg8=("8kg", "8 kg"))


HOT_WORK_WATCH = timedelta(minutes=30)  # smouldering watch after the work (§4.7 H6, domain default)
MIN_EXTINGUISHERS = 2  # on site before hot work (§4.7 H2, domain default)


def _stamp(by, at, keep=True):
    """An effect that records who took a step and when; `keep` leaves what the form already says."""

    def effect(record, user):
        if not keep or getattr(record, by) is None:
            setattr(record, by, getattr(user, "staff", None))
        if not keep or getattr(record, at) is None:
            setattr(record, at, utcnow())

    return sets(by, at)(effect)


def _site_ready(permit):
    """H2: combustibles cleared and enough extinguishers on site."""
    reasons = []
    if not (permit.combustibles_cleared and permit.extinguishers_ready):
        reasons.append(text("须清除周边可燃物并配备灭火器", "Clear the combustibles and bring extinguishers"))
    if (permit.extinguishers_on_site or 0) < MIN_EXTINGUISHERS:
        reasons.append(text(f"现场灭火器不少于{MIN_EXTINGUISHERS}具",
                            f"At least {MIN_EXTINGUISHERS} extinguishers on site"))
    return reasons


def _hot_work_approvable(permit):
    """H3: the site is still ready, a watcher other than the operator, a valid certificate, not yet started."""
    reasons = _site_ready(permit)
    if not permit.fire_watch_name or permit.fire_watch_name == permit.operator_name:
        reasons.append(text("须指定作业人以外的现场监护人", "Name a fire watcher other than the operator"))
    if permit.operator_cert_expiry < _local_day(permit.end_at):
        reasons.append(text("作业人操作证在动火当日已过期", "The operator's certificate expires before the work"))
    if permit.start_at <= utcnow():
        reasons.append(text("动火开始时间已过,须重新申请", "The work window has begun; apply again"))
    renovation = permit.renovation_application
    if permit.applicant_kind == "renovation" and renovation is not None and renovation.status != "in_progress":
        reasons.append(text(f"关联的装修{renovation.serial_no}不在施工中", f"Renovation {renovation.serial_no} is not under way"))
    return reasons


def _in_window(permit):
    if permit.start_at <= utcnow() <= permit.end_at:
        return []
    return [text("不在批准的动火时段内", "Outside the approved work window")]


def _watch_over(permit):
    if utcnow() >= permit.end_at + HOT_WORK_WATCH:
        return []
    return [text("动火结束后须监护满30分钟再检查余火", "Watch for 30 minutes after the work before the check")]


def _window_missed(permit):
    return [] if utcnow() > permit.end_at else [text("动火时段尚未结束", "The work window is still open")]


class HotWorkPermit(FormRecord, db.Model):
    """6.57 临时动火作业申请: a one-day, one-place permit for welding, cutting or open flame."""

    __form__ = Form("6.57", "临时动火作业申请", "Temporary hot-work application (permit)", "renovation",
                    "application")
    __sections__ = (
        (("动火作业", "Hot work"), ("applicant_kind", "renovation_application", "construction_permit", "work_type",
                                "location", "building", "unit", "start_at", "end_at")),
        (("作业人与监护人", "Operator and fire watch"), ("operator_name", "operator_id_number", "operator_cert_no",
                                                  "operator_cert_expiry", "fire_watch_name", "fire_watch_mobile")),
        (("防火措施", "Precautions"), ("combustibles_cleared", "extinguishers_ready", "fire_blanket_used",
                                   "detectors_isolated", "ventilated", "no_flammable_gas", "extinguishers_on_site",
                                   "fire_extinguisher_rental")),
        (("确认与批准", "Check and approval"), ("site_checked_by", "site_checked_at", "approved_by", "approved_at")),
        (("余火检查", "Post-work check"), ("post_check_by", "post_check_at")),
    )
    __signatures__ = ("申请人", "动火人", "监护人", "审批人")  # who signs the paper
    __flow__ = Flow(HOT_WORK_STATE, [  # §4.7
        Transition("site_check", ("现场确认", "Site checked"), ("submitted",), "site_checked",
                   ("engineering", "security"), guard=_site_ready, effect=_stamp("site_checked_by", "site_checked_at")),
        Transition("approve", ("批准动火", "Approve"), ("site_checked",), "approved", ("cs_manager",),
                   guard=_hot_work_approvable, effect=_stamp("approved_by", "approved_at", keep=False), decision=True),
        Transition("reject", ("不予批准", "Reject"), ("submitted", "site_checked"), "rejected", ("cs_manager",),
                   needs_comment=True, decision=True, style="danger"),
        Transition("start", ("开始作业", "Start"), ("approved",), "active", ("security", "engineering"),
                   guard=_in_window),
        Transition("revoke", ("停止作业", "Revoke"), ("active",), "revoked", ("security", "engineering"),
                   needs_comment=True, style="danger"),
        Transition("complete", ("作业完毕", "Work done"), ("active",), "completed", ("security",)),
        Transition("post_check", ("余火检查", "Post-work check"), ("completed",), "post_checked", ("security",),
                   guard=_watch_over, effect=_stamp("post_check_by", "post_check_at")),
        Transition("close", ("关闭", "Close"), ("post_checked",), "closed", ("security",), style="secondary"),
        Transition("expire", ("过期作废", "Expire"), ("approved",), "expired", ("front_desk",), guard=_window_missed,
                   style="secondary"),
    ], locked=("approved", "active", "completed", "post_checked", "closed", "rejected", "expired", "revoked"))
    __list__ = ("serial_no", "applicant_kind", "location", "work_type", "start_at", "end_at", "operator_name",
                "status")
    __search__ = ("serial_no", "location", "operator_name", "fire_watch_name", "fire_watch_mobile")
    applicant_kind = f.choice("申请来源", HOT_WORK_SOURCE, required=True, default="renovation")
    renovation_application_id, renovation_application = f.ref("RenovationApplication", "装修申请")
    construction_permit_id, construction_permit = f.ref("ConstructionPermit", "施工许可证")
    location = f.text("动火地点", 100, required=True, demo=["5栋2单元1201室厨房", "地下车库B区消防管道",
                                                        "会所屋面", "3栋设备层水泵房"])
    building_id, building = f.ref("Building", "楼栋")
    unit_id, unit = f.ref("Unit", "房号")
    work_type = f.choice("动火类型", HOT_WORK_TYPE, required=True)
    operator_name = f.text("作业人", 40, required=True, demo=["刘铁军", "何志明", "马建设", "邓永强"])
    operator_id_number = f.id_card("作业人身份证号", required=True)
    operator_cert_no = f.text("特种作业操作证号", 40, required=True, demo=[
        "T440106198203150017", "T440111197908220031", "T441900198812050056"])
    operator_cert_expiry = f.day("操作证有效期至", required=True)
    fire_watch_name = f.text("现场监护人", 40, required=True, demo=["黄国平", "林晓东", "谢文斌", "钟志华"])
    fire_watch_mobile = f.mobile("监护人手机", required=True)
    start_at = f.when("动火开始", required=True)
    end_at = f.when("动火结束", required=True)
    combustibles_cleared = f.flag("清除周边可燃物")
    extinguishers_ready = f.flag("配备灭火器")
    fire_blanket_used = f.flag("防火毯遮挡")
    detectors_isolated = f.flag("烟感临时隔离(须消控中心同意)")
    ventilated = f.flag("通风")
    no_flammable_gas = f.flag("动火点周围无易燃气体")
    extinguishers_on_site = f.count("现场灭火器数", required=True, default=2)
    fire_extinguisher_rental_id, fire_extinguisher_rental = f.ref("FireExtinguisherRental", "灭火器租用单")
    site_checked_by_id, site_checked_by = f.ref("StaffMember", "动火前现场确认人")
    site_checked_at = f.when("现场确认时间")
    approved_by_id, approved_by = f.ref("StaffMember", "批准人(客服主任/安全主管)", later=True)
    approved_at = f.when("批准时间", later=True)
    post_check_by_id, post_check_by = f.ref("StaffMember", "余火检查人")
    post_check_at = f.when("余火检查时间")
    status = f.status(HOT_WORK_STATE, default="submitted")
    __rules__ = (
        required_if("renovation_application", equals("applicant_kind", "renovation"), "装修动火须关联装修申请",
                    "Link the renovation application"),
        required_if("construction_permit", equals("applicant_kind", "construction"), "施工动火须关联施工许可证",
                    "Link the construction permit"),
        date_order("start_at", "end_at"),
        Rule("end_at", lambda d: d.get("start_at") is None or d.get("end_at") is None
             or _local_day(d["start_at"]) == _local_day(d["end_at"]), "动火须在同一天内", "Hot work must start and end the same day"),
        Rule("operator_cert_expiry", lambda d: d.get("operator_cert_expiry") is None or d.get("end_at") is None
             or d["operator_cert_expiry"] >= d["end_at"].date(), "操作证须在动火期间有效",
             "The operator's certificate must be valid on the work day"),
        Rule("fire_watch_name", lambda d: d.get("fire_watch_name") != d.get("operator_name")
             or not d.get("fire_watch_name"), "监护人不能是作业人本人", "The fire watcher cannot be the operator"),
        accepted("combustibles_cleared", "清除周边可燃物为必备措施", "Clearing combustibles is mandatory"),
        accepted("extinguishers_ready", "配备灭火器为必备措施", "Extinguishers on site are mandatory"),
        required_if("site_checked_at", lambda d: d.get("site_checked_by"), "请填写现场确认时间",
                    "Give when the site was checked"),
        required_if("site_checked_by", lambda d: d.get("approved_by"), "批准前须完成现场确认",
                    "The site must be checked before approval"),
        required_if("approved_at", lambda d: d.get("approved_by"), "请填写批准时间", "Give when it was approved"),
        Rule("approved_at", lambda d: d.get("approved_at") is None or d.get("start_at") is None
             or d["approved_at"] <= d["start_at"], "须在动火开始前批准", "Approval must come before the work starts"),
        required_if("post_check_by", lambda d: d.get("post_check_at"), "请填写余火检查人", "Give who checked"),
        date_order("end_at", "post_check_at"),
    )


SERVICE_YEARS = {"water": 6, "foam": 6, "abc_powder": 10, "co2": 12}  # retirement ages of GA 95-2015
AFTER_RETURN = {"intact": "in_place", "used_refill": "servicing", "damaged": "servicing", "lost": "scrapped"}


def _units_issuable(rental):
    """F3: as many distinct units as rented, each in place and within its service life."""
    reasons, units = [], [line.fire_extinguisher for line in rental.items]
    if len({unit.id for unit in units}) != rental.quantity:
        reasons.append(text(f"发放编号须为{rental.quantity}具不同的灭火器",
                            f"List {rental.quantity} different extinguishers"))
    today = utcnow().astimezone(LOCAL_TZ).date()
    for unit in units:
        years = SERVICE_YEARS.get(unit.extinguisher_type, 10)
        if unit.status != "in_place":
            reasons.append(text(f"灭火器{unit.asset_no}不在位", f"Extinguisher {unit.asset_no} is not available"))
        elif unit.produced_on and (today - unit.produced_on).days > years * 365.25:
            reasons.append(text(f"灭火器{unit.asset_no}已过报废年限", f"Extinguisher {unit.asset_no} is past its life"))
    return reasons


def _move_units(rental, user, target):
    """Each unit takes its own flow's step to `target`, logged with the rental; a refusal refuses the rental's step."""
    for line in rental.items:
        goal = target(line) if callable(target) else target
        reasons = move(line.fire_extinguisher, goal, user, text(f"灭火器租用{rental.serial_no}",
                                                                 f"Rental {rental.serial_no}"))
        if reasons:
            raise Refused(reasons)


@sets("issued_by", "issued_at")
def _hand_out(rental, user):
    _move_units(rental, user, "rented")
    _stamp("issued_by", "issued_at")(rental, user)


def _units_checked(rental):
    if rental.items and all(line.return_condition for line in rental.items):
        return []
    return [text("须逐具填写归还状况", "Record the condition of every extinguisher")]


@sets("returned_at")
def _take_back(rental, user):
    """F5: units go back in place, to refilling or repair, or are written off."""
    _move_units(rental, user, lambda line: AFTER_RETURN[line.return_condition])
    rental.returned_at = rental.returned_at or utcnow()


def _deducted(rental):
    """F6: used, damaged or lost units are charged, and the charge stays within the deposit."""
    reasons = []
    if any(line.return_condition != "intact" for line in rental.items) and not rental.deduction_amount:
        reasons.append(text("有已使用、损坏或遗失的灭火器,须填写扣款", "Charge for used, damaged or lost units"))
    if (rental.deduction_amount or 0) > rental.deposit_amount:
        reasons.append(text("扣款不能超过押金", "The deduction cannot exceed the deposit"))
    return reasons


def _write_off(rental, user):
    _move_units(rental, user, "scrapped")


class FireExtinguisherRental(FormRecord, db.Model):
    """6.58 灭火器租用申请表: extinguishers rented to a renovating unit or contractor, against a deposit."""

    __form__ = Form("6.58", "灭火器租用申请表", "Fire-extinguisher rental application", "renovation", "application")
    __sections__ = (
        (("申请人", "Applicant"), ("applicant_name", "applicant_mobile", "unit", "contractor",
                                "renovation_application")),
        (("租用", "Rental"), ("extinguisher_type", "spec", "quantity", "items", "rent_from", "rent_to", "rent_amount",
                            "deposit_amount")),
        (("发放与归还", "Issued and returned"), ("issued_by", "issued_at", "returned_at", "deduction_amount")),
    )
    __flow__ = Flow(RENTAL_STATE, [  # §4.8
        Transition("pay", ("已缴费", "Paid"), ("submitted",), "paid", ("cashier",)),
        Transition("issue", ("发放", "Issue"), ("paid",), "issued", ("front_desk", "security"),
                   guard=_units_issuable, effect=_hand_out),
        Transition("return", ("归还", "Returned"), ("issued",), "returned", ("security", "engineering"),
                   guard=_units_checked, effect=_take_back),
        Transition("settle", ("结算退押金", "Settle"), ("returned",), "settled", ("cashier",), guard=_deducted),
        Transition("close", ("结案", "Close"), ("settled",), "closed", ("cashier",), style="secondary"),
        Transition("lose", ("遗失", "Lost"), ("issued",), "lost", ("cs_supervisor",), needs_comment=True,
                   effect=_write_off, style="danger"),
    ], locked=("settled", "closed", "lost"))
    __list__ = ("serial_no", "applicant_name", "unit", "extinguisher_type", "quantity", "rent_to", "is_overdue",
                "status")
    __search__ = ("serial_no", "applicant_name", "applicant_mobile")
    applicant_name = f.text("申请人", 40, required=True, demo=NAMES + SITE_MANAGERS[:2])
    applicant_mobile = f.mobile("手机", required=True)
    unit_id, unit = f.ref("Unit", "房号")
    contractor_id, contractor = f.ref("Contractor", "施工单位")
    renovation_application_id, renovation_application = f.ref("RenovationApplication", "装修申请")
    extinguisher_type = f.choice("灭火器类型", EXTINGUISHER_TYPE, required=True, default="abc_powder")
    spec = f.choice("规格", EXTINGUISHER_SPEC, required=True, default="kg4")
    quantity = f.qty("数量", required=True, default=2)
    items = f.lines("FireExtinguisherRentalLine", "发放编号")
    rent_from = f.day("租期自", required=True)
    rent_to = f.day("租期至", required=True)
    rent_amount = f.money("租金", required=True)
    deposit_amount = f.money("押金", required=True)
    issued_by_id, issued_by = f.ref("StaffMember", "发放人")
    issued_at = f.when("发放时间")
    returned_at = f.when("归还时间")
    deduction_amount = f.money("扣款(充装/赔偿)")
    refund_amount = f.money("退押金", readonly=True)
    status = f.status(RENTAL_STATE, default="submitted")
    __rules__ = (
        required_if("unit", lambda d: not d.get("contractor"), "住户租用须填写房号", "Give the unit"),
        date_order("rent_from", "rent_to"),
        required_if("issued_at", lambda d: d.get("issued_by"), "请填写发放时间", "Give when it was issued"),
        required_if("issued_by", lambda d: d.get("issued_at"), "请填写发放人", "Give who issued it"),
        date_order("issued_at", "returned_at"),
        not_more("deduction_amount", "deposit_amount", "扣款不能超过押金", "The deduction cannot exceed the deposit"),
    )

    @hybrid_property
    def is_overdue(self):
        """逾期未还 (§4.8 F4): out past the last day of the rent; derived from the clock, not set by a job."""
        return self.status == "issued" and self.rent_to is not None and self.rent_to < local_today()

    @is_overdue.inplace.expression
    @classmethod
    def _is_overdue(cls):
        return sa.and_(cls.status == "issued", cls.rent_to < local_today())

    def before_save(self):
        """Refund what is left of the deposit once the extinguishers are back."""
        if self.returned_at is None or self.deposit_amount is None:
            self.refund_amount = None
        else:
            self.refund_amount = max(self.deposit_amount - (self.deduction_amount or 0), 0)


class FireExtinguisherRentalLine(LineItem, db.Model):
    """One extinguisher handed out, and the state it came back in."""

    parent_id, parent = f.parent("FireExtinguisherRental", "items")
    fire_extinguisher_id, fire_extinguisher = f.ref("FireExtinguisher", "灭火器编号", required=True)
    return_condition = f.choice("归还状况", RETURN_CONDITION)


FireExtinguisherRental.is_overdue.info.update(label="逾期未还", en="Overdue", alarm=True)
