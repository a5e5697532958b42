"""Turn each row into the records it creates or updates, refusing it with the form's own validation."""
from dataclasses import dataclass, field
from functools import cache
from types import SimpleNamespace

import sqlalchemy as sa
from wtforms.validators import ValidationError

from ..extensions import db
from ..i18n import text
from ..core.declared import declared_fields, editable_fields, field_info, label_for
from .cells import Unreadable, blank, read_cell
from .spec import Ref, cell_key, key_value

AMBIGUOUS = object()  # two rows of a lookup share the key a cell names
CHUNK = 500  # rows read before the lookups they name are fetched together
LEAN = sa.orm.lazyload("*")  # a row found for a reference needs its columns, not its eager relationships


def batched(rows, size):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class Outcome:
    """What a file does: counts per row, every refused row with its reasons, the records to save in order."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list = field(default_factory=list)  # [(row number, [reason, ...])]
    records: list = field(default_factory=list)  # [(record, is_created)] of the rows that change something

    @property
    def refused_count(self):
        return len(self.refused)


def _column(model, name):
    rel = sa.inspect(model).relationships.get(name)
    return next(iter(rel.local_columns)) if rel is not None else model.__table__.c[name]


def _said(model, name, message):
    return f"「{label_for(model, name)}」{message}"


class Planner:
    """Reads rows against the database as it is now; lookups are loaded once per file, not per row."""

    def __init__(self, spec):
        self.spec = spec
        self.indexes = {}
        self.existing = [part.load_existing() for part in spec.parts]
        self.seen = [{} for _ in spec.parts]  # natural key -> (row number, record) met earlier in this file
        self.outcome = Outcome()
        self.saving = set()

    def run(self, rows):
        with db.session.no_autoflush:  # nothing reaches the database until the whole file is read
            for chunk in batched(rows, CHUNK):
                held = self.prefetch(chunk)  # noqa: F841  (the identity map holds rows only while referenced)
                for number, cells in chunk:
                    self.row(number, cells)
        return self.outcome

    def prefetch(self, chunk):
        """Load the rows a chunk names, references and stored records alike, in one query per table."""
        wanted = {}
        for part in self.spec.parts:
            for column in part.columns:
                if isinstance(column, Ref):
                    index = self._index_of(column.finder)
                    wanted.setdefault(column.finder.model, set()).update(
                        index.get(tuple(cell_key(cells.get(h)) for h in column.finder.headers)) for _, cells in chunk)
        for position, part in enumerate(self.spec.parts):
            if self.existing[position]:
                wanted.setdefault(part.model, set()).update(self._stored_ids(position, part, chunk))
        held = []
        for model, ids in wanted.items():
            ids -= {None, AMBIGUOUS}
            if ids:
                held += db.session.scalars(sa.select(model).where(model.id.in_(ids)).options(LEAN)).all()
        return held

    def _stored_ids(self, position, part, chunk):
        """The stored records a chunk's rows will most likely update (a guess: each row is checked later)."""
        layouts = [{column.name: layout for layout in _layout(p) for column in layout[:1]} for p in self.spec.parts]
        for _, cells in chunk:
            key = []
            for name in part.key:
                if name == part.parent:  # the first part's stored record, found the same way
                    main = self.spec.parts[0]
                    key.append(self.existing[0].get(tuple(key_value(self._guess(layouts[0][n], cells))
                                                          for n in main.key)))
                else:
                    key.append(self._guess(layouts[position][name], cells))
            yield self.existing[position].get(tuple(key_value(v) for v in key))

    def _guess(self, layout, cells):
        column, header, sql_column = layout
        if isinstance(column, Ref):
            found = self._index_of(column.finder).get(tuple(cell_key(cells.get(h)) for h in column.finder.headers))
            return None if found is AMBIGUOUS else found
        try:
            return read_cell(sql_column, cells.get(header))
        except Unreadable:
            return None

    # -- one row ---------------------------------------------------------------------
    def row(self, number, cells):
        reasons, done, main = [], [], None
        for index, part in enumerate(self.spec.parts):
            values, errors = self.read(part, cells)
            if part.parent:
                if main is None:
                    break  # the first part was refused: its reasons are already given
                values[part.parent] = main
            key = part.key_of(values)
            missing = [] if errors else [n for n, v in zip(part.key, key) if v in (None, "")]
            errors += [_said(part.model, n, text("用于匹配已有记录,不能为空", "is how rows are matched: required"))
                       for n in missing]
            record, earlier = None, self.seen[index].get(key)
            if not errors and earlier is not None:
                if index == len(self.spec.parts) - 1:
                    errors.append(text(f"与第 {earlier[0]} 行重复", f"Repeats row {earlier[0]}"))
                record = earlier[1]
            elif not errors and key in self.existing[index]:
                record = db.session.get(part.model, self.existing[index][key], options=[LEAN])
            if not errors:
                errors += self.check(part.model, values, record)
            if errors:
                reasons += errors
                continue
            made, changed = self.fill(part.model, values, record)
            self.seen[index][key] = (number, made)
            done.append((made, record is None and earlier is None, changed))
            main = made if index == 0 else main
        if reasons:
            self.outcome.refused.append((number, reasons))
            return
        if any(created for _, created, _ in done):
            self.outcome.created += 1
        elif any(changed for _, _, changed in done):
            self.outcome.updated += 1
        else:
            self.outcome.unchanged += 1
        for record, created, changed in done:
            if (created or changed) and id(record) not in self.saving:  # an owner met again on a later row
                self.saving.add(id(record))
                self.outcome.records.append((record, created))

    def read(self, part, cells):
        """The row's values for one part, as the form's fields would hold them."""
        values, errors = {}, []
        for column, header, sql_column in _layout(part):
            try:
                if isinstance(column, Ref):
                    values[column.name] = self.find(column.finder, cells)
                else:
                    values[column.name] = read_cell(sql_column, cells.get(header))
            except Unreadable as problem:
                errors.append(_said(part.model, column.name, str(problem)))
        return values, errors

    def find(self, finder, cells):
        """The row another table holds under the cells' key; none when its most specific cell is blank."""
        raw = [cells.get(h) for h in finder.headers]
        if blank(raw[-1]):
            return None
        for header, value in zip(finder.headers, raw):
            if blank(value):
                raise Unreadable(text(f"请同时填写「{header}」", f"Fill in '{header}' too"))
        found = self._index_of(finder).get(tuple(cell_key(v) for v in raw))
        shown = "/".join(cell_key(v) for v in raw)
        zh, en = finder.noun
        if found is AMBIGUOUS:
            raise Unreadable(text(f"有多条{zh}「{shown}」,无法确定是哪一条", f"Several {en} rows match '{shown}'"))
        if found is None:
            raise Unreadable(text(f"未知{zh}「{shown}」", f"Unknown {en} '{shown}'"))
        return db.session.get(finder.model, found, options=[LEAN])

    def _index_of(self, finder):
        if id(finder) not in self.indexes:
            index = self.indexes[id(finder)] = {}
            for key, row_id in finder.pairs():
                index[key] = AMBIGUOUS if key in index else row_id
        return self.indexes[id(finder)]

    # -- the form's validation -------------------------------------------------------
    @staticmethod
    def check(model, values, record):
        """Required fields, each field's validators and the model's __rules__: the checks the admin form runs."""
        data = _current(model, record)
        data.update({n: v for n, v in values.items() if v is not None})  # a blank cell keeps what is stored
        errors = []
        for name, required, validators in shape(model).checks:
            value = data.get(name)
            if value is None:
                if required:
                    errors.append(_said(model, name, text("此项为必填项", "This field is required")))
                continue
            for validator in validators:
                holder = SimpleNamespace(data=value, errors=[])
                try:
                    validator(None, holder)
                except ValidationError as problem:
                    errors.append(_said(model, name, str(problem)))
                    break
                data[name] = value = holder.data  # validators normalise: a mobile without +86, an ID upper-case
        for name, value in values.items():  # a state is where a new row starts; afterwards only its flow moves it
            if record is not None and value is not None and field_info(model, name).get("state") \
                    and getattr(record, name) != value:
                errors.append(_said(model, name, text("由流程变更,导入不能修改已有记录的状态",
                                                      "is changed by its flow; an import cannot change it")))
        data["_record"] = record
        for rule in getattr(model, "__rules__", ()):
            errors += [_said(model, name, message) for name, message in rule.errors(data)]
        values.update({n: data[n] for n in values if values[n] is not None})
        return errors

    @staticmethod
    def fill(model, values, record):
        """Make the new record or set the changed values on the stored one; says whether anything changed."""
        if record is None:
            made = model(**{n: v for n, v in shape(model).defaults.items() if v is not None})
            for name, value in values.items():
                setattr(made, name, value)
            return made, True
        changed = False
        for name, value in values.items():
            if value is not None and getattr(record, name) != value:
                setattr(record, name, value)
                changed = True
        return record, changed


@cache
def _layout(part):
    """Each column of a part with its header and table column, worked out once."""
    return tuple((c, c.headers(part.model)[0], _column(part.model, c.name)) for c in part.columns)


@dataclass(frozen=True)
class Shape:
    """What the form of a model checks, read off its declaration once per model rather than once per row."""

    names: tuple  # declared fields, as the form's data is keyed
    defaults: dict  # what a new record starts with
    checks: tuple  # (name, required, validators) of each field a person fills in


@cache
def shape(model):
    names = tuple(n for n in declared_fields(model) if field_info(model, n).get("kind") != "lines")
    defaults = {}
    for name in names:
        default = _column(model, name).default
        defaults[name] = default.arg if default is not None and default.is_scalar else None
    checks = tuple((n, not _column(model, n).nullable, tuple(field_info(model, n).get("validators", ())))
                   for n in editable_fields(model) if field_info(model, n).get("kind") not in ("lines", "flag"))
    return Shape(names, defaults, checks)


def _current(model, record):
    """The record's stored values, or a new record's defaults, keyed by field name as the form's data is."""
    if record is None:
        return dict(shape(model).defaults)
    return {n: getattr(record, n) for n in shape(model).names}
