"""Every page on the demo estate: list, details, create and edit of all 60 forms, the inbox, the due list, each
role's home page and each report; prints the slowest ten and the statements each sends.

Run from the project root:  .venv/bin/python -m benchmarks.every_page [--per-form N] [--repeats R]
tests/test_page_statements.py walks the same pages to check their statement counts stay flat as records grow.
"""
import argparse
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from app.demo import load_demo
from app.extensions import db
from app.models import FORMS
from app.reports import REPORTS

from .list_views import QueryCounter, build_app

PASSWORDS = {"admin": "admin-demo-1", "manager": "manager-demo-1", "clerk": "clerk-demo-1"}


def pages(app):
    """(role, url) of every page worth timing: each form's four pages (its first record), work lists, homes, reports."""
    out = []
    with app.app_context():
        for name, model in FORMS.items():
            first = db.session.scalar(sa.select(model.id).order_by(model.id).limit(1))
            out += [("manager", f"/admin/{name}/"), ("manager", f"/admin/{name}/new/")]
            if first is not None:
                out += [("manager", f"/admin/{name}/details/?id={first}"), ("manager", f"/admin/{name}/edit/?id={first}")]
        campaign = db.session.scalar(sa.text("SELECT min(id) FROM satisfaction_surveys"))
    out += [("manager", "/admin/satisfaction_survey/")]
    if campaign:
        out.append(("manager", f"/admin/satisfaction_survey/details/?id={campaign}"))
    out += [(role, "/admin/") for role in PASSWORDS]
    out += [("manager", "/admin/inbox/"), ("clerk", "/admin/inbox/"), ("manager", "/admin/due/")]
    out += [("manager", f"/admin/reports/?report={key}") for key in REPORTS]
    return out


def clients(app):
    """A logged-in test client per demo role."""
    out = {}
    for role, password in PASSWORDS.items():
        client = app.test_client()
        assert client.post("/login", data={"username": role, "password": password}).status_code == 302
        out[role] = client
    return out


def visit(client, url):
    """GET a page and insist it answers (a locked record's edit page redirects to its details)."""
    response = client.get(url)
    assert response.status_code in (200, 302), (url, response.status_code)
    response.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-form", type=int, default=12, help="demo records per form (default 12)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(f"sqlite:///{Path(tmp) / 'pages.sqlite'}", fresh=False)
        with app.app_context():
            from flask_migrate import upgrade
            upgrade()
            load_demo(units=240, per_form=args.per_form)
            counter = QueryCounter(db.engine)
        by_role, timings = clients(app), []
        for role, url in pages(app):
            visit(by_role[role], url)  # warm-up
            counter.count = 0
            visit(by_role[role], url)
            statements, samples = counter.count, []
            for _ in range(args.repeats):
                start = time.perf_counter()
                visit(by_role[role], url)
                samples.append((time.perf_counter() - start) * 1000)
            timings.append((statistics.median(samples), statements, role, url))
        timings.sort(reverse=True)
        print(f"{len(timings)} pages, {args.per_form} demo records per form, median of {args.repeats}\n")
        print(f"{'ms':>8}{'SQL':>6}  {'role':<8}page")
        for ms, statements, role, url in timings[:10]:
            print(f"{ms:>8.1f}{statements:>6}  {role:<8}{url}")
        print(f"\nover 100 ms: {sum(1 for t in timings if t[0] > 100)}; median page {statistics.median(t[0] for t in timings):.1f} ms")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
