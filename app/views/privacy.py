"""Personal data on the pages: masked cells with a 显示 button, masked edit fields that keep what is not retyped,
a logged reveal, exports logged and capped, and the administrator's 个人信息访问日志."""
from flask import abort, current_app, flash, g, make_response, redirect, request
from flask_admin import expose
from flask_admin.contrib.sqla import ModelView
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from wtforms import StringField

from ..extensions import db
from ..i18n import L, text
from ..models import FORMS, LOOKUPS
from ..models.base import LOCAL_TZ
from ..models.privacy import PiiAccessLog
from .declared import label_for
from .fields import DeskFilterConverter
from ..privacy import MASKERS, log_access, masked, masker, may_reveal, personal_fields


def list_formatter(model, name):
    """Lists show the masked value."""
    return lambda view, context, record, _name: masked(model, name, getattr(record, name))


def export_formatter(model, name):
    """Exports carry full values only for the roles that may reveal them (and every such export is logged)."""
    return lambda view, context, record, _name: (getattr(record, name) if may_reveal()
                                                 else masked(model, name, getattr(record, name)))


def detail_formatter(model, name):
    """A details page shows the masked value and, to the roles that may, a 显示 button that posts a logged reveal."""

    def shown(view, context, record, _name):
        value = getattr(record, name)
        if not value:
            return ""
        if name in getattr(g, "revealed", ()):
            return value
        if not may_reveal():
            return masked(model, name, value)
        return Markup(
            '{} <form method="post" class="d-inline" action="{}"><input type="hidden" name="csrf_token" value="{}">'
            '<input type="hidden" name="field" value="{}"><button class="btn btn-link btn-sm p-0 ml-2">{}</button>'
            "</form>").format(masked(model, name, value), view.get_url(".reveal_view", id=record.id), generate_csrf(),
                              name, text("显示", "Show"))

    return shown


def privacy_formatters(model):
    """(list, details, export) formatters of the model's personal fields."""
    names = personal_fields(model)
    return ({n: list_formatter(model, n) for n in names}, {n: detail_formatter(model, n) for n in names},
            {n: export_formatter(model, n) for n in names})


_MASKED_FIELDS = {}


def masked_field(kind):
    """A text field that shows a stored value masked and keeps it when left blank or posted back as shown."""
    if kind not in _MASKED_FIELDS:
        mask = MASKERS[kind]

        class MaskedField(StringField):
            def _value(self):
                if not self.raw_data and self.data and self.data == self.object_data:
                    return mask(str(self.data))
                return super()._value()

            def process_formdata(self, valuelist):
                super().process_formdata(valuelist)
                posted = (self.data or "").strip()
                if self.object_data and posted in ("", mask(str(self.object_data))):
                    self.data, self.raw_data = self.object_data, [mask(str(self.object_data))]  # keep, stay masked

        _MASKED_FIELDS[kind] = MaskedField
    return _MASKED_FIELDS[kind]


def masked_overrides(model, names):
    """Form field classes for the personal fields among `names`."""
    return {n: masked_field(model.__table__.columns[n].info["kind"]) for n in names
            if n in model.__table__.columns and masker(model, n)}


class PrivacyMixin:
    """What a model view gains: the reveal endpoint and logged, capped exports of personal data."""

    @expose("/reveal/", methods=("POST",))
    def reveal_view(self):
        """Show one field's full value on the details page, once, after logging who asked for it."""
        record, name = self.get_one(request.args.get("id", "")), request.form.get("field", "")
        if record is None or name not in personal_fields(self.model):
            abort(404)
        if not may_reveal():
            abort(403)
        log_access("reveal", self.model, row_id=record.id, field=name)
        db.session.commit()
        g.revealed = {name}
        response = make_response(self.details_view())
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @expose("/export/<export_type>/")
    def export(self, export_type):
        """Refuse an export of personal data past EXPORT_MAX_ROWS; log the rest (who, which form, how many rows)."""
        names = [c if isinstance(c, str) else c[0] for c in (self.column_export_list or ())]
        if not self.can_export or not set(names) & set(personal_fields(self.model)):
            return super().export(export_type)
        rows, cap = self._matching_rows(), current_app.config.get("EXPORT_MAX_ROWS", 1000)
        if rows > cap:
            flash(text(f"导出含个人信息的记录每次最多 {cap} 行,当前筛选结果有 {rows} 行,请缩小筛选范围后再导出。",
                       f"Exports with personal data are limited to {cap} rows; this selection has {rows}. "
                       "Narrow it down first."), "error")
            return redirect(self.get_url(".index_view", **request.args))
        log_access("export", self.model, rows=rows)
        db.session.commit()
        return super().export(export_type)

    def _matching_rows(self):
        """How many rows the list's current search and filters select, as the export will."""
        args = self._get_list_extra_args()
        query, count_query, joins, count_joins = self.get_query(), self.get_count_query(), {}, {}
        if self._search_supported and args.search:
            query, count_query, joins, count_joins = self._apply_search(query, count_query, joins, count_joins,
                                                                        args.search)
        if args.filters and self._filters:
            query, count_query, joins, count_joins = self._apply_filters(query, count_query, joins, count_joins,
                                                                         args.filters)
        return count_query.scalar()


def _models():
    """Table name -> model, for the forms and lookups that hold personal data."""
    return {model.__tablename__: model for model in (*FORMS.values(), *LOOKUPS)}


def _table_label(table):
    model = _models().get(table)
    if model is None:
        return table
    form = getattr(model, "__form__", None)
    return f"{form.number} {form.label}" if form else str(L(*model.__label__))


class PiiAccessLogView(ModelView):
    """个人信息访问日志: read-only, for administrators."""

    can_create = can_edit = can_delete = False
    can_view_details = False
    column_list = ("at", "user", "action", "table_name", "row_id", "field", "rows")
    column_labels = dict(at=L("时间", "When"), user=L("用户", "User"), action=L("操作", "Action"),
                         table_name=L("表", "Table"), row_id=L("记录", "Record"), field=L("字段", "Field"),
                         rows=L("导出行数", "Rows exported"))
    column_default_sort = ("id", True)
    column_filters = ("at", "action", "table_name")
    filter_converter = DeskFilterConverter()
    column_formatters = dict(
        at=lambda v, c, m, n: m.at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if m.at else "",
        action=lambda v, c, m, n: {"reveal": text("显示完整信息", "Revealed"), "export": text("导出", "Exported")}
        .get(m.action, m.action),
        table_name=lambda v, c, m, n: _table_label(m.table_name),
        field=lambda v, c, m, n: label_for(_models().get(m.table_name), m.field) if m.field and
        m.table_name in _models() else m.field or "")

    def __init__(self):
        super().__init__(PiiAccessLog, db, name=L("个人信息访问日志", "Personal data access log"),
                         endpoint="pii_access_log", category=L("系统管理", "Admin"))

    def is_accessible(self):
        return current_user.is_authenticated and current_user.is_active and current_user.has_role("admin")

    def inaccessible_callback(self, name, **kwargs):
        abort(403)
