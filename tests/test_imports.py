"""Spreadsheet imports: preview, all or nothing, natural keys, templates, roles, odd files, the import log."""
import random
import re
from datetime import UTC, datetime
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app.demo.generator import id18
from app.extensions import db
from app.imports import IMPORTS, ImportLog
from app.models import AuditLog, Building, Owner, Unit, UnitOwner
from app.servicedesk.front_desk import CallVisitLog, FrontDeskLedgerEntry
from app.models.types import clock_at

NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


def xlsx(kind, rows, headers=None):
    """A workbook with the import's headers (or `headers`) and one row per dict of header -> value."""
    headers = IMPORTS[kind].headers() if headers is None else headers
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, kind, content, name="data.xlsx"):
    return client.post(f"/admin/imports/upload/{kind}", data={"file": (BytesIO(content), name)},
                       content_type="multipart/form-data")


def preview_of(client, kind, content):
    """Upload a file; returns its token and the preview page."""
    response = upload(client, kind, content)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    token = response.headers["Location"].rsplit("/", 1)[-1]
    return token, client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)


def count(page, what):
    return int(re.search(rf'data-count="{what}">(\d+)<', page).group(1))


def imported(client, kind, content):
    token, page = preview_of(client, kind, content)
    assert count(page, "refused") == 0, page
    response = client.post(f"/admin/imports/commit/{token}")
    assert response.status_code == 302
    return token, client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)


def rows_of(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def unit_row(room, building="1", **more):
    return {"项目编码": "CHGY", "栋号": building, "单元": "1", "楼层": 30, "房号": room, "用途": "住宅",
            "建筑面积(㎡)": 96, "状态": "空置", **more}


def owner_row(unit, id_number, **more):
    return {"业主类型": "个人", "姓名(单位名称)": "赵导入", "性别": "男", "证件类型": "居民身份证", "证件号码": id_number,
            "手机": "13912345678", "项目编码": "CHGY", "栋号": unit.building.code, "单元": unit.entrance,
            "房号": unit.room_no, "主产权人": "是", "起始日期": "2024-01-31", **more}


@pytest.fixture
def admin(client_for):
    return client_for("admin")


def test_a_good_file_creates_exactly_its_rows_and_the_preview_saves_nothing(admin, ctx):
    before = rows_of(Unit)
    content = xlsx("units", [unit_row("3001"), unit_row("3002"), unit_row("3003", 用途="商铺")])
    token, page = preview_of(admin, "units", content)
    assert (count(page, "created"), count(page, "updated"), count(page, "refused")) == (3, 0, 0)
    assert rows_of(Unit) == before  # a preview keeps nothing
    admin.post(f"/admin/imports/commit/{token}")
    db.session.expire_all()
    assert rows_of(Unit) == before + 3
    shop = db.session.scalar(sa.select(Unit).filter_by(room_no="3003"))
    assert (shop.usage, shop.display_no, shop.occupancy_status) == ("shop", "1栋1单元3003", "vacant")
    log = db.session.scalar(sa.select(ImportLog).filter_by(token=token))
    assert (log.status, log.created_count, log.content, log.user.username) == ("committed", 3, None, "admin")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.table_name == "units", AuditLog.row_id == shop.id, AuditLog.action == "create")) == 1


def test_one_bad_row_saves_nothing_and_names_the_row_and_the_reason(admin, ctx):
    before = rows_of(Unit)
    content = xlsx("units", [unit_row("3101"), unit_row("3102", building="99"), unit_row("3103")])
    token, page = preview_of(admin, "units", content)
    assert count(page, "refused") == 1 and count(page, "created") == 2
    assert "第3行" in page and "未知楼栋「CHGY/99」" in page
    assert "确认导入" not in page
    assert admin.post(f"/admin/imports/commit/{token}").status_code == 302
    db.session.expire_all()
    assert rows_of(Unit) == before


def test_refusals_are_the_forms_own_validation(admin, ctx):
    units = db.session.scalars(sa.select(Unit).order_by(Unit.id).limit(3)).all()
    good = id18(random.Random(5))
    bad_check_digit = good[:17] + ("0" if good[17] != "0" else "1")
    content = xlsx("owners", [
        owner_row(units[0], good),
        owner_row(units[1], bad_check_digit),
        owner_row(units[2], id18(random.Random(6)), 手机="12345"),
        owner_row(units[0], id18(random.Random(7)), 起始日期="2024-02-01", 终止日期="2024-01-01"),
        owner_row(units[0], id18(random.Random(8)), 性别="不知道"),
        owner_row(units[0], id18(random.Random(9)), **{"姓名(单位名称)": None}),
        owner_row(units[0], good),
    ])
    token, page = preview_of(admin, "owners", content)
    reasons = {int(number): " ".join(found) for number, found in
               db.session.scalar(sa.select(ImportLog.refusals).filter_by(token=token))}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    assert "「证件号码」证件号码与证件类型不符" in reasons[3]
    assert "「手机」请输入11位手机号码" in reasons[4]
    assert "「终止日期」结束时间不能早于开始时间" in reasons[5]
    assert "「性别」「不知道」不是可选值" in reasons[6]
    assert "「姓名(单位名称)」此项为必填项" in reasons[7]
    assert "与第 2 行重复" in reasons[8]
    assert "第8行" in page


def test_the_same_file_twice_creates_nothing_the_second_time(admin, ctx):
    units = db.session.scalars(sa.select(Unit).order_by(Unit.id.desc()).limit(2)).all()
    number = id18(random.Random(11))
    content = xlsx("owners", [owner_row(units[0], number), owner_row(units[1], number),  # one owner, two units
                              owner_row(units[1], id18(random.Random(12)), 主产权人="否")])
    _, first = imported(admin, "owners", content)
    assert count(first, "created") == 3
    owners, links = rows_of(Owner), rows_of(UnitOwner)
    _, second = imported(admin, "owners", content)
    assert (count(second, "created"), count(second, "updated"), count(second, "unchanged")) == (0, 0, 3)
    db.session.expire_all()
    assert (rows_of(Owner), rows_of(UnitOwner)) == (owners, links)
    owner = db.session.scalar(sa.select(Owner).filter_by(id_number=number))
    assert {link.unit_id for link in db.session.scalars(sa.select(UnitOwner).filter_by(owner_id=owner.id))} == {
        u.id for u in units}
    _, third = imported(admin, "owners", xlsx("owners", [owner_row(units[0], number, 手机="13700000000")]))
    assert (count(third, "created"), count(third, "updated")) == (0, 1)


@pytest.mark.parametrize("kind", sorted(IMPORTS))
def test_a_downloaded_template_filled_in_round_trips(admin, ctx, kind):
    response = admin.get(f"/admin/imports/template/{kind}")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    data, example = book["导入数据"], book["示例"]
    headers = [c.value for c in data[1]]
    assert headers == IMPORTS[kind].headers()
    assert data.data_validations.dataValidation, "the choices come as dropdowns"
    sample = [c.value for c in example[2]]
    if kind in ("residents", "owner_registration"):  # a person is matched on the ID number: make it a new one
        sample[headers.index("证件号码")] = id18(random.Random(kind))
    if kind == "owner_registration":
        owner_id = headers.index("证件号码")
        sample[owner_id] = db.session.scalar(sa.select(Owner.id_number).order_by(Owner.id.desc()).limit(1))
    data.append(sample)
    filled = BytesIO()
    book.save(filled)
    _, page = imported(admin, kind, filled.getvalue())
    assert count(page, "created") + count(page, "updated") == 1


def test_imported_calls_get_serial_numbers_audit_rows_and_their_ledger_line(admin, ctx):
    unit = db.session.scalar(sa.select(Unit).order_by(Unit.id))
    staff = db.session.scalar(sa.text("select name from staff_members order by id limit 1"))
    rows = [{"项目编码": "CHGY", "日期时间": f"2026-05-3{i} 10:00", "方式": "来电", "来访人类别": "业主", "姓名": f"导入{i}",
             "栋号": unit.building.code, "单元": unit.entrance, "房号": unit.room_no, "联系电话": "13812345678",
             "接待类别": "报修", "事由": "水管漏水", "接待人": staff, "处理去向": "当场解答/办结"} for i in (0, 1)]
    with clock_at(NOW):
        imported(admin, "call_visit_log", xlsx("call_visit_log", rows))
    db.session.expire_all()
    calls = db.session.scalars(sa.select(CallVisitLog).where(CallVisitLog.name.in_(["导入0", "导入1"]))).all()
    assert len(calls) == 2
    assert all(re.fullmatch(r"KF0660-202606-\d{4}", call.serial_no) for call in calls)
    assert calls[0].created_by.username == "admin"
    for call in calls:
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
            AuditLog.table_name == "call_visit_logs", AuditLog.row_id == call.id)) == 1
        line = db.session.scalar(sa.select(FrontDeskLedgerEntry).filter_by(call_visit_id=call.id))
        assert line is not None and line.serial_no.startswith("KF0601-")


def test_clerks_get_403_on_every_import_page_and_managers_only_import_registers(client_for, admin):
    # no app context around the requests: each request must load its own user
    token, _ = preview_of(admin, "units", xlsx("units", [unit_row("3201")]))
    clerk = client_for("clerk")
    content = xlsx("call_visit_log", [])
    for response in (clerk.get("/admin/imports/"), clerk.get("/admin/imports/template/call_visit_log"),
                     upload(clerk, "call_visit_log", content), clerk.get(f"/admin/imports/preview/{token}"),
                     clerk.post(f"/admin/imports/commit/{token}"), clerk.get("/admin/import_log/")):
        assert response.status_code == 403
    manager = client_for("manager")
    assert manager.get("/admin/imports/template/call_visit_log").status_code == 200
    assert manager.get("/admin/imports/template/keys").status_code == 200
    assert manager.get("/admin/imports/template/units").status_code == 403
    assert upload(manager, "owners", xlsx("owners", [])).status_code == 403
    assert manager.get(f"/admin/imports/preview/{token}").status_code == 404  # another user's upload
    assert manager.post(f"/admin/imports/commit/{token}").status_code == 404
    assert manager.get("/admin/import_log/").status_code == 403


def test_the_import_log_is_read_only_for_administrators(admin, ctx):
    preview_of(admin, "units", xlsx("units", [unit_row("3301")]))
    page = admin.get("/admin/import_log/").get_data(as_text=True)
    assert "data.xlsx" in page and "房号" in page
    assert admin.get("/admin/import_log/new/").status_code == 403


@pytest.mark.parametrize("name, content, message", [
    ("notes.xlsx", b"this is not a workbook", "无法读取"),
    ("units.csv", b"a,b\n1,2\n", "不是 .xlsx 文件"),
    ("empty.xlsx", b"", "文件是空的"),
    ("blank.xlsx", xlsx("units", [], headers=[]), "文件中没有内容"),
    ("header-only.xlsx", xlsx("units", []), "没有数据行"),
    ("columns.xlsx", xlsx("units", [unit_row("3401")], headers=["项目编码", "栋号", "房号"]), "缺少列:单元、楼层"),
    ("long.xlsx", xlsx("units", [unit_row(f"35{i:02d}") for i in range(6)]), "文件超过 5 行数据"),
])
def test_odd_files_get_a_chinese_message_not_a_500(admin, ctx, app, monkeypatch, name, content, message):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 5)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(ImportLog))
    response = upload(admin, "units", content, name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportLog)) == before


def test_a_file_over_the_request_limit_gets_a_chinese_message(admin, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2**20)
    response = upload(admin, "units", b"PK" + b"0" * 2**20, "big.xlsx")
    assert response.status_code == 413 and "文件超过 1 MB" in response.get_data(as_text=True)


def test_a_resident_needs_a_known_unit(admin, ctx):
    row = {"项目编码": "CHGY", "栋号": "1", "单元": "1", "房号": "9999", "姓名": "钱住户", "与业主关系": "子女",
           "证件类型": "居民身份证", "证件号码": id18(random.Random(21))}
    _, page = preview_of(admin, "residents", xlsx("residents", [row]))
    assert "未知房号「CHGY/1/1/9999」" in page and count(page, "refused") == 1


def test_the_commit_reads_the_file_again_and_saves_nothing_when_a_row_now_fails(admin, ctx):
    imported(admin, "buildings", xlsx("buildings", [{"项目编码": "CHGY", "栋号": "2", "名称": "2栋", "类型": "高层住宅",
                                                     "地上层数": 20}]))  # the rest are the form's defaults
    token, page = preview_of(admin, "units", xlsx("units", [unit_row("3601"), unit_row("3602", building="2")]))
    assert count(page, "refused") == 0
    before = rows_of(Unit)
    building = db.session.scalar(sa.select(Building).filter_by(code="2"))
    building.code = "2X"  # renamed between the preview and the commit
    db.session.commit()
    admin.post(f"/admin/imports/commit/{token}")
    db.session.expire_all()
    assert rows_of(Unit) == before
    log = db.session.scalar(sa.select(ImportLog).filter_by(token=token))
    assert (log.status, log.refused_count, log.refusals[0][0]) == ("refused", 1, 3)
    assert "未知楼栋「CHGY/2」" in log.refusals[0][1][0]


def test_an_upload_is_imported_once(admin, ctx):
    token, _ = preview_of(admin, "units", xlsx("units", [unit_row("3701")]))
    admin.post(f"/admin/imports/commit/{token}")
    before = rows_of(Unit)
    page = admin.post(f"/admin/imports/commit/{token}", follow_redirects=True).get_data(as_text=True)
    assert "该文件已处理,不能再次导入" in page
    db.session.expire_all()
    assert rows_of(Unit) == before


def test_an_import_sets_a_new_units_state_but_never_moves_a_stored_one(admin, ctx):
    _, page = imported(admin, "units", xlsx("units", [unit_row("3201")]))
    assert count(page, "created") == 1
    _, page = preview_of(admin, "units", xlsx("units", [unit_row("3201", 状态="出租"), unit_row("3202", 状态="出租")]))
    assert (count(page, "refused"), count(page, "created")) == (1, 1)
    assert "「状态」由流程变更,导入不能修改已有记录的状态" in page
    db.session.expire_all()
    assert db.session.scalar(sa.select(Unit.occupancy_status).filter_by(room_no="3201")) == "vacant"
    _, page = imported(admin, "units", xlsx("units", [unit_row("3201", **{"建筑面积(㎡)": 98})]))  # same state: no move
    assert count(page, "updated") == 1
