"""装修管理 (flow): the renovation application's states and steps (§4.1), with guards reading its related forms."""
from decimal import Decimal

import sqlalchemy as sa

from ..extensions import db
from ..i18n import Choices, text
from ..workflow import Flow, Transition, follow, need, sets
from ..models.base import FORMS, LOCAL_TZ
from ..models.lookups import UnitOwner
from ..models.types import local_today, utcnow
from ..models.workflow import TransitionLog

RENOVATION_STATE = Choices(draft="草稿", submitted="已申报", under_review="审核中", returned="退回补正",
                           rejected="不予批准", approved="已批准待缴费", paid="已缴费", in_progress="施工中",
                           suspended="停工", completion_requested="申请竣工检查", completion_failed="竣工不合格",
                           accepted="验收合格(观察期)", refund_pending="待退保证金", closed="结案", cancelled="撤销")
RENOVATION_DOC = Choices(purchase_contract="购房合同", purchase_receipt="购房付款凭证", id_card="身份证",
                         property_cert="产权证", other_title="其他产权凭证", lease="房屋租赁合同",
                         owner_mandate="产权人委托书", owner_consent="产权人允许装修证明",
                         business_licence="营业执照复印件(盖章)", qualification_cert="装修资质证书复印件(盖章)",
                         worker_guarantee="施工人员身份担保证明书", design_scheme="设计单位设计方案")

# -- the renovation flow (§4.1) -------------------------------------------------------------------------------
OWNERSHIP_PROOFS = ("purchase_contract", "purchase_receipt", "id_card", "property_cert", "other_title")
SENSITIVE = ("removes_guardrail", "moves_security_devices", "encloses_drain_stacks", "encloses_gas_main")
OPEN = ("submitted", "under_review", "returned", "approved", "paid", "in_progress", "suspended",
        "completion_requested", "completion_failed")
ENDED = ("closed", "rejected", "cancelled")
WORKING = ("paid", "in_progress", "suspended", "completion_requested", "completion_failed")
WET_AREAS = (("wet_bathroom", "area_bathroom", "卫生间", "bathroom"), ("wet_kitchen", "area_kitchen", "厨房", "kitchen"),
             ("wet_balcony", "area_balcony", "阳台/露台", "balcony"))
MAX_EXTENSION_DAYS = 30  # cfg: catalogue 6.20 domain default




def _choice(row, name):
    return row.__table__.columns[name].info["choices"].label(getattr(row, name))


def _local(at):
    return at.astimezone(LOCAL_TZ)


def related(record, form):
    """The records of another renovation form that point at this application, oldest first."""
    model = FORMS[form]
    return db.session.scalars(sa.select(model).filter_by(renovation_application_id=record.id)
                              .order_by(model.id)).all()


def _last(record, form):
    rows = related(record, form)
    return rows[-1] if rows else None


def _logs(record, *actions):
    return db.session.scalars(sa.select(TransitionLog).filter_by(table_name=record.__tablename__, row_id=record.id)
                              .where(TransitionLog.action.in_(actions)).order_by(TransitionLog.id)).all()


def deposit(record):
    """The deposit the signed guarantees (6.18) state."""
    return sum((g.deposit_amount or 0 for g in related(record, "renovation_guarantee")), Decimal(0))


def deductions(record):
    """Penalties on its notices (6.25) and damage found at completion (6.28), both taken from the deposit."""
    penalties = sum((n.penalty_amount or 0 for n in related(record, "rectification_notice")), Decimal(0))
    return penalties + sum((c.damage_deduction or 0 for c in related(record, "renovation_completion_inspection")),
                           Decimal(0))


def permits(record):
    """Permits (6.20) not revoked, oldest first; the last is the one in force."""
    return [p for p in related(record, "renovation_permit") if p.revoked_at is None]


def pass_lines(record):
    return [line for batch in related(record, "renovation_worker_pass") for line in batch.workers]


def open_notices(record):
    """Notices to this renovation or its unit not yet rechecked as rectified, soonest deadline first."""
    notice = FORMS["rectification_notice"]
    return db.session.scalars(sa.select(notice).where(
        sa.or_(notice.renovation_application_id == record.id, notice.unit_id == record.unit_id),
        sa.or_(notice.recheck_result.is_(None), notice.recheck_result != "done")).order_by(notice.deadline)).all()


def _notices_due(record):
    return [text(f"整改通知单{n.serial_no}未复查为已整改(期限{_local(n.deadline):%Y-%m-%d %H:%M})",
                 f"Notice {n.serial_no} not yet rechecked as rectified") for n in open_notices(record)]


def missing_documents(record):
    """What the documents checklist still lacks (R-RN1–R-RN4, R-RN10)."""
    have = {d.doc_type for d in record.documents if d.provided}
    out = need(record.applicant_type != "owner" or have & set(OWNERSHIP_PROOFS),
                "产权人须提交一种产权证明(购房合同、购房付款凭证、身份证、产权证或其他产权凭证)",
                "The owner must hand in a proof of ownership")
    wanted = ["lease", "owner_mandate", "owner_consent"] if record.applicant_type == "occupant" else []
    wanted += ["business_licence", "qualification_cert"] if record.construction_mode == "contractor" else [
        "worker_guarantee"]
    wanted += ["design_scheme"] if record.involves_structural_change else []
    return out + [text(f"缺少申报资料「{RENOVATION_DOC.label(doc)}」", f"Missing: {RENOVATION_DOC.label(doc)}")
                  for doc in wanted if doc not in have]


def _submittable(r):
    """R1: a complete checklist, a delivered unit applied for by its owner, no other renovation open there."""
    RenovationApplication = type(r)  # the model module declares this flow, so it is named by its record
    owner = db.session.scalar(sa.select(UnitOwner.id).filter_by(unit_id=r.unit_id, owner_id=r.owner_id)
                              .where(UnitOwner.end_on.is_(None)).limit(1))
    other = db.session.scalar(sa.select(RenovationApplication.serial_no).where(
        RenovationApplication.unit_id == r.unit_id, RenovationApplication.id != r.id,
        RenovationApplication.status.in_(OPEN)).limit(1))
    return (missing_documents(r)
            + need(r.unit.occupancy_status != "undelivered", "房屋尚未交付,不能申报装修", "The unit is not delivered")
            + need(owner, "所填产权人不是该房屋的业主", "The owner given does not own the unit")
            + need(other is None, f"该房屋已有进行中的装修申请{other}", f"Renovation {other} is still open"))


def _approvable(r):
    """R5 (R-RN6, R-RN7): drawings signed, engineering heard, 6.18 covering every sensitive item, 6.19 signed."""
    RenovationApplication = type(r)
    guarantees = related(r, "renovation_guarantee")
    signers = {g.signer_role for g in guarantees}
    out = need(r.drawings_signed_at, "设计图纸须经装修人和施工负责人签字确认", "The drawings must be signed")
    out += need(r.engineering_opinion, "须有工程部意见", "Engineering's opinion is required")
    out += need("renovator" in signers, "装修人须签署装修保证书(6.18)", "The renovator must sign the guarantee")
    if r.construction_mode == "contractor":
        out += need("contractor" in signers, "装修企业须签署装修保证书(6.18)", "The company must sign the guarantee")
    for flag in SENSITIVE:
        if getattr(r, flag) and not any(getattr(g, flag) for g in guarantees):
            label = RenovationApplication.__table__.columns[flag].info["label"]
            out.append(text(f"「{label}」须在装修保证书中书面承诺", f"{flag}: a written undertaking is required"))
    return out + need(related(r, "renovation_safety_undertaking"), "须签署装修工程、防水、防火安全承诺书(6.19)",
                       "The safety undertaking (6.19) must be signed")


def _startable(r):
    """R7 (R-RN8, R-RN11): a permit issued against the recorded payment, a pass per worker on their own ID."""
    RenovationApplication, RenovationWorkerPass = type(r), FORMS["renovation_worker_pass"]
    WorkerPassLine = RenovationWorkerPass.workers.property.mapper.class_
    permit = next((p for p in permits(r) if p.permit_type == "initial"), None)
    out = need(permit, "须先发放装修施工许可证(6.20)", "Issue the works permit (6.20) first")
    if permit is not None and permit.fee_receipt_no != r.fee_receipt_no:
        out.append(text(f"许可证的缴费收据号{permit.fee_receipt_no}与缴费登记不符",
                        f"Receipt {permit.fee_receipt_no} on the permit is not the one recorded"))
    lines = [line for line in pass_lines(r) if line.returned_at is None]
    out += need(lines, "须为施工人员办理装修工作证(6.22)", "Issue the workers' passes (6.22)")
    ids = [line.id_number for line in lines]
    twice = {n for n in ids if ids.count(n) > 1} | set(db.session.scalars(
        sa.select(WorkerPassLine.id_number).join(WorkerPassLine.parent)
        .join(RenovationWorkerPass.renovation_application).where(WorkerPassLine.id_number.in_(ids), WorkerPassLine.returned_at.is_(None),
               RenovationApplication.id != r.id, RenovationApplication.status.in_(WORKING))))
    out += [text(f"身份证号{n}已持有工作证(一人一证)", f"ID {n} already holds a pass") for n in sorted(twice)]
    if permit is not None:
        out += [text(f"{line.worker_name}的工作证有效期超过许可证", f"{line.worker_name}'s pass outlasts the permit")
                for line in lines if line.valid_to and line.valid_to > permit.valid_to]
    return out


def _works_started(r, user):
    """The unit shows 装修中 while the works are on; the application keeps the state to give back."""
    r.occupancy_before = r.unit.occupancy_status
    _moved(r.unit, "renovating", user, r)


def _works_finished(r, user):
    """Give the unit back the state it had before the works (自住 for a renovation begun before this was kept)."""
    if r.unit.occupancy_status == "renovating":
        _moved(r.unit, r.occupancy_before or "owner_occupied", user, r)


def _moved(unit, target, user, r):
    """Move the unit by its own flow, logged with the renovation that moved it; a refusal refuses the step."""
    follow(unit, target, user, text(f"装修申请{r.serial_no}", f"Renovation {r.serial_no}"))


def _extension(r):
    """R10: a new 6.20 of type 延期 chained to the permit in force, applied for before it ran out."""
    extensions = [p for p in permits(r) if p.permit_type == "extension"]
    if len(extensions) <= (r.extensions_approved or 0):
        return [text("须先办理延期施工许可证(6.20,类型延期施工,链接原许可证)", "Issue an extension permit (6.20) first")]
    new, old = extensions[-1], extensions[-1].previous_permit
    out = need(old is not None and old.revoked_at is None, "延期许可证须链接在用的原许可证",
                "The extension must follow the permit in force")
    if old is not None:
        out += need(_local(new.issued_at).date() <= old.valid_to, "延期须在原许可证到期前办理",
                     "An extension is issued before the permit runs out")
    out += need((new.valid_to - new.valid_from).days < MAX_EXTENSION_DAYS, f"每次延期不超过{MAX_EXTENSION_DAYS}天",
                 f"An extension lasts at most {MAX_EXTENSION_DAYS} days")
    out += need(new.extension_fee is not None, "须缴纳延期费", "The extension fee must be paid")
    return out + need(not [n for n in open_notices(r) if n.deadline < utcnow()], "有逾期未整改的整改通知,不能延期",
                       "A notice is overdue")


def _extended(r, user):
    """Count the extension; passes follow the permit: unreturned ones now run to its new end."""
    r.extensions_approved = (r.extensions_approved or 0) + 1
    end = permits(r)[-1].valid_to
    for line in pass_lines(r):
        if line.returned_at is None:
            line.valid_to = end


def _resumable(r):
    """R9: this stop's 6.29 approved, an ordered stop's notice rechecked, a later end covered by the permit."""
    request = _last(r, "renovation_resumption")
    if request is None or request.decision != "approved" or (r.suspended_at and request.created_at < r.suspended_at):
        return [text("须有本次停工后提交并已批准的复工申请(6.29)", "An approved resumption request (6.29) is required")]
    notice, permit = request.rectification_notice, (permits(r) or [None])[-1]
    out = []
    if request.suspension_reason == "ordered":
        out += need(notice is not None and notice.recheck_result == "done", "责令停工的整改通知单须复查为已整改",
                     "The stop order's notice must be rechecked as rectified")
    if request.new_planned_end and permit is not None and request.new_planned_end > permit.valid_to:
        out.append(text(f"新完工日期超出许可证有效期({permit.valid_to}),须先办理延期",
                        "The new end is past the permit: extend it first"))
    return out


def _completion_requestable(r):
    """R11: a 6.28 request on file, no open notice, a passed ponding test (6.27) for every wet area."""
    check = _last(r, "renovation_completion_inspection")
    out = need(check is not None and check.result is None, "须先登记竣工检查申请(6.28)",
                "Register the completion inspection request (6.28) first") + _notices_due(r)
    passed = [t for t in related(r, "waterproof_test") if t.result == "pass"]
    undertakings = related(r, "renovation_safety_undertaking")
    for wet, area, zh, en in WET_AREAS:
        if any(getattr(u, wet) for u in undertakings) and not any(getattr(t, area) for t in passed):
            out.append(text(f"{zh}须有合格的闭水试验(6.27)", f"The {en} needs a passed ponding test (6.27)"))
    return out + need(passed or not r.involves_waterproofing, "涉及防水施工须有合格的闭水试验(6.27)",
                       "Waterproofing works need a passed ponding test (6.27)")


def _failed(r):
    """R12: the check failed, and a notice (6.25) says what to put right."""
    check = _last(r, "renovation_completion_inspection")
    return (need(check is not None and check.result == "failed", "竣工检查(6.28)结论须为不合格",
                  "The completion check (6.28) must have failed")
            + need(open_notices(r), "须发出整改通知单(6.25)", "Issue a rectification notice (6.25)"))


def _passed(r):
    """R13: the check passed on every item and was approved."""
    check = _last(r, "renovation_completion_inspection")
    if check is None or check.result != "passed":
        return [text("竣工检查(6.28)结论须为合格", "The completion check (6.28) must have passed")]
    return (need(check.items, "竣工检查须逐项记录结果", "Record each item of the check")
            + [text(f"检查项目「{_choice(i, 'item')}」不合格", f"{i.item} failed") for i in check.items
               if i.result != "pass"]
            + need(check.approved_by, "竣工检查须有批准人", "The check needs an approver"))


def _refundable(r):
    """R14: the observation period over, every pass back and settled, extinguishers back, no open notice."""
    check = _last(r, "renovation_completion_inspection")
    due = check.refund_eligible_on if check is not None and check.result == "passed" else None
    if due is None:
        out = [text("须有合格的竣工检查(6.28)", "A passed completion check (6.28) is required")]
    else:
        out = need(local_today() >= due, f"观察期至{due},期满方可退保证金",
                    f"The observation period runs to {due}")
    out += [text(f"{line.worker_name}的工作证未交回", f"{line.worker_name}'s pass is not back")
            for line in pass_lines(r) if line.returned_at is None]
    out += [text(f"工作证{b.serial_no}未结算", f"Passes {b.serial_no} not settled")
            for b in related(r, "renovation_worker_pass") if b.settled_at is None]
    out += [text(f"租用灭火器{x.serial_no}未归还", f"Extinguishers {x.serial_no} not returned")
            for x in related(r, "fire_extinguisher_rental") if x.returned_at is None]
    return out + _notices_due(r)


def _closable(r):
    """R15: what is deducted cannot exceed the deposit (the rest is claimed separately)."""
    held, taken = deposit(r), deductions(r)
    return need(held > 0 and taken <= held, f"扣款{taken}元超过保证金{held}元,差额须另行追收",
                 f"Deductions {taken} exceed the deposit {held}")


def _refunded(r, user):
    r.deposit_refund = deposit(r) - deductions(r)


def _cancelled(r, user):
    """What was paid goes back in full (R16)."""
    if r.fee_receipt_no:
        r.deposit_refund = deposit(r)


def _decided(decision):
    def effect(r, user):
        r.decision, r.decided_at, r.approved_by = decision, utcnow(), user.staff
    return sets("decision", "decided_at", "approved_by")(effect)


@sets("reviewed_by")
def _reviewed(r, user):
    r.reviewed_by = r.reviewed_by or user.staff


def _step(action, label, source, target, roles, **kw):
    return Transition(action, label, source if isinstance(source, tuple) else (source,), target, roles, **kw)


EXTEND = {"guard": _extension, "effect": _extended, "style": "secondary"}
RENOVATION_FLOW = Flow(RENOVATION_STATE, [
    _step("submit", ("提交申报", "Submit"), ("draft", "returned"), "submitted", ("front_desk",), guard=_submittable),
    # rules_received_at is a required field, so the receipt R2 asks for is on every application already
    _step("start_review", ("发放须知并受理", "Hand out the rules, start review"), "submitted", "under_review",
          ("front_desk",)),
    _step("return", ("退回补正", "Return for correction"), "under_review", "returned", ("cs_supervisor", "engineering"),
          effect=_reviewed, needs_comment=True, decision=True, style="warning"),
    _step("reject", ("不予批准", "Reject"), "under_review", "rejected", ("cs_manager",), effect=_decided("rejected"),
          needs_comment=True, decision=True, style="danger"),
    _step("approve", ("批准装修", "Approve"), "under_review", "approved", ("cs_manager",), guard=_approvable,
          effect=_decided("approved"), decision=True),
    _step("pay", ("登记缴费(填收据号)", "Record the payment (receipt no.)"), "approved", "paid", ("cashier",),
          guard=lambda r: need(deposit(r) > 0, "装修保证书(6.18)须载明保证金", "The guarantee (6.18) states no deposit")
          + need(r.fee_receipt_no, "请填写缴费收据号", "Give the receipt number"), fields=("fee_receipt_no",)),
    _step("start_works", ("发证开工", "Issue the permit, start works"), "paid", "in_progress",
          ("front_desk", "cs_supervisor"), guard=_startable, effect=_works_started),
    _step("suspend", ("停工", "Suspend"), "in_progress", "suspended", ("cs_manager", "front_desk"), needs_comment=True,
          effect=lambda r, user: setattr(r, "suspended_at", utcnow()), style="warning"),
    _step("resume", ("批准复工", "Resume"), "suspended", "in_progress", ("cs_supervisor",), guard=_resumable),
    _step("extend", ("批准延期", "Approve the extension"), "in_progress", "in_progress", ("cs_supervisor",), **EXTEND),
    _step("extend_suspended", ("批准延期", "Approve the extension"), "suspended", "suspended", ("cs_supervisor",),
          **EXTEND),
    _step("request_completion", ("申请竣工检查", "Request the completion check"), ("in_progress", "completion_failed"),
          "completion_requested", ("front_desk",), guard=_completion_requestable),
    _step("fail_completion", ("竣工检查不合格", "Completion check failed"), "completion_requested", "completion_failed",
          ("engineering",), guard=_failed, style="warning"),
    _step("accept", ("竣工验收合格", "Accept the works"), "completion_requested", "accepted",
          ("engineering", "cs_supervisor"), guard=_passed, effect=_works_finished),
    _step("start_refund", ("转入退保证金", "Release for refund"), "accepted", "refund_pending", ("front_desk", "cashier"),
          guard=_refundable),
    _step("close", ("退还保证金并结案", "Refund the deposit and close"), "refund_pending", "closed", ("cashier",),
          guard=_closable, effect=_refunded),
    _step("cancel", ("撤销", "Cancel"), ("draft", "submitted", "under_review", "returned", "approved", "paid"),
          "cancelled", ("front_desk",), effect=_cancelled, needs_comment=True, style="secondary"),
], locked=("approved", "paid", "in_progress", "suspended", "completion_requested", "completion_failed", "accepted",
           "refund_pending", "closed", "rejected", "cancelled"),
    # hours; 72 h stands in for "3 working days" (R3, R5, R12) until there is a working-day calendar
    limits={"submitted": 24, "under_review": 72, "approved": 30 * 24, "completion_requested": 72})

# what each open state waits for: the step that leads on, and who takes it when nothing blocks it
WAITING = {
    "draft": ("submit", "待前台核对申报资料后提交", "Waiting for the front desk to submit"),
    "submitted": ("start_review", "待发放禁止行为及注意事项并受理", "Waiting for the rules to be handed out"),
    "under_review": ("approve", "待客服主任审批(3个工作日内)", "Waiting for the manager's decision"),
    "returned": ("submit", "待装修人补正后重新申报", "Waiting for corrections"),
    "approved": ("pay", "待收费中心收取保证金及费用", "Waiting for payment"),
    "paid": ("start_works", "待发放许可证和工作证后开工", "Waiting for the permit"),
    "in_progress": ("request_completion", "施工中,待申请竣工检查", "Works under way"),
    "suspended": ("resume", "待复工申请获批", "Waiting for resumption"),
    "completion_requested": ("accept", "待工程部竣工检查", "Waiting for the completion check"),
    "completion_failed": ("request_completion", "待整改后重新申请竣工检查", "Waiting for rework"),
    "accepted": ("start_refund", "观察期中", "Observation period"),
    "refund_pending": ("close", "待收费中心退还保证金", "Waiting for the refund"),
}
