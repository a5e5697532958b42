"""The five registers that once had a state nothing could change: each step records its facts and moves it."""
import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.demo.generator import build, fake_record
from app.extensions import db
from app.models import FORMS, Building, StaffMember, User
from app.handover.models import _full_takeover_allowed
from app.models.workflow import TransitionLog
from app.workflow import perform
from conftest import NOW, first


def new(name, **values):
    """A record of form `name` with valid random values, in its first state."""
    fields, lines = fake_record(FORMS[name], random.Random(len(name)))
    record = build(FORMS[name], {**fields, **values}, lines)
    record.project = first(FORMS[name]).project if first(FORMS[name]) else None
    db.session.add(record)
    db.session.commit()
    return record


def step(record, action, who="manager", **values):
    reasons = perform(record, action, first(User, username=who), "理由" if action in NEEDS_REASON else "", values)
    db.session.commit()
    return reasons


NEEDS_REASON = {"promise", "sue", "reopen", "redo"}


def test_a_takeover_defect_is_rectified_and_then_allows_a_full_handover(ctx):
    building = first(Building)
    for model in (FORMS["housing_takeover_defect"], FORMS["equipment_takeover_defect"]):
        db.session.execute(sa.update(model).where(model.building_id == building.id).values(status="rectified"))
    defect = new("housing_takeover_defect", building=building, rectified_on=None, verified_by=None,
                 warranty_followup=None)
    assert defect.status == "open" and not _full_takeover_allowed(dict(conclusion="full", building=building))
    assert step(defect, "rectify") == ["请填写整改完成日期", "已整改的须有复验人"]
    assert step(defect, "rectify", rectified_on=defect.found_on, verified_by=first(StaffMember)) == []
    assert defect.status == "rectified" and _full_takeover_allowed(dict(conclusion="full", building=building))
    log = db.session.scalars(sa.select(TransitionLog).filter_by(table_name="housing_takeover_defects",
                                                                row_id=defect.id)).all()
    assert [(row.from_state, row.to_state) for row in log] == [("open", "rectified")]


@pytest.mark.parametrize("name, path, end", [
    ("arrears_record", [("notify", dict(pay_deadline=NOW.date() + timedelta(days=10))), ("promise", {}),
                        ("pay", {})], "paid"),
    ("warranty_followup", [("fix", dict(fixed_at=NOW)), ("reopen", {}), ("fix", dict(fixed_at=NOW)),
                           ("verify", dict(verified_by="staff", owner_confirmed=True))], "closed"),
    ("equipment_takeover_defect", [("start", {}), ("to_warranty", dict(warranty_followup="warranty"))],
     "to_warranty"),
    ("outsourced_nonconformity", [("acknowledge", dict(contractor_rep_name="周主管", contractor_rep_signed_at=NOW)),
                                  ("correct", dict(corrective_action="重新清洁")),
                                  ("verify", dict(verified_by="staff", verified_at=NOW + timedelta(hours=2),
                                                  verification_result="fail")),
                                  ("redo", {}), ("correct", dict(corrective_action="再次清洁并复查")),
                                  ("verify", dict(verified_by="staff", verified_at=NOW + timedelta(hours=5),
                                                  verification_result="pass")), ("close", {})], "closed"),
])
def test_each_register_walks_to_its_end(ctx, name, path, end):
    record = new(name, **{key: None for key in FORMS[name].__flow__.transitions[0].fields})
    stand_ins = {"staff": first(StaffMember), "warranty": first(FORMS["warranty_followup"])}
    refused = []
    for action, values in path:
        values = {key: stand_ins.get(value, value) if isinstance(value, str) else value
                  for key, value in values.items()}
        reasons = step(record, action, **values)
        if action == "verify" and values.get("verification_result") == "fail":
            refused.append(reasons)  # a failed check is not a verification: refused, then sent back ("redo")
            continue
        assert reasons == [], (action, reasons)
    assert record.status == end
    assert refused == ([["验证结果须为合格"]] if name == "outsourced_nonconformity" else [])
