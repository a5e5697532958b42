"""Records that stay true: locks on every route, fields a flow owns, fixed deadline anchors, four eyes, ids that are
never reused, and documents that go with their record."""
import io
import random

import pytest
import sqlalchemy as sa
from flask_login import login_user

from app.extensions import db
from app.models import FORMS, Attachment, AuditLog, User
from app.views.declared import editable_fields
from app.workflow import flow_of

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
