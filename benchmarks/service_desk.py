"""The service desk's pages over N complaints and N work orders: ours against a stock Flask-Admin view of the same rows.

Run from the project root:  .venv/bin/python benchmarks/service_desk.py [--rows N]   (default N=50000)
Prints median/p90 ms and SQL statements per request for the complaint register (its deadline and lateness
derived per row), the same register as a stock ModelView, the 到期与超时 list against the stock view filtered
to the same overdue rows, each role's home page, and one month's and one year's 6.7 complaint summary.
"""
import argparse
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import DateTimeSmallerFilter

from app.demo.generator import mobile, person_name
from app.extensions import db
from app.models import ComplaintCategory, Department, Project, StaffMember, Unit, User
from app.models.base import LOCAL_TZ
from app.servicedesk.complaint_flow import COMPLAINT_STATE, running_deadline
from app.servicedesk.complaints import ComplaintTicket
from app.servicedesk.front_desk import WorkOrder
from app.servicedesk.work_flow import WORK_ORDER_STATES
from app.models.types import utcnow
from app.reports import compute
from list_views import QueryCounter, build_app, get_ok, measure


class StockComplaints(ModelView):
    """Flask-Admin's defaults over the complaint table, with the overdue filter the due list replaces."""

    column_list = ["serial_no", "received_at", "complainant_name", "unit", "category", "validity", "status", "due_at"]
    column_filters = [DateTimeSmallerFilter(ComplaintTicket.due_at, "due_at")]


def insert_rows(n, seed=404):
    """N complaints and N work orders over the past year, their deadlines computed as the flow stores them."""
    rnd, now = random.Random(seed), utcnow().replace(second=0, microsecond=0)
    ids = {model: db.session.scalars(sa.select(model.id)).all()
           for model in (StaffMember, Unit, User, ComplaintCategory, Department)}
    project_id = db.session.scalar(sa.select(Project.id))
    tickets, orders = [], []
    for i in range(1, n + 1):
        at = now - timedelta(minutes=rnd.randrange(30, 365 * 1440))
        state = rnd.choice(COMPLAINT_STATE.codes)
        ticket = ComplaintTicket(received_at=at, status=state, households_count=rnd.choice((1, 1, 1, 6)),
                                 validity=rnd.choice(("valid", "assisted", "invalid")), channel="phone",
                                 resolved_at=at + timedelta(hours=5), promised_reply_at=at + timedelta(hours=8))
        due_kind, due_at = running_deadline(ticket)
        user = rnd.choice(ids[User])
        tickets.append(dict(
            project_id=project_id, serial_no=f"KF0604-{at.astimezone(LOCAL_TZ):%Y%m}-{i:06d}", received_at=at,
            channel="phone", complainant_name=person_name(rnd), is_resident=True, unit_id=rnd.choice(ids[Unit]),
            contact_phone=mobile(rnd), content="楼上装修噪音", category_id=rnd.choice(ids[ComplaintCategory]),
            validity=ticket.validity, severity="general", households_count=ticket.households_count,
            is_collective=ticket.households_count >= 5, received_by_id=rnd.choice(ids[StaffMember]), status=state,
            resolved_at=ticket.resolved_at, promised_reply_at=ticket.promised_reply_at, due_kind=due_kind,
            due_at=due_at, missed_deadline=rnd.random() < 0.1, written_reply=False, created_at=at, updated_at=at,
            created_by_id=user, updated_by_id=user))
        orders.append(dict(
            project_id=project_id, serial_no=f"KF0611-{at.astimezone(LOCAL_TZ):%Y%m}-{i:06d}", source="internal",
            task_type="public_repair", location="3栋大堂", description="照明灯不亮", needs_site_attendance=False,
            assigned_department_id=rnd.choice(ids[Department]), due_at=at + timedelta(hours=24),
            status=rnd.choice(WORK_ORDER_STATES.codes), created_at=at, updated_at=at, created_by_id=user,
            updated_by_id=user))
    db.session.execute(sa.insert(ComplaintTicket.__table__), tickets)
    db.session.execute(sa.insert(WorkOrder.__table__), orders)
    db.session.commit()


def row(case, ours, stock=None):
    (om, op, oq) = ours
    if stock is None:
        print(f"{case:<34}{om:>9.1f} /{op:>6.1f}{'':>17}{'':>12}{oq:>9}")
        return
    sm, sp, sq = stock
    print(f"{case:<34}{om:>9.1f} /{op:>6.1f}{sm:>10.1f} /{sp:>6.1f}{om / sm:>12.2f}{oq:>9} / {sq:<4}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    rows = parser.parse_args().rows
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        app = build_app(Path(tmp) / "bench.sqlite")
        admin = app.extensions["admin"][0]
        stock = StockComplaints(ComplaintTicket, db, endpoint="stock_complaint_ticket", name="stock")
        admin.add_view(stock)
        with app.app_context():
            insert_rows(rows)
            counter = QueryCounter(db.engine)
            project = db.session.scalar(sa.select(Project))
        print(f"{rows} complaints and {rows} work orders, SQLite, set up in {time.perf_counter() - t0:.1f}s\n")
        manager, clerk = app.test_client(), app.test_client()
        for client, name in ((manager, "manager"), (clerk, "clerk")):
            assert client.post("/login", data={"username": name, "password": f"{name}-demo-1"}).status_code == 302
        now = utcnow().astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S")
        flt = next(i for i, f in enumerate(stock._filters) if getattr(f.column, "key", None) == "due_at")
        sort_due = [name for name, _ in stock._list_columns].index("due_at")
        ours_sort = [name for name, _ in next(v for v in admin._views if getattr(v, "endpoint", "") ==
                                              "complaint_ticket")._list_columns].index("due_at")

        def timed(client, url):
            return measure(lambda: get_ok(client, url), counter)

        print(f"{'case':<34}{'ours med/p90 ms':>18}{'stock med/p90 ms':>19}{'ours/stock':>12}{'SQL ours/stock':>16}")
        row("complaint register, first page", timed(manager, "/admin/complaint_ticket/"),
            timed(manager, "/admin/stock_complaint_ticket/"))
        row("complaint register, by deadline", timed(manager, f"/admin/complaint_ticket/?sort={ours_sort}"),
            timed(manager, f"/admin/stock_complaint_ticket/?sort={sort_due}"))
        row("到期与超时 vs stock due_at<now", timed(manager, "/admin/due/"),
            timed(manager, f"/admin/stock_complaint_ticket/?flt0_{flt}={now}"))
        row("home page, manager", timed(manager, "/admin/"))
        row("home page, clerk", timed(clerk, "/admin/"))
        with app.app_context():
            today = utcnow().astimezone(LOCAL_TZ).date()
            row("6.7 computed, this month", measure(lambda: compute("complaint_summary", project,
                                                                    today.replace(day=1), today), counter))
            row("6.7 computed, past year", measure(lambda: compute("complaint_summary", project,
                                                                   today - timedelta(days=365), today), counter))
            row("6.2 computed, past year", measure(lambda: compute("service_team_statistic", project,
                                                                   today - timedelta(days=365), today), counter))
            db.engine.dispose()  # closes the SQLite file before the temp dir goes


if __name__ == "__main__":
    main()
