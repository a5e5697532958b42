"""Our 6.60 list page (FormView) against a stock Flask-Admin ModelView over the same N call/visit rows.

Run from the project root:  .venv/bin/python -m benchmarks.list_views [--rows N] [--db FILE | --postgres NAME]
Builds a database through the migrations plus the demo estate and N bulk-inserted rows (default 100000; --db keeps
a SQLite file to reuse), then prints median/p90 ms and SQL statements per request for /admin/call_visit_log/ (ours)
and /admin/stock_call_visit_log/ (stock), searches: ours by index, room and owner included; stock by LIKE over its columns;
and the time and resident-memory growth of one full export of each kind. The floor is a bare Flask view that
renders the same 20 rows, joined, through a plain Jinja table: what any page of them costs at least. Ours, stock
(and the floor) are timed in turns, so a change of load on a shared machine falls on each alike.
"""
import argparse
import gc
import math
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import render_template_string
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import DateTimeBetweenFilter
from flask_migrate import upgrade

from app import create_app
from app.demo import load_demo
from app.demo.generator import mobile, person_name
from app.extensions import db
from app.models import Project, StaffMember, Unit, User
from app.models.base import LOCAL_TZ
from app.models.search import fts_table, repair_sqlite_index
from app.servicedesk.front_desk import CALL_CATEGORY, CONTACT_MODE, ROUTING, CallVisitLog
from app.views.declared import field_info

WARMUPS, REPEATS = 2, 15
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SEARCH_NAME = "王芳"


class StockView(ModelView):
    """Flask-Admin defaults plus the search, filters, export and unit type-ahead ours offers."""

    column_searchable_list = ["name", "phone", "matter", "serial_no"]
    # stock's FilterConverter has no rule for our UTCDateTime type, so the date filter is given by hand
    column_filters = [DateTimeBetweenFilter(CallVisitLog.contact_at, "contact_at"), "category"]
    can_export = True
    form_ajax_refs = {"unit": {"fields": ["display_no"], "page_size": 10}}

    def get_list(self, page, sort_column, sort_desc, search, *args, **kwargs):
        if search and db.session.get_bind().dialect.name == "postgresql":
            # stock as shipped has no index: our trigram indexes on the same table must not serve its LIKE, and
            # PostgreSQL reads a GIN index only through a bitmap scan (SET LOCAL: this request's transaction only)
            db.session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
        return super().get_list(page, sort_column, sort_desc, search, *args, **kwargs)


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


def insert_rows(n, seed=660):
    """N valid CallVisitLog rows over the past year, in batches, with the search index built once after them."""
    rnd = random.Random(seed)
    project_id = db.session.scalar(sa.select(Project.id))
    staff, units, users = (db.session.scalars(sa.select(model.id)).all() for model in (StaffMember, Unit, User))
    matters = field_info(CallVisitLog, "matter")["demo"]
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    table = CallVisitLog.__table__
    # the index is built once after the rows, not row by row: SQLite's FTS triggers took 1,000,000 rows to 17 min
    rebuild = without_search_index(table)
    for start in range(1, n + 1, 50_000):
        rows = []
        for i in range(start, min(n, start + 49_999) + 1):
            at = now - timedelta(minutes=rnd.randrange(60, 365 * 1440))
            created = at + timedelta(minutes=rnd.randrange(1, 30))
            routing, user = rnd.choice(ROUTING.codes), rnd.choice(users)
            rows.append(dict(
                project_id=project_id, serial_no=f"KF0660-{at.astimezone(LOCAL_TZ):%Y%m}-{i:06d}", contact_at=at,
                contact_mode=rnd.choice(CONTACT_MODE.codes), caller_kind=rnd.choice(("owner", "resident")),
                name=person_name(rnd), unit_id=rnd.choice(units), phone=mobile(rnd), visitor_org=None,
                visitor_id_verified=False, category=rnd.choice(CALL_CATEGORY.codes), matter=rnd.choice(matters),
                received_by_id=rnd.choice(staff), routing=routing,
                promised_reply_at=None if routing == "settled" else at + timedelta(days=1),
                result=None, closed_at=None, escalation_level="receptionist", reviewed_by_id=None, reviewed_at=None,
                remarks=None, created_at=created, updated_at=created, created_by_id=user, updated_by_id=user))
        db.session.execute(sa.insert(table), rows)
    rebuild()
    db.session.commit()


def without_search_index(table):
    """Drop the table's search index (SQLite: FTS triggers; PostgreSQL: trigram indexes); returns what rebuilds it."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        for action in ("insert", "delete", "update"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {fts_table(table.name)}_{action}")
        return lambda: repair_sqlite_index(db.session.connection())  # re-creates the FTS table and fills it
    definitions = db.session.scalars(sa.text("SELECT indexdef FROM pg_indexes WHERE tablename = :t AND indexname "
                                             "LIKE '%\\_trgm'"), {"t": table.name}).all()
    for definition in definitions:
        connection.exec_driver_sql("DROP INDEX " + definition.split(" INDEX ", 1)[1].split(" ON ", 1)[0])
    return lambda: [db.session.execute(sa.text(d)) for d in definitions]


FLOOR_PAGE = """<table>{% for r in rows %}<tr><td>{{ r.serial_no }}</td><td>{{ r.contact_at }}</td><td>{{ r.name }}</td>
<td>{{ r.phone }}</td><td>{{ r.category }}</td><td>{{ r.display_no }}</td><td>{{ r.staff }}</td></tr>{% endfor %}</table>"""


def add_floor(app):
    """/bench/floor: the first page's 20 newest rows with their unit and receiver joined, in bare Flask."""
    table, units, staff = CallVisitLog.__table__, Unit.__table__, StaffMember.__table__
    query = (sa.select(table.c.serial_no, table.c.contact_at, table.c.name, table.c.phone, table.c.category,
                       units.c.display_no, staff.c.name.label("staff"))
             .outerjoin(units, units.c.id == table.c.unit_id).outerjoin(staff, staff.c.id == table.c.received_by_id)
             .order_by(table.c.id.desc()).limit(20))
    app.add_url_rule("/bench/floor", "bench_floor",
                     lambda: render_template_string(FLOOR_PAGE, rows=db.session.execute(query).all()))


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


def search_terms(rows):
    """The searches a clerk makes: a common phone prefix, a phone and a serial number that appear once, a
    two-character name, a room spelling and a term that matches nothing."""
    table = CallVisitLog.__table__
    middle = db.session.execute(sa.select(table.c.phone, table.c.serial_no).where(table.c.id == rows // 2)).one()
    unit = db.session.scalars(sa.select(Unit).order_by(Unit.id.desc())).first()
    return {"search '1380' (common)": "1380", "search rare phone": middle.phone, "search name 王芳 (2 chars)": SEARCH_NAME,
            f"search room {unit.building.code}-{unit.room_no}": f"{unit.building.code}-{unit.room_no}",
            "search serial no": middle.serial_no, "search KF0660 (every row)": "KF0660",
            "search no match": "13999999999"}


SEARCHES = {}  # filled by main() once the rows are in


def cases(view):
    """(case, path after the view's URL) for one view."""
    sort = [name for name, _label in view._list_columns].index("contact_at")
    return [("first page", ""), ("page 50", "?page=49"), ("sort contact_at desc", f"?sort={sort}&desc=1"),
            *[(case, "?" + urlencode({"search": term})) for case, term in SEARCHES.items()],
            ("filter category=repair", f"?flt0_{filter_index(view, 'category')}=repair"),
            ("ajax unit '102'", "ajax/lookup/?name=unit&query=102")]


def rss_mb(field="VmRSS"):
    """The process's resident memory (VmRSS) or its peak since the last reset (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def export(client, url, counter):
    """(rows, seconds, statements, resident-memory growth MB) of one full export, read as a browser would."""
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM, so the peak is this export's
    before = rss_mb()
    counter.count = 0
    start = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    rows = 0
    for piece in response.response:  # streamed pieces are counted and dropped, as a browser writes them to disk
        rows += piece.count(b"\n") if isinstance(piece, bytes) else piece.count("\n")
    response.close()
    seconds = time.perf_counter() - start
    return rows - 1 if url.endswith("csv/") else None, seconds, counter.count, rss_mb("VmHWM") - before


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
        admin = app.extensions["admin"][0]
        stock = StockView(CallVisitLog, db, endpoint="stock_call_visit_log", name="stock")
        admin.add_view(stock)
        ours = next(v for v in admin._views if getattr(v, "endpoint", None) == "call_visit_log")
        add_floor(app)
        with app.app_context():
            if fresh:
                insert_rows(args.rows)
                if args.postgres:
                    db.session.execute(sa.text("ANALYZE"))
                    db.session.commit()
            if not args.no_search:
                SEARCHES.update(search_terms(args.rows))
            total = db.session.scalar(sa.select(sa.func.count()).select_from(CallVisitLog.__table__))
            counter = QueryCounter(db.engine)
            dialect = db.engine.dialect.name
        print(f"{total} call_visit_logs rows, {dialect}, set up in {time.perf_counter() - t0:.1f}s; "
              f"name searched: {SEARCH_NAME}; {REPEATS} runs after {WARMUPS} warm-ups\n")

        client = app.test_client()
        assert client.post("/login", data={"username": "clerk", "password": "clerk-demo-1"}).status_code == 302
        results = {}
        for (case, ours_path), (_, stock_path) in () if args.export_only else zip(cases(ours), cases(stock)):
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
            print(f"floor (bare Flask, 20 joined rows): {floor[0]:.1f} ms median, {floor[1]:.1f} p90, {floor[2]} SQL; "
                  f"first page / floor = {results['first page'][ours][0] / floor[0]:.1f}\n")
        print(f"{'case':<28}{'ours med/p90 ms':>18}{'stock med/p90 ms':>19}{'ours/stock':>12}{'SQL ours/stock':>16}")
        for case, by_view in results.items():
            (om, op, oq), (sm, sp, sq) = by_view[ours], by_view[stock]
            print(f"{case:<28}{om:>9.1f} /{op:>6.1f}{sm:>10.1f} /{sp:>6.1f}{om / sm:>12.2f}{oq:>9} / {sq:<4}")

        if not args.no_export:
            print(f"\n{'export, all rows':<28}{'rows':>8}{'seconds':>9}{'SQL':>6}{'RSS growth MB':>15}")
            for label, view, kind in (("ours CSV", ours, "csv"), ("ours XLSX", ours, "xlsx"),
                                      ("stock CSV", stock, "csv")):
                lines, seconds, queries, growth = export(client, f"/admin/{view.endpoint}/export/{kind}/", counter)
                print(f"{label:<28}{lines if lines is not None else '':>8}{seconds:>9.2f}{queries:>6}{growth:>15.1f}")
        with app.app_context():
            db.engine.dispose()  # closes the SQLite file before the temp dir goes


if __name__ == "__main__":
    main()
