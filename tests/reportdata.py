"""Hand-made records for tests/test_reports.py: an estate of its own, and records dated in and around March 2024."""
import itertools
import random
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from app.demo.generator import build, fake_record
from app.extensions import db
from app.models import FORMS, Building, ComplaintCategory, FeeItem, Project, Unit, User
from app.models.base import LOCAL_TZ
from app.renovation.models import WorkerPassLine
from app.models.workflow import TransitionLog
from tests.conftest import staff_estate

START, END = date(2024, 3, 1), date(2024, 3, 31)  # the period of every report below: March 2024, Shanghai time
NOW = datetime(2024, 4, 10, 10, 0, tzinfo=LOCAL_TZ)  # "now" while the figures are computed
SEQ = itertools.count(1)


def local(month, day, hour=12, minute=0, year=2024):
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def make(model, **fields):
    """A stored record: random values for its required fields, then the ones that matter set by hand."""
    values, _ = fake_record(model, random.Random(next(SEQ)), optional=0)
    record = build(model, values, {})
    for name, value in fields.items():
        setattr(record, name, value)
    db.session.add(record)
    return record


def new_estate(code, occupancy):
    """A fresh estate: buildings of units with the given occupancy, so the demo's records do not interfere."""
    project = Project(code=code, name=f"测试小区{code}", project_type="residential", address="测试路1号",
                      service_hotline="020-12345678", total_units=0)
    units = {}
    for b, (building_code, statuses) in enumerate(occupancy.items()):
        building = Building(project=project, code=building_code, name=f"{building_code}栋", building_type="highrise")
        for i, status in enumerate(statuses, 1):
            units[f"{'ab'[b]}{i}"] = Unit(building=building, floor=i, room_no=f"{i}01", occupancy_status=status)
    db.session.add_all([project, *units.values()])
    staff_estate(project)
    db.session.flush()
    return project, units


def log(record, *steps):
    """Transition-log rows (action, to_state, local moment) as the flow engine writes them."""
    admin = db.session.scalar(sa.select(User).filter_by(username="admin"))
    previous = "draft"
    for action, to_state, at in steps:
        db.session.add(TransitionLog(table_name=record.__tablename__, row_id=record.id, action=action,
                                     from_state=previous, to_state=to_state, user_id=admin.id, at=at))
        previous = to_state


def categories():
    return db.session.scalars(sa.select(ComplaintCategory).filter_by(is_active=True)
                              .order_by(ComplaintCategory.sort, ComplaintCategory.id)).all()


def build_world():
    """The records of `world`, counted in the assertions below."""
    project, u = new_estate("RPT", {"R1": ["owner_occupied", "rented", "handed_over", "renovating"],
                                    "R2": ["rented", "vacant", "undelivered"]})
    other = db.session.scalars(sa.select(Project).where(Project.id != project.id).order_by(Project.id)).first()
    c1, c2 = categories()[:2]
    T, R = FORMS["complaint_ticket"], FORMS["revisit_record"]
    k = dict(project=project, is_resident=False, unit=None, households_count=1)
    make(T, **k, received_at=local(3, 1, 0, 5), category=c1, validity="valid",
         replied_at=local(3, 2), satisfaction="very_satisfied", status="closed")                   # K1
    make(T, **{**k, "households_count": 6}, received_at=local(3, 10), category=c1, validity="valid",
         replied_at=local(3, 12), missed_deadline=True, satisfaction="not_very_satisfied", status="closed")  # K2
    make(T, **k, received_at=local(3, 15), category=c2, validity="assisted", status="in_progress")  # K3
    make(T, **k, received_at=local(3, 31, 23, 30), category=c2, validity="invalid", replied_at=local(4, 1),
         satisfaction="satisfied", status="replied")                                                 # K4
    make(T, **k, received_at=local(4, 1, 0, 10), category=c1, validity="valid", status="received")  # K5: April
    make(T, **k, received_at=local(2, 20), category=c2, validity="valid", replied_at=local(3, 5),
         status="closed")                                                                            # K6: Feb
    make(T, project=other, received_at=local(3, 10), category=c1, validity="valid", households_count=1)  # elsewhere
    v = dict(project=project, unit=u["a1"])
    make(R, **v, revisit_type="complaint", service_done_at=local(3, 3), revisited_at=local(3, 4))     # V1
    make(R, **v, revisit_type="complaint", service_done_at=local(3, 13))                               # V2
    make(R, **v, revisit_type="complaint", service_done_at=local(3, 20), revisited_at=local(3, 21))   # V3
    make(R, **v, revisit_type="complaint", service_done_at=local(3, 25), revisited_at=local(4, 2))    # V4
    make(R, **v, revisit_type="minor_repair", service_done_at=local(3, 5), revisited_at=local(3, 6))  # V5
    make(R, **v, revisit_type="minor_repair", service_done_at=local(2, 25), revisited_at=local(3, 1))  # V6
    calls = FORMS["call_visit_log"]
    for moment in (local(3, 1, 9), local(3, 15), local(3, 31, 23, 59), local(4, 1, 0, 0), local(2, 29)):
        make(calls, project=project, contact_at=moment)  # three in March; 1 April 00:00 is already April
    W = FORMS["work_order"]
    w = dict(project=project, source="internal")
    make(W, **w, created_at=local(3, 2), due_at=local(3, 3), completed_at=local(3, 2, 15), status="closed")  # W1
    make(W, **w, created_at=local(3, 5), due_at=local(3, 6), completed_at=local(3, 8), status="completed")   # W2
    make(W, **w, created_at=local(3, 10), due_at=local(3, 12), status="in_progress")                         # W3
    make(W, **w, created_at=local(3, 28), due_at=local(4, 5), status="dispatched")                           # W4
    make(W, **w, created_at=local(2, 25), due_at=local(2, 27), completed_at=local(3, 1, 10), status="closed")  # W5
    make(W, **w, created_at=local(3, 15), due_at=local(3, 16), status="cancelled")                           # W6
    make(W, **w, created_at=local(4, 2), due_at=local(4, 3), status="created")                               # W7
    make(W, **w, created_at=local(3, 18), due_at=local(3, 25), status="created")                             # W8
    ledger = FORMS["front_desk_ledger_entry"]
    for moment, followup in ((local(3, 10), True), (local(3, 31, 23), True), (local(3, 11), False),
                             (local(4, 2), True)):
        make(ledger, project=project, entry_at=moment, duty_date=moment.date(), needs_followup=followup)
    moves = FORMS["move_in_receipt"]
    for unit, day in ((u["a1"], date(2024, 3, 5)), (u["a2"], date(2024, 3, 20)), (u["a1"], date(2024, 3, 25)),
                      (u["a3"], date(2024, 4, 1))):
        make(moves, project=project, unit=unit, handover_on=day)
    renovations(project, u)
    arrears(project, other, u)
    db.session.commit()
    world = dict(project=project.id, other=other.id, c1=c1.id, c2=c2.id,
                 buildings={b.code: b.id for b in db.session.scalars(sa.select(Building).filter_by(
                     project_id=project.id))})
    db.session.remove()
    return world


def renovations(project, u):
    """Six applications with their flow logs, guarantees, notices, passes and completion checks."""
    A = FORMS["renovation_application"]
    a = dict(project=project)
    r1 = make(A, **a, unit=u["a1"], created_at=local(3, 3), status="in_progress", decision="approved",
              decided_at=local(3, 6))
    r2 = make(A, **a, unit=u["a2"], created_at=local(3, 10), status="rejected", decision="rejected",
              decided_at=local(3, 12))
    r3 = make(A, **a, unit=u["b1"], created_at=local(2, 10), status="in_progress", decision="approved",
              decided_at=local(2, 12))
    r4 = make(A, **a, unit=u["a4"], created_at=local(1, 5), status="closed", decision="approved",
              decided_at=local(1, 6), deposit_refund=Decimal("2500.00"))
    make(A, **a, unit=u["b2"], created_at=local(3, 25), status="draft")                                  # R5
    r6 = make(A, **a, unit=u["a3"], created_at=local(2, 1), status="refund_pending", decision="approved",
              decided_at=local(2, 3))
    db.session.flush()
    log(r1, ("submit", "submitted", local(3, 3)), ("approve", "approved", local(3, 6)), ("pay", "paid", local(3, 7)),
        ("start_works", "in_progress", local(3, 8)), ("extend", "in_progress", local(3, 20)))
    log(r2, ("submit", "submitted", local(3, 10)), ("reject", "rejected", local(3, 12)))
    log(r3, ("submit", "submitted", local(2, 10)), ("pay", "paid", local(2, 13)),
        ("start_works", "in_progress", local(2, 14)), ("suspend", "suspended", local(3, 15)),
        ("resume", "in_progress", local(4, 3)))                                          # suspended at the end of March
    log(r4, ("pay", "paid", local(1, 8)), ("start_works", "in_progress", local(1, 10)),
        ("request_completion", "completion_requested", local(3, 1)),
        ("fail_completion", "completion_failed", local(3, 5)),
        ("request_completion", "completion_requested", local(3, 10)), ("accept", "accepted", local(3, 18)),
        ("start_refund", "refund_pending", local(3, 25)), ("close", "closed", local(3, 28)))
    log(r6, ("pay", "paid", local(2, 5)), ("start_works", "in_progress", local(2, 6)),
        ("accept", "accepted", local(2, 25)), ("start_refund", "refund_pending", local(3, 2)))
    G = FORMS["renovation_guarantee"]
    for record, amount in ((r1, "3000.00"), (r2, "1000.00"), (r3, "2000.00"), (r3, "500.00"), (r4, "3000.00"),
                           (r6, "1500.00")):
        make(G, project=project, renovation_application=record, deposit_amount=Decimal(amount))
    N = FORMS["rectification_notice"]
    make(N, project=project, renovation_application=r4, issued_at=local(3, 4), deadline=local(3, 9),
         penalty_amount=Decimal("300.00"))                                                               # N1
    make(N, project=project, renovation_application=r1, issued_at=local(3, 15), deadline=local(3, 20))  # N2
    make(N, project=project, renovation_application=r3, issued_at=local(2, 20), deadline=local(2, 25),
         penalty_amount=Decimal("100.00"))                                                               # N3: Feb
    make(N, project=project, target_type="occupant", unit=u["a2"], issued_at=local(3, 6), deadline=local(3, 9))
    C = FORMS["renovation_completion_inspection"]
    make(C, project=project, renovation_application=r4, applied_at=local(3, 1), inspection_at=local(3, 5),
         result="failed")
    make(C, project=project, renovation_application=r4, applied_at=local(3, 10), inspection_at=local(3, 18),
         result="passed", damage_deduction=Decimal("200.00"))
    P = FORMS["renovation_worker_pass"]
    for record, issued, returns in ((r1, local(3, 8), (local(3, 25), None, None)),
                                    (r3, local(2, 14), (local(3, 10), local(4, 5)))):
        batch = make(P, project=project, renovation_application=record, issued_at=issued)
        batch.workers = [WorkerPassLine(worker_name=f"工人{i}", id_number=f"44010619850312{i:04d}", trade="mason",
                                        returned_at=back) for i, back in enumerate(returns)]


def arrears(project, other, u):
    """Arrears rows of March (and one of April, one of another estate) over two fee items."""
    f1, f2 = db.session.scalars(sa.select(FeeItem).order_by(FeeItem.sort, FeeItem.id)).all()[:2]
    R = FORMS["arrears_record"]
    rows = ((u["a1"], f1, date(2024, 3, 31), (2023, 12), (2024, 2), "1200.50", "30.00", "notified"),   # A1: 3 months
            (u["a1"], f2, date(2024, 3, 31), (2023, 6), (2024, 2), "800.00", None, "legal"),         # A2: 9 months
            (u["b1"], f1, date(2024, 3, 15), (2023, 10), (2024, 3), "450.25", "12.50", "notified"),  # A3: 6 months
            (u["b2"], f1, date(2024, 4, 1), (2024, 1), (2024, 3), "999.00", None, "generated"),      # A4: April
            (u["b2"], f2, date(2024, 3, 1), (2024, 1), (2024, 2), "100.00", None, "generated"))      # A6: 2 months
    for unit, fee, as_of, start, end, amount, late, status in rows:
        make(R, project=project, unit=unit, fee_item=fee, as_of_date=as_of, period_from=date(*start, 1),
             period_to=date(*end, 1), amount_due=Decimal(amount), late_fee=late and Decimal(late), status=status)
    make(R, project=other, unit=u["a1"], fee_item=f1, as_of_date=date(2024, 3, 20), amount_due=Decimal("5000"))


