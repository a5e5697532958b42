"""A company on PostgreSQL: E estates of U units each, N calls, M complaints and W work orders, built with COPY.

Run from the project root:  .venv/bin/python -m benchmarks.company_pg [--name load_company] [--estates 50]
    [--units 2000] [--calls 1000000] [--complaints 200000] [--work-orders 200000]
Drops and recreates the database NAME on the local server (127.0.0.1:5432, user postgres), migrates it, loads the
demo estate (users, staff, categories), adds the estates with their staff, buildings and units, streams the calls,
complaints and work orders in with COPY, runs VACUUM ANALYZE (as autovacuum would have by then) and prints the URL
to serve it with (benchmarks/load_test.py takes the same --name).

The demo people hold estates as in a company: clerk works in 翠湖花园, clerk2 in P003, clerk3 in 榕苑居, the manager
runs those three and P004, and a director (director / director-demo-1) holds every estate (User.all_projects), so
the load test measures the scoped queries each of them sends.
"""
import argparse
import itertools
import random
import time
from datetime import timedelta

import sqlalchemy as sa

from app.demo.generator import mobile, person_name
from app.extensions import db
from app.accounts import create_user
from app.models import ComplaintCategory, Department, Project, StaffMember, User
from app.models.base import LOCAL_TZ
from app.servicedesk.complaint_flow import COMPLAINT_STATE, running_deadline
from app.servicedesk.complaints import ComplaintTicket
from app.servicedesk.front_desk import CALL_CATEGORY, CONTACT_MODE, ROUTING, TASK_TYPE, CallVisitLog, WorkOrder
from app.servicedesk.work_flow import WORK_ORDER_STATES
from app.models.lookups import Building, Unit
from app.models.types import utcnow

from .list_views import PG_ADMIN_URL, build_app

BATCH = 20_000
UNITS_PER_BUILDING = 100
YEAR = 365 * 1440  # minutes
STAFF_PER_ESTATE = (("receptionist", "CS"), ("receptionist", "CS"), ("cs_supervisor", "CS"), ("engineer", "ENG"),
                    ("engineer", "ENG"), ("guard", "SEC"))
# the estates (by code) each demo account holds in the company; staff is the n-th member of the first estate
HOLDINGS = {"clerk": (("CHGY",), 2), "clerk2": (("P003",), 0), "clerk3": (("RYJ",), 0),
            "manager": (("CHGY", "RYJ", "P003", "P004"), 1)}
DIRECTOR = ("director", "director-demo-1", ("manager",))  # a company-level manager: every estate


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


def add_staff(rnd, projects):
    """A few staff per estate that has none (the demo estates bring their own); returns {project id: [staff ids]}."""
    departments = dict(db.session.execute(sa.select(Department.code, Department.id)).all())
    have = set(db.session.scalars(sa.select(StaffMember.project_id).where(StaffMember.project_id.isnot(None))))
    insert(StaffMember.__table__, [
        dict(employee_no=f"S{project_id:03d}{i:02d}", name=person_name(rnd), department_id=departments[dept],
             project_id=project_id, position=position, mobile=mobile(rnd), is_active=True)
        for project_id in projects if project_id not in have for i, (position, dept) in enumerate(STAFF_PER_ESTATE)])
    staff = {}
    for staff_id, project_id in db.session.execute(sa.select(StaffMember.id, StaffMember.project_id)
                                                   .order_by(StaffMember.id)):
        staff.setdefault(project_id, []).append(staff_id)
    return {p: staff[p] for p in projects}


def assign_estates():
    """Give the demo accounts the estates they hold in a company, and add the company-level director."""
    codes = dict(db.session.execute(sa.select(Project.code, Project.id)).all())
    for username, (estates, nth) in HOLDINGS.items():
        user = db.session.scalar(sa.select(User).filter_by(username=username))
        user.projects = list(db.session.scalars(sa.select(Project).where(Project.code.in_(estates))))
        user.staff = db.session.scalar(sa.select(StaffMember).where(StaffMember.project_id == codes[estates[0]])
                                       .order_by(StaffMember.id).offset(nth).limit(1))
    db.session.commit()
    username, password, roles = DIRECTOR
    create_user(username, password, roles, display_name="周总监", all_projects=True)


def copy(table, rows):
    """Stream rows (dicts with the same keys) into `table` with one COPY; returns how many."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    columns, n = list(first), 0
    raw = db.session.connection().connection.driver_connection  # the psycopg connection under the session
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as stream:
        for row in itertools.chain([first], rows):
            stream.write_row([row[column] for column in columns])
            n += 1
    db.session.commit()
    return n


def moment(rnd, now, i, n, least):
    """When the i-th of n records of the past year was made: ids rise with time, as in a register kept daily."""
    return now - timedelta(minutes=least + (n - i) * YEAR // n + rnd.randrange(5))


def calls(rnd, n, units, staff, users, start=1):
    now = utcnow().replace(second=0, microsecond=0)
    projects = list(units)
    for i in range(start, n + 1):
        project_id = projects[i % len(projects)]
        at = moment(rnd, now, i, n, 60)
        routing, user = rnd.choice(ROUTING.codes), rnd.choice(users)
        yield dict(project_id=project_id, serial_no=f"KF0660-{at.astimezone(LOCAL_TZ):%Y%m}-{i:07d}", contact_at=at,
                   contact_mode=rnd.choice(CONTACT_MODE.codes), caller_kind="owner", name=person_name(rnd),
                   unit_id=rnd.choice(units[project_id]), phone=mobile(rnd), visitor_id_verified=False,
                   category=rnd.choice(CALL_CATEGORY.codes), matter="厨房水管漏水,请派人维修",
                   received_by_id=rnd.choice(staff[project_id]), routing=routing,
                   promised_reply_at=None if routing == "settled" else at + timedelta(days=1),
                   closed_at=at + timedelta(hours=3) if rnd.random() < 0.97 else None,
                   created_at=at, updated_at=at, created_by_id=user, updated_by_id=user)


def complaints(rnd, n, units, staff, users, categories, start=1):
    now = utcnow().replace(second=0, microsecond=0)
    projects = list(units)
    for i in range(start, n + 1):
        project_id = projects[i % len(projects)]
        at = moment(rnd, now, i, n, 30)
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
                   is_collective=False, received_by_id=rnd.choice(staff[project_id]), status=state,
                   resolved_at=ticket.resolved_at, promised_reply_at=ticket.promised_reply_at, due_kind=due_kind,
                   due_at=due_at, missed_deadline=rnd.random() < 0.1, written_reply=False, created_at=at,
                   updated_at=at, created_by_id=user, updated_by_id=user)


def work_orders(rnd, n, units, staff, users, departments, start=1):
    now = utcnow().replace(second=0, microsecond=0)
    projects = list(units)
    for i in range(start, n + 1):
        project_id = projects[i % len(projects)]
        at = moment(rnd, now, i, n, 30)
        # as with complaints: the open orders are the recent ones
        state = rnd.choice(WORK_ORDER_STATES.codes) if at > now - timedelta(days=10) else "closed"
        done = state not in ("created", "dispatched", "in_progress", "cancelled")
        dispatched = state != "created"
        user, assignee = rnd.choice(users), rnd.choice(staff[project_id])
        yield dict(project_id=project_id, serial_no=f"KF0611-{at.astimezone(LOCAL_TZ):%Y%m}-{i:07d}",
                   status=state, source="call_visit", task_type=rnd.choice(TASK_TYPE.codes),
                   unit_id=rnd.choice(units[project_id]), requester_name=person_name(rnd),
                   requester_phone=mobile(rnd), description="厨房水龙头漏水,需更换阀芯", needs_site_attendance=False,
                   assigned_department_id=rnd.choice(departments), assignee_id=assignee if dispatched else None,
                   received_by_id=assignee if dispatched else None, received_at=at + timedelta(hours=1)
                   if dispatched else None, due_at=at + timedelta(days=2),
                   completed_at=at + timedelta(hours=20) if done else None,
                   result="已更换阀芯,试水正常" if done else None, created_at=at, updated_at=at,
                   created_by_id=user, updated_by_id=user)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="load_company")
    parser.add_argument("--estates", type=int, default=50)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--complaints", type=int, default=200_000)
    parser.add_argument("--work-orders", type=int, default=200_000)
    args = parser.parse_args()
    rnd, t0 = random.Random(1212), time.perf_counter()
    recreate(args.name)
    app = build_app(company_url(args.name))
    with app.app_context():
        units = add_estates(rnd, args.estates, args.units)
        staff = add_staff(rnd, list(units))
        assign_estates()
        users = db.session.scalars(sa.select(User.id)).all()
        categories = db.session.scalars(sa.select(ComplaintCategory.id)).all()
        departments = db.session.scalars(sa.select(Department.id)).all()
        print(f"{len(units)} estates, {sum(map(len, units.values()))} units in {time.perf_counter() - t0:.0f}s")
        for label, table, rows in (
                ("calls", CallVisitLog.__table__, calls(rnd, args.calls, units, staff, users)),
                ("complaints", ComplaintTicket.__table__, complaints(rnd, args.complaints, units, staff, users,
                                                                     categories)),
                ("work orders", WorkOrder.__table__, work_orders(rnd, args.work_orders, units, staff, users,
                                                                 departments))):
            n = copy(table, rows)
            print(f"{n} {label} done at {time.perf_counter() - t0:.0f}s", flush=True)
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))  # statistics, and the visibility map index-only scans use
        db.engine.dispose()
    print(f"built in {time.perf_counter() - t0:.0f}s; serve it with:\n"
          f"  DATABASE_URL={company_url(args.name)} .venv/bin/gunicorn -w 4 -b 127.0.0.1:8000 wsgi:app")


if __name__ == "__main__":
    main()
