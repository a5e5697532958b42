"""The demo's renovations and key loans taken along their flows, so every state a desk meets is there to see.

Like the complaints in desk.py, each record is saved through the domain's save path and each step taken by the
workflow service with the clock set to when it happened.
"""
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from ..core.declared import field_info
from ..core.saving import Refused, save
from ..extensions import db
from ..models import FORMS, Building, Contractor, Key, KeyCategory, Owner, StaffMember, Unit, UnitOwner, User
from ..models.base import LOCAL_TZ
from ..models.types import clock_at, utcnow
from ..workflow import finish, perform
from .generator import build, fake_record, id18

DOCS = ("property_cert", "business_licence", "qualification_cert")
# the way along the flow to each state a desk meets, from registration to the refund (and the ways off it)
APPROVED = ("submit", "start_review", "approve")
WORKING = APPROVED + ("pay", "start_works")
CHECKED = WORKING + ("request_completion",)
RENOVATIONS = ((), ("submit",), ("submit", "start_review"), ("submit", "start_review", "return"),
               ("submit", "start_review", "reject"), ("cancel",), APPROVED, APPROVED + ("pay",), WORKING,
               WORKING + ("suspend",), CHECKED, CHECKED + ("fail_completion",), CHECKED + ("accept",),
               CHECKED + ("accept", "start_refund"), CHECKED + ("accept", "start_refund", "close"))
# days after registration each step is taken: review in three days, works for a month, 30 days' observation
DAY_OF = {"submit": 0.2, "start_review": 1, "return": 3, "reject": 3, "cancel": 2, "approve": 3, "pay": 4,
          "start_works": 5, "suspend": 15, "request_completion": 35, "fail_completion": 37, "accept": 37,
          "start_refund": 70, "close": 71}
COMMENTS = {"return": "施工图纸未签字,请补正后重新申报", "reject": "拟拆改承重墙,不予批准", "cancel": "业主决定暂缓装修",
            "suspend": "业主因家事申请暂停施工"}
SENSITIVE_OFF = dict(removes_guardrail=False, moves_security_devices=False, encloses_drain_stacks=False,
                     encloses_gas_main=False)
# (hours ago lent, hours lent for, hours ago returned or None): one out, one overdue, one back in the cabinet
KEY_LOANS = ((3, 8, None), (50, 4, None), (30, 6, 25))


def _step(record, action, user, when, comment=None, **values):
    """Take one step at `when`; a refusal is logged and stops the walk."""
    with clock_at(when):
        reasons = finish(perform(record, action, user, comment or COMMENTS.get(action, ""), values=values))
    if reasons:
        current_app.logger.info("demo: %s %s refused: %s", record.serial_no, action, reasons)
    return not reasons


def _saved(record, user, when):
    record.created_at, record.created_by, record.updated_by = when, user, user
    try:
        with clock_at(when):
            save(record, user, created=True)
        db.session.commit()
        return record
    except Refused as refused:
        db.session.rollback()
        current_app.logger.info("demo: %s refused: %s", type(record).__name__, refused.reasons)
        return None


def _changed(record, user, when, **values):
    """Fill in what the desk writes on a record later (a check's result, a pass handed back), through save()."""
    for name, value in values.items():
        setattr(record, name, value)
    with clock_at(when):
        save(record, user)
    db.session.commit()


def _paper(rnd, form, application, user, when, lines=None, **values):
    """A record of a renovation's related form (guarantee, permit, passes, check, notice), valid, then as given."""
    model = FORMS[form]
    fields, fake_lines = fake_record(model, rnd, lines=(2, 2))
    fields.update(values, renovation_application=application)
    for name, rows in (lines or {}).items():  # the lines as given, the generator filling what they leave out
        fake_lines[name] = [{**fake, **row} for fake, row in zip(fake_lines[name], rows)]
    record = build(model, fields, fake_lines)
    record.project = application.project
    return _saved(record, user, when)


class _Works:
    """What a renovation's steps need on paper, filed just before each step as the desk would file it."""

    def __init__(self, rnd, record, clerk, manager, staff):
        self.rnd, self.record, self.clerk, self.manager, self.staff = rnd, record, clerk, manager, staff
        receipts = field_info(FORMS["renovation_permit"], "fee_receipt_no")["demo"]  # the receipt book's numbers
        self.receipt = receipts[record.id % len(receipts)]
        self.check = self.passes = None
        own_id = record.applicant_id_type == "cn_id" and record.applicant_id_number
        self.id_card = own_id or id18(rnd)  # the renovator signs with the ID they applied with

    def before(self, action, when):
        """File the papers `action` asks for."""
        getattr(self, action, lambda when: None)(when)

    def approve(self, when):
        rnd, record, clerk = self.rnd, self.record, self.clerk
        _changed(record, self.manager, when - timedelta(hours=2), drawings_signed_at=when - timedelta(hours=3),
                 engineering_opinion="方案可行,不涉及主体结构,同意施工")
        _paper(rnd, "renovation_guarantee", record, clerk, when - timedelta(hours=4), signer_role="renovator",
               signer_name=record.applicant_name, signer_id_card=self.id_card, contractor=None, deposit_amount=Decimal("3000.00"),
               **SENSITIVE_OFF)
        _paper(rnd, "renovation_guarantee", record, clerk, when - timedelta(hours=4), signer_role="contractor",
               contractor=record.contractor, deposit_amount=Decimal("0.00"), **SENSITIVE_OFF)
        _paper(rnd, "renovation_safety_undertaking", record, clerk, when - timedelta(hours=4),
               owner_signer_name=record.applicant_name, contractor_signer_name=record.site_manager_name,
               wet_kitchen=False, wet_bathroom=False, wet_balcony=False, leak_liability_accepted=True,
               structure_gas_water_clause=True, hot_work_clause=True)

    def start_works(self, when):
        rnd, record, clerk, day = self.rnd, self.record, self.clerk, local_day(when)
        _paper(rnd, "renovation_permit", record, clerk, when - timedelta(hours=1), permit_type="initial",
               previous_permit=None, extension_reason=None, extension_fee=None, revoked_at=None, revoke_reason=None,
               contractor=record.contractor, fee_receipt_no=self.receipt, valid_from=day,
               valid_to=day + timedelta(days=60), issued_at=when - timedelta(hours=1))
        workers = [{"id_number": id18(rnd), "trade": trade, "valid_to": day + timedelta(days=45), "returned_at": None}
                   for trade in ("mason", "electrician_plumber")]
        self.passes = _paper(rnd, "renovation_worker_pass", record, clerk, when - timedelta(minutes=30),
                             contractor=record.contractor, issued_at=when - timedelta(minutes=30), settled_at=None,
                             lines={"workers": workers})

    def request_completion(self, when):
        self.check = _paper(self.rnd, "renovation_completion_inspection", self.record, self.clerk,
                            when - timedelta(hours=1), applied_at=when - timedelta(hours=1),
                            applicant_name=self.record.applicant_name, actual_finish_on=local_day(when),
                            waterproof_test=None, inspection_at=None, lead_inspector=None, result=None,
                            damage_deduction=None, approved_by=None)

    def fail_completion(self, when):
        _changed(self.check, self.manager, when - timedelta(hours=1), result="failed", inspection_at=when -
                 timedelta(hours=2), lead_inspector=self.staff)
        _paper(self.rnd, "rectification_notice", self.record, self.manager, when - timedelta(hours=1),
               target_type="renovation", unit=self.record.unit, contractor=self.record.contractor,
               issued_at=when - timedelta(hours=1), deadline=when + timedelta(days=7), facts="卫生间墙面开槽未修补,装修垃圾未清运",
               required_action="修补墙面并清运垃圾后重新申请竣工检查", recheck_at=None, recheck_by=None,
               recheck_result=None, penalty_amount=None, issued_by=self.staff, recipient_name=self.record.site_manager_name,
               recipient_signed_at=when - timedelta(minutes=30), refused_to_sign=False, witness=None)

    def accept(self, when):
        for item in self.check.items:
            item.result, item.note = "pass", None
        _changed(self.check, self.manager, when - timedelta(hours=1), result="passed",
                 inspection_at=when - timedelta(hours=2), lead_inspector=self.staff, approved_by=self.staff)

    def start_refund(self, when):
        for line in self.passes.workers:
            line.returned_at = when - timedelta(hours=3)
        _changed(self.passes, self.clerk, when - timedelta(hours=2), settled_at=when - timedelta(hours=2))


def local_day(moment):
    return moment.astimezone(LOCAL_TZ).date()


def walk_renovations(rnd, project):
    """A renovation in every state of its flow, on delivered units with an owner and nothing else open."""
    Application = FORMS["renovation_application"]
    clerk, manager = (db.session.scalar(sa.select(User).filter_by(username=name)) for name in ("clerk", "manager"))
    staff = manager.staff or db.session.scalar(sa.select(StaffMember).filter_by(project=project)
                                               .order_by(StaffMember.id))
    busy = sa.select(Application.unit_id)
    owned = db.session.execute(sa.select(Unit, Owner).join(UnitOwner, UnitOwner.unit_id == Unit.id)
                               .join(Owner, Owner.id == UnitOwner.owner_id).join(Building, Building.id == Unit.building_id)
                               .where(Building.project_id == project.id, Unit.id.notin_(busy), UnitOwner.end_on.is_(None),
                                      Unit.occupancy_status != "undelivered")
                               .order_by(Unit.id.desc()).limit(len(RENOVATIONS))).all()
    contractor = db.session.scalar(sa.select(Contractor).filter_by(contractor_type="renovation"))
    for steps, (unit, owner) in zip(RENOVATIONS, owned):
        fields, _ = fake_record(Application, rnd)
        fields.update(unit=unit, owner=owner, applicant_type="owner", applicant_name=owner.name,
                      applicant_mobile=owner.mobile, construction_mode="contractor", contractor=contractor,
                      involves_structural_change=False, involves_waterproofing=False, drawings_signed_at=None,
                      engineering_opinion=None, reviewed_by=None, approved_by=None, **SENSITIVE_OFF)
        start = utcnow().replace(second=0, microsecond=0) - timedelta(days=max((DAY_OF[a] for a in steps), default=0) + 2, hours=rnd.randint(1, 20))
        record = build(Application, fields, {"documents": [{"doc_type": d, "provided": True} for d in DOCS]})
        record.project = project
        if _saved(record, clerk, start) is None:
            continue
        works = _Works(rnd, record, clerk, manager, staff)
        for action in steps:
            when = start + timedelta(days=DAY_OF[action])
            user = manager if action in ("return", "reject", "approve", "suspend", "fail_completion", "accept") else clerk
            works.before(action, when)
            paid = {"fee_receipt_no": works.receipt} if action == "pay" else {}  # the pay step asks for the receipt
            if not _step(record, action, user, when, **paid):
                break


def walk_key_loans(rnd, project):
    """Keys lent to staff: one out, one overdue, one returned."""
    Loan = FORMS["key_loan"]
    clerk = db.session.scalar(sa.select(User).filter_by(username="clerk"))
    staff = db.session.scalars(sa.select(StaffMember).filter_by(project=project).order_by(StaffMember.id)).all()
    keys = db.session.scalars(sa.select(Key).join(KeyCategory).where(
        Key.project_id == project.id, KeyCategory.is_sensitive.is_(False), Key.status == "in_cabinet")
        .order_by(Key.id.desc())
        .limit(len(KEY_LOANS))).all()
    for (ago, hours, back), key in zip(KEY_LOANS, keys):
        fields, _ = fake_record(Loan, rnd)
        lent = utcnow().replace(second=0, microsecond=0) - timedelta(hours=ago)
        borrower = rnd.choice(staff)
        fields.update(key=key, loan_type="loan", borrower_kind="staff", staff=borrower, borrower_name=borrower.name,
                      borrower_mobile=borrower.mobile, lent_at=lent, expected_return_at=lent + timedelta(hours=hours),
                      returned_at=None, received_by=None, key_condition=None, deposit_amount=None,
                      deposit_receipt_no=None, deposit_refunded_at=None, owner_authorization=None,
                      purpose=rnd.choice(("空置房查看水电", "陪同业主验房", "维修人员入户检修", "查看渗漏情况")))
        record = _saved(build(Loan, fields, {}), clerk, lent - timedelta(minutes=10))
        if record is None or not _step(record, "lend", clerk, lent):
            continue
        if back is not None:  # the desk checks the key, notes its condition, then takes it back in
            when = utcnow() - timedelta(hours=back)
            record.key_condition = "intact"
            with clock_at(when):
                save(record, clerk)
            _step(record, "return", clerk, when)
