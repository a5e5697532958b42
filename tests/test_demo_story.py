"""The demo tells a true story: flows walked to many states, keys out and back, complaints in order, no filler."""
import re

import sqlalchemy as sa

from app.core.time import LOCAL_TZ
from app.extensions import db
from app.models import FORMS, User
from app.renovation.flow import RENOVATION_STATE, deposit, pass_lines, permits, related
from app.models.workflow import TransitionLog
from app.views.inbox import waiting_count, waiting_for
from app.workflow import flow_of
from app.models.types import as_utc
from app.views.declared import field_info

SERIAL_MONTH = re.compile(r"-(\d{6})-\d+$")


def some(model):
    """Up to 50 records of a form, their columns only: loading each one's references would be most of the test."""
    return db.session.scalars(sa.select(model).options(sa.orm.raiseload("*")).limit(50))


def rows(name):
    return db.session.scalars(sa.select(FORMS[name])).all()


def test_renovations_stand_in_every_state_of_their_flow(ctx):
    assert {r.status for r in rows("renovation_application")} == set(RENOVATION_STATE.codes)


def test_every_state_shown_was_reached_through_the_engine(ctx):
    """A record's state is where its last logged step took it (a draft has none): no state written by hand."""
    for name in ("renovation_application", "key_loan"):
        flow = flow_of(FORMS[name])
        for record in rows(name):
            logged = db.session.scalars(sa.select(TransitionLog.to_state).filter_by(
                table_name=record.__tablename__, row_id=record.id).order_by(TransitionLog.id)).all()
            assert getattr(record, flow.field) == (logged[-1] if logged else flow.states.codes[0]), (name, record.serial_no)


def test_the_works_papers_stand_behind_the_states(ctx):
    by_state = {r.status: r for r in rows("renovation_application")}
    assert permits(by_state["in_progress"]) and pass_lines(by_state["in_progress"])
    assert related(by_state["completion_failed"], "rectification_notice")
    assert by_state["closed"].deposit_refund == deposit(by_state["closed"]) > 0


def test_requests_wait_for_the_managers_decision(ctx):
    manager = db.session.scalar(sa.select(User).filter_by(username="manager"))
    waiting = waiting_for(manager)
    assert any(item.record.__tablename__ == "renovation_applications" for item in waiting)
    assert waiting_count(manager) >= len(waiting) > 0


def test_keys_are_out_overdue_and_returned(ctx):
    loans = rows("key_loan")
    assert any(loan.is_overdue for loan in loans)
    assert any(loan.status == "lent" and not loan.is_overdue for loan in loans)
    returned = [loan for loan in loans if loan.status == "returned"]
    assert returned and all(loan.returned_at and loan.key_condition for loan in returned)
    assert not any(loan.returned_at for loan in loans if loan.status in ("registered", "lent"))


def test_complaints_happen_in_order_and_say_what_their_category_is(ctx):
    for ticket in rows("complaint_ticket"):
        received = as_utc(ticket.received_at)
        assert as_utc(ticket.created_at) == received
        for later in ("promised_reply_at", "replied_at", "resolved_at", "reported_to_company_at"):
            value = getattr(ticket, later)
            assert value is None or as_utc(value) >= received, (ticket.serial_no, later)
    assert len({(t.category_id, t.content) for t in rows("complaint_ticket")}) == len(
        {t.content for t in rows("complaint_ticket")})  # one text, one category


def test_serial_numbers_follow_the_dates(ctx):
    for name, model in FORMS.items():
        for record in some(model):
            month = SERIAL_MONTH.search(record.serial_no or "")
            if month:
                assert month.group(1) == as_utc(record.created_at).astimezone(LOCAL_TZ).strftime("%Y%m"), \
                    (name, record.serial_no, record.created_at)


def test_no_numbered_filler(ctx):
    for name, model in FORMS.items():
        texts = [c for c in model.__table__.columns if isinstance(c.type, sa.String) and c.key != "serial_no"]
        for record in some(model):
            for column in texts:
                label = str(field_info(model, column.key).get("label") or column.key)
                value = getattr(record, column.key)
                assert not (isinstance(value, str) and re.fullmatch(rf"{re.escape(label)}\d+", value)), \
                    (name, column.key, value)
                if field_info(model, column.key).get("demo") and isinstance(value, str):
                    assert not re.search(r"\D\d+$", value) or value in field_info(model, column.key)["demo"], \
                        (name, column.key, value)
