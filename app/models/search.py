"""Search by index: what a term finds in any table, by its own columns and by room, owner, resident or phone.

A term of three characters or more is looked up in an index (SQLite: an FTS5 trigram table per searched
table, kept by triggers; PostgreSQL: pg_trgm GIN indexes), both created by migration 0009_find. A shorter
term (a two-character name such as 王芳) has no trigram, so it is a plain `LIKE` that the list pages stop
after one page of hits and never count. Either way a row matches exactly when `LIKE '%term%'` would.

A list page first tries its own first rows (`first_try_rows`): a term found in one row of 500 fills the
page from them by plain LIKE, where the index would gather every hit before the page is sorted out of them.
"""
import re

import sqlalchemy as sa

from ..extensions import db
from .base import Lookup
from .lookups import Building, Owner, Resident, Unit, UnitOwner

TRIGRAM = 3
# a list's first rows a search tests by LIKE before the index: enough to fill a first page with a term found in one
# row of 500. A term of 0.2-1 % (1380 in phones) costs the index hundreds of ms on PostgreSQL, gathering it by
# trigrams that many other rows share; 10,000 rows by ILIKE cost about 50 ms there, what a rare term pays in vain
FIRST_TRY_FACTOR, FIRST_TRY_MAX = 500, 10_000
# a search whose every term finds at most this many rows in the whole table is answered by the index alone, before
# any first try: an estate's first rows lie scattered over a company's table, and testing 10,000 of them cost a
# clerk 170 ms on PostgreSQL for a phone number the index finds in 2 (issue 12, benchmarks/load_test.py)
PROBED_HITS = 500
SEARCH_TYPES = (sa.String, sa.Text)
# 3-1102, 3-1-1102, 3栋1102, 3栋1单元1102, 3#1102室: a building code, an optional entrance and a room
ROOM = re.compile(r"^([0-9A-Za-z]+)(?:栋|幢|座|号楼|#|-)(?:([0-9A-Za-z]+)(?:单元|-))?([0-9A-Za-z]+)室?$")


def searched_columns(model) -> tuple:
    """The text columns of a model's `__search__`: what its own index covers."""
    columns = model.__table__.columns
    return tuple(n for n in getattr(model, "__search__", ()) if n in columns and isinstance(columns[n].type, SEARCH_TYPES))


def search_tables() -> dict:
    """Table name -> indexed columns, for every model that declares a search (the migration's list)."""
    models = [m.class_ for m in db.Model.registry.mappers if hasattr(m.class_, "__search__")]
    return {m.__tablename__: searched_columns(m) for m in models if searched_columns(m)}


def fts_table(table: str) -> str:
    return f"{table}_fts"


def is_search_index(name: str) -> bool:
    """An FTS5 table (and its shadow tables) or a trigram index: kept by the migration, not declared on models."""
    return bool(name) and ("_fts" in name or name.endswith("_trgm"))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def like(column, term):
    """`LIKE '%term%'`, case-insensitive for ASCII as SQLite's LIKE is; % and _ typed are themselves, as in the index."""
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    # PostgreSQL's ILIKE folds every value it reads, 3-4x the time of LIKE; a term without a cased letter (digits,
    # Chinese) finds the same rows by LIKE
    caseless = term.lower() == term.upper()
    return (column.like if _dialect() == "sqlite" or caseless else column.ilike)(pattern, escape="\\")


def fts_hits(model, term):
    """SQLite: a select of the ids whose own searched columns contain the term, from the model's FTS5 table."""
    fts = fts_table(model.__tablename__)
    phrase = '"' + term.replace('"', '""') + '"'  # a quoted phrase of trigrams: the term as a substring
    return sa.select(sa.literal_column("rowid")).select_from(sa.table(fts)).where(
        sa.literal_column(fts).op("MATCH")(phrase))


def own_match(model, term, indexed=True):
    """Rows whose own searched columns contain the term; None when the model searches no column."""
    names = searched_columns(model)
    if not names:
        return None
    if indexed and len(term) >= TRIGRAM and _dialect() == "sqlite":
        return model.id.in_(fts_hits(model, term))
    return sa.or_(*(like(getattr(model, n), term) for n in names))  # PostgreSQL: its trigram indexes serve this


def spelled_units(term):
    """Units a room spelling names (3-1102, 3栋1单元1102), or None when the term is not one."""
    found = ROOM.match(re.sub(r"\s+", "", term))
    if not found:
        return None
    building, entrance, room = found.groups()
    query = sa.select(Unit.id).join(Building, Unit.building_id == Building.id).where(
        Building.code == building, Unit.room_no == room)
    return query.where(Unit.entrance == entrance) if entrance else query


def room_units(term, indexed=True) -> list:
    """Units by their full room number (a part of it) or by a room spelling (selects of unit ids)."""
    spelled = spelled_units(term)
    return [sa.select(Unit.id).where(own_match(Unit, term, indexed))] + ([spelled] if spelled is not None else [])


def unit_ties(term, indexed=True) -> list:
    """Units by a room spelling, or by the name or phone of an owner or resident of them (selects of unit ids)."""
    spelled = spelled_units(term)
    owners = sa.select(Owner.id).where(own_match(Owner, term, indexed))
    return [*([spelled] if spelled is not None else []),
            sa.select(UnitOwner.unit_id).where(UnitOwner.owner_id.in_(owners)),
            sa.select(Resident.unit_id).where(own_match(Resident, term, indexed))]


def owner_ties(term, indexed=True) -> list:
    """Owners by the room of a unit they own."""
    return [sa.select(UnitOwner.owner_id).where(UnitOwner.unit_id.in_(sa.union(*room_units(term, indexed))))]


def resident_ties(term, indexed=True) -> list:
    """Residents by the room they live in."""
    return [sa.select(Resident.id).where(Resident.unit_id.in_(sa.union(*room_units(term, indexed))))]


TIES = {Unit: unit_ties, Owner: owner_ties, Resident: resident_ties}  # a person or room found through the others


def people_finder(model):
    """The ids of a unit, owner or resident the term finds, by its own columns or through its ties."""
    # SQLite takes a flat UNION only
    return lambda term, indexed=True: sa.union(sa.select(model.id).where(own_match(model, term, indexed)),
                                               *TIES[model](term, indexed))


PEOPLE = {model: people_finder(model) for model in TIES}  # the references a record is found by


def _direct_refs(model) -> list:
    people, out = PEOPLE, []
    for rel in sa.inspect(model).relationships:
        finder = people.get(rel.mapper.class_)
        if finder is not None and rel.direction.name == "MANYTOONE" and len(rel.local_columns) == 1:
            out.append((next(iter(rel.local_columns)), finder))
    return out


def _through(target, refs):
    """A finder of the target's rows by the unit, owner or resident they refer to (a key by its unit)."""
    return lambda term, indexed=True: sa.select(target.id).where(
        sa.or_(*(column.in_(find(term, indexed)) for column, find in refs)))


def joined_refs(model) -> list:
    """(key column, finder) for each reference to a unit, owner or resident, or to a lookup row that has one."""
    out = _direct_refs(model)
    for rel in sa.inspect(model).relationships:
        target = rel.mapper.class_
        if (issubclass(target, Lookup) and target not in PEOPLE and rel.direction.name == "MANYTOONE"
                and len(rel.local_columns) == 1 and _direct_refs(target)):
            out.append((next(iter(rel.local_columns)), _through(target, _direct_refs(target))))
    return out


def is_searchable(model) -> bool:
    return bool(searched_columns(model) or joined_refs(model) or model in PEOPLE)


def term_probes(model, term, limit):
    """(own, references) for probed_ids: a select of at most limit + 1 ids the term finds by the model's own columns
    (None when it searches none), and a select of at most one room or person per reference the term finds."""
    finder = PEOPLE.get(model)
    if finder is not None:
        return sa.select(model.id).where(model.id.in_(finder(term))).limit(limit + 1), []
    if not searched_columns(model):
        return None, []
    # SQLite's FTS5 table is read directly, so the LIMIT stops its match rather than a finished list of ids
    own = fts_hits(model, term) if _dialect() == "sqlite" else sa.select(model.id).where(own_match(model, term))
    return own.limit(limit + 1), [find(term).limit(1) for _, find in joined_refs(model)]


def term_match(model, term, indexed=True, among=None):
    """Rows of the model the one term finds: by its own columns, and by room, owner or resident it refers to.

    among (ids, or a select of them): only those rows are asked, their own columns by LIKE; the people they refer to are
    still found by index, being a small table's few rows."""
    finder = PEOPLE.get(model)
    if finder is not None and len(term) < TRIGRAM:
        # too short for the index: the row's own columns are read on the row, so a walk of the user's rows (a unit
        # type-ahead: one estate's) stops at its first hits; gathering every match first hashed 40,000 of a
        # company's units for '3' (35 ms, issue 12)
        return sa.or_(own_match(model, term, indexed=False), model.id.in_(sa.union(*TIES[model](term, indexed))))
    if finder is not None:
        return model.id.in_(finder(term, indexed))
    parts = [own_match(model, term, indexed and among is None)] + [
        column.in_(find(term, indexed)) for column, find in joined_refs(model)]
    parts = [p for p in parts if p is not None]
    if not parts:
        return sa.false()
    if among is None and _dialect() == "postgresql" and indexed and len(term) >= TRIGRAM:
        # each part found through its own index, apart: in one OR next to ORDER BY id LIMIT 20 the planner walks the
        # primary key backwards filtering every row, 7 s for a phone that appears once in 1,000,000 (issue 12);
        # a shorter term has no trigram to look up, so it keeps that early-stopping walk
        # the hits are gathered first, then looked up: with IN the planner may still walk the primary key
        return id_among(model.id, sa.union(*(sa.select(model.id).where(part) for part in parts)))
    return sa.or_(*parts)


def search_condition(model, search: str, indexed=True, among=None):
    """Rows that every word of the search finds (as Flask-Admin splits a search on spaces); with among (ids, or a
    select of them), only those of these rows."""
    terms = [t for t in search.split() if t]
    condition = sa.and_(*(term_match(model, t, indexed, among) for t in terms)) if terms else sa.true()
    return condition if among is None else sa.and_(id_among(model.id, among), condition)


def id_among(column, ids):
    """column IN (ids), a list or a select; for a select on PostgreSQL `= ANY(ARRAY(ids))`: the ids gathered first,
    then looked up, where with IN it may walk the primary key filtering every row."""
    if _dialect() == "postgresql" and not isinstance(ids, (list, tuple)):
        return column == sa.any_(sa.func.ARRAY(ids.scalar_subquery()))
    return column.in_(ids)


def probed_ids(model, search: str, limit: int | None = None):
    """The ids of every row the search finds, gathered from the index, when each of its terms finds at most `limit`
    (PROBED_HITS) rows in the whole table; None when one finds more (a common term) or is too short for the index.

    Its own columns are asked for limit + 1 ids at most, so a term in every row stops there, as a first try would,
    instead of gathering a million hits. A term that names a room or a person gives up at once: the rows of a unit
    are many, and the planner, not knowing how many, would look for them by scanning the table (issue 12)."""
    limit = PROBED_HITS if limit is None else limit
    terms = [t for t in search.split() if t]
    if not terms or any(len(t) < TRIGRAM for t in terms):
        return None
    found = None
    for term in terms:
        own, references = term_probes(model, term, limit)
        if own is None:
            return None
        probes = [probe.subquery() for probe in (own, *references)]
        rows = db.session.execute(sa.union_all(*(
            sa.select(probe.c[0].label("id"), sa.literal(way).label("way")) for way, probe in enumerate(probes)))).all()
        hits = {row_id for row_id, way in rows if way == 0}
        if len(hits) > limit or any(way for _, way in rows):  # many rows, or a room or person named
            return None
        found = hits if found is None else found & hits
    return sorted(found)


def first_try_rows(search: str, offset: int, page_size: int) -> int:
    """How many of a list's first rows (in its own order) a search tests by LIKE before it goes to the index;
    0: straight to the index.

    A term that fills the requested page from them is common, and the index would gather all its hits (KF0660,
    the head of every 6.60 serial number: 5 s at 1,000,000 rows, issue 12). A term of two characters has no
    index to go to: its LIKE walk stops after the page anyway."""
    wanted = offset + page_size
    if not page_size or not any(len(t) >= TRIGRAM for t in search.split()):
        return 0
    rows = min(FIRST_TRY_FACTOR * wanted, FIRST_TRY_MAX)
    return rows if rows >= wanted else 0


def sqlite_index_ddl(table, columns) -> list:
    """The FTS5 trigram table over a table's searched columns, its three triggers and its first fill."""
    fts, cols = fts_table(table), ", ".join(columns)
    new, old = ", ".join(f"new.{c}" for c in columns), ", ".join(f"old.{c}" for c in columns)
    forget = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    learn = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {learn} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {forget} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {cols} ON {table} BEGIN {forget} {learn} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def sqlite_index_drift(connection) -> dict:
    """Searched tables whose FTS table or triggers are missing or cover other columns than the models declare.

    SQLite drops a table's triggers when a batch migration rebuilds it; migrations/env.py repairs the index
    after every upgrade with `repair_sqlite_index`.
    """
    drift = {}
    for table, columns in search_tables().items():
        fts = fts_table(table)
        indexed = tuple(row[1] for row in connection.exec_driver_sql(f"PRAGMA table_info({fts})"))
        triggers = {row[0] for row in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,))}
        if indexed != columns or not {f"{fts}_insert", f"{fts}_delete", f"{fts}_update"} <= triggers:
            drift[table] = columns
    return drift


def repair_sqlite_index(connection):
    """Re-create (and refill) the FTS table and triggers of every searched table that drifted."""
    for table, columns in sqlite_index_drift(connection).items():
        fts = fts_table(table)
        for action in ("insert", "delete", "update"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {fts}_{action}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {fts}")
        for statement in sqlite_index_ddl(table, columns):
            connection.exec_driver_sql(statement)
