"""Estates are a boundary: the one place that narrows every query a user can reach to the user's estates.

A user holds estates (项目); a company-level user (the flag, or the administrator's role) holds them all.
Records of the 60 forms and the lookups that belong to an estate (buildings, units, owners, residents, staff,
keys, common areas, snapshots) are scoped; company-wide tables (departments, contractors, categories) are not.
"""
import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user

from .extensions import db
from .models import Building, Owner, Project, Unit, UnitOwner

MAX_ID = 2**63 - 1  # what a 64-bit key column holds; a larger number is no record of ours

ALL = None  # project_ids() of a user who sees every estate


def _acting_user():
    return current_user if has_request_context() else None


def project_ids(user=None):
    """The ids of the estates `user` (default: the current one) may reach, or ALL.

    Outside a request (CLI commands, the demo loader) nothing is scoped; an anonymous request reaches nothing.
    """
    user = user if user is not None else _acting_user()
    if user is None:
        return ALL
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if getattr(user, "all_projects", False) or user.has_role("admin"):
        return ALL
    return frozenset(project.id for project in user.projects)


def _units_of(ids):
    return sa.select(Unit.id).join(Building, Unit.building_id == Building.id).where(Building.project_id.in_(ids))


def estate_condition(model, ids, by_index=True):
    """The SQL condition that keeps the rows of `model` belonging to the estates `ids`; None if not estate-bound.

    by_index=False compares a record's own estate as an expression, which no index serves: for a list sorted by
    another indexed column on SQLite, which has no statistics and would otherwise read and sort the whole estate
    through the estate's index to show 20 rows (benchmarks/list_views.py)."""
    columns = model.__table__.columns
    if model is Project:
        return Project.id.in_(ids)
    if model is Owner:  # an owner belongs to the estates where they hold a unit
        return Owner.id.in_(sa.select(UnitOwner.owner_id).where(UnitOwner.unit_id.in_(_units_of(ids))))
    if "project_id" in columns:
        column = model.project_id if by_index else model.project_id + 0
        # a nullable estate (a staff member of the company's office) means the row serves every estate
        return sa.or_(column.in_(ids), column.is_(None)) if columns["project_id"].nullable else column.in_(ids)
    if "building_id" in columns:
        return model.building_id.in_(sa.select(Building.id).where(Building.project_id.in_(ids)))
    if "unit_id" in columns:
        return model.unit_id.in_(_units_of(ids))
    return None


def scoped(query, model, user=None, by_index=True):
    """`query` (a Query or a select) narrowed to the rows of `model` the user may reach (by_index: see estate_condition)."""
    ids = project_ids(user)
    condition = None if ids is ALL else estate_condition(model, ids, by_index)
    return query if condition is None else query.where(condition)


# a statement built once (the home's, the due list's) is run with the user's estates bound under this name
BOUND_ESTATES = sa.bindparam("estates", expanding=True)


def in_bound_estates(query, model, company=False):
    """`query` narrowed to the rows of `model` in the estates bound when it runs (see bound_estates); left whole for
    a company-wide user's statement (`company`)."""
    condition = None if company else estate_condition(model, BOUND_ESTATES)
    return query if condition is None else query.where(condition)


def bound_estates(ids):
    """(company-wide, values) for the estates `ids` (ALL: every estate): whether a statement is built without
    in_bound_estates, and the estates to run one built with it."""
    return (True, {}) if ids is ALL else (False, {"estates": sorted(ids)})


def visible(record, user=None) -> bool:
    """Whether the user may reach this row at all."""
    model = type(record)
    ids = project_ids(user)
    if ids is ALL or estate_condition(model, ids) is None:
        return True
    column = model.__table__.columns.get("project_id")
    if column is not None and model is not Project:  # the row names its estate: read it, not the database again
        return record.project_id in ids or (column.nullable and record.project_id is None)
    found = db.session.scalar(scoped(sa.select(model.id).where(model.id == record.id), model, user))
    return found is not None


def plain_id(raw):
    """The integer a single id parameter names, or None for anything else (lists, signs, ٣, 2**64)."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def get_visible(model, raw_id, user=None):
    """The row `raw_id` names, if it is one plain id and the user may reach the row; else None."""
    record_id = raw_id if isinstance(raw_id, int) and not isinstance(raw_id, bool) else plain_id(raw_id)
    if record_id is None or not 0 < record_id <= MAX_ID:
        return None
    record = db.session.get(model, record_id)
    return record if record is not None and visible(record, user) else None


def may_use_project(project_id, user=None) -> bool:
    """Whether a new or changed record may name this estate."""
    ids = project_ids(user)
    return ids is ALL or project_id in ids


def user_projects(user=None):
    """The active estates the user may choose from, in a stable order."""
    return db.session.scalars(scoped(sa.select(Project).filter_by(is_active=True), Project, user)
                              .order_by(Project.id)).all()
