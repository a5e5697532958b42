"""An estate moving in from its spreadsheets: buildings, 3,000 units, their owners and residents, imported through
the 数据导入 pages (upload → preview → commit) as an administrator would.

Run from the project root:  .venv/bin/python benchmarks/import_estate.py [--units N]   (default N=3000)
Prints, per file, its rows and the seconds its preview and its commit took, then the total, the re-import of the
owners file (which must create nothing) and the process's peak memory.
"""
import argparse
import random
import resource
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path

from flask_migrate import upgrade
from openpyxl import Workbook

from app import create_app
from app.cli import create_user, ensure_reference_data
from app.demo.generator import id18, mobile, person_name
from app.extensions import db
from app.imports import IMPORTS
from app.models import Project

PER_BUILDING = 100  # 25 floors of 4 flats


def workbook(kind, rows):
    """A file as a user fills the template: the declared headers, then one row per dict (write-only: bounded)."""
    headers = IMPORTS[kind].headers()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("导入数据")
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def estate_files(units, seed=3000):
    """The four files of an estate: buildings, units, owners with their units, residents."""
    rnd = random.Random(seed)
    buildings = (units + PER_BUILDING - 1) // PER_BUILDING
    rooms = [(b, n // 4 + 1, f"{n // 4 + 1}{n % 4 + 1:02d}") for b in range(1, buildings + 1)
             for n in range(min(PER_BUILDING, units - (b - 1) * PER_BUILDING))]
    place = lambda b, room: {"项目编码": "BENCH", "栋号": str(b), "单元": "1", "房号": room}
    yield "buildings", workbook("buildings", [
        {"项目编码": "BENCH", "栋号": str(b), "名称": f"{b}栋", "类型": "高层住宅", "地上层数": 25, "地下层数": 1,
         "单元数": 1, "户数": PER_BUILDING, "电梯数": 2, "接管状态": "已接管"} for b in range(1, buildings + 1)])
    yield "units", workbook("units", [
        {**place(b, room), "楼层": floor, "用途": "住宅", "建筑面积(㎡)": rnd.choice((89, 96, 118, 142)),
         "状态": "自住", "收楼日期": date(2024, 6, 18)} for b, floor, room in rooms])
    owners = [id18(rnd) for _ in rooms]
    yield "owners", workbook("owners", [
        {**place(b, room), "业主类型": "个人", "姓名(单位名称)": person_name(rnd), "性别": rnd.choice(("男", "女")),
         "证件类型": "居民身份证", "证件号码": owner, "手机": mobile(rnd), "主产权人": "是", "起始日期": date(2024, 6, 18)}
        for (b, _, room), owner in zip(rooms, owners)])
    yield "residents", workbook("residents", [
        {**place(b, room), "业主证件号码": owner, "姓名": person_name(rnd), "与业主关系": rnd.choice(("配偶", "子女", "父母")),
         "证件类型": "居民身份证", "证件号码": id18(rnd), "手机": mobile(rnd), "入住日期": date(2024, 7, 1)}
        for (b, _, room), owner in zip(rooms, owners)])


def build_app(path):
    app = create_app({"TESTING": True, "SECRET_KEY": "bench-secret", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        ensure_reference_data()
        db.session.add(Project(code="BENCH", name="基准花园", project_type="residential", address="深圳市南山区",
                               service_hotline="0755-86001234"))
        create_user("admin", "bench-admin-1", ("admin",))
        db.session.commit()
    return app


def run(client, kind, content):
    """Upload, preview and commit one file; returns (preview s, commit s, the preview page)."""
    start = time.perf_counter()
    response = client.post(f"/admin/imports/upload/{kind}", data={"file": (BytesIO(content), f"{kind}.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    token = response.headers["Location"].rsplit("/", 1)[-1]
    page = client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)
    assert 'data-count="refused">0<' in page, page[-3000:]
    previewed = time.perf_counter()
    assert client.post(f"/admin/imports/commit/{token}").status_code == 302
    done = time.perf_counter()
    return previewed - start, done - previewed, client.get(f"/admin/imports/preview/{token}").get_data(as_text=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=3000)
    units = parser.parse_args().units
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder) / "bench.sqlite")
        client = app.test_client()
        client.post("/login", data={"username": "admin", "password": "bench-admin-1"})
        files = list(estate_files(units))
        print(f"{'file':<12}{'rows':>8}{'preview s':>12}{'commit s':>11}")
        total = 0.0
        for kind, content in files:
            shown, saved, _ = run(client, kind, content)
            total += shown + saved
            print(f"{kind:<12}{units if kind != 'buildings' else (units + PER_BUILDING - 1) // PER_BUILDING:>8}"
                  f"{shown:>12.1f}{saved:>11.1f}")
        print(f"{'estate':<12}{'':>8}{'':>12}{total:>11.1f}  (upload, preview and commit of all four files)")
        shown, saved, page = run(client, "owners", dict(files)["owners"])
        unchanged = 'data-count="created">0<' in page
        print(f"owners again: {shown + saved:.1f} s, creates nothing: {unchanged}")
        print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
