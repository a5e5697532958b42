"""A company on PostgreSQL: E estates of U units each, N calls and M complaints, built with executemany in minutes.

Run from the project root:  .venv/bin/python -m benchmarks.company_pg [--name desk_company] [--estates 50]
    [--units 2000] [--calls 1000000] [--complaints 200000]
Drops and recreates the database NAME on the local server (127.0.0.1:5432, user postgres), migrates it, loads the
demo estate (users, staff, categories), adds the estates, buildings, units, calls and complaints in batches, runs
ANALYZE and prints the URL to serve it with (benchmarks/load_test.py takes the same --name).
"""
import argparse
import random
import time
from datetime import timedelta

import sqlalchemy as sa

from app.demo.generator import mobile, person_name
from app.extensions import db
from app.models import ComplaintCategory, Project, StaffMember, User
from app.models.base import LOCAL_TZ
from app.servicedesk.complaint_flow import COMPLAINT_STATE, running_deadline
from app.servicedesk.complaints import ComplaintTicket
from app.servicedesk.front_desk import CALL_CATEGORY, CONTACT_MODE, ROUTING, CallVisitLog
from app.models.lookups import Building, Unit
from app.models.types import utcnow

from .list_views import PG_ADMIN_URL, build_app

BATCH = 20_000
UNITS_PER_BUILDING = 100


def company_url(name):
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def recreate(name):
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def insert(table, rows):
    """Insert rows in batches (SQLAlchemy's insertmanyvalues: a few statements per batch)."""
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(table), rows[start:start + BATCH])
    db.session.commit()


def add_estates(rnd, estates, units_per_estate):
    """The estates beyond the demo's own, each with its buildings and units; returns {project id: [unit ids]}."""
    have = db.session.scalar(sa.select(sa.func.count()).select_from(Project))
    insert(Project.__table__, [dict(code=f"P{i:03d}", name=f"测试项目{i:02d}", project_type="residential",
                                    address=f"深圳市南山区测试路{i}号", total_units=units_per_estate,
                                    service_hotline="0755-86000000") for i in range(have + 1, estates + 1)])
    projects = db.session.scalars(sa.select(Project.id).order_by(Project.id)).all()[:estates]
    buildings = []
    for project_id in projects:
        for b in range(1, units_per_estate // UNITS_PER_BUILDING + 1):
            buildings.append(dict(project_id=project_id, code=f"B{b:02d}", name=f"{b}栋", building_type="highrise",
                                  floors_above=25, units_count=UNITS_PER_BUILDING))
    insert(Building.__table__, buildings)
    units = []
    for building_id, project_id, code in db.session.execute(
            sa.select(Building.id, Building.project_id, Building.code).where(Building.code.like("B%"))):
        for n in range(UNITS_PER_BUILDING):
            floor, room = n // 4 + 1, f"{n // 4 + 1}{n % 4 + 1:02d}"
            units.append(dict(building_id=building_id, floor=floor, room_no=room,
                              display_no=f"{int(code[1:])}栋1单元{room}"))
    insert(Unit.__table__, units)
    by_project = {}
    for unit_id, project_id in db.session.execute(sa.select(Unit.id, Building.project_id).join(Unit.building)):
        by_project.setdefault(project_id, []).append(unit_id)
    return {p: by_project[p] for p in projects if p in by_project}


def calls(rnd, n, units, staff, users):
    now = utcnow().replace(second=0, microsecond=0)
    projects = list(units)
    for i in range(1, n + 1):
        project_id = projects[i % len(projects)]
        at = now - timedelta(minutes=rnd.randrange(60, 365 * 1440))
        routing, user = rnd.choice(ROUTING.codes), rnd.choice(users)
        yield dict(project_id=project_id, serial_no=f"KF0660-{at.astimezone(LOCAL_TZ):%Y%m}-{i:07d}", contact_at=at,
                   contact_mode=rnd.choice(CONTACT_MODE.codes), caller_kind="owner", name=person_name(rnd),
                   unit_id=rnd.choice(units[project_id]), phone=mobile(rnd), visitor_id_verified=False,
                   category=rnd.choice(CALL_CATEGORY.codes), matter="厨房水管漏水,请派人维修",
                   received_by_id=rnd.choice(staff), routing=routing, escalation_level="receptionist",
                   promised_reply_at=None if routing == "settled" else at + timedelta(days=1),
                   closed_at=at + timedelta(hours=3) if rnd.random() < 0.97 else None,
                   created_at=at, updated_at=at, created_by_id=user, updated_by_id=user)


def complaints(rnd, n, units, staff, users, categories):
    now = utcnow().replace(second=0, microsecond=0)
    projects = list(units)
    for i in range(1, n + 1):
        project_id = projects[i % len(projects)]
        at = now - timedelta(minutes=rnd.randrange(30, 365 * 1440))
        # most complaints of past months are closed; the open ones are recent
        state = rnd.choice(COMPLAINT_STATE.codes) if at > now - timedelta(days=10) else "closed"
        ticket = ComplaintTicket(received_at=at, status=state, households_count=1, validity="valid",
                                 channel="phone", resolved_at=at + timedelta(hours=5),
                                 promised_reply_at=at + timedelta(hours=8))
        due_kind, due_at = running_deadline(ticket)
        user = rnd.choice(users)
        yield dict(project_id=project_id, serial_no=f"KF0604-{at.astimezone(LOCAL_TZ):%Y%m}-{i:07d}", received_at=at,
                   channel="phone", complainant_name=person_name(rnd), is_resident=True,
                   unit_id=rnd.choice(units[project_id]), contact_phone=mobile(rnd), content="楼上装修噪音",
                   category_id=rnd.choice(categories), validity="valid", severity="general", households_count=1,
                   is_collective=False, received_by_id=rnd.choice(staff), status=state,
                   resolved_at=ticket.resolved_at, promised_reply_at=ticket.promised_reply_at, due_kind=due_kind,
                   due_at=due_at, missed_deadline=rnd.random() < 0.1, written_reply=False, created_at=at,
                   updated_at=at, created_by_id=user, updated_by_id=user)


def batched(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="desk_company")
    parser.add_argument("--estates", type=int, default=50)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--complaints", type=int, default=200_000)
    args = parser.parse_args()
    rnd, t0 = random.Random(1212), time.perf_counter()
    recreate(args.name)
    app = build_app(company_url(args.name))
    with app.app_context():
        units = add_estates(rnd, args.estates, args.units)
        staff, users = (db.session.scalars(sa.select(m.id)).all() for m in (StaffMember, User))
        categories = db.session.scalars(sa.select(ComplaintCategory.id)).all()
        print(f"{len(units)} estates, {sum(map(len, units.values()))} units in {time.perf_counter() - t0:.0f}s")
        for label, table, rows in (
                ("calls", CallVisitLog.__table__, calls(rnd, args.calls, units, staff, users)),
                ("complaints", ComplaintTicket.__table__, complaints(rnd, args.complaints, units, staff, users,
                                                                     categories))):
            for batch in batched(rows):
                db.session.execute(sa.insert(table), batch)
                db.session.commit()
            print(f"{label} done at {time.perf_counter() - t0:.0f}s")
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        db.engine.dispose()
    print(f"built in {time.perf_counter() - t0:.0f}s; serve it with:\n"
          f"  DATABASE_URL={company_url(args.name)} .venv/bin/gunicorn -w 4 -b 127.0.0.1:8000 wsgi:app")


if __name__ == "__main__":
    main()
