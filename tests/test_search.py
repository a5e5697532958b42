"""Search by index finds exactly what LIKE finds, by a record's own columns and by its room, owner or resident."""
import importlib.util
import random
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import FORMS, Owner, Resident, Unit, UnitOwner, User
from app.models.search import (PEOPLE, TRIGRAM, joined_refs, probed_ids, repair_sqlite_index, search_condition,
                               search_tables, searched_columns, sqlite_index_drift)
from app.scoping import scoped
from tests.conftest import mine

MODELS = ["call_visit_log", "complaint_ticket", "renovation_application", "work_order", "revisit_record",
          "key_loan", "feedback_record"]


def found(model, search, indexed=True):
    return set(db.session.scalars(sa.select(model.id).where(search_condition(model, search, indexed))))


def sample_terms(rnd, count):
    """Pieces of the stored text (names, phones, rooms, serial numbers, content), room spellings and misses."""
    texts = []
    for model in [FORMS[n] for n in MODELS] + [Unit, Owner, Resident]:
        for name in searched_columns(model):
            texts += [v for v in db.session.scalars(sa.select(getattr(model, name))) if v]
    for unit in db.session.scalars(sa.select(Unit)):
        texts += [f"{unit.building.code}-{unit.room_no}", f"{unit.building.code}-{unit.entrance}-{unit.room_no}"]
    terms = []
    while len(terms) < count:
        value = rnd.choice(texts)
        size = rnd.choice((1, 2, 2, 3, 4, 5, 8))
        start = rnd.randrange(max(1, len(value) - size + 1))
        terms.append(value[start:start + size].strip() or value)
    return terms + ["9999999", "无此人", "不存在的事由内容"]


def test_index_finds_the_rows_like_finds(ctx):
    rnd = random.Random(12)
    hits = 0
    for term in sample_terms(rnd, 120):
        for model in [FORMS[n] for n in MODELS] + [Unit, Owner, Resident]:
            indexed, scanned = found(model, term), found(model, term, indexed=False)
            assert indexed == scanned, (model.__name__, term)
            hits += bool(indexed)
    assert hits > 100  # the terms do find rows, so the comparison means something


def test_a_term_too_short_for_the_index_finds_the_people_and_rooms_gathered(ctx):
    """A unit, owner or resident is searched on the row itself for a term of one or two characters (so a type-ahead
    stops at its first hits); it finds exactly what gathering every match and tie first finds."""
    terms = [t for t in sample_terms(random.Random(3), 300) if len(t) < TRIGRAM][:60]
    hits = 0
    for term in terms:
        for model in (Unit, Owner, Resident):
            gathered = set(db.session.scalars(sa.select(model.id).where(model.id.in_(PEOPLE[model](term, False)))))
            assert found(model, term) == gathered, (model.__name__, term)
            hits += bool(gathered)
    assert len(terms) >= 40 and hits > 40


def test_two_words_narrow_and_a_miss_finds_nothing(ctx):
    call = db.session.scalars(sa.select(FORMS["call_visit_log"])).first()
    model = FORMS["call_visit_log"]
    assert call.id in found(model, f"{call.serial_no} {call.name}")
    assert found(model, f"{call.serial_no} 无此人") == set()


def test_the_index_follows_insert_update_and_delete(ctx):
    unit = db.session.scalars(sa.select(Unit).order_by(Unit.id)).first()
    owner = Owner(name="欧阳娜娜", mobile="13912345678", owner_type="person", id_type="passport", id_number="E1234567")
    db.session.add(owner)
    db.session.flush()
    assert found(Owner, "欧阳娜") == {owner.id} and found(Owner, "2345678") == {owner.id}
    owner.name, owner.mobile = "司马相如", "13700001111"
    db.session.flush()
    assert found(Owner, "欧阳娜") == set() and found(Owner, "司马相") == {owner.id}
    assert found(Owner, "0001111") == {owner.id} and found(Owner, "2345678") == set()
    db.session.delete(owner)
    db.session.flush()
    assert found(Owner, "司马相") == set()
    unit.room_no = "9901"  # its full room number follows on save
    db.session.flush()
    assert found(Unit, "单元9901") == {unit.id} and found(Unit, f"{unit.building.code}-9901") == {unit.id}
    db.session.rollback()


def test_the_sqlite_index_covers_what_the_models_search(ctx):
    with db.engine.connect() as connection:
        assert sqlite_index_drift(connection) == {}
        connection.exec_driver_sql("DROP TRIGGER units_fts_update")  # as a batch migration's table rebuild would
        assert set(sqlite_index_drift(connection)) == {"units"}
        repair_sqlite_index(connection)
        assert sqlite_index_drift(connection) == {}
        connection.commit()


def test_a_search_by_trigram_reads_the_index_not_the_table(ctx):
    model = FORMS["call_visit_log"]
    query = sa.select(model.id).where(search_condition(model, "13800")).order_by(model.id.desc()).limit(20)
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    plan = [row[3] for row in db.session.execute(sa.text("EXPLAIN QUERY PLAN " + sql))]
    assert any("call_visit_logs_fts VIRTUAL TABLE" in step for step in plan)
    assert not any(step.startswith("SCAN call_visit_logs") and "fts" not in step for step in plan), plan


def listed_ids(client, endpoint, search):
    response = client.get(f"/admin/{endpoint}/", query_string={"search": search})
    assert response.status_code == 200
    return {int(i) for i in re.findall(r"details/\?id=(\d+)", response.get_data(as_text=True))}


@pytest.mark.parametrize("endpoint", ["call_visit_log", "complaint_ticket", "renovation_application", "work_order",
                                      "revisit_record"])
def test_lists_find_records_by_room_owner_and_phone(app, client_for, endpoint):
    model = FORMS[endpoint]
    with app.app_context():
        record = db.session.scalars(sa.select(model).where(model.unit_id.is_not(None)).order_by(model.id)).first()
        unit = record.unit
        owner = db.session.scalars(sa.select(Owner).join(UnitOwner).where(UnitOwner.unit_id == unit.id)).first()
        spellings = [unit.display_no, f"{unit.building.code}-{unit.room_no}",
                     f"{unit.building.code}-{unit.entrance}-{unit.room_no}", owner.name, owner.mobile[-6:]]
        record_id = record.id
    client = client_for("clerk")
    for search in spellings:
        assert record_id in listed_ids(client, endpoint, search), search
    assert listed_ids(client, endpoint, "无此房号") == set()


def test_percent_and_underscore_are_searched_as_themselves(ctx):
    model = FORMS["call_visit_log"]
    call = db.session.scalars(sa.select(model).order_by(model.id)).first()
    call.matter = "物业费上调5%_请解释"
    db.session.flush()
    for term in ("5%_请", "5%", "%_"):
        assert found(model, term) == found(model, term, indexed=False) == {call.id}, term
    assert found(model, "上调_%") == found(model, "上调_%", indexed=False) == set()
    db.session.rollback()


def test_the_migration_indexes_what_the_models_search():
    """PostgreSQL's trigram indexes come only from migrations: a new search column needs its own migration."""
    path, = (Path(__file__).parents[1] / "migrations" / "versions").glob("*_find.py")
    spec = importlib.util.spec_from_file_location("search_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.SEARCHED == search_tables()


SEARCHED_CALLS = 40  # calls added for the page tests: a page of 4 falls past what a small first try holds


def add_calls(count, rnd):
    """`count` copies of the clerk's first call, named 王芳 or 李娜 and phoned from 1380..., one of them 13912345678;
    their serial numbers share the head CALLTEST. Returns their ids."""
    model = FORMS["call_visit_log"]
    table = model.__table__
    row = dict(db.session.execute(sa.select(table).where(table.c.id == mine(model).id)).mappings().one())
    del row["id"]
    rows = [{**row, "serial_no": f"CALLTEST-{i:03d}", "name": rnd.choice(("王芳", "李娜", "张伟")),
             "phone": "13912345678" if i == count // 2 else f"1380{rnd.randrange(10**7):07d}"} for i in range(count)]
    db.session.execute(sa.insert(table), rows)
    db.session.commit()
    return set(db.session.scalars(sa.select(model.id).where(model.serial_no.like("CALLTEST-%"))))


def listed_in_order(client, endpoint, **args):
    response = client.get(f"/admin/{endpoint}/", query_string=args)
    assert response.status_code == 200
    return list(dict.fromkeys(int(i) for i in re.findall(r"details/\?id=(\d+)", response.get_data(as_text=True))))


def liked_in_order(model, search, username="clerk"):
    """The ids LIKE finds in the user's estates, newest first: what every page of the list must show, in turn."""
    user = db.session.scalar(sa.select(User).filter_by(username=username))
    query = scoped(sa.select(model.id).where(search_condition(model, search, indexed=False)), model, user)
    return list(db.session.scalars(query.order_by(model.id.desc())))


# a common term, one in a single row, none, a two-character name, and the head of every added serial number
PAGED_TERMS = ("1380", "13912345678", "13999999999", "王芳", "CALLTEST", "1380 王芳")


def assert_pages_are_what_like_finds(app, client, monkeypatch, factor, rnd, probe=2):
    """Every page of the call list searched for each term is that slice of what LIKE finds, whether the page came
    from the index's few hits (at most `probe`), from the list's first rows (a factor of the page's end) or from the
    index after them."""
    from app.models import search

    monkeypatch.setattr(search, "FIRST_TRY_FACTOR", factor)
    monkeypatch.setattr(search, "PROBED_HITS", probe)
    model = FORMS["call_visit_log"]
    with app.app_context():
        added = add_calls(SEARCHED_CALLS, rnd)
        view = next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", None) == "call_visit_log")
        monkeypatch.setattr(view, "page_size", 4)
        try:
            for term in PAGED_TERMS:
                expected = liked_in_order(model, term)
                for page in range(len(expected) // 4 + 2):  # each page, the last one part full, and one past it
                    shown = listed_in_order(client, "call_visit_log", search=term, page=page)
                    assert shown == expected[page * 4:page * 4 + 4], (term, page)
            assert liked_in_order(model, "1380") and liked_in_order(model, "13999999999") == []
        finally:
            db.session.execute(sa.delete(model.__table__).where(model.id.in_(added)))
            db.session.commit()


@pytest.mark.parametrize("factor, probe", [(1, 0), (3, 2), (1000, 1000)])
def test_every_searched_page_is_the_page_like_finds(app, client_for, monkeypatch, factor, probe, rnd):
    assert_pages_are_what_like_finds(app, client_for("clerk"), monkeypatch, factor, rnd, probe)


@pytest.mark.parametrize("limit", [0, 3, 500])
def test_a_probe_gathers_every_hit_or_says_there_are_more(ctx, limit):
    """probed_ids is what LIKE finds when that is at most `limit` rows; when it gives up, LIKE finds more, or the term
    names a room or person some record refers to."""
    answered = gave_up = 0
    for term in sample_terms(random.Random(8), 80) + ["3-1102 1380"]:
        for model in [FORMS[n] for n in MODELS] + [Unit, Owner, Resident]:
            probed, liked = probed_ids(model, term, limit), found(model, term, indexed=False)
            if len(term) < 3 or any(len(word) < 3 for word in term.split()):
                assert probed is None, (model.__name__, term)
            elif probed is None:
                names_someone = any(db.session.execute(find(term).limit(1)).first() for _, find in joined_refs(model))
                assert len(liked) > limit or names_someone, (model.__name__, term)
                gave_up += 1
            else:
                assert probed == sorted(liked), (model.__name__, term)
                answered += 1
    assert answered > 50 and (gave_up > 20 or limit == 500)  # both answers were given, where the limit allows


def test_a_first_try_among_the_first_rows_finds_what_like_finds_among_them(ctx):
    model = FORMS["call_visit_log"]
    first = sa.select(model.id).order_by(model.id.desc()).limit(5)
    newest = set(db.session.scalars(first))
    for term in sample_terms(random.Random(5), 60):
        among = set(db.session.scalars(sa.select(model.id).where(search_condition(model, term, among=first))))
        assert among == found(model, term, indexed=False) & newest, term


@pytest.mark.parametrize("sort", [None, ("contact_at", True), ("contact_at", False), ("unit", False)])
def test_the_pages_of_a_list_are_its_rows_in_order_each_once(app, client_for, monkeypatch, rnd, sort):
    """A later page (its ids found first, then only its rows read) shows what an OFFSET of the whole ordered list
    would: the pages together hold every row of the list once, in the list's order."""
    model = FORMS["call_visit_log"]
    client = client_for("clerk")
    with app.app_context():
        added = add_calls(SEARCHED_CALLS, rnd)
        view = next(v for v in app.extensions["admin"][0]._views if getattr(v, "endpoint", None) == "call_visit_log")
        monkeypatch.setattr(view, "page_size", 4)
        args = {}
        if sort is not None:
            args = {"sort": [name for name, _ in view._list_columns].index(sort[0]), **({"desc": 1} if sort[1] else {})}
        try:
            expected = liked_in_order(model, "")  # every row of the clerk's estates
            shown = []
            for page in range(len(expected) // 4 + 2):
                shown += listed_in_order(client, "call_visit_log", page=page, **args)
            assert sorted(shown) == sorted(expected) and len(set(shown)) == len(shown)
            if sort is None:
                assert shown == expected  # newest first
            elif sort[0] == "contact_at":
                times = dict(db.session.execute(sa.select(model.id, model.contact_at).where(model.id.in_(shown))).all())
                assert [times[i] for i in shown] == sorted(times[i] for i in shown)[::-1 if sort[1] else 1]
        finally:
            db.session.execute(sa.delete(model.__table__).where(model.id.in_(added)))
            db.session.commit()
