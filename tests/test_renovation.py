"""The renovation flow (6.16, catalogue §4.1 R1–R16), driven through HTTP with its related forms in the database."""
import itertools
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.demo.generator import build, fake_record, id18
from app.extensions import db
from app.models import FORMS, Building, Contractor, Owner, Project, StaffMember, Unit, UnitOwner, User
from app.models.workflow import TransitionLog
from conftest import NOW, act, client_of, first

Application = FORMS["renovation_application"]
ENDPOINT = "renovation_application"
RECEIPT = "SJ-TEST-0001"
ROOMS = itertools.count(1)
RND = random.Random(4321)
TODAY = NOW.date()
COMPLETE_DOCS = ("property_cert", "business_licence", "qualification_cert")



def fresh_unit():
    """A unit of its own with an owner, so no other test's notice or renovation touches it."""
    n = next(ROOMS)
    unit = Unit(building=first(Building), entrance="9", floor=30 + n, room_no=f"T{n:03d}", usage="residence",
                occupancy_status="rented")
    owner = Owner(owner_type="person", name=f"测试业主{n}", id_type="cn_id", id_number=id18(RND),
                  mobile="13800138000")
    db.session.add_all([unit, owner, UnitOwner(unit=unit, owner=owner, start_on=date(2022, 1, 1))])
    return unit, owner


def new_application(app, status="draft", creator="clerk", docs=COMPLETE_DOCS, **values):
    """An application by a company, for a unit of its own, with the documents listed."""
    with app.app_context():
        fields, _ = fake_record(Application, RND)
        unit, owner = fresh_unit()
        fields.update(unit=unit, owner=owner, applicant_type="owner", construction_mode="contractor",
                      contractor=first(Contractor, contractor_type="renovation"), involves_waterproofing=False,
                      involves_structural_change=False, removes_guardrail=False, moves_security_devices=False,
                      encloses_drain_stacks=False, encloses_gas_main=False, drawings_signed_at=NOW,
                      engineering_opinion="方案可行,同意施工")
        record = build(Application, {**fields, **values}, {"documents": [{"doc_type": d, "provided": True}
                                                                         for d in docs]})
        record.status, record.project = status, first(Project)
        record.created_by = first(User, username=creator)
        db.session.add(record)
        db.session.commit()
        return record.id


def add(app, form, application_id, **values):
    """A record of a related form, valid by the generator, then given the values that matter here."""
    model = FORMS[form]
    with app.app_context():
        given = {k: v for k, v in values.items() if isinstance(v, list)}
        count = max((len(rows) for rows in given.values()), default=2)
        fields, lines = fake_record(model, RND, lines=(count, count))
        for name, rows in given.items():
            lines[name] = [{**fake, **row} for fake, row in zip(lines[name], rows)]
        relations = sa.inspect(model).relationships
        fields.update({k: db.session.get(relations[k].mapper.class_, v) if k in relations and isinstance(v, int)
                       else v for k, v in values.items() if k not in given})
        record = build(model, fields, lines)
        record.project, record.created_by = first(Project), first(User, username="clerk")
        record.renovation_application = db.session.get(Application, application_id)
        db.session.add(record)
        db.session.commit()
        return record.id


def receipt_recorded(app, application_id, receipt=RECEIPT):
    """The pay step's receipt, for records that start further along the flow."""
    with app.app_context():
        db.session.get(Application, application_id).fee_receipt_no = receipt
        db.session.commit()


def staff(app):
    with app.app_context():
        return first(StaffMember).id


# -- what a record needs before each step --------------------------------------------------------------------
def guarantees(app, rid, **undertakings):
    add(app, "renovation_guarantee", rid, signer_role="renovator", deposit_amount=Decimal("3000.00"),
        removes_guardrail=False, moves_security_devices=False, encloses_drain_stacks=False, encloses_gas_main=False,
        **undertakings)
    add(app, "renovation_guarantee", rid, signer_role="contractor", deposit_amount=Decimal("0.00"),
        removes_guardrail=False, moves_security_devices=False, encloses_drain_stacks=False, encloses_gas_main=False)


def reviewed(app, rid):
    guarantees(app, rid)
    add(app, "renovation_safety_undertaking", rid, wet_bathroom=False, wet_kitchen=False, wet_balcony=False)


def permit(app, rid, **values):
    return add(app, "renovation_permit", rid, **{
        "permit_type": "initial", "previous_permit": None, "revoked_at": None, "revoke_reason": None,
        "fee_receipt_no": RECEIPT, "valid_from": TODAY - timedelta(days=1), "valid_to": TODAY + timedelta(days=60),
        "issued_at": NOW - timedelta(days=1), **values})


def worker(id_number=None, **values):
    return {"id_number": id_number or id18(RND), "trade": "mason", "valid_to": TODAY + timedelta(days=30),
            "returned_at": None, **values}


def paid(app, rid, receipt=RECEIPT, workers=None):
    guarantees(app, rid)
    receipt_recorded(app, rid, receipt)
    permit(app, rid)
    add(app, "renovation_worker_pass", rid, workers=workers or [worker(), worker()], settled_at=None)


def completion(app, rid, result=None, failed_item=False, days_ago=1, **values):
    items = [{"item": "structure", "result": "pass"}, {"item": "debris", "result": "fail" if failed_item else "pass",
                                                       "note": "装修垃圾未清运完毕"}]
    return add(app, "renovation_completion_inspection", rid, **{
        "result": result, "waterproof_test": None, "items": items, "applied_at": NOW - timedelta(days=days_ago + 1),
        "inspection_at": NOW - timedelta(days=days_ago), "approved_by": staff(app) if result == "passed" else None,
        "damage_deduction": None, **values})


def notice(app, rid, recheck=None, penalty=None, **values):
    return add(app, "rectification_notice", rid, target_type="renovation", recheck_result=recheck,
               penalty_amount=penalty, issued_at=NOW - timedelta(days=3), deadline=NOW + timedelta(days=2), **values)


SETUPS = {
    "none": lambda app, rid: None,
    "reviewed": reviewed,
    "no_contractor_guarantee": lambda app, rid: (
        add(app, "renovation_guarantee", rid, signer_role="renovator", deposit_amount=Decimal("3000.00")),
        add(app, "renovation_safety_undertaking", rid)),
    "no_undertaking": guarantees,
    "deposit": guarantees,
    "paid": paid,
    "receipt_mismatch": lambda app, rid: paid(app, rid, receipt="SJ-OTHER-9999"),
    "no_passes": lambda app, rid: (guarantees(app, rid), receipt_recorded(app, rid), permit(app, rid)),
    "same_worker_twice": lambda app, rid: paid(app, rid, workers=[worker("110101199003074477"),
                                                                  worker("110101199003074477")]),
    "resumption": lambda app, rid: add(app, "renovation_resumption", rid, suspension_reason="owner",
                                       rectification_notice=None, decision="approved", new_planned_end=None),
    "resumption_refused": lambda app, rid: add(app, "renovation_resumption", rid, suspension_reason="owner",
                                               rectification_notice=None, decision="refused"),
    "ordered_not_rechecked": lambda app, rid: add(
        app, "renovation_resumption", rid, suspension_reason="ordered", decision="approved", new_planned_end=None,
        rectification_notice=notice(app, rid, recheck="partial")),
    "extension": lambda app, rid: permit(app, rid, permit_type="extension", extension_fee=Decimal("200.00"),
                                         previous_permit=permit(app, rid),
                                         valid_from=TODAY + timedelta(days=61), valid_to=TODAY + timedelta(days=80)),
    "long_extension": lambda app, rid: permit(
        app, rid, permit_type="extension", extension_fee=Decimal("200.00"),
        previous_permit=permit(app, rid),
        valid_from=TODAY + timedelta(days=61), valid_to=TODAY + timedelta(days=120)),
    "completion_pending": lambda app, rid: completion(app, rid),
    "open_notice": lambda app, rid: (completion(app, rid), notice(app, rid, recheck="not_done")),
    "wet_untested": lambda app, rid: (add(app, "renovation_safety_undertaking", rid, wet_bathroom=True,
                                          wet_kitchen=False, wet_balcony=False), completion(app, rid)),
    "wet_tested": lambda app, rid: (
        add(app, "renovation_safety_undertaking", rid, wet_bathroom=True, wet_kitchen=False, wet_balcony=False),
        add(app, "waterproof_test", rid, area_bathroom=True, result="pass"), completion(app, rid)),
    "failed": lambda app, rid: (completion(app, rid, result="failed"), notice(app, rid)),
    "failed_no_notice": lambda app, rid: completion(app, rid, result="failed"),
    "passed": lambda app, rid: completion(app, rid, result="passed"),
    "item_failed": lambda app, rid: completion(app, rid, result="passed", failed_item=True),
    "observed": lambda app, rid: (add(app, "renovation_worker_pass", rid, settled_at=NOW,
                                      workers=[worker(returned_at=NOW)]),
                                  completion(app, rid, result="passed", days_ago=40)),
    "observing": lambda app, rid: completion(app, rid, result="passed", days_ago=2),
    "pass_not_back": lambda app, rid: (add(app, "renovation_worker_pass", rid, settled_at=None,
                                           workers=[worker()]), completion(app, rid, result="passed", days_ago=40)),
    "refund": lambda app, rid: (guarantees(app, rid), notice(app, rid, recheck="done", penalty=Decimal("200.00")),
                                completion(app, rid, result="passed", days_ago=40, damage_deduction=Decimal(300))),
    "overdrawn": lambda app, rid: (guarantees(app, rid), completion(app, rid, result="passed", days_ago=40,
                                                                    damage_deduction=Decimal("3500.00"))),
}




def state_of(app, record_id):
    with app.app_context():
        return db.session.get(Application, record_id).status


DONE = "已完成操作"
ROLE = "您的角色不能进行此操作"


@pytest.mark.parametrize("role, action, start, setup, values, comment, ends, message", [
    # R1 submit
    ("clerk", "submit", "draft", "none", {}, "", "submitted", DONE),
    ("clerk2", "submit", "returned", "none", {}, "", "submitted", DONE),
    ("admin", "submit", "draft", "none", {}, "", "draft", ROLE),
    ("clerk", "submit", "draft", "none", {"docs": ("property_cert", "qualification_cert")}, "", "draft",
     "缺少申报资料「营业执照复印件(盖章)」"),
    ("clerk", "submit", "draft", "none", {"docs": ("business_licence", "qualification_cert")}, "", "draft",
     "产权人须提交一种产权证明"),
    ("clerk", "submit", "draft", "none", {"construction_mode": "self_build"}, "", "draft",
     "缺少申报资料「施工人员身份担保证明书」"),
    ("clerk", "submit", "draft", "none", {"involves_structural_change": True}, "", "draft",
     "缺少申报资料「设计单位设计方案」"),
    ("clerk", "submit", "draft", "none", {"applicant_type": "occupant", "docs": COMPLETE_DOCS + ("lease",)}, "",
     "draft", "缺少申报资料「产权人允许装修证明」"),
    # R2 start review
    ("clerk", "start_review", "submitted", "none", {}, "", "under_review", DONE),
    ("admin", "start_review", "submitted", "none", {}, "", "submitted", ROLE),
    ("clerk", "start_review", "draft", "none", {}, "", "draft", "当前状态为「草稿」"),
    # R3 return, R4 reject
    ("manager", "return", "under_review", "none", {}, "缺设计图纸签字", "returned", DONE),
    ("manager", "return", "under_review", "none", {}, "", "under_review", "请填写理由"),
    ("clerk", "return", "under_review", "none", {}, "缺资料", "under_review", ROLE),
    ("manager", "reject", "under_review", "none", {}, "拆改承重墙", "rejected", DONE),
    ("manager", "reject", "under_review", "none", {}, "", "under_review", "请填写理由"),
    ("clerk", "reject", "under_review", "none", {}, "x", "under_review", ROLE),
    # R5 approve
    ("manager", "approve", "under_review", "reviewed", {}, "", "approved", DONE),
    ("clerk", "approve", "under_review", "reviewed", {}, "", "under_review", ROLE),
    ("manager", "approve", "under_review", "none", {}, "", "under_review", "装修人须签署装修保证书(6.18)"),
    ("manager", "approve", "under_review", "no_contractor_guarantee", {}, "", "under_review",
     "装修企业须签署装修保证书(6.18)"),
    ("manager", "approve", "under_review", "no_undertaking", {}, "", "under_review",
     "须签署装修工程、防水、防火安全承诺书(6.19)"),
    ("manager", "approve", "under_review", "reviewed", {"removes_guardrail": True}, "", "under_review",
     "「拆除安全防护栏」须在装修保证书中书面承诺"),
    ("manager", "approve", "under_review", "reviewed", {"drawings_signed_at": None}, "", "under_review",
     "设计图纸须经装修人和施工负责人签字确认"),
    ("manager", "approve", "under_review", "reviewed", {"engineering_opinion": None}, "", "under_review",
     "须有工程部意见"),
    # R6 pay
    ("clerk", "pay", "approved", "deposit", {}, {"fee_receipt_no": RECEIPT}, "paid", DONE),
    ("clerk", "pay", "approved", "deposit", {}, "", "approved", "请填写缴费收据号"),
    ("admin", "pay", "approved", "deposit", {}, {"fee_receipt_no": RECEIPT}, "approved", ROLE),
    ("clerk", "pay", "approved", "none", {}, {"fee_receipt_no": RECEIPT}, "approved", "装修保证书(6.18)须载明保证金"),
    # R7 start works
    ("clerk", "start_works", "paid", "paid", {}, "", "in_progress", DONE),
    ("admin", "start_works", "paid", "paid", {}, "", "paid", ROLE),
    ("clerk", "start_works", "paid", "deposit", {}, "", "paid", "须先发放装修施工许可证(6.20)"),
    ("clerk", "start_works", "paid", "receipt_mismatch", {}, "", "paid", f"许可证的缴费收据号{RECEIPT}与缴费登记不符"),
    ("clerk", "start_works", "paid", "no_passes", {}, "", "paid", "须为施工人员办理装修工作证(6.22)"),
    ("clerk", "start_works", "paid", "same_worker_twice", {}, "", "paid",
     "身份证号110101199003074477已持有工作证(一人一证)"),
    # R8 suspend, R9 resume
    ("manager", "suspend", "in_progress", "none", {}, "违规拆改,责令停工", "suspended", DONE),
    ("clerk", "suspend", "in_progress", "none", {}, "业主自行停工", "suspended", DONE),
    ("clerk", "suspend", "in_progress", "none", {}, "", "in_progress", "请填写理由"),
    ("admin", "suspend", "in_progress", "none", {}, "x", "in_progress", ROLE),
    ("manager", "resume", "suspended", "resumption", {}, "", "in_progress", DONE),
    ("clerk", "resume", "suspended", "resumption", {}, "", "suspended", ROLE),
    ("manager", "resume", "suspended", "none", {}, "", "suspended", "须有本次停工后提交并已批准的复工申请(6.29)"),
    ("manager", "resume", "suspended", "resumption_refused", {}, "", "suspended", "已批准的复工申请(6.29)"),
    ("manager", "resume", "suspended", "ordered_not_rechecked", {}, "", "suspended",
     "责令停工的整改通知单须复查为已整改"),
    # R10 extend
    ("manager", "extend", "in_progress", "extension", {}, "", "in_progress", DONE),
    ("manager", "extend_suspended", "suspended", "extension", {}, "", "suspended", DONE),
    ("clerk", "extend", "in_progress", "extension", {}, "", "in_progress", ROLE),
    ("manager", "extend", "in_progress", "paid", {}, "", "in_progress", "须先办理延期施工许可证"),
    ("manager", "extend", "in_progress", "long_extension", {}, "", "in_progress", "每次延期不超过30天"),
    # R11 request completion, R12 fail, R13 accept
    ("clerk", "request_completion", "in_progress", "completion_pending", {}, "", "completion_requested", DONE),
    ("clerk", "request_completion", "completion_failed", "completion_pending", {}, "", "completion_requested", DONE),
    ("admin", "request_completion", "in_progress", "completion_pending", {}, "", "in_progress", ROLE),
    ("clerk", "request_completion", "in_progress", "none", {}, "", "in_progress", "须先登记竣工检查申请(6.28)"),
    ("clerk", "request_completion", "in_progress", "open_notice", {}, "", "in_progress", "未复查为已整改"),
    ("clerk", "request_completion", "in_progress", "wet_untested", {}, "", "in_progress",
     "卫生间须有合格的闭水试验(6.27)"),
    ("clerk", "request_completion", "in_progress", "wet_tested", {}, "", "completion_requested", DONE),
    ("clerk", "request_completion", "in_progress", "completion_pending", {"involves_waterproofing": True}, "",
     "in_progress", "涉及防水施工须有合格的闭水试验(6.27)"),
    ("manager", "fail_completion", "completion_requested", "failed", {}, "", "completion_failed", DONE),
    ("clerk", "fail_completion", "completion_requested", "failed", {}, "", "completion_requested", ROLE),
    ("manager", "fail_completion", "completion_requested", "completion_pending", {}, "", "completion_requested",
     "竣工检查(6.28)结论须为不合格"),
    ("manager", "fail_completion", "completion_requested", "failed_no_notice", {}, "", "completion_requested",
     "须发出整改通知单(6.25)"),
    ("manager", "accept", "completion_requested", "passed", {}, "", "accepted", DONE),
    ("clerk", "accept", "completion_requested", "passed", {}, "", "completion_requested", ROLE),
    ("manager", "accept", "completion_requested", "completion_pending", {}, "", "completion_requested",
     "竣工检查(6.28)结论须为合格"),
    ("manager", "accept", "completion_requested", "item_failed", {}, "", "completion_requested",
     "检查项目「装修垃圾清运」不合格"),
    # R14 release for refund, R15 refund and close
    ("clerk", "start_refund", "accepted", "observed", {}, "", "refund_pending", DONE),
    ("admin", "start_refund", "accepted", "observed", {}, "", "accepted", ROLE),
    ("clerk", "start_refund", "accepted", "observing", {}, "", "accepted", "期满方可退保证金"),
    ("clerk", "start_refund", "accepted", "pass_not_back", {}, "", "accepted", "的工作证未交回"),
    ("clerk", "close", "refund_pending", "refund", {}, "", "closed", DONE),
    ("admin", "close", "refund_pending", "refund", {}, "", "refund_pending", ROLE),
    ("clerk", "close", "refund_pending", "overdrawn", {}, "", "refund_pending", "扣款3500.00元超过保证金3000.00元"),
    # R16 cancel
    ("clerk", "cancel", "paid", "none", {}, "业主放弃装修", "cancelled", DONE),
    ("clerk", "cancel", "draft", "none", {}, "", "draft", "请填写理由"),
    ("admin", "cancel", "approved", "none", {}, "x", "approved", ROLE),
    ("clerk", "cancel", "in_progress", "none", {}, "x", "in_progress", "当前状态为「施工中」"),
])
def test_transitions(app, role, action, start, setup, values, comment, ends, message):
    record_id = new_application(app, status=start, **values)
    SETUPS[setup](app, record_id)
    fields, comment = (comment, "") if isinstance(comment, dict) else ({}, comment)  # a step's own fields
    page = act(client_of(app, role), ENDPOINT, record_id, action, comment, **fields)
    assert message in page
    assert state_of(app, record_id) == ends
    with app.app_context():
        logs = db.session.scalars(sa.select(TransitionLog).filter_by(table_name="renovation_applications",
                                                                      row_id=record_id, to_state=ends)).all()
        assert len(logs) == (1 if message == DONE else 0)


def update(app, form, record_id, **values):
    with app.app_context():
        record = db.session.get(FORMS[form], record_id)
        for name, value in values.items():
            setattr(record, name, value)
        db.session.commit()


def test_a_renovation_from_draft_to_closed(app):
    """R1–R15 as a clerk and a manager would take them, each guard refusing until its record exists."""
    clerk, manager = client_of(app, "clerk"), client_of(app, "manager")
    rid = new_application(app, docs=("property_cert", "qualification_cert"), removes_guardrail=True,
                          involves_waterproofing=True)

    def step(client, action, comment="", refused=None, ends=None, **fields):
        page = act(client, ENDPOINT, rid, action, comment, **fields)
        assert (refused or DONE) in page, (action, refused)
        if ends:
            assert state_of(app, rid) == ends

    def standing():
        with app.app_context():
            return db.session.get(Application, rid).standing()

    with app.app_context():
        unit_id = db.session.get(Application, rid).unit_id
    assert standing() == ("草稿", ["缺少申报资料「营业执照复印件(盖章)」"])
    step(clerk, "submit", refused="缺少申报资料「营业执照复印件(盖章)」", ends="draft")
    with app.app_context():
        record = db.session.get(Application, rid)
        record.documents.append(Application.documents.property.mapper.class_(doc_type="business_licence"))
        db.session.commit()
    step(clerk, "submit", ends="submitted")
    step(clerk, "start_review", ends="under_review")
    step(manager, "return", "设计图纸未签字", ends="returned")
    assert standing() == ("退回补正", ["原因:设计图纸未签字", "待装修人补正后重新申报"])
    step(clerk, "submit", ends="submitted")
    step(clerk, "start_review", ends="under_review")

    step(manager, "approve", refused="装修人须签署装修保证书(6.18)", ends="under_review")
    guarantees(app, rid)
    step(manager, "approve", refused="「拆除安全防护栏」须在装修保证书中书面承诺", ends="under_review")
    add(app, "renovation_guarantee", rid, signer_role="renovator", deposit_amount=Decimal("0.00"),
        removes_guardrail=True)
    step(manager, "approve", refused="须签署装修工程、防水、防火安全承诺书(6.19)", ends="under_review")
    add(app, "renovation_safety_undertaking", rid, wet_bathroom=True, wet_kitchen=False, wet_balcony=False)
    assert standing() == ("审核中", ["待客服主任审批(3个工作日内)"])
    step(manager, "approve", "同意", ends="approved")
    with app.app_context():
        record = db.session.get(Application, rid)
        assert (record.decision, record.approved_by.id, record.decided_at is not None) == (
            "approved", first(User, username="manager").staff_id, True)
    refused = clerk.post(f"/admin/renovation_application/edit/?id={rid}", data={"scope": "改"}, follow_redirects=True)
    assert "「已批准待缴费」状态的记录不能修改" in refused.text

    step(clerk, "start_works", refused="当前状态为「已批准待缴费」", ends="approved")
    step(clerk, "pay", refused="请填写缴费收据号", ends="approved")
    step(clerk, "pay", "保证金及管理费", fee_receipt_no=RECEIPT, ends="paid")
    step(clerk, "start_works", refused="须先发放装修施工许可证(6.20)", ends="paid")
    first_permit = permit(app, rid, fee_receipt_no="SJ-TYPO-0001")
    step(clerk, "start_works", refused="许可证的缴费收据号SJ-TYPO-0001与缴费登记不符", ends="paid")
    update(app, "renovation_permit", first_permit, fee_receipt_no=RECEIPT)
    step(clerk, "start_works", refused="须为施工人员办理装修工作证(6.22)", ends="paid")
    passes = add(app, "renovation_worker_pass", rid, workers=[worker(), worker()], settled_at=None)
    with app.app_context():
        assert db.session.get(Unit, unit_id).occupancy_status == "rented"
    step(clerk, "start_works", ends="in_progress")
    with app.app_context():
        assert db.session.get(Unit, unit_id).occupancy_status == "renovating"
        assert Application.of_unit(unit_id).id == rid
    label, waiting = standing()
    assert label == "施工中" and waiting[0] == "须先登记竣工检查申请(6.28)"
    assert waiting[-1] == f"施工许可证有效期至{TODAY + timedelta(days=60)}"

    # a patrol finds a violation: a notice, a stop order, and the way back to work
    first_notice = notice(app, rid)
    add(app, "renovation_inspection", rid, action="notice", rectification_notice=first_notice,
        items=[{"item": "damage_structure", "result": "violation", "note": "拆除承重墙"}])
    step(manager, "suspend", "违规拆改承重墙,责令停工", ends="suspended")
    assert standing()[1][:2] == ["原因:违规拆改承重墙,责令停工", "须有本次停工后提交并已批准的复工申请(6.29)"]
    with app.app_context():
        assert db.session.get(Unit, unit_id).occupancy_status == "renovating"
    step(manager, "resume", refused="须有本次停工后提交并已批准的复工申请(6.29)", ends="suspended")
    add(app, "renovation_resumption", rid, suspension_reason="ordered", rectification_notice=first_notice,
        decision="approved", new_planned_end=TODAY + timedelta(days=70))
    step(manager, "resume", refused="责令停工的整改通知单须复查为已整改", ends="suspended")
    update(app, "rectification_notice", first_notice, recheck_result="done", recheck_at=NOW,
           penalty_amount=Decimal("200.00"))
    step(manager, "resume", refused="新完工日期超出许可证有效期", ends="suspended")
    step(manager, "extend_suspended", refused="须先办理延期施工许可证", ends="suspended")
    permit(app, rid, permit_type="extension", previous_permit=first_permit, extension_fee=Decimal("100.00"),
           valid_from=TODAY + timedelta(days=61), valid_to=TODAY + timedelta(days=80))
    step(manager, "extend_suspended", "材料延误,延期20天", ends="suspended")
    with app.app_context():
        lines = db.session.get(FORMS["renovation_worker_pass"], passes).workers
        assert {line.valid_to for line in lines} == {TODAY + timedelta(days=80)}
    step(manager, "resume", ends="in_progress")

    # completion: the ponding test first, a failed check back to work, then a pass
    step(clerk, "request_completion", refused="须先登记竣工检查申请(6.28)", ends="in_progress")
    check = completion(app, rid)
    step(clerk, "request_completion", refused="卫生间须有合格的闭水试验(6.27)", ends="in_progress")
    add(app, "waterproof_test", rid, area_bathroom=True, result="fail", leak_description="楼下天花渗水")
    step(clerk, "request_completion", refused="卫生间须有合格的闭水试验(6.27)", ends="in_progress")
    add(app, "waterproof_test", rid, area_bathroom=True, result="pass")
    step(clerk, "request_completion", ends="completion_requested")
    update(app, "renovation_completion_inspection", check, result="failed", lead_inspector_id=staff(app))
    step(manager, "fail_completion", refused="须发出整改通知单(6.25)", ends="completion_requested")
    second_notice = notice(app, rid, facts="烟感被吊顶遮挡")
    step(manager, "fail_completion", ends="completion_failed")
    with app.app_context():
        assert db.session.get(Unit, unit_id).occupancy_status == "renovating"
    step(clerk, "request_completion", refused="须先登记竣工检查申请(6.28)", ends="completion_failed")
    check = completion(app, rid)
    step(clerk, "request_completion", refused="未复查为已整改", ends="completion_failed")
    update(app, "rectification_notice", second_notice, recheck_result="done", recheck_at=NOW)
    step(clerk, "request_completion", ends="completion_requested")
    step(manager, "accept", refused="竣工检查(6.28)结论须为合格", ends="completion_requested")
    update(app, "renovation_completion_inspection", check, result="passed", approved_by_id=staff(app),
           damage_deduction=Decimal("300.00"))
    step(manager, "accept", ends="accepted")
    with app.app_context():
        assert db.session.get(Unit, unit_id).occupancy_status == "rented"  # what the application kept, not the log
        assert db.session.get(Application, rid).occupancy_before == "rented"
        moves = db.session.execute(sa.select(TransitionLog.action, TransitionLog.from_state, TransitionLog.to_state)
                                   .filter_by(table_name="units", row_id=unit_id).order_by(TransitionLog.id)).all()
        assert [tuple(move) for move in moves] == [("start_renovation", "rented", "renovating"),
                                                   ("end_renovation_rented", "renovating", "rented")]

    # the deposit: after the observation period, with every pass back and settled
    step(clerk, "start_refund", refused="期满方可退保证金", ends="accepted")
    update(app, "renovation_completion_inspection", check, inspection_at=NOW - timedelta(days=31))
    step(clerk, "start_refund", refused="的工作证未交回", ends="accepted")
    with app.app_context():
        batch = db.session.get(FORMS["renovation_worker_pass"], passes)
        for line in batch.workers:
            line.returned_at = NOW
        serial = batch.serial_no
        db.session.commit()
    step(clerk, "start_refund", refused=f"工作证{serial}未结算", ends="accepted")
    update(app, "renovation_worker_pass", passes, settled_at=NOW)
    step(clerk, "start_refund", ends="refund_pending")
    assert standing() == ("待退保证金", ["待收费中心退还保证金"])
    step(clerk, "close", ends="closed")
    with app.app_context():
        assert db.session.get(Application, rid).deposit_refund == Decimal("2500.00")  # 3000 − 200 − 300
        actions = db.session.scalars(sa.select(TransitionLog.action).filter_by(
            table_name="renovation_applications", row_id=rid).order_by(TransitionLog.id)).all()
    assert actions == ["submit", "start_review", "return", "submit", "start_review", "approve", "pay", "start_works",
                       "suspend", "extend_suspended", "resume", "request_completion", "fail_completion",
                       "request_completion", "accept", "start_refund", "close"]
    assert standing() == ("结案", [])


def test_cancelling_after_payment_refunds_the_whole_deposit(app):
    rid = new_application(app, status="paid")
    guarantees(app, rid)
    receipt_recorded(app, rid)
    assert DONE in act(client_of(app, "clerk"), ENDPOINT, rid, "cancel", "业主放弃装修")
    with app.app_context():
        record = db.session.get(Application, rid)
        assert (record.status, record.deposit_refund) == ("cancelled", Decimal("3000.00"))


def test_the_decision_cannot_be_typed_into_the_form(app):
    from tests.formdata import editable

    assert {"decision", "decided_at", "deposit_refund", "status"}.isdisjoint(editable(Application))


def test_no_one_decides_on_an_application_they_registered(app):
    rid = new_application(app, status="under_review", creator="manager")
    reviewed(app, rid)
    assert "不能审批自己登记的申请" in act(client_of(app, "manager"), ENDPOINT, rid, "approve")
    assert state_of(app, rid) == "under_review"


def test_a_unit_already_under_renovation_cannot_apply_again(app):
    rid = new_application(app, status="in_progress")
    with app.app_context():
        unit_id = db.session.get(Application, rid).unit_id
        owner_id = db.session.get(Application, rid).owner_id
    second = new_application(app)
    update(app, "renovation_application", second, unit_id=unit_id, owner_id=owner_id)
    with app.app_context():
        serial = db.session.get(Application, rid).serial_no
    assert f"该房屋已有进行中的装修申请{serial}" in act(client_of(app, "clerk"), ENDPOINT, second, "submit")
    assert state_of(app, second) == "draft"


def test_a_clerk_sees_an_overrun_permit_on_the_units_renovation(app):
    rid = new_application(app, status="in_progress")
    permit(app, rid, valid_from=TODAY - timedelta(days=40), valid_to=TODAY - timedelta(days=1))
    with app.app_context():
        record = Application.of_unit(db.session.get(Application, rid).unit_id)
        label, waiting = record.standing()
    assert (record.id, label) == (rid, "施工中")
    assert waiting == ["须先登记竣工检查申请(6.28)", f"施工许可证有效期至{TODAY - timedelta(days=1)},已超期,须办理延期"]


def test_a_unit_page_says_where_its_renovation_stands(app, client_for):
    from app.renovation.models import RenovationApplication

    with app.app_context():
        application = db.session.scalars(sa.select(RenovationApplication).order_by(RenovationApplication.id)).first()
        unit_id = application.unit_id
        current = RenovationApplication.of_unit(unit_id)
        label, waiting = current.standing()
    page = client_for("clerk").get(f"/admin/unit/details/?id={unit_id}").text
    assert "装修进度" in page and current.serial_no in page and label in page
    assert all(item in page.replace("&#34;", '"').replace("&#39;", "'") for item in waiting)
