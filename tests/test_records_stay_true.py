"""Records that stay true: locks on every route, fields a flow owns, fixed deadline anchors, four eyes, ids that are
never reused, and documents that go with their record."""
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_login import login_user

from app.core.time import LOCAL_TZ
from app.extensions import db
from app.models import FORMS, Attachment, AuditLog, TransitionLog, User
from app.views.declared import editable_fields
from app.models.types import as_utc
from app.workflow import flow_of
from tests.formdata import editable, errors_in, line_relations, payload

FLOW_FORMS = sorted(name for name, model in FORMS.items() if flow_of(model))


def changed_by_effects(model, user):
    """The fields the flow's effects and after-hook write on demo records, found by running them on records whose
    optional fields were first emptied (an effect often fills a field only while it is empty)."""
    flow, mapper = flow_of(model), sa.inspect(model)
    fks = {c.key for r in mapper.relationships for c in r.local_columns}
    refs = [r.key for r in mapper.relationships if r.direction.name == "MANYTOONE"
            and all(c.nullable for c in r.local_columns)]
    plain = [c.key for c in model.__table__.columns if c.nullable and not c.primary_key and c.key not in fks]
    watched = refs + [c.key for c in model.__table__.columns if c.key not in fks]
    found = set()
    for transition in flow.transitions:
        hooks = [transition.effect] + ([lambda r, u, t=transition: flow.after(r, t, u)] if flow.after else [])
        for hook in filter(None, hooks):
            for record in db.session.scalars(sa.select(model).order_by(model.id).limit(4)).all():
                with db.session.no_autoflush:
                    for key in refs + plain:
                        setattr(record, key, None)
                    before = {key: getattr(record, key) for key in watched}
                    try:
                        hook(record, user)
                    except Exception:  # noqa: BLE001 (an effect meant for another state: it may have rolled back)
                        db.session.rollback()
                        continue
                    found |= {key for key in watched if getattr(record, key) is not before[key]
                              and getattr(record, key) != before[key]}
                db.session.rollback()
    return found - {flow.field, "updated_at", "updated_by", "updated_by_id"}


@pytest.mark.parametrize("name", FLOW_FORMS)
def test_fields_a_flow_sets_are_in_no_form(app, name):
    """Derived from the effects themselves: whatever a step writes, no create or edit form offers."""
    model = FORMS[name]
    with app.test_request_context():
        user = db.session.scalar(sa.select(User).filter_by(username="manager"))
        login_user(user)
        changed = changed_by_effects(model, user)
        inputs = {field for t in flow_of(model).transitions for field in t.fields}
        assert changed - inputs <= set(model.__table__.columns.keys()) | set(sa.inspect(model).relationships.keys())
        assert not (changed - inputs) & set(editable_fields(model)), sorted((changed - inputs) & set(editable_fields(model)))
        db.session.remove()


def current_payload(record):
    """What the edit form of `record` posts when nothing is changed."""
    model = type(record)
    values = {name: getattr(record, name) for name in editable(model)}
    lines = {rel: [{**{n: getattr(row, n) for n in editable(sa.inspect(row).mapper.class_)}, "id": row.id}
                   for row in getattr(record, rel)] for rel in line_relations(model)}
    return payload(model, values, lines)


def local(moment):
    """A stored time as the clerk typed it (Asia/Shanghai, to the minute)."""
    return as_utc(moment).astimezone(LOCAL_TZ).replace(second=0, microsecond=0)


def one(model, *conditions):
    return db.session.scalars(sa.select(model).where(model.project_id == 1, *conditions).order_by(model.id)).first()


@pytest.fixture
def admin(client_for):
    return client_for("admin")


def test_a_locked_record_refuses_every_route(app, admin):
    model = FORMS["complaint_ticket"]
    with app.app_context():
        closed = one(model, model.status == "closed") or one(model)
        closed.status = "closed"  # as the flow's last step leaves it
        db.session.commit()
        other = one(model, model.id != closed.id)
        data = {**current_payload(closed), "content": "改写已关闭的投诉"}
        closed_id, other_id, before = closed.id, other.id, closed.content
    assert admin.get(f"/admin/complaint_ticket/edit/?id={closed_id}").status_code == 302  # sent to its page
    # Flask-Admin would join repeated ids into one ("1" + "0" -> 10): any repeated or odd id is refused outright
    for query in (f"id={other_id}&id={closed_id}", f"id={closed_id}&id=0", f"id={str(closed_id)[:1]}&id={str(closed_id)[1:]}"):
        assert admin.post(f"/admin/complaint_ticket/edit/?{query}", data=data).status_code == 404
    admin.post(f"/admin/complaint_ticket/edit/?id={closed_id}", data=data)
    response = admin.post(f"/admin/complaint_ticket/attach?id={closed_id}",
                          data={"file": (io.BytesIO(b"%PDF-1.4 x"), "a.pdf"), "kind": "其他"}, follow_redirects=True)
    assert "不能修改" in response.get_data(as_text=True)
    response = admin.post("/admin/complaint_ticket/delete/", data={"id": str(closed_id)}, follow_redirects=True)
    assert "不能修改" in response.get_data(as_text=True)
    admin.post("/admin/complaint_ticket/action/", data={"action": "delete", "rowid": [str(closed_id)]})
    assert admin.post("/admin/complaint_ticket/ajax/update/", data={"list_form_pk": str(closed_id),
                                                                     "content": "x"}).status_code == 404
    with app.app_context():
        record = db.session.get(model, closed_id)
        assert record is not None and record.content == before
        assert db.session.scalar(sa.select(sa.func.count(Attachment.id)).where(
            Attachment.table_name == model.__tablename__, Attachment.row_id == closed_id)) == 0


def test_a_locked_records_line_items_are_not_changed(app, admin):
    """Inline lines are saved by the same update as their form: the lock refuses them too."""
    model = FORMS["item_release"]
    with app.app_context():
        record = one(model, model.status.in_(flow_of(model).locked), model.items.any())
        if record is None:
            record = one(model, model.items.any())
            record.status = "closed"
            db.session.commit()
        data = current_payload(record)
        data["items-0-item_name"] = "被改写的物品"
        record_id, names = record.id, [line.item_name for line in record.items]
    admin.post(f"/admin/item_release/edit/?id={record_id}", data=data)
    with app.app_context():
        assert [line.item_name for line in db.session.get(model, record_id).items] == names


def test_fields_a_flow_sets_are_ignored_when_posted(app, client_for, rnd):
    """A clerk's create POST naming an approver stores no approver (6.16, 6.57, 6.13)."""
    from app.demo.generator import fake_record
    from app.models import StaffMember

    clerk = client_for("clerk")
    for name, fields in (("renovation_application", ("approved_by", "reviewed_by")),
                         ("hot_work_permit", ("approved_by", "approved_at")),
                         ("item_release", ("approved_by", "approved_at"))):
        model = FORMS[name]
        with app.app_context():
            values, lines = fake_record(model, rnd, optional=1.0)
            data = payload(model, values, lines)
            staff = db.session.scalars(sa.select(StaffMember.id)).first()
            data.update({field: str(staff) if field.endswith("_by") else "2026-01-01 10:00" for field in fields})
            before = db.session.scalar(sa.select(sa.func.max(model.id)))
        response = clerk.post(f"/admin/{name}/new/", data=data)
        assert response.status_code == 302, (name, errors_in(response.get_data(as_text=True)))
        with app.app_context():
            record = db.session.scalars(sa.select(model).where(model.id > before)).one()
            assert all(getattr(record, field) is None for field in fields), name
        page = clerk.get(f"/admin/{name}/new/").get_data(as_text=True)
        assert not any(f'name="{field}"' in page for field in fields)


def test_a_complaints_received_time_is_fixed_once_its_flow_started(app, client_for):
    model = FORMS["complaint_ticket"]
    manager = client_for("manager")
    with app.app_context():
        started, fresh = db.session.scalars(sa.select(model).where(model.project_id == 1).limit(2)).all()
        for record in (started, fresh):
            db.session.execute(sa.delete(TransitionLog).where(TransitionLog.table_name == model.__tablename__,
                                                              TransitionLog.row_id == record.id))
            record.status = "received"
        db.session.add(TransitionLog(table_name=model.__tablename__, row_id=started.id, action="classify",
                                     from_state="received", to_state="classified", user_id=1))
        started.status = "classified"  # its first step is taken: the clock runs from its received time
        db.session.commit()
        moved = {**current_payload(started), "received_at": "2030-01-01 09:00"}
        started_id, received = started.id, started.received_at
        earlier = local(fresh.received_at) - timedelta(hours=1)  # earlier stays before its reply and promise
        fresh_data = {**current_payload(fresh), "received_at": earlier.strftime("%Y-%m-%d %H:%M")}
        fresh_id = fresh.id
    response = manager.post(f"/admin/complaint_ticket/edit/?id={started_id}", data=moved)
    assert response.status_code == 200
    assert "流程已开始,时限据此计算,不能再修改" in " ".join(errors_in(response.get_data(as_text=True)))
    response = manager.post(f"/admin/complaint_ticket/edit/?id={fresh_id}", data=fresh_data)
    assert response.status_code == 302, errors_in(response.get_data(as_text=True))  # before the first step it may
    with app.app_context():
        assert db.session.get(model, started_id).received_at == received
        assert local(db.session.get(model, fresh_id).received_at) == earlier


def test_whoever_edited_a_request_may_not_decide_it(app):
    from app.views.inbox import waiting_for
    from app.workflow import perform

    def waiting(user):  # the inbox reads who edited what for its whole queue at once
        return {item.key for item in waiting_for(user, endpoint="public_area_booking")}

    model = FORMS["public_area_booking"]
    with app.test_request_context():
        manager = db.session.scalar(sa.select(User).filter_by(username="manager"))
        login_user(manager)
        clerk = db.session.scalar(sa.select(User).filter_by(username="clerk"))
        record, untouched = db.session.scalars(sa.select(model).where(model.project_id == 1).limit(2)).all()
        for booking in (record, untouched):  # a clerk's requests waiting for the manager
            booking.status, booking.created_by_id = "submitted", clerk.id
        db.session.commit()
        assert {f"public_area_booking:{record.id}", f"public_area_booking:{untouched.id}"} <= waiting(manager)
        assert "您修改过该申请的内容,须由他人审批" not in perform(untouched, "approve", manager)
        record.applicant_name = "改过的申请人"
        db.session.commit()
        assert f"public_area_booking:{record.id}" not in waiting(manager)
        reasons = perform(record, "approve", manager)
        assert "您修改过该申请的内容,须由他人审批" in reasons
        assert db.session.get(model, record.id).status == "submitted"
        db.session.remove()


def test_ids_are_never_reused_and_a_deleted_records_documents_go_with_it(app, admin, rnd):
    from app.demo.generator import fake_record

    model = FORMS["waste_collection_record"]
    with app.app_context():
        table_sql = dict(db.session.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all())
        keyed = [t.name for t in db.metadata.sorted_tables if [c.name for c in t.primary_key.columns] == ["id"]]
        assert keyed and all("AUTOINCREMENT" in table_sql[name] for name in keyed)
        values, lines = fake_record(model, rnd, optional=1.0)
        data = payload(model, values, lines)
    assert admin.post("/admin/waste_collection_record/new/", data=data).status_code == 302
    with app.app_context():
        newest = db.session.scalar(sa.select(sa.func.max(model.id)))
    admin.post(f"/admin/waste_collection_record/attach?id={newest}", data={"file": (io.BytesIO(b"%PDF-1.4 x"), "a.pdf")})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attachment.id)).where(Attachment.row_id == newest,
                                 Attachment.table_name == model.__tablename__)) == 1
    assert admin.post("/admin/waste_collection_record/delete/", data={"id": str(newest)}).status_code == 302
    assert admin.post("/admin/waste_collection_record/new/", data=data).status_code == 302
    with app.app_context():
        assert db.session.get(model, newest) is None
        assert db.session.scalar(sa.select(sa.func.max(model.id))) == newest + 1
        assert db.session.scalar(sa.select(sa.func.count(Attachment.id)).where(
            Attachment.table_name == model.__tablename__, Attachment.row_id.in_((newest, newest + 1)))) == 0
        history = db.session.scalars(sa.select(AuditLog.action).where(
            AuditLog.table_name == model.__tablename__, AuditLog.row_id == newest)).all()
        assert "create" in history and "delete" in history
