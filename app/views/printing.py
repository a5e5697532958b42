"""打印: a record, a batch of ticked records or a monthly report as A4 paper, printed by the clerk's own browser.

The sheet is derived from the form's declaration (app/views/sheets.py) and drawn by templates/print/sheet.html; a form
whose paper is handed out may have its own one-page layout, templates/print/<endpoint>.html, picked by name.
"""
from flask import abort, current_app, redirect, render_template, request
from flask_admin import expose
from flask_admin.actions import action

from ..i18n import L, text
from ..models import FORMS
from ..models.snapshots import ReportSnapshot
from ..reports import compute
from ..reports.figures import Figures
from ..scoping import get_visible
from ..validators import as_id
from .base import SecuredView
from .reports import read_choice  # the report centre's own reading of the choice
from .sheets import DEFAULT_SIGNATURES, build_sheet, rmb_upper

BATCH_LIMIT = 200  # one print job; more would be a report, not a stack of forms


class PrintMixin:
    """打印 on a form's details page and as a list action: anyone who may read the form may print it."""

    @expose("/print/")
    def print_view(self):
        """One record (?id=1) or a batch (?ids=1,2,…), one record per page, read as the details page reads it.

        A batch has its own parameter: a repeated `id` is refused everywhere (app/views/guard.py)."""
        ids = request.args.get("ids", "").split(",") if "ids" in request.args else request.args.getlist("id")
        if not ids or len(ids) > BATCH_LIMIT or any(as_id(record_id) is None for record_id in ids):
            abort(400 if len(ids) > BATCH_LIMIT else 404)
        records = [self.get_one(record_id) for record_id in ids]
        if any(record is None for record in records):
            abort(404)
        sheets = [build_sheet(self.endpoint, record) for record in records]
        return render_template("print/page.html", sheets=sheets, code=self.model.__form__.code,
                               title=f"{self.model.__form__.number} {self.model.__form__.title}",
                               back=self.get_url(".index_view"), rmb_upper=rmb_upper,
                               autoprint=request.args.get("auto") == "1")

    @action("print", L("打印", "Print"))
    def action_print(self, ids):
        """The ticked rows, printed in one job."""
        return redirect(self.get_url(".print_view", ids=",".join(list(ids)[:BATCH_LIMIT])))

    def is_action_allowed(self, name):
        return name == "print" or super().is_action_allowed(name)


class ReportPrintView(SecuredView):
    """A monthly report on paper, from the registers now (no snapshot needed) or from a saved snapshot."""

    roles = ("clerk", "manager", "admin")

    def __init__(self):
        super().__init__(name=L("报表打印", "Report print"), endpoint="report_print", url="/admin/report-print")

    def is_visible(self):
        return False

    @expose("/")
    def index(self):
        snapshot_id = request.args.get("snapshot", "")
        if snapshot_id:
            snapshot = get_visible(ReportSnapshot, snapshot_id)  # another estate's snapshot answers 404
            if snapshot is None:
                abort(404)
            meta = snapshot.payload.get("meta", {})
            return self._page(meta.get("number", ""), text(*meta["title"]) if meta.get("title") else snapshot.report,
                              snapshot.report, meta.get("project", ""), meta.get("building"),
                              snapshot.period_start, snapshot.period_end, Figures.from_payload(snapshot.payload))
        choice, errors = read_choice(request.args)
        if errors:
            return render_template("print/error.html", messages=errors, code="", back=None), 400
        report = choice.report
        figures = compute(choice.key, choice.project, choice.start, choice.end, choice.building)
        building = choice.building.name if choice.building and report.by_building else None
        title = text(report.title_zh, report.title_en)
        return self._page(report.number, title, choice.key, choice.project.name, building, choice.start, choice.end,
                          figures)

    def _page(self, number, title, key, estate, building, start, end, figures):
        form = FORMS[key].__form__ if key in FORMS else None
        return render_template("print/report.html", number=number, title=title, code=form.code if form else "",
                               estate=estate, building=building, start=start, end=end, figures=figures,
                               company=current_app.config.get("COMPANY_NAME", ""),
                               signatures=[str(s) for s in DEFAULT_SIGNATURES["report"]],
                               autoprint=request.args.get("auto") == "1")
