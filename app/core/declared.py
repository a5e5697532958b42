"""Read what a model declares (labels, fields a person fills, the column rows are known by): for pages and imports."""
from functools import cache

import sqlalchemy as sa

from ..i18n import L, humanize

AUDIT_COLUMNS = ("created_at", "created_by", "updated_at", "updated_by")


@cache  # models do not change once mapped, and each view asks thousands of times while it is built
def field_info(model, key):
    """The info dict of a column, relationship or hybrid property."""
    attr = sa.inspect(model).attrs.get(key)
    if attr is None:
        descriptor = sa.inspect(model).all_orm_descriptors.get(key)
        return getattr(descriptor, "info", None) or {}
    if isinstance(attr, sa.orm.RelationshipProperty):
        return attr.info
    return attr.columns[0].info


def label_for(model, key):
    info = field_info(model, key)
    if not info.get("label"):
        return L(humanize(key))
    return L(info["label"], info.get("en") or humanize(key))


def declared_fields(model):
    """Form field names in declaration order: relationships stand where their key column stands."""
    mapper = sa.inspect(model)
    by_fk = {}
    for rel in mapper.relationships:
        if rel.direction.name == "MANYTOONE" and len(rel.local_columns) == 1:
            by_fk[next(iter(rel.local_columns)).key] = rel.key
    names = []
    for column in model.__table__.columns:
        info = column.info
        if column.primary_key or info.get("kind") == "parent":
            continue
        names.append(by_fk.get(column.key, column.key))
    for rel in mapper.relationships:
        if rel.info.get("kind") == "lines":
            names.append(rel.key)
    return [n for n in names if n not in AUDIT_COLUMNS + ("created_by_id", "updated_by_id")]


def editable_fields(model):
    """The declared fields a person fills in; readonly, audit and flow-owned columns are left out."""
    flow = getattr(model, "__flow__", None)
    owned = flow.owned_fields() if flow is not None else ()
    return [n for n in declared_fields(model)
            if not field_info(model, n).get("readonly") and n not in ("serial_no", "id") and n not in owned]


def label_column(target):
    """The column people know a row by: its name, else its first search column (room number, tag)."""
    columns = target.__table__.columns
    if "name" in columns:
        return "name"
    first = (getattr(target, "__search__", ()) or (None,))[0]
    return first if first in columns else None


OTHER = ("其他", "Other")


def _title(title):
    return L(*title) if isinstance(title, tuple) else L(title)


def sections(model, names):
    """(title, field names) in paper order: the form's `__sections__` where it declares them, else derived.

    Each of `names` is placed once; a declared title is text or a (zh, en) pair, and the names a declaration leaves
    out follow under 其他. Titles are lazy, read in the request's language.
    """
    declared = getattr(model, "__sections__", None)
    if not declared:
        return derived_sections(model, names)
    out, placed = [], set()
    for title, fields in declared:
        kept = [n for n in fields if n in names and n not in placed]
        placed.update(kept)
        out.append((_title(title), kept))
    rest = [n for n in names if n not in placed and n != "remarks"]
    out = [(title, fields) for title, fields in out + [(_title(OTHER), rest)] if fields]
    if "remarks" in names and "remarks" not in placed:  # remarks close the form, wherever its last section is
        title, fields = out.pop() if out else (_title(OTHER), [])
        out.append((title, fields + ["remarks"]))
    return out


def derived_sections(model, names):
    """What a person fills first (up to the matter itself), then how it was handled, then what the system set."""
    lines = [n for n in names if field_info(model, n).get("kind") == "lines"]
    readonly = [n for n in names if field_info(model, n).get("readonly") and n != "remarks"]
    filled = [n for n in names if n not in readonly and n != "remarks" and n not in lines]
    long_texts = [i for i, n in enumerate(filled) if field_info(model, n).get("kind") == "long_text"]
    cut = long_texts[0] + 1 if long_texts and long_texts[0] + 1 < len(filled) else len(filled)
    out = [(L("基本情况", "Particulars"), filled[:cut]), (L("办理情况", "Handling"), filled[cut:]),
           (L("流转记录", "Recorded by the flow"), readonly)]
    out = [(title, fields) for title, fields in out if fields]
    last = lines + [n for n in ("remarks",) if n in names]  # line items and remarks close the last section
    if last:
        title, fields = out[-1] if out else (L("基本情况", "Particulars"), [])
        out[-1:] = [(title, fields + last)]
    return out
