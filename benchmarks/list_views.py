"""A form's list page (FormView) against a stock Flask-Admin ModelView over the same N rows of that form.

Run from the project root:  .venv/bin/python -m benchmarks.list_views [--form 6.60|6.4|6.11] [--rows N]
    [--db FILE | --postgres NAME [--reuse]]
Builds a database through the migrations plus the demo estate and N rows of the form (default 6.60, the call/visit
register; 6.4 complaints and 6.11 work orders as benchmarks/company_pg.py makes them), put in by batches
(executemany on SQLite, COPY on PostgreSQL); a database kept from an earlier run (--db, --reuse) only gets the rows
it lacks, so one database can hold a million rows of each form. Then prints median/p90 ms and SQL statements per
request for the form's list (ours) and a stock view of the same model, searches: ours by index, room and owner
included; stock by LIKE over its columns; and the time and resident-memory growth of one full export of each kind.
The floor is a bare Flask view that renders the first page's rows, with the form's listed columns and references
joined, through a plain Jinja table: what any page of them costs at least. Ours, stock (and the floor) are timed in
turns, so a change of load on a shared machine falls on each alike.
"""
import argparse
import gc
import itertools
import math
import random
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import DateTimeBetweenFilter
from flask_migrate import upgrade
from sqlalchemy import orm

from app import create_app
from app.core.declared import label_column
from app.demo import load_demo
from app.extensions import db
from app.models import ComplaintCategory, Department, Project, StaffMember, User
from app.models.lookups import Building, Unit
from app.models.search import repair_sqlite_index
from app.servicedesk.complaints import ComplaintTicket
from app.servicedesk.front_desk import TASK_TYPE, CallVisitLog, WorkOrder

WARMUPS, REPEATS = 2, 15
BATCH = 20_000  # rows per executemany on SQLite
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SEARCH_NAME = "王芳"


class StockView(ModelView):
    """Flask-Admin's ModelView as shipped: its searches read no index of ours."""

    def get_list(self, page, sort_column, sort_desc, search, *args, **kwargs):
        if search and db.session.get_bind().dialect.name == "postgresql":
            # stock as shipped has no index: our trigram indexes on the same table must not serve its LIKE, and
            # PostgreSQL reads a GIN index only through a bitmap scan (SET LOCAL: this request's transaction only)
            db.session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
        return super().get_list(page, sort_column, sort_desc, search, *args, **kwargs)


class Bench:
    """One form as benchmarked: its model, the date a list sorts by and a common choice it is filtered by."""

    def __init__(self, model, date, filter, make):
        self.model, self.date, self.filter, self.make = model, date, filter, make

    def stock_view(self):
        """A Flask-Admin ModelView with its defaults plus the search, filters, export and unit type-ahead ours offers."""
        model, column = self.model, self.filter[0]
        attributes = dict(
            column_searchable_list=list(model.__search__),
            # stock's FilterConverter has no rule for our UTCDateTime type, so the date filter is given by hand
            column_filters=[DateTimeBetweenFilter(getattr(model, self.date), self.date), column],
            can_export=True, form_ajax_refs={"unit": {"fields": ["display_no"], "page_size": 10}})
        return type("StockView", (StockView,), attributes)(model, db, endpoint=f"stock_{model.__tablename__}",
                                                           name="stock")

    def add_rows(self, n, seed=660):
        """Rows of the form, ids rising with time over the past year, until the table holds n."""
        from . import company_pg  # it imports this module
        table = self.model.__table__
        have = db.session.scalar(sa.select(sa.func.count()).select_from(table))
        if have >= n:
            return 0
        rnd = random.Random(seed + have)
        project_id = db.session.scalar(sa.select(Project.id).order_by(Project.id))  # clerk's estate
        units = {project_id: db.session.scalars(sa.select(Unit.id).join(Unit.building)
                                                .where(Building.project_id == project_id)).all()}
        staff = {project_id: db.session.scalars(sa.select(StaffMember.id)
                                                .where(StaffMember.project_id == project_id)).all()}
        users = db.session.scalars(sa.select(User.id)).all()
        rows = self.make(company_pg, rnd, n, units, staff, users, have + 1)
        if db.engine.dialect.name == "postgresql":
            added = company_pg.copy(table, rows)
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text(f"VACUUM ANALYZE {table.name}"))  # as autovacuum would have by then
            return added
        return insert_batches(table, rows)


def insert_batches(table, rows):
    """Insert rows on SQLite by executemany batches, the search index filled once after, not by a trigger per row."""
    fts = f"{table.name}_fts"
    connection = db.session.connection()
    connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {fts}_insert")  # repair_sqlite_index puts it back
    added = 0
    while batch := list(itertools.islice(rows, BATCH)):
        connection.execute(sa.insert(table), batch)
        added += len(batch)
    repair_sqlite_index(connection)
    db.session.commit()
    return added


FORMS = {
    "6.60": Bench(CallVisitLog, "contact_at", ("category", "repair"),
                  lambda pg, rnd, n, units, staff, users, start: pg.calls(rnd, n, units, staff, users, start)),
    "6.4": Bench(ComplaintTicket, "received_at", ("status", "closed"),
                 lambda pg, rnd, n, units, staff, users, start: pg.complaints(
                     rnd, n, units, staff, users, db.session.scalars(sa.select(ComplaintCategory.id)).all(), start)),
    "6.11": Bench(WorkOrder, "due_at", ("task_type", TASK_TYPE.codes[0]),
                  lambda pg, rnd, n, units, staff, users, start: pg.work_orders(
                      rnd, n, units, staff, users, db.session.scalars(sa.select(Department.id)).all(), start)),
}


class QueryCounter:
    """Counts statements sent to the database."""
    def __init__(self, engine):
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self)

    def __call__(self, *args):
        self.count += 1


def build_app(url, fresh=True):
    """A migrated app holding the demo estate, configured as tests/conftest.py's make_app does."""
    # the personal-data export cap is a policy, not a cost: lifted so the export itself is timed
    app = create_app({"TESTING": True, "SECRET_KEY": "bench-secret", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": url, "EXPORT_MAX_ROWS": 10**9})
    if fresh:
        with app.app_context():
            upgrade()
            load_demo(units=240, per_form=1)
    return app


FLOOR_PAGE = """<table>{% for r in rows %}<tr>{% for cell in r %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</table>"""


def add_floor(app, view):
    """/bench/floor: the first page's 20 newest rows with the listed columns and references joined, in bare Flask."""
    model = view.model
    query = sa.select(model.id)
    for name, _label in view._list_columns:
        rel = sa.inspect(model).relationships.get(name)
        if rel is None:
            query = query.add_columns(getattr(model, name).label(name))  # a column, or a derived one (超时)
            continue
        target = orm.aliased(rel.mapper.class_)
        query = query.add_columns(getattr(target, label_column(rel.mapper.class_))).outerjoin(
            target, getattr(model, name))
    query = query.order_by(model.id.desc()).limit(20)
    template = app.jinja_env.from_string(FLOOR_PAGE)  # compiled once, as Flask's loader keeps a file's template

    def floor():
        context = {"rows": db.session.execute(query).all()}
        app.update_template_context(context)  # the context processors a page runs: the signed-in user among them
        return template.render(context)

    app.add_url_rule("/bench/floor", "bench_floor", floor)


def measure(fns, counter, few=None):
    """{key: (median ms, p90 ms by nearest rank, statements of one call)} of each function after warm-ups, their
    timed runs interleaved, so a change of load on the shared machine falls on ours and stock alike.
    few: {key: runs} for calls too slow to repeat (stock's searches), timed that many times without warm-up."""
    few = few or {}
    queries, samples = {}, {key: [] for key in fns}
    for key, fn in fns.items():
        counter.count = 0
        start = time.perf_counter()
        fn()
        queries[key] = counter.count
        if key in few:
            samples[key].append((time.perf_counter() - start) * 1000)
            continue
        for _ in range(WARMUPS - 1):
            fn()
    for _ in range(REPEATS):
        for key, fn in fns.items():
            if len(samples[key]) >= few.get(key, REPEATS):
                continue
            start = time.perf_counter()
            fn()
            samples[key].append((time.perf_counter() - start) * 1000)
    out = {}
    for key, times in samples.items():
        times.sort()
        out[key] = statistics.median(times), times[math.ceil(0.9 * len(times)) - 1], queries[key]
    return out


def get_ok(client, url):
    """GET url and insist on a 200."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def filter_index(view, column, operation="equals"):
    """The index Flask-Admin puts in flt0_<index> for that column's filter."""
    for index, flt in enumerate(view._filters):
        if getattr(flt.column, "key", None) == column and str(flt.operation()).lower() == operation:
            return index
    raise LookupError(f"{view.endpoint}: no '{operation}' filter on {column}")


def search_terms(model, rows):
    """The searches a clerk makes: a common phone prefix, a phone and a serial number that appear once, a
    two-character name, a room spelling and a term that matches nothing."""
    table = model.__table__
    phone = next(table.c[name] for name in model.__search__ if "phone" in name)
    middle = db.session.execute(sa.select(phone.label("phone"), table.c.serial_no)
                                .order_by(table.c.id).offset(rows // 2).limit(1)).one()
    unit = db.session.scalars(sa.select(Unit).order_by(Unit.id.desc())).first()
    return {"search '1380' (common)": "1380", "search rare phone": middle.phone, "search name 王芳 (2 chars)": SEARCH_NAME,
            f"search room {unit.building.code}-{unit.room_no}": f"{unit.building.code}-{unit.room_no}",
            "search serial no": middle.serial_no, "search serial prefix (every row)": middle.serial_no.split("-")[0],
            "search no match": "13999999999"}


SEARCHES = {}  # filled by main() once the rows are in


def cases(view, bench):
    """(case, path after the view's URL) for one view."""
    sort = [name for name, _label in view._list_columns].index(bench.date)
    column, value = bench.filter
    return [("first page", ""), ("page 50", "?page=49"), (f"sort {bench.date} desc", f"?sort={sort}&desc=1"),
            *[(case, "?" + urlencode({"search": term})) for case, term in SEARCHES.items()],
            (f"filter {column}={value}", f"?flt0_{filter_index(view, column)}={value}"),
            ("ajax unit '102'", "ajax/lookup/?name=unit&query=102")]


def rss_mb(field="VmRSS"):
    """The process's resident memory (VmRSS) or its peak since the last reset (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def export(client, url, counter):
    """(rows, seconds, CPU seconds, statements, resident-memory growth MB) of one full export, read as a browser would.

    The CPU seconds are this process's, which the database work of SQLite is part of: on a shared machine they
    compare two exports where the wall clock also counts the other work running."""
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM, so the peak is this export's
    before = rss_mb()
    counter.count = 0
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    rows = 0
    for piece in response.response:  # streamed pieces are counted and dropped, as a browser writes them to disk
        rows += piece.count(b"\n") if isinstance(piece, bytes) else piece.count("\n")
    response.close()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return rows - 1 if url.endswith("csv/") else None, seconds, cpu, counter.count, rss_mb("VmHWM") - before


def database_url(args, tmp):
    """The database to run on: --postgres (a fresh database on the local server) or a SQLite file (--db keeps it)."""
    if args.postgres and args.reuse:
        return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{args.postgres}", False
    if args.postgres:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{args.postgres}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{args.postgres}"'))
        return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{args.postgres}", True
    path = Path(args.db) if args.db else Path(tmp) / "bench.sqlite"
    return f"sqlite:///{path}", not path.exists()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--form", choices=FORMS, default="6.60", help="the form whose list is timed")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", help="SQLite file to build once and reuse on later runs")
    parser.add_argument("--postgres", metavar="NAME", help="run on a fresh PostgreSQL database of this name")
    parser.add_argument("--reuse", action="store_true", help="with --postgres: the database a run built before")
    parser.add_argument("--no-export", action="store_true", help="time the pages only")
    parser.add_argument("--export-only", action="store_true", help="time the exports only")
    parser.add_argument("--no-search", action="store_true",
                        help="skip the searches (stock's take tens of seconds each at 1,000,000 rows on SQLite)")
    parser.add_argument("--search-only", action="store_true", help="time the searches only")
    parser.add_argument("--stock-search-runs", type=int, metavar="N",
                        help="time each of stock's searches N times, without warm-up (default: as every case)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        url, fresh = database_url(args, tmp)
        app = build_app(url, fresh)
        admin, bench = app.extensions["admin"][0], FORMS[args.form]
        model = bench.model
        stock = bench.stock_view()
        admin.add_view(stock)
        ours = next(v for v in admin._views if getattr(v, "model", None) is model and v is not stock)
        add_floor(app, ours)
        with app.app_context():
            added = bench.add_rows(args.rows)
            if not args.no_search:
                SEARCHES.update(search_terms(model, args.rows))
            total = db.session.scalar(sa.select(sa.func.count()).select_from(model.__table__))
            counter = QueryCounter(db.engine)
            dialect = db.engine.dialect.name
        print(f"{args.form} /admin/{ours.endpoint}/: {total} {model.__tablename__} rows ({added} added), {dialect}, "
              f"set up in {time.perf_counter() - t0:.1f}s; name searched: {SEARCH_NAME}; "
              f"{REPEATS} runs after {WARMUPS} warm-ups\n")

        client = app.test_client()
        assert client.post("/login", data={"username": "clerk", "password": "clerk-demo-1"}).status_code == 302
        results = {}
        for (case, ours_path), (_, stock_path) in () if args.export_only else zip(cases(ours, bench), cases(stock, bench)):
            pages = {ours: f"/admin/{ours.endpoint}/{ours_path}", stock: f"/admin/{stock.endpoint}/{stock_path}"}
            if case == "first page":
                pages["floor"] = "/bench/floor"
            if args.search_only and case not in SEARCHES:
                continue
            few = {stock: args.stock_search_runs} if case in SEARCHES and args.stock_search_runs else None
            results[case] = measure({key: lambda u=url: get_ok(client, u) for key, url in pages.items()}, counter, few)
        if "first page" in results:
            with app.test_request_context():
                results["count only (SELECT COUNT)"] = measure(
                    {view: lambda v=view: v.get_count_query().scalar() for view in (ours, stock)}, counter)
            floor = results["first page"].pop("floor")
            print(f"floor (bare Flask, 20 rows, listed references joined): {floor[0]:.1f} ms median, {floor[1]:.1f} p90, {floor[2]} SQL; "
                  f"first page / floor = {results['first page'][ours][0] / floor[0]:.1f}\n")
        print(f"{'case':<32}{'ours med/p90 ms':>18}{'stock med/p90 ms':>19}{'ours/stock':>12}{'SQL ours/stock':>16}")
        for case, by_view in results.items():
            (om, op, oq), (sm, sp, sq) = by_view[ours], by_view[stock]
            print(f"{case:<32}{om:>9.1f} /{op:>6.1f}{sm:>10.1f} /{sp:>6.1f}{om / sm:>12.2f}{oq:>9} / {sq:<4}")

        if not args.no_export:
            print(f"\n{'export, all rows':<28}{'rows':>8}{'seconds':>9}{'CPU s':>8}{'SQL':>6}{'RSS growth MB':>15}")
            for label, view, kind in (("ours CSV", ours, "csv"), ("ours XLSX", ours, "xlsx"),
                                      ("stock CSV", stock, "csv")):
                lines, seconds, cpu, queries, growth = export(client, f"/admin/{view.endpoint}/export/{kind}/", counter)
                print(f"{label:<28}{lines if lines is not None else '':>8}{seconds:>9.2f}{cpu:>8.2f}{queries:>6}"
                      f"{growth:>15.1f}")
        with app.app_context():
            db.engine.dispose()  # closes the SQLite file before the temp dir goes


if __name__ == "__main__":
    main()
