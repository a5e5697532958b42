"""The home pages and the due list of a company's people, in-process on the company data set: median ms, statements.

Build the data first with benchmarks/company_pg.py, then, from the project root:
    .venv/bin/python -m benchmarks.company_pages [--name load_company] [--repeats 7]
    .venv/bin/python -m benchmarks.company_pages --profile /admin/ --user manager   # a cProfile of one page
    .venv/bin/python -m benchmarks.company_pages --at "2026-12-07 23:00"   # as if it were then (Shanghai time)
Each of clerk, clerk2 (one estate each), manager (four) and director (every estate, see HOLDINGS in company_pg.py)
opens his home page and the due list once to warm up, then --repeats times; the statements are those of one visit.
--at sets the clock, e.g. to a month's first week, when the manager's month panel shows last month beside this one.
"""
import argparse
import contextlib
import cProfile
import os
import pstats
import statistics
import time
from datetime import datetime

from app.extensions import db
from app.models.base import LOCAL_TZ
from app.models.types import clock_at

from .company_pg import company_url
from .list_views import QueryCounter, build_app
from .load_test import USERS

PAGES = (("home", "/admin/"), ("due list", "/admin/due/"))


def logged_in(app, username):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": USERS[username]})
    assert response.status_code == 302, f"{username} could not log in ({response.status_code})"
    return client


def visit(client, url):
    """GET a page and insist it answers."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    response.close()


def timed(client, url, counter, repeats):
    """(median ms, fastest ms, statements of one visit) after a warm-up visit."""
    visit(client, url)
    counter.count = 0
    visit(client, url)
    statements, samples = counter.count, []
    for _ in range(repeats):
        start = time.perf_counter()
        visit(client, url)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), statements


def profile(client, url, lines=40):
    """A cProfile of one visit (after a warm-up), by cumulative time."""
    visit(client, url)
    profiler = cProfile.Profile()
    profiler.enable()
    visit(client, url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="load_company", help="the database benchmarks/company_pg.py built")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--profile", metavar="URL", help="print a cProfile of this page instead")
    parser.add_argument("--user", default="manager", choices=sorted(USERS), help="whose page --profile opens")
    parser.add_argument("--at", help="run as if it were this local time (YYYY-MM-DD HH:MM), not now")
    args = parser.parse_args()
    with clock_at(datetime.fromisoformat(args.at).replace(tzinfo=LOCAL_TZ)) if args.at else contextlib.nullcontext():
        run(args)


def run(args):
    app = build_app(company_url(args.name), fresh=False)
    with app.app_context():
        counter = QueryCounter(db.engine)
    if args.profile:
        profile(logged_in(app, args.user), args.profile)
        return
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; median of {args.repeats}"
          f"{'; clock at ' + args.at if args.at else ''}\n")
    print(f"{'user':<10}" + "".join(f"{name + ' ms':>14}{'min':>7}{'SQL':>5}" for name, _ in PAGES))
    for username in USERS:
        client = logged_in(app, username)
        row = [timed(client, url, counter, args.repeats) for _, url in PAGES]
        print(f"{username:<10}" + "".join(f"{ms:>14.1f}{fastest:>7.1f}{statements:>5}" for ms, fastest, statements in row),
              flush=True)
    print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
