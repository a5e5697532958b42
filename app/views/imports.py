"""数据导入: download a template, upload a filled one, see what it would do, then import it all or nothing."""
from datetime import timedelta
from urllib.parse import quote

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..extensions import db
from ..i18n import L, text
from ..imports import IMPORTS, ImportLog, imports_for
from ..imports.apply import commit, preview
from ..imports.log import IMPORT_STATUS
from ..imports.reader import FileProblem
from ..imports.template import template
from ..models.types import utcnow
from .base import DeclaredModelView, SecuredView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KEEP_UNFINISHED = timedelta(days=1)  # an upload nobody imported gives its file up after a day


def _attachment(name):
    return f"attachment; filename=import.xlsx; filename*=UTF-8''{quote(name)}"


class ImportView(SecuredView):
    """Administrators import lookup tables and registers; managers import the registers; clerks none."""

    roles = ("admin", "manager")

    def __init__(self, category=None):
        super().__init__(name=L("数据导入", "Import"), endpoint="imports", url="/admin/imports", category=category)

    def _spec(self, kind):
        spec = IMPORTS.get(kind)
        if spec is None:
            abort(404)
        if not current_user.has_role(*spec.roles):
            abort(403)
        return spec

    def _upload(self, token):
        """The user's own upload: a token is never a way into another user's file."""
        log = db.session.scalar(sa.select(ImportLog).filter_by(token=token))
        if log is None or log.user_id != current_user.id:
            abort(404)
        return log, self._spec(log.kind)

    def _index(self, error=None, status=200):
        recent = db.session.scalars(sa.select(ImportLog).filter_by(user_id=current_user.id)
                                    .order_by(ImportLog.id.desc()).limit(10)).all()
        return self.render("admin/imports/index.html", imports=imports_for(current_user), error=error,
                           recent=recent, names=IMPORTS, statuses=IMPORT_STATUS), status

    @expose("/")
    def index(self):
        return self._index()

    @expose("/template/<kind>")
    def download(self, kind):
        """The template: declared headers, a sample row, dropdowns."""
        spec = self._spec(kind)
        return Response(template(spec), mimetype=XLSX,
                        headers={"Content-Disposition": _attachment(f"{spec.title[0]}导入模板.xlsx")})

    @expose("/upload/<kind>", methods=("POST",))
    def upload(self, kind):
        """Read the file and keep it with its preview; nothing of it is saved yet."""
        spec = self._spec(kind)
        try:
            upload = request.files.get("file")
        except RequestEntityTooLarge:
            limit = current_app.config["MAX_CONTENT_LENGTH"] // 2**20
            return self._index(text(f"文件超过 {limit} MB,请拆分成多个文件分批导入",
                                    f"The file is larger than {limit} MB: split it"), 413)
        if upload is None or not upload.filename:
            return self._index(text("请选择要导入的 .xlsx 文件", "Choose an .xlsx file to import"), 400)
        if not upload.filename.lower().endswith(".xlsx"):
            return self._index(text(f"「{upload.filename}」不是 .xlsx 文件:请用 Excel 另存为 .xlsx 后再上传",
                                    f"'{upload.filename}' is not an .xlsx file"), 400)
        content = upload.read()
        try:
            outcome = preview(spec, content)
        except FileProblem as problem:
            return self._index(f"{upload.filename}:{problem}", 400)
        log = ImportLog(kind=kind, file_name=upload.filename[-200:], user_id=current_user.id, content=content,
                        uploaded_at=utcnow(), status="refused" if outcome.refused else "previewed")
        log.record(outcome)
        db.session.add(log)
        db.session.execute(sa.update(ImportLog).where(ImportLog.uploaded_at < utcnow() - KEEP_UNFINISHED,
                                                      ImportLog.content.is_not(None)).values(content=None))
        db.session.commit()
        return redirect(url_for(".show", token=log.token))

    @expose("/preview/<token>")
    def show(self, token):
        log, spec = self._upload(token)
        return self.render("admin/imports/preview.html", log=log, spec=spec, statuses=IMPORT_STATUS,
                           can_commit=log.status == "previewed" and log.content is not None)

    @expose("/commit/<token>", methods=("POST",))
    def commit(self, token):
        """Import every row or none; the file is read again against the database as it is now."""
        log, spec = self._upload(token)
        # claim the upload: of two clicks (or two app servers) exactly one imports it
        claimed = db.session.execute(sa.update(ImportLog).where(
            ImportLog.id == log.id, ImportLog.status == "previewed", ImportLog.content.is_not(None))
            .values(status="committed")).rowcount
        if not claimed:
            db.session.rollback()
            flash(text("该文件已处理,不能再次导入", "This file has already been dealt with"), "error")
            return redirect(url_for(".show", token=token))

        def finish(outcome):
            log.record(outcome)
            log.status, log.committed_at, log.content = "committed", utcnow(), None

        try:
            outcome = commit(spec, log.content, current_user._get_current_object(), before_commit=finish)
        except FileProblem as problem:
            flash(str(problem), "error")
            return redirect(url_for(".show", token=token))
        if outcome.refused:  # the data changed since the preview: nothing was saved, say why
            log.record(outcome)
            log.status = "refused"
            db.session.commit()
            flash(text("数据在预览后发生变化,有行被拒绝,未导入任何记录", "Rows are now refused: nothing was imported"),
                  "error")
            return redirect(url_for(".show", token=token))
        flash(text(f"已导入:新增 {outcome.created} 行,更新 {outcome.updated} 行",
                   f"Imported: {outcome.created} created, {outcome.updated} updated"), "success")
        return redirect(url_for(".show", token=token))


class ImportLogView(DeclaredModelView):
    """导入记录, read-only, for administrators: who imported which file when, and what it did."""

    read_roles = ("admin",)
    column_list = ("uploaded_at", "user", "kind", "file_name", "status", "created_count", "updated_count",
                   "unchanged_count", "refused_count", "committed_at")
    column_details_list = column_list + ("refusals",)
    column_export_list = column_list
    column_sortable_list = ("uploaded_at", "kind", "file_name", "status", "committed_at")
    column_searchable_list = ("file_name",)
    column_filters = ("uploaded_at", "kind", "status")
    column_default_sort = ("id", True)
    form_columns = ("file_name",)
    column_formatters = {"kind": lambda view, context, model, name: IMPORTS[model.kind].label
                         if model.kind in IMPORTS else model.kind,
                         "refusals": lambda view, context, model, name: ";".join(
                             f"第{number}行:{'、'.join(reasons)}" for number, reasons in model.refusals)}

    def __init__(self, category=None):
        super().__init__(ImportLog, name=L(*ImportLog.__label__), endpoint="import_log", category=category)

    can_create = can_edit = can_delete = False


def register_imports(admin, category):
    admin.add_view(ImportView(category=category))
    admin.add_view(ImportLogView(category=category))
