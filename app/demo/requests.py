"""The demo's renovations and key loans taken along their flows, so every state a desk meets is there to see.

Like the complaints in desk.py, each record is saved through the domain's save path and each step taken by the
workflow service with the clock set to when it happened.
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..core.saving import Refused, save
from ..extensions import db
from ..models import FORMS, Contractor, Key, KeyCategory, Owner, StaffMember, Unit, UnitOwner, User
from ..models.types import clock_at, utcnow
from ..workflow import finish, perform
from .generator import build, fake_record

DOCS = ("property_cert", "business_licence", "qualification_cert")
# (days ago it was registered, the steps taken a few hours apart): one renovation per state a desk meets early on
RENOVATIONS = ((2, ()), (3, ("submit",)), (5, ("submit", "start_review")),
               (9, ("submit", "start_review", "return")), (12, ("submit", "start_review", "reject")),
               (6, ("cancel",)))
COMMENTS = {"return": "施工图纸未签字,请补正后重新申报", "reject": "拟拆改承重墙,不予批准", "cancel": "业主决定暂缓装修"}
# (hours ago lent, hours lent for, hours ago returned or None): one out, one overdue, one back in the cabinet
KEY_LOANS = ((3, 8, None), (50, 4, None), (30, 6, 25))


def _step(record, action, user, when, **values):
    """Take one step at `when`; a refusal is logged and stops the walk."""
    with clock_at(when):
        reasons = finish(perform(record, action, user, COMMENTS.get(action, ""), values=values))
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


def walk_renovations(rnd, project):
    """A renovation in each early state of its flow, on units with an owner and nothing else open."""
    Application = FORMS["renovation_application"]
    clerk, manager = (db.session.scalar(sa.select(User).filter_by(username=name)) for name in ("clerk", "manager"))
    busy = sa.select(Application.unit_id)
    owned = db.session.execute(sa.select(Unit, Owner).join(UnitOwner, UnitOwner.unit_id == Unit.id)
                               .join(Owner, Owner.id == UnitOwner.owner_id)
                               .where(Unit.id.notin_(busy), UnitOwner.end_on.is_(None))
                               .order_by(Unit.id.desc()).limit(len(RENOVATIONS))).all()
    contractor = db.session.scalar(sa.select(Contractor).filter_by(contractor_type="renovation"))
    for (days, steps), (unit, owner) in zip(RENOVATIONS, owned):
        fields, _ = fake_record(Application, rnd)
        fields.update(unit=unit, owner=owner, applicant_type="owner", applicant_name=owner.name,
                      applicant_mobile=owner.mobile, construction_mode="contractor", contractor=contractor,
                      involves_structural_change=False, drawings_signed_at=None, engineering_opinion=None)
        start = utcnow() - timedelta(days=days)
        record = build(Application, fields, {"documents": [{"doc_type": d, "provided": True} for d in DOCS]})
        record.project = project
        if _saved(record, clerk, start) is None:
            continue
        for hours, action in enumerate(steps, 1):
            user = manager if action in ("return", "reject") else clerk
            if not _step(record, action, user, start + timedelta(hours=hours * 20)):
                break


def walk_key_loans(rnd, project):
    """Keys lent to staff: one out, one overdue, one returned."""
    Loan = FORMS["key_loan"]
    clerk = db.session.scalar(sa.select(User).filter_by(username="clerk"))
    staff = db.session.scalars(sa.select(StaffMember).order_by(StaffMember.id)).all()
    keys = db.session.scalars(sa.select(Key).join(KeyCategory).where(
        KeyCategory.is_sensitive.is_(False), Key.status == "in_cabinet").order_by(Key.id.desc())
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
