"""待我审批, 到期与超时 and the manager's month: each rule with the clock frozen."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_login import current_user

from app.demo.desk import tell
from app.demo.generator import build, fake_record
from app.core.saving import save
from app.extensions import db
from app.models import FORMS, Project, User
from app.models.types import as_utc, clock_at, utcnow
from app.views.due import due_count, due_items
from app.scoping import ALL, scoped
from app.views.home import (ASSIGNED, TODAYS_CALLS, assigned_to, catalogue_statement, form_figures,
                            start_of_today, todays_calls)
from app.views.inbox import days_hours, waiting_count, waiting_for
from app.workflow import flow_of, may_take
from conftest import NOW, client_of, first, mine, signed_in

ItemRelease, Complaint = FORMS["item_release"], FORMS["complaint_ticket"]


def user(name):
    return db.session.scalar(sa.select(User).filter_by(username=name))


def release_by(creator, rnd, created_at=None):
    """A submitted 6.13 slip registered by `creator`."""
    fields, items = fake_record(ItemRelease, rnd)
    record = build(ItemRelease, fields, items)
    record.project, record.created_by = db.session.scalar(sa.select(Project)), user(creator)
    record.created_at = created_at or utcnow()
    db.session.add(record)
    db.session.commit()
    return record


def menu_count(page):
    return int(re.search(r"待我审批 \((\d+)\)", page).group(1))


def test_the_inbox_holds_only_what_the_user_may_take_now_and_counts_it(app, ctx, rnd):
    own, others = release_by("clerk", rnd), release_by("clerk2", rnd)
    with app.test_request_context():
        for name in ("clerk", "manager", "admin"):
            items = waiting_for(user(name))
            assert waiting_count(user(name)) == len(items)
            for item in items:  # what a click would allow: state, role, not one's own request
                assert item.steps and all(may_take(item.record, step, user(name)) for step in item.steps)
        keys = {item.key for item in waiting_for(user("clerk"))}
    assert f"item_release:{others.id}" in keys and f"item_release:{own.id}" not in keys
    clerk = client_of(app, "clerk")
    page = clerk.get("/admin/inbox/").text
    assert menu_count(page) == page.count('name="selected"') + page.count("分类定性</a>")
    assert others.serial_no in page and own.serial_no not in page
    assert 'id="select-all"' in page


def test_a_request_says_what_it_is_and_how_long_it_waited(app, ctx, rnd):
    release = release_by("clerk2", rnd, created_at=NOW - timedelta(hours=2148))
    page = client_of(app, "manager").get("/admin/inbox/?form=item_release").text
    row = page[page.index(release.serial_no):].split("</tr>")[0]
    assert "89天12小时" in row and "2148" not in row
    assert str(release.unit or "—") in row and release.applicant_name in row
    assert "6.13" in page and "6.16" not in page.split("<tbody>")[1]  # filtered to one form


def test_the_inbox_pages_the_longest_waiting_first(app, ctx, rnd, monkeypatch):
    monkeypatch.setattr("app.views.base.WORKLIST_PAGE", 2)
    for hours in (30, 20, 10, 5, 1):
        release_by("clerk2", rnd, created_at=NOW - timedelta(hours=hours))
    with app.test_request_context():
        total = waiting_count(user("manager"))
        keys = [f'value="{item.key}"' for item in waiting_for(user("manager"), limit=6)]
    assert total > 4 and len(keys) == 6  # three pages at least
    manager = client_of(app, "manager")
    pages = [manager.get(f"/admin/inbox/?page={page}").text for page in (0, 1, 2)]
    for number, page in enumerate(pages):
        assert [key for key in keys if key in page] == keys[2 * number:2 * number + 2], number
        assert f"按等待先后显示第 {2 * number + 1}–{2 * number + 2} 条,共 {total} 条" in page
        assert menu_count(page) == total
    assert 'href="/admin/inbox/?page=1"' in pages[0]  # the pager
    last = manager.get("/admin/inbox/?page=99999")
    assert last.status_code == 200 and f"共 {total} 条" in last.text
    assert manager.get("/admin/inbox/?page=abc").status_code == 400


def test_a_decision_counts_the_inbox_anew_in_the_same_request(app, ctx, rnd):
    release = release_by("clerk2", rnd)
    manager = client_of(app, "manager")
    before = menu_count(manager.get("/admin/inbox/").text)
    page = manager.post("/admin/inbox/decide", data={"action": "approve", "selected": f"item_release:{release.id}"})
    assert "已完成" in page.text and menu_count(page.text) == before - 1


def test_days_and_hours():
    assert days_hours(timedelta(hours=2148)) == "89天12小时"
    assert days_hours(timedelta(hours=5, minutes=59)) == "5小时"
    assert days_hours(timedelta(minutes=20)) == "20分钟"


def test_lateness_follows_each_flows_own_limit(app, ctx, rnd):
    release = release_by("clerk2", rnd)
    limit = flow_of(ItemRelease).limits["submitted"]
    with app.test_request_context():
        for hours, late in ((limit - 0.1, False), (limit + 0.1, True)):
            with clock_at(NOW + timedelta(hours=hours)):
                item = next(i for i in waiting_for(user("manager")) if i.record is release)
                assert item.late is late
        items = waiting_for(user("manager"))
        hot = [i for i in items if i.endpoint == "hot_work_permit"]
        assert all(not i.late for i in hot)  # a flow that declares no limit never marks lateness


def test_a_complaint_to_classify_waits_for_the_manager(app, ctx, rnd):
    fields, items = fake_record(Complaint, rnd)
    ticket = build(Complaint, fields, items)
    ticket.project = first(Project)
    tell(ticket, NOW)  # received now, nothing of its handling filled in yet
    save(ticket, user("clerk"), created=True)
    db.session.commit()
    assert ticket.status == "received"
    with app.test_request_context():
        assert any(i.record.id == ticket.id and i.endpoint == "complaint_ticket" for i in waiting_for(user("manager")))
        assert not any(i.endpoint == "complaint_ticket" for i in waiting_for(user("clerk")))
    home = client_of(app, "manager").get("/admin/").text
    assert "分类定性" in client_of(app, "manager").get("/admin/inbox/?form=complaint_ticket").text
    assert menu_count(home) == waiting_count(user("manager"))


def test_the_due_list_has_mine_keys_permits_and_bookings(app, ctx):
    with signed_in(app, "manager"):
        everything = due_items(horizon=NOW + timedelta(days=400))
        kinds = {item.endpoint for item in everything}
        assert {"key_loan", "complaint_ticket"} <= kinds
        clerk = user("clerk")
        mine = due_items(horizon=NOW + timedelta(days=400), user=clerk)
        assert 0 < len(mine) < len(everything)
        assert due_count(user=clerk) <= due_count()
        late = [item for item in due_items(horizon=NOW) if item.endpoint == "key_loan"]
        assert late and all(item.record.is_overdue for item in late)  # the model's own definition
    page = client_of(app, "clerk").get("/admin/due/").text
    assert re.search(r"超时\d+(天|小时|分钟)", page) and "我的" in page
    assert "归还钥匙" in page
    assert client_of(app, "clerk").get("/admin/due/?mine=1").status_code == 200


def test_the_due_list_reads_the_clock_of_each_run(app, ctx):
    """Its statements are built once: each run binds its own now, so what is late moves with the clock."""
    with signed_in(app, "clerk"):
        late_now = due_count()
        with clock_at(NOW + timedelta(days=400)):
            late_later, listed = due_count(), due_items(horizon=utcnow(), limit=10_000)
            assert len(listed) == late_later and all(item.late for item in listed)
        assert due_count() == late_now  # and back
    assert late_later > late_now


def test_the_due_list_is_every_kinds_deadlines_in_order_and_any_slice_of_it(app, ctx):
    """What the one statement of ids picks, read back, is each kind's own rows due before the horizon, in order."""
    from app.views.due import _sources, _values
    horizon = NOW + timedelta(days=400)
    with signed_in(app, "clerk"):
        values = _values(horizon, None, None)
        expected = []
        for kind, source in enumerate(_sources()):
            rows = db.session.scalars(scoped(sa.select(source.model).where(source.due_before), source.model), values)
            expected += [(as_utc(source.at(row)), kind, row.id, row) for row in rows]
        everything = due_items(horizon=horizon, limit=10_000)
        assert [item.record for item in everything] == [row for *_, row in sorted(expected, key=lambda e: e[:3])]
        assert len({type(item.record) for item in everything}) >= 4  # the kinds are mixed, so the order means something
        assert [item.at for item in everything] == sorted(item.at for item in everything)
        for offset, limit in ((0, 3), (2, 7), (5, 6), (len(everything) - 2, len(everything) + 5)):
            assert due_items(horizon=horizon, limit=limit, offset=offset) == everything[offset:limit]


def test_the_due_list_pages_the_earliest_first(app, ctx, monkeypatch):
    monkeypatch.setattr("app.views.base.WORKLIST_PAGE", 2)
    with signed_in(app, "clerk"):
        total = due_count(horizon=utcnow() + timedelta(hours=24))
        earliest = [f"/admin/{item.endpoint}/details/?id={item.record.id}\"" for item in due_items(limit=6)]
    assert total > 4  # three pages at least
    clerk = client_of(app, "clerk")
    pages = [clerk.get(f"/admin/due/?page={page}").text for page in (0, 1, 2)]
    for number, page in enumerate(pages):
        shown = [link for link in earliest if link in page]
        assert shown == earliest[2 * number:2 * number + 2], number
        assert f"按到期先后显示第 {2 * number + 1}–{2 * number + 2} 条,共 {total} 条" in page
    assert 'href="/admin/due/?page=1"' in pages[0]  # the pager
    last = clerk.get("/admin/due/?page=99999")
    assert last.status_code == 200 and f"共 {total} 条" in last.text
    for wrong in ("abc", "-3", "1e9", "2.5"):  # not a page number: refused as on every list (guard.check_numbers)
        page = clerk.get(f"/admin/due/?page={wrong}")
        assert page.status_code == 400 and "请求无效" in page.text


def test_a_booking_is_due_when_it_opens_and_late_when_not_checked(app, ctx):
    booking = mine(FORMS["public_area_booking"], FORMS["public_area_booking"].status.in_(("approved", "paid")))
    if booking is None:  # the demo's bookings are all decided: put one on the calendar tomorrow
        booking = mine(FORMS["public_area_booking"])
        db.session.execute(sa.update(type(booking)).where(type(booking).id == booking.id).values(status="approved"))
        db.session.commit()
    with signed_in(app, "clerk"), clock_at(booking.start_at - timedelta(hours=2)):
        assert any(i.record is booking and not i.late for i in due_items())
    with signed_in(app, "clerk"), clock_at(booking.start_at + timedelta(hours=1)):
        assert any(i.record is booking and i.late for i in due_items(horizon=utcnow()))


def test_early_in_a_month_the_home_shows_last_month_beside_it(app, ctx):
    manager = client_of(app, "manager")
    with clock_at(NOW.replace(day=2)):
        page = manager.get("/admin/").text
    assert "上月" in page and "2026-10-01" in page and "2026-11-02" in page
    page = manager.get("/admin/").text  # the 18th: this month alone
    assert "上月" not in page
    for chart in re.findall(r"<figure.*?</figure>", page, re.S):  # no chart without a bar to draw
        assert any(float(v) > 0 for v in re.findall(r"<title>[^<]*: ([\d.]+)</title>", chart))


def test_the_catalogue_counts_the_records_made_today_in_the_users_estates(app, ctx, rnd):
    """Today's figure of a form: its rows of the user's estates (or all) made since midnight at the desk."""
    project, other = db.session.scalars(sa.select(Project).order_by(Project.id)).all()[:2]  # release_by's estate first

    def today(estates):
        return form_figures(estates)["item_release"][1]

    before = today({project.id}), today({other.id}), today(ALL)
    release_by("clerk", rnd)
    release_by("clerk", rnd, created_at=start_of_today() - timedelta(minutes=1))  # yesterday's does not count
    assert (today({project.id}), today({other.id}), today(ALL)) == (before[0] + 1, before[1], before[2] + 1)


def test_the_clerks_home_shows_todays_calls_and_the_open_work_that_is_theirs(app, ctx):
    """Each figure read in Python off every row: today's calls of the clerk's estates, and the open complaints and
    work orders the clerk received, handles, carries out or registered."""
    call, complaint, order = FORMS["call_visit_log"], FORMS["complaint_ticket"], FORMS["work_order"]
    clerk = user("clerk")
    estates, staff = {project.id for project in clerk.projects}, clerk.staff_id
    calls = db.session.scalars(sa.select(call).order_by(call.id)).all()
    for row, hours in zip([c for c in calls if c.project_id in estates][:3], (1, 2, 30)):  # two today, one yesterday
        row.contact_at = NOW - timedelta(hours=hours)
    next(c for c in calls if c.project_id not in estates).contact_at = NOW - timedelta(hours=1)  # not the clerk's
    for row in db.session.scalars(sa.select(complaint).order_by(complaint.id).limit(3)):
        row.handler_id = staff
    db.session.commit()
    today = [c for c in calls if c.project_id in estates and as_utc(c.contact_at) >= start_of_today()]
    theirs = [c for c in db.session.scalars(sa.select(complaint)) if c.project_id in estates
              and c.status != "closed" and staff in (c.received_by_id, c.handler_id)]
    theirs += [o for o in db.session.scalars(sa.select(order)) if o.project_id in estates
               and o.status in ("created", "dispatched", "in_progress")
               and (o.assignee_id == staff or o.created_by_id == clerk.id)]
    with signed_in(app, "clerk"):
        count, latest = todays_calls(None)
        assert (count, set(latest)) == (len(today), set(today[:TODAYS_CALLS])) and count >= 2
        total, urgent = assigned_to(current_user)
    assert total == len(theirs) >= 1
    assert set(urgent) <= set(theirs) and len(urgent) == min(len(theirs), ASSIGNED)
    page = client_of(app, "clerk").get("/admin/").text
    assert re.search(rf"今日来电来访 <span class=\"badge badge-primary\">{count}</span>", page)
    assert re.search(rf"我的待办 <span class=\"badge badge-primary\">{total}</span>", page)


@pytest.mark.parametrize("company", [True, False])
def test_the_catalogue_binds_only_the_day_and_the_estates(company):
    """PostgreSQL plans a prepared statement once only if nothing else in it is bound (its LIMITs above all):
    otherwise the 120-part catalogue is planned on every visit of a home page."""
    bound = catalogue_statement(company).compile().params
    assert set(bound) == ({"start"} if company else {"start", "estates"})


def test_a_permit_about_to_run_out_is_due_and_then_late(app, ctx, rnd):
    Application, Permit = FORMS["renovation_application"], FORMS["renovation_permit"]
    application = mine(Application)
    # set up by hand what the flow's many records would lead to: works under way on this application
    db.session.execute(sa.update(Application).where(Application.id == application.id).values(status="in_progress"))
    fields, _ = fake_record(Permit, rnd)
    fields.update(renovation_application=application, permit_type="initial", previous_permit=None, revoked_at=None,
                  valid_from=NOW.date() - timedelta(days=60), valid_to=NOW.date() + timedelta(days=2))
    permit = build(Permit, fields, {})
    permit.project = application.project
    db.session.add(permit)
    db.session.commit()
    with signed_in(app, "clerk"):
        assert not any(i.record is permit for i in due_items(horizon=NOW - timedelta(days=1)))
        due = next(i for i in due_items() if i.record is permit)
        assert not due.late  # shown three days ahead, so the extension is asked in time
        with clock_at(NOW + timedelta(days=4)):
            late = next(i for i in due_items(horizon=utcnow()) if i.record is permit)
            assert late.late and late.overdue_text.startswith("超时1天")
            assert due_count() >= 1
