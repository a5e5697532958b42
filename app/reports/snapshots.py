"""Saving a report as it stands, when each is due (§5.12), and a saved report as a spreadsheet."""
import calendar
import io
import re
from datetime import date

import openpyxl
import sqlalchemy as sa
from flask import current_app
from openpyxl.styles import Font

from ..core.cells import defused
from ..extensions import db
from ..i18n import text
from ..models.base import LOCAL_TZ
from ..models.snapshots import ReportSnapshot
from ..models.types import as_utc, utcnow
from .registry import REPORTS, compute
from .figures import Figures, shown

AMOUNT = re.compile(r"^\d+\.\d{2}$")


def month_of(day: date):
    """The calendar month around `day`: (first day, last day)."""
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def today():
    return utcnow().astimezone(LOCAL_TZ).date()


def save_snapshot(key, project, start, end, building=None):
    """Compute the report now and store what it shows; the row is never edited afterwards."""
    report = REPORTS[key]
    building = building if report.by_building else None
    figures = compute(key, project, start, end, building)
    meta = dict(report=key, number=report.number, title=[report.title_zh, report.title_en], project=project.name,
                building=building.name if building is not None else None, period=[start.isoformat(), end.isoformat()],
                computed_at=utcnow().isoformat())
    snapshot = ReportSnapshot(report=key, project=project, building=building, period_start=start, period_end=end,
                              payload=dict(figures.to_payload(), meta=meta))
    db.session.add(snapshot)
    db.session.commit()
    return snapshot


def due_status(project):
    """Per report: its due day this month (REPORT_DUE_DAYS), the first snapshot of this month and whether it is late."""
    now = today()
    first, last = month_of(now)
    saved = dict(db.session.execute(
        sa.select(ReportSnapshot.report, sa.func.min(ReportSnapshot.created_at))
        .where(ReportSnapshot.project_id == project.id, ReportSnapshot.period_start == first,
               ReportSnapshot.period_end == last).group_by(ReportSnapshot.report)).all()) if project else {}
    out = []
    for key, report in REPORTS.items():
        day = current_app.config["REPORT_DUE_DAYS"].get(key, last.day)
        due = now.replace(day=min(day, last.day))
        at = saved.get(key)
        saved_on = as_utc(at).astimezone(LOCAL_TZ).date() if at else None
        late = saved_on > due if saved_on else now > due
        if saved_on:
            label = text("已保存(逾期)", "Saved late") if late else text("已按时保存", "Saved on time")
        else:
            label = text("逾期未保存", "Overdue") if late else text("未保存", "Not saved yet")
        out.append(dict(report=report, due=due, saved_on=saved_on, late=late, label=label))
    return out


def _cell(value):
    """A value as a spreadsheet cell: amounts as numbers, text defused if it would start a formula."""
    value = shown(value)
    if isinstance(value, str) and AMOUNT.match(value):
        return float(value)
    return defused(value)


def workbook(snapshot):
    """The snapshot as one sheet: title, estate and period, the figures, then each table."""
    meta, figures = snapshot.payload.get("meta", {}), Figures.from_payload(snapshot.payload)
    title = meta.get("title") or [snapshot.report, snapshot.report]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = meta.get("number") or "report"
    head = [[f"{meta.get('number', '')} {text(*title)}".strip()],
            [text("项目", "Estate"), meta.get("project")],
            [text("楼栋", "Building"), meta.get("building") or text("全部", "All")],
            [text("统计期间", "Period"), f"{snapshot.period_start} – {snapshot.period_end}"],
            [text("保存时间", "Saved at"), as_utc(snapshot.created_at).astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")]]
    rows = [(row, False) for row in head] + [([], False), ([text("指标", "Figure"), text("数值", "Value")], True)]
    rows += [([item.label, item.value if item.value is not None else "—"], False) for item in figures.items]
    for table in figures.tables:
        rows += [([], False), ([table.title], True), (table.headers, True), *((row, False) for row in table.rows)]
    for row, strong in rows:
        sheet.append([_cell(value) for value in row])
        for cell in sheet[sheet.max_row] if strong else ():
            cell.font = Font(bold=True)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 36
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
