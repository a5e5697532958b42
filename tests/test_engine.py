"""Every state under the engine: what no flow moves is refused at definition, the database checks what the
model's choices say, and units and extinguishers change state only by logged steps."""
import random
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.saving import save
from app.core.declared import field_info
from app.core.time import clock_at
from app.demo.generator import build, fake_record
from app.extensions import db
from app.i18n import Choices
from app.models import FORMS, ComplaintCategory, Key, KeyCategory, Project, StaffMember, Unit, User
from app.models import fields as f
from app.models.base import Lookup
from app.servicedesk.revisits import RevisitRecord, schedule_revisit
from app.models.workflow import TransitionLog
from app.workflow import Flow, Transition, finish, perform
from conftest import NOW, act, client_of, first
from tests.formdata import editable, encode, errors_in, payload

STATES = Choices(open="开", shut="关")


def test_a_state_column_without_a_flow_is_refused_when_the_model_is_defined():
    with pytest.raises(TypeError, match=r"Gate\.position is a state .*declare the __flow__"):
        class Gate(Lookup, db.Model):  # noqa: F841
            position = f.choice("位置", STATES, required=True, default="open", readonly=True, state=True)
    with pytest.raises(TypeError, match=r"Door\.position is a state"):  # a flow over another column does not count
        class Door(Lookup, db.Model):  # noqa: F841
            position = f.choice("位置", STATES, required=True, default="open", readonly=True, state=True)
            other = f.status(STATES, default="open")
            __flow__ = Flow(STATES, [Transition("shut", ("关", "Shut"), ("open",), "shut", None)], field="other")
    with pytest.raises(TypeError, match=r"Hatch\.__flow__ moves 'position': declare that column as its state"):
        class Hatch(Lookup, db.Model):  # noqa: F841
            position = f.choice("位置", STATES, required=True, default="open")  # editable in a form: not a state
            __flow__ = Flow(STATES, [Transition("shut", ("关", "Shut"), ("open",), "shut", None)], field="position")
    assert not {"gates", "doors", "hatches"} & set(db.metadata.tables)  # refused before it was mapped


def test_every_state_column_of_the_app_is_moved_by_its_flow():
    states = {(mapper.class_.__name__, column.key) for mapper in db.Model.registry.mappers
              for column in mapper.columns if column.info.get("state")}
    assert {("Unit", "occupancy_status"), ("FireExtinguisher", "status"), ("Key", "status")} <= states
    for mapper in db.Model.registry.mappers:
        flow = getattr(mapper.class_, "__flow__", None)
        moved = {column.key for column in mapper.columns if column.info.get("state")}
        assert moved == ({flow.field} if flow else set()), mapper.class_.__name__


# -- the database's CHECK constraints say what the models' Choices say --------------------------------------------
def choice_columns():
    """(table, column, codes) of every column declared with a Choices."""
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            choices = column.info.get("choices")
            if choices is not None:
                yield table.name, column.name, set(choices.codes)


def checked_values(engine):
    """(table, column) -> the values each CHECK ... IN (...) of the live database allows."""
    inspector, out = sa.inspect(engine), {}
    for table in inspector.get_table_names():
        names = {c["name"] for c in inspector.get_columns(table)}
        for check in inspector.get_check_constraints(table):
            sql = check["sqltext"]
            column = next((word for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", sql) if word in names), None)
            values = [value.replace("''", "'") for value in re.findall(r"'((?:[^']|'')*)'", sql)]
            if column is not None and values:
                out.setdefault((table, column), set()).update(values)
    return out


def assert_checks_match_choices(engine):
    inspector = sa.inspect(engine)
    unnamed = [table for table in inspector.get_table_names() for check in inspector.get_check_constraints(table)
               if not check.get("name")]
    assert unnamed == []  # SQLite's batch migrations drop an unnamed CHECK when they rebuild its table
    checked = checked_values(engine)
    wrong = {(table, column): (checked.get((table, column)), codes) for table, column, codes in choice_columns()
             if checked.get((table, column)) != codes}
    assert wrong == {}  # (table, column): (what the database allows, what the model's Choices say)


def test_the_migrated_sqlite_checks_match_the_choices(app):
    with app.app_context():
        assert_checks_match_choices(db.engine)


@pytest.mark.postgres
def test_the_migrated_postgres_checks_match_the_choices(postgres_app):
    with postgres_app.app_context():
        assert_checks_match_choices(db.engine)


# -- the same things happen whichever way a record comes in: the admin page, `flask record`, a service call -------
CallVisitLog, ComplaintTicket, KeyLoan = FORMS["call_visit_log"], FORMS["complaint_ticket"], FORMS["key_loan"]
Ledger = FORMS["front_desk_ledger_entry"]
MODELS = {"call_visit_log": CallVisitLog, "complaint_ticket": ComplaintTicket, "key_loan": KeyLoan,
          "revisit_record": RevisitRecord}


def newest(model):
    return db.session.scalar(sa.select(model.id).order_by(model.id.desc()).limit(1))


class Page:
    """The admin pages, as a clerk's browser posts them."""

    def __init__(self, app):
        self.client = client_of(app, "clerk")

    def new(self, form, values):
        response = self.client.post(f"/admin/{form}/new/", data=payload(MODELS[form], values))
        assert response.status_code == 302, errors_in(response.text)
        return newest(MODELS[form])

    def edit(self, form, record_id, values):
        record = db.session.get(MODELS[form], record_id)
        current = {name: getattr(record, name) for name in editable(MODELS[form])}
        data = payload(MODELS[form], {**current, **values})
        data = {name: ("__None" if value == "" and field_info(MODELS[form], name).get("choices") else value)
                for name, value in data.items()}  # a blank select posts "__None", as the browser's does
        response = self.client.post(f"/admin/{form}/edit/?id={record_id}", data=data)
        assert response.status_code == 302, errors_in(response.text)

    def step(self, form, record_id, action, values=None):
        assert "已完成操作" in act(self.client, form, record_id, action,
                                   **{name: encode(value) for name, value in (values or {}).items()})


class Command:
    """`flask record ...` through click's runner, as an operator types it."""

    def __init__(self, app):
        self.runner = app.test_cli_runner()

    def run(self, *args):
        result = self.runner.invoke(args=["record", *args, "--as", "clerk"])
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        return result.output

    @staticmethod
    def pairs(values):
        return [f"{name}={encode(value)}" for name, value in values.items() if value is not None]

    def new(self, form, values):
        output = self.run("new", form, *self.pairs(values))
        return int(re.search(r"\(id (\d+)\)", output).group(1))

    def edit(self, form, record_id, values):
        self.run("edit", form, str(record_id), *self.pairs(values))

    def step(self, form, record_id, action, values=None):
        self.run("step", form, str(record_id), action, *self.pairs(values or {}))


class Service:
    """The domain layer called from code (an import, the API to come): save() and perform(), one commit."""

    def __init__(self, app):
        self.user_id = first(User, username="clerk").id

    @property
    def user(self):
        return db.session.get(User, self.user_id)

    def new(self, form, values):
        record = build(MODELS[form], values, {})
        record.created_by_id = self.user_id
        save(record, self.user, created=True)
        finish([])
        return record.id

    def edit(self, form, record_id, values):
        record = db.session.get(MODELS[form], record_id)
        for name, value in values.items():
            setattr(record, name, value)
        save(record, self.user, created=False)
        finish([])

    def step(self, form, record_id, action, values=None):
        assert finish(perform(db.session.get(MODELS[form], record_id), action, self.user, values=values)) == []


def moves(table, row_id):
    return [tuple(row) for row in db.session.execute(
        sa.select(TransitionLog.action, TransitionLog.from_state, TransitionLog.to_state, User.username)
        .join(User, User.id == TransitionLog.user_id).filter_by(table_name=table, row_id=row_id)
        .order_by(TransitionLog.id))]


@pytest.mark.parametrize("entry", [Page, Command, Service], ids=["page", "cli", "service"])
def test_a_call_a_key_loan_and_a_revisit_do_the_same_whichever_way_they_come_in(app, entry):
    with app.app_context():
        way, staff, unit, project = entry(app), first(StaffMember), first(Unit), first(Project)
        clerk_staff = first(User, username="clerk").staff or staff
        tag = entry.__name__[:4]
        category = KeyCategory(code=f"engine-{tag}", name=f"测试钥匙{tag}", is_sensitive=False,
                               requires_owner_authorization=False, lendable_to_outsiders=False)
        key = Key(project=project, key_category=category, tag_no=f"ENG-{tag}", unit=unit, cabinet_no="A柜",
                  hook_position="01")
        values, _ = fake_record(ComplaintTicket, random.Random(7))
        ticket = build(ComplaintTicket, {**values, "status": "revisit_pending", "validity": "valid", "unit": unit,
                                         "project": project, "source_call": None}, {})
        db.session.add_all([category, key, ticket])
        db.session.flush()
        revisit = schedule_revisit("complaint", unit, NOW - timedelta(days=1), complaint_ticket=ticket)
        db.session.commit()
        key_id, ticket_id, revisit_id = key.id, ticket.id, revisit.id

        # a call: its duty-ledger line; a complaint made from it routes it
        call_id = way.new("call_visit_log", dict(
            contact_at=NOW, contact_mode="call", caller_kind="owner", name="赵女士", unit=unit, phone="13912345678",
            category="complaint", matter="楼上每晚十点后装修电钻噪音", received_by=staff, routing="settled",
            project=project, visitor_id_verified=False))
        complaint_id = way.new("complaint_ticket", dict(
            received_at=NOW, channel="phone", complainant_name="赵女士", is_resident=True, unit=unit,
            contact_phone="13912345678", content="楼上每晚十点后装修电钻噪音", severity="general", households_count=1,
            category=first(ComplaintCategory, ComplaintCategory.code == "renovation"), received_by=staff,
            source_call=db.session.get(CallVisitLog, call_id), project=project))
        # a key loan: registered, then lent; the key moves by its own flow
        loan_id = way.new("key_loan", dict(
            key=db.session.get(Key, key_id), loan_type="loan", borrower_kind="staff", staff=staff,
            purpose="配电房设备检修", lent_at=NOW, lent_by=clerk_staff, expected_return_at=NOW + timedelta(hours=4),
            project=project))
        way.step("key_loan", loan_id, "lend")
        # a complaint's revisit: the owner's answer closes it
        way.edit("revisit_record", revisit_id, dict(revisited_at=NOW, revisited_by=staff, method="phone",
                                                    satisfaction="satisfied"))

        db.session.expire_all()
        lines = db.session.scalars(sa.select(Ledger).filter_by(call_visit_id=call_id)).all()
        assert [(line.contact_phone, line.entry_type, line.shift) for line in lines] == [
            ("13912345678", "complaint", "day")]
        call, complaint = db.session.get(CallVisitLog, call_id), db.session.get(ComplaintTicket, complaint_id)
        assert (call.routing, complaint.source_call_id, complaint.status, complaint.due_kind) == (
            "complaint", call_id, "received", "classify")
        loan, key = db.session.get(KeyLoan, loan_id), db.session.get(Key, key_id)
        assert (loan.status, key.status) == ("lent", "on_loan")
        assert moves("key_loans", loan_id) == [("lend", "registered", "lent", "clerk")]
        assert moves("keys", key_id) == [("lend", "in_cabinet", "on_loan", "clerk")]
        ticket = db.session.get(ComplaintTicket, ticket_id)
        assert (ticket.status, ticket.satisfaction, ticket.due_at) == ("closed", "satisfied", None)
        assert moves("complaint_tickets", ticket_id) == [("close", "revisit_pending", "closed", "clerk")]
        assert all(record.created_by.username == "clerk" for record in (call, complaint, loan))


def test_a_units_occupancy_moves_by_logged_steps_on_its_page(app):
    with app.app_context():
        building = first(Unit).building
        unit = Unit(building=building, entrance="9", floor=9, room_no="901")
        db.session.add(unit)
        db.session.commit()
        unit_id = unit.id
        assert unit.occupancy_status == "undelivered" and "occupancy_status" not in editable(Unit)
    clerk = client_of(app, "clerk")
    page = clerk.get(f"/admin/unit/details/?id={unit_id}").text
    assert "已收楼" in page and "开始装修" not in page  # a step that follows a renovation has no button
    assert "已完成操作" in act(clerk, "unit", unit_id, "hand_over")
    assert "已完成操作" in act(clerk, "unit", unit_id, "let")
    assert "随相关记录自动进行,不能直接操作" in act(clerk, "unit", unit_id, "start_renovation")
    assert "您的角色不能进行此操作" in act(client_of(app, "admin"), "unit", unit_id, "vacate")
    with app.app_context():
        assert db.session.get(Unit, unit_id).occupancy_status == "rented"
        assert moves("units", unit_id) == [("hand_over", "undelivered", "handed_over", "clerk"),
                                           ("let", "handed_over", "rented", "clerk")]


def test_the_owners_registers_move_the_unit_they_record(app):
    """6.38 (收楼签收) hands an undelivered unit over; 6.40 (居住情况) says how it is lived in; both logged by the unit."""
    Receipt, Registration = FORMS["move_in_receipt"], FORMS["owner_registration"]
    with app.app_context():
        building = first(Unit).building
        unit = Unit(building=building, entrance="8", floor=8, room_no="801")
        db.session.add(unit)
        db.session.commit()
        unit_id = unit.id
        values, lines = fake_record(Receipt, random.Random(5))
        values.update(unit=unit, project=building.project)
        receipt = payload(Receipt, values, lines)
        values, lines = fake_record(Registration, random.Random(6))
        values.update(unit=unit, project=building.project, residence_type="vacant")  # bought, not yet lived in
        registration = payload(Registration, values, lines)
    clerk = client_of(app, "clerk")
    response = clerk.post("/admin/move_in_receipt/new/", data=receipt)
    assert response.status_code == 302, errors_in(response.text)
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        assert unit.occupancy_status == "handed_over" and unit.handover_date is not None
    response = clerk.post("/admin/owner_registration/new/", data=registration)
    assert response.status_code == 302, errors_in(response.text)
    with app.app_context():
        assert db.session.get(Unit, unit_id).occupancy_status == "vacant"
        assert [m[:3] for m in moves("units", unit_id)] == [("receive", "undelivered", "handed_over"),
                                                            ("register_vacant", "handed_over", "vacant")]
        assert "6.38" in db.session.scalar(sa.select(TransitionLog.comment).filter_by(
            table_name="units", row_id=unit_id, action="receive"))


def test_late_and_escalated_are_derived_from_the_one_clock(app):
    Loan, Rental = FORMS["courtesy_item_loan"], FORMS["fire_extinguisher_rental"]
    with app.app_context():
        call = build(CallVisitLog, {**fake_record(CallVisitLog, random.Random(3))[0], "contact_at": NOW - timedelta(days=3),
                                    "routing": "complaint", "closed_at": None, "project": first(Project)}, {})
        loan = build(Loan, {**fake_record(Loan, random.Random(4))[0], "status": "lent", "lent_at": NOW - timedelta(hours=5),
                            "due_at": NOW - timedelta(hours=1), "returned_at": None, "project": first(Project)}, {})
        rental = build(Rental, {**fake_record(Rental, random.Random(5))[0], "status": "issued",
                                "rent_from": NOW.date() - timedelta(days=9), "rent_to": NOW.date() - timedelta(days=1),
                                "returned_at": None, "project": first(Project)}, {})
        db.session.add_all([call, loan, rental])
        db.session.commit()
        for model, record, name, now, then in (
                (CallVisitLog, call, "escalation_level", "supervisor", "receptionist"),
                (Loan, loan, "is_overdue", True, False), (Rental, rental, "is_overdue", True, False)):
            for moment, expected in ((NOW, now), (NOW - timedelta(days=2), then)):
                with clock_at(moment):
                    assert getattr(record, name) == expected
                    sql = sa.select(getattr(model, name)).where(model.id == record.id)  # built on the clock's now
                    assert db.session.scalar(sql) == expected


def test_the_cli_prints_refusals_in_chinese_exits_non_zero_and_keeps_nothing(app):
    runner = app.test_cli_runner()
    with app.app_context():
        calls = db.session.scalar(sa.select(sa.func.count(CallVisitLog.id)))
        category = KeyCategory(code="engine-cli", name="测试钥匙CLI", is_sensitive=False,
                               requires_owner_authorization=False, lendable_to_outsiders=False)
        key = Key(project=first(Project), key_category=category, tag_no="ENG-CLI", unit=first(Unit), cabinet_no="A柜",
                  hook_position="02")
        loan = KeyLoan(key=key, project=first(Project), borrower_kind="staff", staff=first(StaffMember),
                       purpose="检修", lent_at=NOW, lent_by=first(StaffMember), expected_return_at=NOW + timedelta(hours=2))
        db.session.add_all([category, key, loan])
        db.session.commit()
        loan_id, key_id = loan.id, key.id
    refused = runner.invoke(args=["record", "new", "call_visit_log", "name=赵女士", "phone=12", "--as", "clerk"])
    assert refused.exit_code == 1
    assert "未完成:「日期时间」此项为必填项" in refused.output and "「联系电话」" in refused.output
    assert "未完成:没有表单「nonsense」" in runner.invoke(args=["record", "new", "nonsense", "--as", "clerk"]).output
    assert "没有启用的用户「nobody」" in runner.invoke(args=["record", "new", "call_visit_log", "--as", "nobody"]).output
    assert "不是可填写的字段" in runner.invoke(args=["record", "new", "call_visit_log", "serial_no=X", "--as",
                                                    "clerk"]).output
    step = runner.invoke(args=["record", "step", "key_loan", str(loan_id), "lend", "--as", "admin"])
    assert step.exit_code == 1 and "未完成:您的角色不能进行此操作" in step.output  # admin holds no front-desk role
    key_step = runner.invoke(args=["record", "step", "key", str(key_id), "lend", "--as", "clerk"])
    assert key_step.exit_code == 1 and "随相关记录自动进行,不能直接操作" in key_step.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(CallVisitLog.id))) == calls
        loan = db.session.get(KeyLoan, loan_id)
        assert (loan.status, loan.key.status) == ("registered", "in_cabinet")
        assert moves("key_loans", loan_id) == [] and moves("keys", loan.key_id) == []
    done = runner.invoke(args=["record", "step", "key_loan", str(loan_id), "lend", "--as", "clerk"])
    assert done.exit_code == 0 and "借出" in done.output
