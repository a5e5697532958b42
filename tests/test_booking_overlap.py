"""V-NOOVERLAP on common-area bookings (6.56): on save, on approval, and when two approvals race."""
import dataclasses
import threading

import pytest
import sqlalchemy as sa

from app.demo.generator import fake_record
from app.extensions import db
from app.models import FORMS, PublicArea, User
from app.models.workflow import TransitionLog
from app.workflow import finish, flow_of, perform
from tests.formdata import errors_in, payload
from tests.test_requests import DONE, edit_with_own_values, fetch, hours, new_area, new_record
from conftest import act, client_of

OVERLAP = "该场地此时段已被其他已批准的预约占用"


def booking_form(app, rnd, area_id, start, end):
    model = FORMS["public_area_booking"]
    with app.app_context():
        values, _ = fake_record(model, rnd)
        values.update(public_area=db.session.get(PublicArea, area_id), start_at=start, end_at=end, participants=None)
        return payload(model, values)


def count_bookings(app, area_id):
    with app.app_context():
        model = FORMS["public_area_booking"]
        return db.session.scalar(sa.select(sa.func.count(model.id)).where(model.public_area_id == area_id))


def area_with(app, rnd, *bookings):
    """A fresh area holding bookings given as (state, start hour, end hour); returns its id and theirs."""
    with app.app_context():
        area = new_area()
        db.session.add(area)
        db.session.commit()
        area_id = area.id
    return area_id, [new_record(app, rnd, "public_area_booking", status=state, public_area_id=area_id,
                                start_at=hours(start), end_at=hours(end)) for state, start, end in bookings]


def test_save_refuses_a_slot_an_approved_booking_holds(app, rnd):
    area, _ = area_with(app, rnd, ("approved", 48, 50), ("submitted", 52, 54), ("cancelled", 56, 58))
    clerk = client_of(app, "clerk")
    response = clerk.post("/admin/public_area_booking/new/", data=booking_form(app, rnd, area, hours(49), hours(51)))
    assert response.status_code == 200 and OVERLAP in errors_in(response.text)
    assert count_bookings(app, area) == 3
    for start, end in ((50, 52), (53, 55), (57, 59)):  # touching the end, over a request, over a cancellation
        response = clerk.post("/admin/public_area_booking/new/", data=booking_form(app, rnd, area, hours(start),
                                                                                   hours(end)))
        assert response.status_code == 302, errors_in(response.text)
    assert count_bookings(app, area) == 6


def test_an_edit_may_not_move_into_a_held_slot_but_keeps_its_own(app, rnd):
    _, (_, running, waiting) = area_with(app, rnd, ("approved", 48, 50), ("in_use", 60, 62),
                                               ("submitted", 64, 66))
    response = edit_with_own_values(app, rnd, "public_area_booking", waiting, start_at=hours(49), end_at=hours(51))
    assert response.status_code == 200 and OVERLAP in errors_in(response.text)
    assert fetch(app, "public_area_booking", waiting, "start_at") == (hours(64),)
    response = edit_with_own_values(app, rnd, "public_area_booking", running, damage_found=True, damage_note="椅子坏")
    assert response.status_code == 302, errors_in(response.text)
    assert fetch(app, "public_area_booking", running, "damage_note") == ("椅子坏",)


def test_approval_refuses_an_overlap(app, rnd):
    _, (held, late, free) = area_with(app, rnd, ("paid", 48, 50), ("submitted", 49, 51), ("submitted", 50, 51))
    serial = fetch(app, "public_area_booking", held, "serial_no")[0]
    manager = client_of(app, "manager")
    assert f"该时段与已批准的预约{serial}重叠" in act(manager, "public_area_booking", late, "approve")
    assert DONE in act(manager, "public_area_booking", free, "approve")
    assert fetch(app, "public_area_booking", late, "status") == ("submitted",)
    assert fetch(app, "public_area_booking", free, "status") == ("approved",)


def approve_at_once(app, ids):
    """Two managers approve two bookings in two threads at the same moment; returns each one's outcome."""
    outcomes, barrier = {}, threading.Barrier(len(ids))

    def decide(record_id):
        with app.app_context():
            user = db.session.scalar(sa.select(User).filter_by(username="manager"))
            record = db.session.get(FORMS["public_area_booking"], record_id)
            barrier.wait()
            outcomes[record_id] = finish(perform(record, "approve", user))
            db.session.remove()

    threads = [threading.Thread(target=decide, args=(record_id,)) for record_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def assert_one_approved(app, ids, outcomes):
    states = [fetch(app, "public_area_booking", record_id, "status")[0] for record_id in ids]
    assert sorted(states) == ["approved", "submitted"]
    assert sorted(bool(outcomes[record_id]) for record_id in ids) == [False, True]
    with app.app_context():
        logs = db.session.scalars(sa.select(TransitionLog).where(
            TransitionLog.table_name == "public_area_bookings", TransitionLog.row_id.in_(ids))).all()
        assert [log.row_id for log in logs] == [ids[states.index("approved")]]


def test_two_overlapping_approvals_at_once_end_with_one(app, rnd):
    _, ids = area_with(app, rnd, ("submitted", 48, 50), ("submitted", 49, 51))
    assert_one_approved(app, ids, approve_at_once(app, ids))


@pytest.fixture
def stale_guard():
    """Let both approvals pass their check before either commits: the effect's re-check must catch it."""
    flow = flow_of(FORMS["public_area_booking"])
    index = next(i for i, t in enumerate(flow.transitions) if t.action == "approve")
    original, barrier = flow.transitions[index], threading.Barrier(2, timeout=10)

    def guard(record):
        reasons = original.guard(record)
        barrier.wait()
        return reasons

    flow.transitions[index] = dataclasses.replace(original, guard=guard)
    yield
    flow.transitions[index] = original


def test_the_effect_rechecks_when_both_checks_passed(app, rnd, stale_guard):
    _, ids = area_with(app, rnd, ("submitted", 48, 50), ("submitted", 49, 51))
    outcomes = approve_at_once(app, ids)
    assert_one_approved(app, ids, outcomes)
    loser = next(reasons for reasons in outcomes.values() if reasons)
    assert any("重叠" in reason for reason in loser)


def test_a_late_clash_over_http_is_refused_and_nothing_changes(app, rnd):
    flow = flow_of(FORMS["public_area_booking"])
    index = next(i for i, t in enumerate(flow.transitions) if t.action == "approve")
    original = flow.transitions[index]
    _, (_, late) = area_with(app, rnd, ("approved", 48, 50), ("submitted", 49, 51))
    flow.transitions[index] = dataclasses.replace(original, guard=lambda record: [])  # a check gone stale
    try:
        page = act(client_of(app, "manager"), "public_area_booking", late, "approve")
    finally:
        flow.transitions[index] = original
    assert "操作未完成" in page and "重叠" in page
    assert fetch(app, "public_area_booking", late, "status", "approved_at") == ("submitted", None)


@pytest.mark.postgres
def test_one_overlapping_approval_wins_on_postgres(postgres_app, rnd, stale_guard):
    test_the_effect_rechecks_when_both_checks_passed(postgres_app, rnd, None)
