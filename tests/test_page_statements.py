"""No page sends a statement per record: every page of benchmarks/every_page.py sends as many statements over
1,000 records per form as over 10."""
from datetime import timedelta

import sqlalchemy as sa

from app.accounts import create_user
from app.extensions import db
from app.models import FORMS
from app.models.types import utcnow
from benchmarks.every_page import clients, pages, visit


FORM_TABLES = {model.__tablename__ for model in FORMS.values()}


def spread(table, column):
    """A copy's value for a reference to a lookup row: a different row per copy, so each listed row shows its own
    unit, person or contractor (copies pointing at the same few rows would hide a query per row)."""
    fk = next(iter(column.foreign_keys), None)
    if fk is None or fk.column.table.name in FORM_TABLES | {"projects"}:
        return column
    target = fk.column.table
    top = sa.select(sa.func.max(target.c.id)).scalar_subquery()
    pick = (sa.select(target.c.id).where(target.c.id >= (table.c.id * 7919) % top + 1)
            .order_by(target.c.id).limit(1).scalar_subquery())
    return sa.func.coalesce(pick, column)


def grow(model, target):
    """Copy a form's rows (serial numbers left blank) until it holds `target`; False if its constraints refuse."""
    table = model.__table__
    columns = [c for c in table.columns if c.name not in ("id", "serial_no")]
    while (have := db.session.scalar(sa.select(sa.func.count()).select_from(table))) < target:
        source = sa.select(*(spread(table, c) for c in columns)).order_by(table.c.id).limit(target - have)
        try:
            db.session.execute(sa.insert(table).from_select([c.name for c in columns], source))
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
            return False
    return True


def statements(app, by_role, walk, warm_up):
    """{(role, url): statements sent} for one walk over every page, each visited once more first if `warm_up`."""
    sent = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: sent.append(1)  # noqa: E731
    sa.event.listen(engine, "before_cursor_execute", listener)
    counts = {}
    try:
        for role, url in walk:
            if warm_up:
                visit(by_role[role], url)  # the first visit may warm caches (the menu, the user) that later ones reuse
            sent.clear()
            visit(by_role[role], url)
            counts[role, url] = len(sent)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return counts


def test_statements_stay_flat_as_records_grow(app):
    walk = pages(app)
    with app.app_context():
        grown = {name: grow(model, 10) for name, model in FORMS.items()}
    by_role = clients(app)
    small = statements(app, by_role, walk, warm_up=True)
    with app.app_context():
        grown = {name: grow(model, 1000) for name, model in FORMS.items() if grown[name]}
    large = statements(app, by_role, walk, warm_up=False)  # the small walk warmed every cache
    assert sum(grown.values()) >= 50  # nearly every form took 1,000 copies of its rows
    rising = {page: (small[page], large[page]) for page in walk if large[page] > small[page]}
    assert rising == {}


def copies(model, n, **values):
    """Add n rows to the first estate, copies of its newest with `values` set and each reference spread over the
    lookup rows (each copy shows its own room or person)."""
    table = model.__table__
    columns = [c for c in table.columns if c.name not in ("id", "serial_no")]
    added = 0
    while added < n:
        source = sa.select(*(sa.literal(values[c.name], c.type).label(c.name) if c.name in values
                             else spread(table, c) for c in columns)
                           ).where(table.c.project_id == 1).order_by(table.c.id.desc()).limit(n - added)
        added += db.session.execute(sa.insert(table).from_select([c.name for c in columns], source)).rowcount
    db.session.commit()


def test_home_and_due_list_show_each_rows_references_without_a_statement_each(app):
    """A clerk's home shows today's calls with their rooms, and every due list each item's person: joined to the
    rows, so ten of them send no more statements than none (the flat test above keeps today's count alike)."""
    by_role = clients(app)
    walk = [("clerk", "/admin/"), ("clerk", "/admin/due/"), ("manager", "/admin/"), ("manager", "/admin/due/")]
    before = statements(app, by_role, walk, warm_up=True)
    call, complaint = FORMS["call_visit_log"], FORMS["complaint_ticket"]
    with app.app_context():
        now = utcnow()
        copies(call, 10, contact_at=now, created_at=now)
        copies(complaint, 10, status="in_progress", due_at=now - timedelta(hours=2))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(call).where(call.contact_at == now)) == 10
    after = statements(app, by_role, walk, warm_up=False)
    assert after == before


def test_the_signed_in_user_is_read_with_roles_and_estates_in_one_statement(app):
    """Every request reads its user: the roles and estates every page checks come in the same statement."""
    from app.models import User
    from app.views.auth import load_user

    sent = []
    listener = lambda *args: sent.append(1)  # noqa: E731
    with app.test_request_context():
        manager = db.session.scalar(sa.select(User).filter_by(username="manager"))
        session_id = manager.get_id()
        db.session.expunge_all()
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            user = load_user(session_id)
            assert user.role_codes == {"manager"} and [p.code for p in user.projects] == ["CHGY"]
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert len(sent) == 1


def test_the_accounts_list_reads_roles_and_estates_once_for_the_page(app):
    by_role, walk = clients(app), [("admin", "/admin/user/")]
    few = statements(app, by_role, walk, warm_up=True)
    with app.app_context():
        for n in range(15):
            create_user(f"many{n}", "Correct-Horse-9", ["clerk", "manager"], projects=["RYJ"])
        db.session.commit()
    assert statements(app, by_role, walk, warm_up=False) == few
