"""What an import declares: the model of each part of a row, the natural key it is matched on, its columns."""
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..extensions import db
from ..scoping import scoped
from ..i18n import L
from ..core.declared import field_info

LOOKUP_ROLES = ("admin",)
REGISTER_ROLES = ("admin", "manager")


def cell_key(value) -> str:
    """How a cell and a stored value compare when a row is looked up: trimmed, upper-case, 1.0 read as 1."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip().upper()


@dataclass(eq=False)
class Finder:
    """How a row of another table is found from cells: its column paths and the sheet headers holding them."""

    model: type
    paths: tuple
    headers: tuple
    noun: tuple  # (zh, en) of what a row is: "未知楼栋「…」"

    def pairs(self):
        """Each row's key (as cells read) and its id, in one query."""
        query, aliases, columns = sa.select(self.model.id), {}, []
        for path in self.paths:
            *hops, attr = path.split(".")
            current, prefix = self.model, ""
            for hop in hops:
                prefix += "." + hop
                if prefix not in aliases:
                    aliases[prefix] = sa.orm.aliased(sa.inspect(current).mapper.relationships[hop].mapper.class_)
                    query = query.join(aliases[prefix], getattr(current, hop))
                current = aliases[prefix]
            columns.append(getattr(current, attr))
        # the importer's estates only: a sheet cannot file records in, or point at rows of, another estate
        rows = db.session.execute(scoped(query.add_columns(*columns), self.model).order_by(self.model.id)).all()
        return [(tuple(cell_key(v) for v in row[1:]), row[0]) for row in rows]


@dataclass(eq=False)
class Field:
    """A column of the model, read from the sheet under its declared label (or `header`)."""

    name: str
    header: str | None = None
    sample: object = None

    def headers(self, model):
        return (self.header or field_info(model, self.name)["label"],)


@dataclass(eq=False)
class Ref:
    """A reference to another table's row, found by `finder` from one or more cells."""

    name: str
    finder: Finder

    def headers(self, model):
        return self.finder.headers


@dataclass(eq=False)
class Part:
    """One model filled from each row; a later part may point at the first part's record through `parent`."""

    model: type
    key: tuple  # the natural key: field names of the model (references by the row they point to)
    columns: tuple
    parent: str | None = None

    def headers(self):
        return [h for column in self.columns for h in column.headers(self.model)]

    def load_existing(self):
        """Map the natural key of every stored row to its id."""
        columns = [self.model.__table__.c[self._column(n)] for n in self.key]
        rows = db.session.execute(scoped(sa.select(self.model.id, *columns), self.model)).all()
        return {tuple(key_value(v) for v in row[1:]): row[0] for row in rows}

    def key_of(self, data):
        return tuple(key_value(data.get(n)) for n in self.key)

    def _column(self, name):
        rel = sa.inspect(self.model).relationships.get(name)
        return next(iter(rel.local_columns)).key if rel is not None else name


def key_value(value):
    """Stored and imported key values compare alike: rows by id (or by identity while new), text by cell_key."""
    if hasattr(value, "__table__"):
        return value.id if value.id is not None else value
    if isinstance(value, str):
        return cell_key(value)
    return value


@dataclass(eq=False)
class Import:
    """One kind of import: who may run it, its title, and the parts every row fills."""

    kind: str
    title: tuple  # (zh, en)
    roles: tuple
    parts: tuple
    notes: str = ""
    sample: dict = field(default_factory=dict)  # header -> sample value, where the derived one would not do

    @property
    def label(self):
        return L(*self.title)

    def headers(self):
        """The sheet's columns, each once, in declaration order (parts share 项目编码 and the like)."""
        return list(dict.fromkeys(h for part in self.parts for h in part.headers()))
