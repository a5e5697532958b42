"""统计报表: the report centre — preview a report from the registers, save it as a snapshot, open and export one."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import Response, abort, redirect, request, url_for
from flask_admin import expose

from ..extensions import db
from ..i18n import L, text
from ..models import Building, Project
from ..models.snapshots import ReportSnapshot
from ..reports import REPORTS, compute
from ..reports.figures import Figures
from ..reports.snapshots import due_status, month_of, save_snapshot, today, workbook
from ..scoping import get_visible, user_projects
from ..validators import as_id, implausible
from .base import SecuredView, default_project, user_has

SAVE_ROLES = ("clerk", "manager", "admin")
DELETE_ROLES = ("admin",)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Choice:
    """What the user asked for: a report, an estate, (for 6.17) a building, and a local-date period."""

    key: str
    project: Project | None
    building: Building | None
    start: date
    end: date

    @property
    def report(self):
        return REPORTS.get(self.key)


def _day(value, default, errors):
    if not value:
        return default
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors.append(text(f"日期「{value}」格式不正确,应为 YYYY-MM-DD", f"'{value}' is not a date (YYYY-MM-DD)"))
        return default
    if implausible(day):
        errors.append(implausible(day))
        return default
    return day


def _id(value):
    return as_id(value)


def read_choice(values):
    """Parse the query or form; returns the choice and the reasons it cannot be computed (none when it can)."""
    errors = []
    key = values.get("report") or next(iter(REPORTS))
    if key not in REPORTS:
        errors.append(text(f"没有报表「{key}」", f"There is no report '{key}'"))
    project_id = _id(values.get("project"))
    project = (get_visible(Project, project_id) if project_id else  # another estate's figures are no choice
               None if values.get("project") else default_project())
    if project is None:
        errors.append(text("请选择有效的项目", "Choose a valid estate"))
    building = get_visible(Building, _id(values.get("building"))) if _id(values.get("building")) else None
    if values.get("building") and (building is None or project is None or building.project_id != project.id):
        errors.append(text("所选楼栋不属于该项目", "The building is not part of this estate"))
    first, last = month_of(today())
    start, end = _day(values.get("start"), first, errors), _day(values.get("end"), last, errors)
    if end < start:
        errors.append(text("结束日期不能早于开始日期", "The end date cannot be before the start date"))
    return Choice(key, project, building, start, end), errors


class ReportCentreView(SecuredView):
    """Every monthly report for a chosen estate and period, its snapshots and when each is due."""

    roles = ("clerk", "manager", "admin")

    def __init__(self, category=None):
        super().__init__(name=L("统计报表", "Report centre"), endpoint="reports", url="/admin/reports",
                         category=category)

    def _page(self, choice, errors, figures=None, status=200):
        projects = user_projects()
        buildings = (db.session.scalars(sa.select(Building).filter_by(project_id=choice.project.id)
                                        .order_by(Building.code)).all() if choice.project else [])
        snapshots = db.session.scalars(
            sa.select(ReportSnapshot).where(ReportSnapshot.project_id == getattr(choice.project, "id", None))
            .order_by(ReportSnapshot.id.desc()).limit(30)).all()
        return self.render("admin/reports/index.html", choice=choice, errors=errors, figures=figures,
                           reports=REPORTS, projects=projects, buildings=buildings, snapshots=snapshots,
                           due=due_status(choice.project), can_save=user_has(*SAVE_ROLES),
                           can_delete=user_has(*DELETE_ROLES)), status

    @expose("/")
    def index(self):
        choice, errors = read_choice(request.args)
        figures = None if errors else compute(choice.key, choice.project, choice.start, choice.end, choice.building)
        return self._page(choice, errors, figures, 400 if errors else 200)

    @expose("/save", methods=("POST",))
    def save(self):
        """保存快照: compute once more and store it; nothing is stored when the choice is invalid."""
        if not user_has(*SAVE_ROLES):
            abort(403)
        choice, errors = read_choice(request.form)
        if errors:
            return self._page(choice, errors, status=400)
        snapshot = save_snapshot(choice.key, choice.project, choice.start, choice.end, choice.building)
        return redirect(url_for(".snapshot", snapshot_id=snapshot.id))

    def _snapshot(self, snapshot_id):
        snapshot = get_visible(ReportSnapshot, snapshot_id)
        if snapshot is None:
            abort(404)
        return snapshot

    @expose("/snapshot/<int:snapshot_id>")
    def snapshot(self, snapshot_id):
        """A saved report, shown only from what it stored."""
        snapshot = self._snapshot(snapshot_id)
        return self.render("admin/reports/snapshot.html", snapshot=snapshot, meta=snapshot.payload.get("meta", {}),
                           figures=Figures.from_payload(snapshot.payload), can_delete=user_has(*DELETE_ROLES))

    @expose("/snapshot/<int:snapshot_id>/xlsx")
    def export(self, snapshot_id):
        """导出XLSX of a saved report."""
        snapshot = self._snapshot(snapshot_id)
        name = f"{snapshot.report}-{snapshot.period_start}-{snapshot.period_end}.xlsx"
        return Response(workbook(snapshot), mimetype=XLSX,
                        headers={"Content-Disposition": f"attachment; filename={name}"})

    @expose("/snapshot/<int:snapshot_id>/delete", methods=("POST",))
    def delete(self, snapshot_id):
        """Only an administrator removes a snapshot (a wrong one); nobody edits one."""
        if not user_has(*DELETE_ROLES):
            abort(403)
        snapshot = self._snapshot(snapshot_id)
        project_id = snapshot.project_id
        db.session.delete(snapshot)
        db.session.commit()
        return redirect(url_for(".index", project=project_id))
