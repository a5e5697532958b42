"""房屋档案 and 业主档案: a unit's or an owner's people, keys, arrears and every record of every form, open first."""
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import FORMS, Key, Owner, Resident, Unit, UnitOwner
from ..models.base import Lookup
from ..models.fields import snake
from ..models.lookups import KEY_STATUS, OCCUPANCY, RELATION
from ..scoping import scoped
from ..workflow import flow_of

PER_FORM = 50  # a unit with more records of one form than this shows the newest, and links to the full list


@dataclass
class Entry:
    """One record of some form about the unit or owner."""

    record: object
    state: str
    is_open: bool

    @property
    def endpoint(self):
        return snake(type(self.record).__name__)

    @property
    def form(self):
        return type(self.record).__form__


def open_states(model) -> set:
    """The states a record of this form can still leave: an item still open."""
    flow = flow_of(model)
    return set().union(*(t.source for t in flow.transitions)) if flow else set()


def refers_to(model, target, row_id):
    """The condition 'refers to this unit (owner)': directly, or through a lookup row of it (a key of the unit)."""
    parts = []
    for rel in sa.inspect(model).relationships:
        other = rel.mapper.class_
        if rel.direction.name != "MANYTOONE" or len(rel.local_columns) != 1:
            continue
        column = next(iter(rel.local_columns))
        if other is target:
            parts.append(column == row_id)
        elif issubclass(other, Lookup) and other not in (Unit, Owner, Resident):
            inner = [next(iter(r.local_columns)) == row_id for r in sa.inspect(other).relationships
                     if r.mapper.class_ is target and r.direction.name == "MANYTOONE"]
            if inner:
                parts.append(column.in_(sa.select(other.id).where(sa.or_(*inner))))
    return sa.or_(*parts) if parts else None


def records_about(target, row_id) -> list:
    """Every form's records about the row, open items first, then the newest."""
    entries = []
    for model in FORMS.values():
        condition = refers_to(model, target, row_id)
        if condition is None:
            continue
        flow, live = flow_of(model), open_states(model)
        for record in db.session.scalars(scoped(sa.select(model).where(condition), model)
                                      .order_by(model.id.desc()).limit(PER_FORM)):
            state = getattr(record, flow.field) if flow else None
            entries.append(Entry(record, flow.state_label(record) if flow else "", state in live))
    entries.sort(key=lambda e: (not e.is_open, -e.record.created_at.timestamp()))
    return entries


def arrears(unit_ids):
    """Unpaid arrears records (6.12) of the units and their total."""
    model = FORMS["arrears_record"]
    rows = db.session.scalars(scoped(sa.select(model).where(model.unit_id.in_(unit_ids), model.status != "paid"), model)
                              .order_by(model.id.desc())).all()
    return rows, sum((r.amount_due or 0) + (r.late_fee or 0) for r in rows)


def unit_dossier(unit) -> dict:
    """What the desk needs on one page about a unit."""
    ownerships = db.session.scalars(sa.select(UnitOwner).where(UnitOwner.unit_id == unit.id)
                                    .order_by(UnitOwner.end_on.is_not(None), UnitOwner.start_on.desc())).all()
    residents = db.session.scalars(sa.select(Resident).where(Resident.unit_id == unit.id)
                                   .order_by(Resident.is_active.desc(), Resident.id)).all()
    keys = db.session.scalars(sa.select(Key).where(Key.unit_id == unit.id).order_by(Key.tag_no)).all()
    owed, total = arrears([unit.id])
    return dict(kind="unit", ownerships=ownerships, residents=residents, held_keys=keys, arrears=owed, arrears_total=total,
                occupancy=OCCUPANCY.label(unit.occupancy_status),
                entries=records_about(Unit, unit.id), relation=RELATION, key_status=KEY_STATUS)


def owner_dossier(owner) -> dict:
    """The same for an owner, across every unit they own."""
    ownerships = db.session.scalars(scoped(sa.select(UnitOwner).where(UnitOwner.owner_id == owner.id), UnitOwner)
                                    .order_by(UnitOwner.end_on.is_not(None), UnitOwner.start_on.desc())).all()
    unit_ids = [o.unit_id for o in ownerships]
    residents = db.session.scalars(sa.select(Resident).where(Resident.unit_id.in_(unit_ids))
                                   .order_by(Resident.unit_id, Resident.id)).all()
    keys = db.session.scalars(sa.select(Key).where(Key.unit_id.in_(unit_ids)).order_by(Key.tag_no)).all()
    owed, total = arrears(unit_ids)
    entries = records_about(Owner, owner.id)
    seen = {(e.endpoint, e.record.id) for e in entries}
    for unit_id in unit_ids:
        entries += [e for e in records_about(Unit, unit_id) if (e.endpoint, e.record.id) not in seen]
        seen = {(e.endpoint, e.record.id) for e in entries}
    entries.sort(key=lambda e: (not e.is_open, -e.record.created_at.timestamp()))
    return dict(kind="owner", ownerships=ownerships, residents=residents, held_keys=keys, arrears=owed, arrears_total=total,
                entries=entries, relation=RELATION, key_status=KEY_STATUS)


DOSSIERS = {Unit: unit_dossier, Owner: owner_dossier}
