"""The monthly figures (6.2, 6.7, 6.12, 6.17, 6.41) against records counted by hand, their snapshots and export.

The records and how many of each there are: tests/reportdata.py (K1–K6 complaints, V1–V6 revisits, W1–W8 work
orders, R1–R6 renovations, A1–A6 arrears rows), dated in and around March 2024, Shanghai time.
"""
import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from app.core.saving import save
from app.extensions import db
from app.models import FORMS, Building, Project, ReportSnapshot, Unit
from app.models.types import clock_at
from app.reports import REPORTS, compute
from app.reports.headlines import TEAM_KEYS, month_figures, panel_months
from tests.reportdata import END, NOW, START, build_world, categories, local, make, new_estate


@pytest.fixture(scope="module")
def world(app):
    """One estate with hand-made records in and around March 2024; the comments count them."""
    with app.app_context(), clock_at(NOW):
        return build_world()



def save_new(model, **fields):
    """A report form made and saved as the admin page saves it: its figures come with the save."""
    return save(make(model, **fields))

def figures_of(world, key, building=None, at=NOW):
    with clock_at(at):
        project = db.session.get(Project, world["project"])
        return compute(key, project, START, END, building and db.session.get(Building, building))


def test_team_statistics_6_2(ctx, world):
    assert figures_of(world, "service_team_statistic").values == {
        "calls_visits_count": 3,        # 1 Mar 09:00, 15 Mar, 31 Mar 23:59 (not 1 Apr 00:00, not 29 Feb)
        "work_orders_issued": 6,        # created in March: W1, W2, W3, W4, W6, W8
        "work_orders_completed": 3,     # completed in March: W1, W2, W5 (created in February)
        "work_orders_overdue": 3,       # W2 finished late; W3 and W8 open past their due time by 31 March
        "complaints_count": 4,          # K1 (1 Mar 00:05), K2, K3, K4 (31 Mar 23:30); not K5 (1 Apr 00:10)
        "valid_complaints_count": 2,    # K1, K2
        "complaint_valid_rate": 50.0,   # 2 ÷ 4
        "complaint_timely_rate": 66.7,  # replied in March: K1, K2 (late), K6 → 2 ÷ 3
        "revisits_done": 4,             # revisited in March: V1, V3, V5, V6
        "revisit_rate": 80.0,           # due in March: V1–V5; revisited: V1, V3, V4, V5 → 4 ÷ 5
        "handed_over_units": 2,         # a1 (twice), a2; a3 moved in on 1 April
        "renovations_applied": 3,       # created in March: R1 (a1), R2 (a2), R5 (b2)
        "renovations_active": 2,        # paid … completion states now: R1, R3
        "rented_units": 2,              # a2, b1
        "open_items": 7,                # orders W3, W4, W8 + complaints K3, K4 + ledger follow-ups of 10 and 31 March
    }


def test_revisit_rates_by_kind_against_the_manuals_targets(ctx, world):
    table = figures_of(world, "service_team_statistic").tables[1]
    assert table.rows == [
        # due in March: V1–V4; made: V1, V3, V4; late: V2 (not made by 10 April), V4 (made 2 April, due 28 March)
        ["投诉", 4, 3, 2, 75.0, 100, "未达标"],
        ["零星维修", 1, 1, 0, 100.0, 100, "达标"],  # V5, made the next day; V6 fell due in February
    ]


def test_overdue_counts_to_now_when_now_is_earlier(ctx, world):
    # on 20 March W8 (due 25 March) is not late yet: only W2 (finished late) and W3 (due 12 March)
    mid_march = figures_of(world, "service_team_statistic", at=local(3, 20))
    assert mid_march.values["work_orders_overdue"] == 2


def test_complaint_summary_6_7(ctx, world):
    figures = figures_of(world, "complaint_summary")
    assert figures.values == {
        "total_count": 4, "valid_count": 2, "assist_count": 1, "invalid_count": 1,  # K1 K2 / K3 / K4
        "collective_count": 1,        # K2: six households
        "valid_rate": 50.0,           # 2 ÷ 4
        "timely_rate": 66.7,          # K1, K6 on time of K1, K2, K6 replied in March
        "revisit_rate": 75.0,         # complaint revisits due in March V1–V4, made V1, V3, V4 → 3 ÷ 4
        "satisfaction_rate": 66.7,    # rated K1 (very), K2 (not very), K4 (satisfied) → 2 ÷ 3
    }
    lines = {line["category_id"]: line for line in figures.lines}
    assert len(figures.lines) == len(categories())  # one line per active category
    pick = ("count", "valid_count", "timely_count", "satisfied_count")
    assert [lines[world["c1"]][k] for k in pick] == [2, 2, 1, 1]  # K1, K2; both valid; K1 on time; K1 satisfied
    assert [lines[world["c2"]][k] for k in pick] == [2, 0, 1, 1]  # K3, K4; none valid; K6 on time; K4 satisfied
    assert sum(line["count"] for line in figures.lines) == 4
    assert [c.values for c in figures.charts][1] == [2, 1, 1]


def test_the_home_panel_shows_the_reports_figures(ctx, world):
    """The month panel (three statements for both months) shows what 6.2 and 6.7 show for each month."""
    project = db.session.get(Project, world["project"])
    for today in (date(2024, 4, 3), date(2024, 3, 31)):  # early in April: March beside it; then March alone
        with clock_at(local(today.month, today.day, 18)):
            periods = panel_months(today)
            sent = []
            listener = lambda *args: sent.append(1)  # noqa: E731
            sa.event.listen(db.engine, "before_cursor_execute", listener)
            try:
                months = month_figures(project.id, periods)
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", listener)
            assert len(sent) == 3
            assert [(m["start"], m["end"]) for m in months] == periods
            for month, (start, end) in zip(months, periods):
                team, complaints = (compute(key, project, start, end)
                                    for key in ("service_team_statistic", "complaint_summary"))
                expected = [i for i in team.items if i.key in TEAM_KEYS] + complaints.items
                assert [(i.key, i.label, i.value) for i in month["items"]] == [(i.key, i.label, i.value)
                                                                             for i in expected]
                assert [(c.title, c.labels, c.values) for c in month["charts"]] == [
                    (c.title, c.labels, c.values) for c in complaints.charts[:2] if any(c.values)]
    assert len(periods) == 1 and months[0]["items"][0].value == 3  # March's three calls


def test_rates_without_a_denominator_are_dashes_not_zero(ctx, world):
    with clock_at(NOW):
        empty = compute("complaint_summary", db.session.get(Project, world["project"]), date(2020, 1, 1),
                        date(2020, 1, 31))
    assert empty.values["total_count"] == 0
    assert [empty.values[k] for k in ("valid_rate", "timely_rate", "revisit_rate", "satisfaction_rate")] == [None] * 4
    assert {item.key: item.shown for item in empty.items}["valid_rate"] == "—"


def test_renovation_statistics_6_17(ctx, world):
    assert figures_of(world, "renovation_statistic").values == {
        "applied": 3,                 # registered in March: R1, R2, R5
        "approved": 1, "rejected": 1,  # decided in March: R1 approved, R2 rejected (R3 was approved in February)
        "in_progress": 1,             # at the end of March: R1 (R3 was suspended until 3 April)
        "suspended": 1,               # R3
        "extended": 1,                # R1 on 20 March
        "completion_passed": 1, "completion_failed": 1,  # R4 failed on 5 March and passed on 18 March
        "notices_issued": 2,          # N1, N2 to renovations in March (N3 was February, the fourth is no renovation)
        "passes_issued": 3,           # R1's batch of 8 March, three workers
        "passes_returned": 2,         # one of R1's on 25 March, one of R3's on 10 March
        "deposits_held": "7000.00",   # paid and not closed by 31 March: R1 3000 + R3 2000 + 500 + R6 1500
        "deposits_refunded": "2500.00",  # R4 closed on 28 March
        "deductions": "500.00",       # N1's 300 + R4's completion damage 200
    }
    states = figures_of(world, "renovation_statistic").tables[0].body
    assert [(row[0]["zh"], row[1]) for row in states] == [("草稿", 1), ("不予批准", 1), ("施工中", 1), ("停工", 1),
                                                         ("待退保证金", 1), ("结案", 1)]


def test_renovation_statistics_of_one_building(ctx, world):
    values = figures_of(world, "renovation_statistic", building=world["buildings"]["R2"]).values
    assert values == {"applied": 1, "approved": 0, "rejected": 0, "in_progress": 0, "suspended": 1, "extended": 0,
                      "completion_passed": 0, "completion_failed": 0, "notices_issued": 0, "passes_issued": 0,
                      "passes_returned": 1,  # building R2 holds R3 (b1) and R5 (b2) only
                      "deposits_held": "2500.00", "deposits_refunded": "0.00", "deductions": "0.00"}


def test_arrears_6_12(ctx, world):
    figures = figures_of(world, "arrears_record")
    assert figures.values == {
        "records": 4, "households": 3,  # A1, A2 (a1), A3 (b1), A6 (b2); not A4 (1 April) nor the other estate's
        "amount_due": "2550.75",        # 1200.50 + 800.00 + 450.25 + 100.00
        "late_fee": "42.50",            # 30.00 + 12.50
        "total_due": "2593.25",
        "months_1_3": 2, "months_4_6": 1, "months_over_6": 1,  # A1 3 and A6 2; A3 6; A2 9
    }
    by_fee, by_status, _ = (table.body for table in figures.tables)
    assert [row[1:] for row in by_fee] == [[2, 2, "1650.75", "42.50"], [2, 2, "900.00", "0.00"]]
    assert [(row[0]["zh"], row[1], row[3]) for row in by_status] == [("未催缴", 1, "100.00"),
                                                                    ("已通知", 2, "1650.75"), ("法律程序", 1, "800.00")]


def test_owner_roster_6_41(ctx, world):
    figures = figures_of(world, "owner_info_summary")
    assert figures.values == {"units": 7, "handed_over": 1, "owner_occupied": 1, "rented": 2, "vacant": 1,
                              "renovating": 1}  # R1: 4 units, R2: 3 (one undelivered)
    # per building: units, then 未交付, 空置, 已收楼未入住, 自住, 出租, 装修中
    assert [row[1:] for row in figures.tables[0].body] == [[4, 0, 0, 1, 1, 1, 1], [3, 1, 1, 0, 0, 1, 0],
                                                           [7, 1, 1, 1, 1, 2, 1]]


def test_form_records_take_the_computed_figures(ctx, world):
    project = db.session.get(Project, world["project"])
    with clock_at(NOW):
        team = save_new(FORMS["service_team_statistic"], project=project, period_type="month", period_start=START,
                    period_end=END)
        summary = save_new(FORMS["complaint_summary"], project=project, period_type="month", period_start=START,
                       period_end=END)
        works = save_new(FORMS["renovation_statistic"], project=project, period_start=START, period_end=END,
                     building=db.session.get(Building, world["buildings"]["R2"]))
        roster = save_new(FORMS["owner_info_summary"], project=project, as_of_date=END)
        db.session.commit()
    assert (team.complaints_count, team.complaint_timely_rate, team.open_items) == (4, Decimal("66.7"), 7)
    assert (summary.total_count, summary.revisit_rate, summary.satisfaction_rate) == (4, Decimal("75.0"),
                                                                                        Decimal("66.7"))
    lines = {line.category_id: (line.count, line.valid_count, line.timely_count, line.satisfied_count)
             for line in summary.items}
    assert len(lines) == len(categories()) and lines[world["c1"]] == (2, 2, 1, 1)
    assert (works.applied, works.suspended, works.deposits_held) == (1, 1, Decimal("2500.00"))
    assert (roster.units, roster.rented, roster.vacant) == (7, 2, 1)


def small_estate(code):
    """An estate of its own, for the tests that change the registers afterwards."""
    project, units = new_estate(code, {"S1": ["rented", "rented", "vacant"]})
    db.session.commit()
    return project, units


def test_form_figures_stay_when_the_registers_change(ctx):
    project, units = small_estate("RPTF")
    roster = save_new(FORMS["owner_info_summary"], project=project, as_of_date=END)
    summary = save_new(FORMS["complaint_summary"], project=project, period_type="month", period_start=START,
                   period_end=END)
    db.session.commit()
    assert (roster.units, roster.rented, summary.total_count) == (3, 2, 0)
    units["a1"].occupancy_status = "owner_occupied"  # the registers move on …
    make(FORMS["complaint_ticket"], project=project, is_resident=False, unit=None, received_at=local(3, 9),
         category=categories()[0], validity="valid", households_count=1)
    db.session.commit()
    roster.remarks, summary.analysis = "已核对", "本月无重大投诉"  # … and the reports are edited elsewhere
    save(roster), save(summary)
    db.session.commit()
    db.session.expire_all()
    assert (roster.units, roster.rented, summary.total_count, summary.valid_rate) == (3, 2, 0, None)
    roster.as_of_date = date(2024, 3, 30)  # a new period: counted afresh, one save at a time as the pages do
    save(roster)
    summary.period_end = date(2024, 3, 30)
    save(summary)
    db.session.commit()
    assert (roster.rented, summary.total_count, summary.valid_rate) == (1, 1, Decimal("100.0"))


def test_snapshot_keeps_its_figures_and_exports(app, client_for):
    with app.app_context():
        project, units = small_estate("RPTS")
        project_id = project.id
    client = client_for("clerk")  # signed in after: a new estate ends the sessions of those given it
    query = dict(report="owner_info_summary", project=project_id, start="2024-03-01", end="2024-03-31")
    preview = client.get("/admin/reports/", query_string=query)
    assert preview.status_code == 200 and "保存快照" in preview.text and "<svg" in preview.text
    saved = client.post("/admin/reports/save", data=query)
    assert saved.status_code == 302
    url = saved.headers["Location"]
    with app.app_context():
        snapshot = db.session.scalars(sa.select(ReportSnapshot).filter_by(project_id=project_id)).one()
        assert snapshot.created_by.username == "clerk" and snapshot.payload["values"]["rented"] == 2
        unit = db.session.scalars(sa.select(Unit).join(Unit.building).where(Building.project_id == project_id)
                                  .filter(Unit.occupancy_status == "rented")).first()
        unit.occupancy_status = "vacant"
        db.session.commit()
    page = client.get(url).text
    assert re.search(r'data-key="rented">\s*2<', page) and re.search(r'data-key="vacant">\s*1<', page)
    assert re.search(r'data-key="rented">\s*1<', client.get("/admin/reports/", query_string=query).text)
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "/xlsx").data))
    rows = [[cell.value for cell in row] for row in book.active.iter_rows()]
    assert rows[0] == ["6.41 业主资料情况表"] + [None] * (len(rows[0]) - 1)
    cells = {tuple(v for v in row if v is not None) for row in rows}
    assert {("出租", 2), ("空置", 1), ("总户数", 3), ("项目", "测试小区RPTS")} <= cells


def test_only_administrators_delete_snapshots(app, client_for):
    with app.app_context():
        project, _ = small_estate("RPTD")
        project_id = project.id
    data = dict(report="complaint_summary", project=project_id, start="2024-03-01", end="2024-03-31")
    url = client_for("manager").post("/admin/reports/save", data=data).headers["Location"]
    snapshot_id = int(url.rsplit("/", 1)[1])

    def exists():
        with app.app_context():
            return db.session.get(ReportSnapshot, snapshot_id) is not None

    assert client_for("clerk").post(f"/admin/reports/snapshot/{snapshot_id}/delete").status_code == 403
    assert client_for("manager").post(f"/admin/reports/snapshot/{snapshot_id}/delete").status_code == 403
    assert exists()
    assert client_for("admin").post(f"/admin/reports/snapshot/{snapshot_id}/delete").status_code == 302
    assert not exists()


def test_a_snapshot_is_never_edited(ctx):
    project, _ = small_estate("RPTE")
    snapshot = ReportSnapshot(report="owner_info_summary", project=project, period_start=START, period_end=END,
                              payload={"values": {}})
    db.session.add(snapshot)
    db.session.commit()
    snapshot.period_end = date(2024, 3, 30)
    with pytest.raises(ValueError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("query, message", [
    (dict(start="2024-03-31", end="2024-03-01"), "结束日期不能早于开始日期"),
    (dict(report="no_such_report"), "没有报表"),
    (dict(project="999999"), "请选择有效的项目"),
    (dict(start="31/03/2024"), "格式不正确"),
])
def test_bad_input_is_refused_in_chinese_and_nothing_saved(app, client_for, query, message):
    client = client_for("clerk")
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count(ReportSnapshot.id)))
        project_id = db.session.scalars(sa.select(Project.id).order_by(Project.id)).first()
    data = {"report": "complaint_summary", "project": project_id, **query}
    shown = client.get("/admin/reports/", query_string=data)
    assert shown.status_code == 400 and message in shown.text and "保存快照" not in shown.text
    posted = client.post("/admin/reports/save", data=data)
    assert posted.status_code == 400 and message in posted.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReportSnapshot.id))) == before


def test_due_days_and_late_snapshots(app, client_for):
    with app.app_context():
        project, _ = small_estate("RPTL")
        project_id = project.id
    client = client_for("clerk")  # signed in after: a new estate ends the sessions of those given it
    month = dict(project=project_id, start="2024-05-01", end="2024-05-31")
    with clock_at(local(5, 20, year=2024)):  # saved before the 25th: on time
        client.post("/admin/reports/save", data=dict(month, report="service_team_statistic"))
    with clock_at(local(5, 29, year=2024)):  # 6.7 is due on the 28th: saved on the 29th is late
        client.post("/admin/reports/save", data=dict(month, report="complaint_summary"))
        page = client.get("/admin/reports/", query_string=dict(project=project_id)).text
    rows = dict(re.findall(r'data-report="(\w+)">(.*?)</tr>', page, re.S))
    assert "2024-05-25" in rows["service_team_statistic"] and "已按时保存" in rows["service_team_statistic"]
    assert "2024-05-28" in rows["complaint_summary"] and "已保存(逾期)" in rows["complaint_summary"]
    assert "逾期未保存" in rows["renovation_statistic"]  # due on the 25th, nothing saved by the 29th
    assert set(REPORTS) == set(rows)


def test_english_messages(app, client_for):
    client = client_for("manager")
    client.post("/locale/en")
    try:
        page = client.get("/admin/reports/", query_string=dict(start="2024-03-31", end="2024-03-01"))
        assert "The end date cannot be before the start date" in page.text
    finally:
        client.post("/locale/zh_Hans_CN")
