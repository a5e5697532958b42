"""Our 6.60 list page (FormView) against a stock Flask-Admin ModelView over the same N call/visit rows.

Run from the project root:  .venv/bin/python benchmarks/list_views.py [--rows N]   (default N=100000)

It builds a throwaway SQLite database through the migrations, loads the demo estate, bulk-inserts N
CallVisitLog rows, adds a stock ModelView at /admin/stock_call_visit_log/ next to ours at
/admin/call_visit_log/ (logged in as the demo clerk), and prints median/p90 ms and SQL statements per
request for list, paging, sort, search, filter, count and unit type-ahead, then a one-off CSV export.
"""
import argparse
import math
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_admin.contrib.sqla import ModelView  # noqa: E402
from flask_admin.contrib.sqla.filters import DateTimeBetweenFilter  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.demo import load_demo  # noqa: E402
from app.demo.generator import mobile, person_name  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Project, StaffMember, Unit, User  # noqa: E402
from app.models.base import LOCAL_TZ  # noqa: E402
from app.models.forms.front_desk import CALL_CATEGORY, CONTACT_MODE, ROUTING, CallVisitLog  # noqa: E402
from app.views.base import field_info  # noqa: E402

WARMUPS, REPEATS = 2, 15
SEARCH_NAME = "王芳"


class StockView(ModelView):
    """Flask-Admin defaults, with only the search, filters, export and unit type-ahead ours offers."""

    column_searchable_list = ["name", "phone", "matter", "serial_no"]
    # stock's FilterConverter has no rule for our UTCDateTime type, so the date filter is given by hand
    column_filters = [DateTimeBetweenFilter(CallVisitLog.contact_at, "contact_at"), "category"]
    can_export = True
    form_ajax_refs = {"unit": {"fields": ["display_no"], "page_size": 10}}


class QueryCounter:
    """Counts statements sent to the database."""

    def __init__(self, engine):
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self)

    def __call__(self, *args):
        self.count += 1


def build_app(path):
    """A migrated app holding the demo estate, configured as tests/conftest.py's make_app does."""
    app = create_app({"TESTING": True, "SECRET_KEY": "bench-secret", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        load_demo(units=240, per_form=1)
    return app


def insert_rows(n, seed=660):
    """N valid CallVisitLog rows over the past year in one Core executemany (no ORM, no serial counter)."""
    rnd = random.Random(seed)
    project_id = db.session.scalar(sa.select(Project.id))
    staff = db.session.scalars(sa.select(StaffMember.id)).all()
    units = db.session.scalars(sa.select(Unit.id)).all()
    users = db.session.scalars(sa.select(User.id)).all()
    matters = field_info(CallVisitLog, "matter")["demo"]
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    rows = []
    for i in range(1, n + 1):
        at = now - timedelta(minutes=rnd.randrange(60, 365 * 1440))
        routing = rnd.choice(ROUTING.codes)
        created = at + timedelta(minutes=rnd.randrange(1, 30))
        user = rnd.choice(users)
        rows.append(dict(
            project_id=project_id, serial_no=f"KF0660-{at.astimezone(LOCAL_TZ):%Y%m}-{i:06d}", contact_at=at,
            contact_mode=rnd.choice(CONTACT_MODE.codes), caller_kind=rnd.choice(("owner", "resident")),
            name=person_name(rnd), unit_id=rnd.choice(units), phone=mobile(rnd), visitor_org=None,
            visitor_id_verified=False, category=rnd.choice(CALL_CATEGORY.codes), matter=rnd.choice(matters),
            received_by_id=rnd.choice(staff), routing=routing,
            promised_reply_at=None if routing == "settled" else at + timedelta(days=1),
            result=None, closed_at=None, escalation_level="receptionist", reviewed_by_id=None, reviewed_at=None,
            remarks=None, created_at=created, updated_at=created, created_by_id=user, updated_by_id=user))
    db.session.execute(sa.insert(CallVisitLog.__table__), rows)
    db.session.commit()


def percentiles(samples):
    """(median, p90 by nearest rank) of samples in ms."""
    samples = sorted(samples)
    return statistics.median(samples), samples[math.ceil(0.9 * len(samples)) - 1]


def measure(fn, counter):
    """Median and p90 ms of fn after warm-ups, and the statements one call sends."""
    counter.count = 0
    fn()
    queries = counter.count
    for _ in range(WARMUPS - 1):
        fn()
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return (*percentiles(samples), queries)


def fetcher(client, url):
    """A call that GETs url and insists on a 200."""
    def fetch():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return fetch


def filter_index(view, column, operation="equals"):
    """The index Flask-Admin puts in flt0_<index> for that column's filter."""
    for index, flt in enumerate(view._filters):
        if getattr(flt.column, "key", None) == column and str(flt.operation()).lower() == operation:
            return index
    raise LookupError(f"{view.endpoint}: no '{operation}' filter on {column}")


def cases(view):
    """(case, path after the view's URL) for one view."""
    sort = [name for name, _label in view._list_columns].index("contact_at")
    return [("first page", ""), ("page 50", "?page=49"), ("sort contact_at desc", f"?sort={sort}&desc=1"),
            ("search '1380'", "?" + urlencode({"search": "1380"})),
            ("search name", "?" + urlencode({"search": SEARCH_NAME})),
            ("filter category=repair", f"?flt0_{filter_index(view, 'category')}=repair"),
            ("ajax unit '102'", "ajax/lookup/?name=unit&query=102")]


def export(client, url, traced):
    """Seconds for one CSV export, or the tracemalloc peak in MB when traced (timed apart: tracing is slow)."""
    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    response = client.get(url)
    body = response.get_data()  # the CSV is streamed; reading it runs the formatting
    seconds = time.perf_counter() - start
    assert response.status_code == 200 and body, url
    if not traced:
        return seconds, body.count(b"\n") - 1
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        app = build_app(Path(tmp) / "bench.sqlite")
        admin = app.extensions["admin"][0]
        stock = StockView(CallVisitLog, db, endpoint="stock_call_visit_log", name="stock")
        admin.add_view(stock)
        ours = next(v for v in admin._views if getattr(v, "endpoint", None) == "call_visit_log")
        with app.app_context():
            insert_rows(rows)
            total = db.session.scalar(sa.select(sa.func.count()).select_from(CallVisitLog.__table__))
            counter = QueryCounter(db.engine)
        print(f"{total} call_visit_logs rows, SQLite, set up in {time.perf_counter() - t0:.1f}s; "
              f"name searched: {SEARCH_NAME}; {REPEATS} runs after {WARMUPS} warm-ups\n")

        client = app.test_client()
        login = client.post("/login", data={"username": "clerk", "password": "clerk-demo-1"})
        assert login.status_code == 302, "demo clerk could not log in"
        results = {}
        for view in (ours, stock):
            base = f"/admin/{view.endpoint}/"
            for case, path in cases(view):
                results.setdefault(case, {})[view] = measure(fetcher(client, base + path), counter)
            with app.app_context():
                results.setdefault("count only (SELECT COUNT)", {})[view] = measure(
                    lambda v=view: v.get_count_query().scalar(), counter)

        print(f"{'case':<28}{'ours med/p90 ms':>18}{'stock med/p90 ms':>19}{'ratio':>7}{'SQL ours/stock':>16}")
        for case, by_view in results.items():
            (om, op, oq), (sm, sp, sq) = by_view[ours], by_view[stock]
            print(f"{case:<28}{om:>9.1f} /{op:>6.1f}{sm:>10.1f} /{sp:>6.1f}{om / sm:>7.2f}{oq:>9} / {sq:<4}")

        print(f"\n{'CSV export (once)':<28}{'rows':>8}{'seconds':>9}{'peak MB':>9}{'SQL':>6}")
        for view in (ours, stock):
            url = f"/admin/{view.endpoint}/export/csv/"
            counter.count = 0
            seconds, lines = export(client, url, traced=False)
            queries = counter.count
            peak = export(client, url, traced=True)
            print(f"{'ours' if view is ours else 'stock':<28}{lines:>8}{seconds:>9.2f}{peak:>9.1f}{queries:>6}")
        with app.app_context():
            db.engine.dispose()  # lets the temp dir go on every platform


if __name__ == "__main__":
    main()
