"""What a type-ahead shows for a row, so that two 张军 can be told apart: room, owner, department, phone tail."""
import sqlalchemy as sa
from flask import request

from ..extensions import db
from ..i18n import text
from ..models import Owner, Resident, StaffMember, Unit, UnitOwner


def phone_tail(number) -> str:
    """The last four digits, as the desk reads a number back to a caller."""
    return f"****{number[-4:]}" if number else ""


def current_owners(unit_ids) -> dict:
    """Unit id -> its current owners, the primary one first."""
    rows = db.session.execute(
        sa.select(UnitOwner.unit_id, Owner).join(Owner, UnitOwner.owner_id == Owner.id)
        .where(UnitOwner.unit_id.in_(unit_ids), UnitOwner.end_on.is_(None))
        .order_by(UnitOwner.is_primary.desc(), UnitOwner.id)).all()
    out = {}
    for unit_id, owner in rows:
        out.setdefault(unit_id, []).append(owner)
    return out


def owned_units(owner_ids) -> dict:
    """Owner id -> the units they own now."""
    rows = db.session.execute(
        sa.select(UnitOwner.owner_id, Unit).join(Unit, UnitOwner.unit_id == Unit.id)
        .where(UnitOwner.owner_id.in_(owner_ids), UnitOwner.end_on.is_(None)).order_by(UnitOwner.id)).all()
    out = {}
    for owner_id, unit in rows:
        out.setdefault(owner_id, []).append(unit)
    return out


def _units(units) -> str:
    """The first unit an owner owns, and how many more."""
    if not units:
        return ""
    more = len(units) - 1
    return str(units[0]) + (text(f" 等{more + 1}套", f" +{more}") if more else "")


def _join(*parts) -> str:
    return " · ".join(p for p in parts if p)


def labels(rows) -> dict:
    """Row -> the words a type-ahead shows for it, loading what they need in one query per kind."""
    ids = [r.id for r in rows]
    if not rows:
        return {}
    kind = type(rows[0])
    if kind is Unit:
        owners = current_owners(ids)
        return {r: _join(str(r), *[f"{o.name} {phone_tail(o.mobile)}" for o in owners.get(r.id, [])[:1]]) for r in rows}
    if kind is Owner:
        units = owned_units(ids)
        return {r: _join(r.name, _units(units.get(r.id, [])), phone_tail(r.mobile)) for r in rows}
    if kind is Resident:
        return {r: _join(r.name, str(r.unit or ""), phone_tail(r.mobile)) for r in rows}
    if kind is StaffMember:
        return {r: _join(r.name, str(r.department or ""), r.employee_no) for r in rows}
    return {r: str(r) for r in rows}


def narrowed(query, model):
    """Owners and residents of the unit already chosen on the form (the page passes `unit`)."""
    unit_id = request.args.get("unit", "")
    if not unit_id.isdigit():
        return query
    if model is Owner:
        return query.filter(Owner.id.in_(sa.select(UnitOwner.owner_id).where(UnitOwner.unit_id == int(unit_id))))
    if model is Resident:
        return query.filter(Resident.unit_id == int(unit_id))
    return query
