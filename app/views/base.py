"""Base views: role checks on the server, and a model view that derives itself from the model's declaration."""
import math
from datetime import date, datetime
from urllib.parse import quote

import sqlalchemy as sa
from flask import abort, current_app, flash, g, has_request_context, redirect, request, url_for
from flask_admin import BaseView, babel
from flask_admin.contrib.sqla import ModelView
from flask_admin.form import BaseForm
from flask_admin.model.form import InlineFormAdmin
from flask_babel import get_locale
from flask_login import current_user
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from wtforms.validators import ValidationError

from ..core.cells import defused
from ..extensions import db
from ..i18n import L, text
from ..models.base import LOCAL_TZ, Lookup
from ..scoping import get_visible, may_use_project, scoped, user_projects
from ..workflow import flow_of
from .declared import AUDIT_COLUMNS, declared_fields, editable_fields, field_info, label_column, label_for
from .badges import word_formatters
from .dossier import DOSSIERS
from .entry import PICKER_FIELDS, later_fields, start_blank
from .export import ExportMixin
from .fields import ActiveLoader, DeskFilterConverter, DeskForm
from .listing import ROW_ID, ROW_LINKS, ListingMixin, indexed
from .privacy import PrivacyMixin, masked_overrides, privacy_formatters
from .search import IndexedSearch
from .steps import FlowStepsMixin



def user_has(*roles) -> bool:
    """The current user is logged in, active and holds one of the roles (any role if none given)."""
    if not (current_user.is_authenticated and current_user.is_active):
        return False
    return not roles or current_user.has_role(*roles)


def default_project():
    """The estate a page starts on: the user's staff record's, if it is one of theirs, else their first."""
    staff = getattr(current_user, "staff", None)
    if staff is not None and staff.project is not None and may_use_project(staff.project_id):
        return staff.project
    return next(iter(user_projects()), None)


class Secured:
    """Access for logged-in, active users holding `roles`; others are sent to log in or refused."""

    roles: tuple = ()

    def is_accessible(self):
        return user_has(*self.roles)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        abort(403)


class SecuredView(Secured, BaseView):
    """A custom page behind the login."""


WORKLIST_PAGE = 50  # rows a page of a worklist (the inbox, the due list) shows, the most urgent first
WORKLIST_DEPTH = 1_000  # the deepest row its pager reaches: each kind is read up to the page's last row


def worklist_page(total):
    """(page, pages, start, stop) for the requested ?page= of a worklist of `total` rows, a page past either end
    being the nearest: the page shows rows start:stop, and each kind need be read only up to stop (issue 12: the
    director's inbox wrote all its 159 rows (248 KB), the due list 200, on every visit)."""
    pages = max(1, min(math.ceil(total / WORKLIST_PAGE), WORKLIST_DEPTH // WORKLIST_PAGE))
    page = min(max(request.args.get("page", 0, type=int), 0), pages - 1)
    return page, pages, page * WORKLIST_PAGE, (page + 1) * WORKLIST_PAGE


def local_time(moment):
    """A stored time as the desk reads it, in Asia/Shanghai; blank for none."""
    # strftime, not Babel: lists and exports format every cell, and the zone is fixed (benchmarks/list_views.py)
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


def _format_datetime(view, value, name):
    return local_time(value)


def _format_date(view, value, name):
    return value.strftime("%Y-%m-%d")


def _format_bool(view, value, name):
    return Markup("&#10003;") if value else ""


def _format_bool_text(view, value, name):
    return text("是", "Yes") if value else text("否", "No")


def _choice_formatter(choices):
    def formatter(view, context, model, name):
        return choices.label(getattr(model, name))

    formatter.choices = choices  # a list page or an export reads the labels once (ListingMixin.column_reader)
    return formatter


ROW_ENDPOINTS = {endpoint for endpoint, _icon in ROW_LINKS.values()}  # a list row's links, which differ by the id

KEPT = 20_000  # entries a per-process cache holds before it is emptied at once


def kept(store, key, make):
    """make(), kept in the app's `store` under key: a few thousand URLs or strings, emptied when full."""
    values = current_app.extensions.setdefault(store, {})
    if key not in values:
        if len(values) >= KEPT:
            values.clear()
        values[key] = make()
    return values[key]


def kept_url(endpoint, kwargs, route):
    """The URL `route(endpoint, **kwargs)` gives, routed once per script root, blueprint (a "." endpoint is the
    request's blueprint's) and arguments in their order (the order of a query string); the app has no url_defaults,
    so nothing else changes it."""
    if not has_request_context():
        return route(endpoint, **kwargs)
    # with each argument's type: page=1 and page=True are equal keys but different URLs
    key = (request.script_root, request.blueprint, endpoint, *((k, type(v), v) for k, v in kwargs.items()))
    try:
        hash(key)
    except TypeError:  # an argument that cannot be a key (a list): routed each time
        return route(endpoint, **kwargs)
    return kept("kept_urls", key, lambda: route(endpoint, **kwargs))


def kept_gettext(string, **variables):
    """Flask-Admin's template _gettext, which finds the catalogue on each of some 40 calls a list page makes, looked
    up once per app, language and string: the catalogues do not change while the app serves."""
    if variables:
        return babel.gettext(string, **variables)
    return kept("kept_gettext", (str(get_locale()), string), lambda: babel.gettext(string))


# Flask-Admin's per-view caches that DeclaredModelView scaffolds on first use
FORM_CACHE = ("_form_ajax_refs", "_create_form_class", "_edit_form_class", "_delete_form_class",
              "_action_form_class", "_list_form_class")
FILTER_CACHE = ("_filters", "_filter_groups", "_filter_args")


SHOWN_TYPES = {datetime: _format_datetime, date: _format_date, type(None): lambda view, value, name: ""}


class DeclaredModelView(PrivacyMixin, IndexedSearch, Secured, ExportMixin, ListingMixin, ModelView):
    """A Flask-Admin view that reads labels, lists, filters, choices and validators off the model.

    Permissions are role sets; every one is checked on the server in `_handle_view`, not only by
    hiding a button.
    """

    read_roles = ("clerk", "manager", "admin")
    write_roles = ("clerk", "manager", "admin")
    delete_roles = ("admin",)
    can_view_details = True
    can_set_page_size = True
    page_size = 20
    form_base_class = DeskForm
    export_types = ["csv", "xlsx"]
    details_modal = False
    edit_modal = False
    form_overrides: dict = {}
    column_type_formatters = {**ModelView.column_type_formatters, **SHOWN_TYPES, bool: _format_bool}
    column_type_formatters_detail = {**SHOWN_TYPES, bool: _format_bool_text}
    column_type_formatters_export = {**SHOWN_TYPES, bool: _format_bool_text}
    column_default_sort = ("id", True)
    filter_converter = DeskFilterConverter()

    def __init__(self, model, **kwargs):
        self._derive(model)
        super().__init__(model, db, **kwargs)

    # -- scaffolding on first use -----------------------------------------------------------------------
    # A worker, a test module or a command builds 80 views and serves a few: Flask-Admin's forms and filters
    # are scaffolded when a view first reads them, not all when the app is built (benchmarks/startup.py).
    def _refresh_cache(self):
        self.__dict__["_building"] = True  # Flask-Admin checks the forms against their rules here: later
        try:
            super()._refresh_cache()
        finally:
            del self.__dict__["_building"]

    def _refresh_forms_cache(self):
        for name in FORM_CACHE:
            self.__dict__.pop(name, None)
        self.column_editable_list = self.column_editable_list or {}

    def _refresh_filters_cache(self):
        for name in FILTER_CACHE:
            self.__dict__.pop(name, None)

    def __getattr__(self, name):
        """Flask-Admin's cached forms and filters, scaffolded on first read."""
        if name in FORM_CACHE and "_building" in self.__dict__:
            return BaseForm  # no fields: nothing to check against the rules until the forms are made
        if name in FORM_CACHE:
            ModelView._refresh_forms_cache(self)
            self.__dict__.setdefault("_list_form_class", None)  # Flask-Admin sets it only for inline editing
            self._validate_form_class(self._form_edit_rules, self._edit_form_class)
            self._validate_form_class(self._form_create_rules, self._create_form_class)
        elif name in FILTER_CACHE:
            ModelView._refresh_filters_cache(self)
        else:
            raise AttributeError(name)
        return self.__dict__[name]

    @property
    def simple_list_pager(self):
        """While searching, page without counting: the count would scan the whole table (benchmarks/list_views.py)."""
        return bool(request.args.get("search"))

    # -- permissions -----------------------------------------------------------------
    @property
    def roles(self):
        return self.read_roles

    @property
    def can_create(self):
        return user_has(*self.write_roles)

    @property
    def can_edit(self):
        return user_has(*self.write_roles)

    @property
    def can_delete(self):
        return user_has(*self.delete_roles)

    @property
    def can_export(self):
        return user_has(*self.read_roles)

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        allowed = {"create_view": self.can_create, "edit_view": self.can_edit, "delete_view": self.can_delete,
                   "export": self.can_export, "ajax_update": self.can_edit,
                   "action_view": self.is_action_allowed(request.form.get("action", ""))}  # delete: can_delete
        if not allowed.get(name, True):
            abort(403)
        return None

    def render(self, template, **kwargs):
        self._template_args["_gettext"] = kept_gettext  # the template arguments Flask-Admin puts in last
        return super().render(template, **kwargs)

    def get_url(self, endpoint, **kwargs):
        """A list's row links are routed once per page and the id filled in, not routed twice per row; any other
        URL (a sort, a page, a stylesheet: some 40 a list page) is routed once and kept (`kept_url`)."""
        if endpoint not in ROW_ENDPOINTS or kwargs.keys() != {"id", "url"}:
            return kept_url(endpoint, kwargs, super().get_url)
        routed = g.setdefault("row_links", {})
        key = (request.script_root, self.endpoint, endpoint, kwargs["url"])
        if key not in routed:
            routed[key] = super().get_url(endpoint, id=ROW_ID, url=kwargs["url"])
        return routed[key].replace("%00", quote(str(kwargs["id"]), safe=""), 1)

    def _get_filter_groups(self):
        """The filters' names and options are fixed when the view is built: made plain once per language."""
        return self._per_language("_plain_filter_groups", super()._get_filter_groups)

    def filter_groups_json(self):
        """The filters as the list page's script reads them, encoded once per language."""
        return self._per_language("_filter_groups_json", lambda: htmlsafe_json_dumps(
            self._get_filter_groups(), dumps=current_app.json.dumps))

    def _per_language(self, name, make):
        """make(), kept on the view under `name` for the request's language."""
        kept_here = self.__dict__.setdefault(name, {})
        locale = str(get_locale())
        if locale not in kept_here:
            kept_here[locale] = make()
        return kept_here[locale]

    # -- estates: every query and every id goes through app/scoping.py -----------------
    def get_query(self):
        # SQLite walks the sort's own index only if the estate's index is not on offer (one estate holds nearly
        # every row there); PostgreSQL's statistics choose between them (benchmarks/list_views.py)
        return scoped(super().get_query(), self.model, by_index=db.session.get_bind().dialect.name != "sqlite")

    def get_count_query(self):
        return scoped(super().get_count_query(), self.model)

    def get_one(self, id):
        """The record one plain id names, if the user's estates hold it; anything else answers 404."""
        record = get_visible(self.model, id)
        if record is None:
            abort(404)
        return record

    # -- derivation from the model ----------------------------------------------------
    def _derive(self, model):
        """Fill the Flask-Admin options this view class did not set itself."""
        fields = declared_fields(model)
        editable = editable_fields(model)
        labels = {n: label_for(model, n) for n in fields + list(AUDIT_COLUMNS) + list(getattr(model, "__list__", ()))}
        choices = {n: field_info(model, n)["choices"] for n in fields if field_info(model, n).get("choices")}
        listed = list(getattr(model, "__list__", ()) or fields[:7])
        self.column_labels = {**labels, **(self.column_labels or {})}
        self.column_list = self.column_list or listed
        head = [n for n in ("serial_no", "status", "project") if n in fields]
        self.column_details_list = self.column_details_list or (head + [
            n for n in fields if n not in head and field_info(model, n).get("kind") != "lines"] + list(AUDIT_COLUMNS))
        self.column_export_list = self.column_export_list or self.column_details_list
        self.column_choices = {n: c.pairs() for n, c in choices.items()}
        # a blank choice reads as a blank, not "None" (Flask-Admin maps choices before formatting types)
        plain = {n: _choice_formatter(c) for n, c in choices.items()}
        masked, detail, export = privacy_formatters(model)  # personal data masked in every place it is shown
        # a spreadsheet gets the words; the pages get them coloured (a state badge, 曾超时 in red)
        self.column_formatters_export = {**plain, **(self.column_formatters or {}), **export,
                                         **(self.column_formatters_export or {})}
        self.column_formatters = {**plain, **word_formatters(model, labels, field_info, flow_of(model)),
                                  **(self.column_formatters or {})}
        self.column_formatters_detail = {**self.column_formatters, **detail, **(self.column_formatters_detail or {})}
        self.column_formatters.update(masked)
        self.form_choices = {n: c.pairs() for n, c in choices.items() if n in editable}
        self.column_searchable_list = self.column_searchable_list or list(getattr(model, "__search__", ()))
        self.column_filters = self.column_filters or self._default_filters(model, fields)
        # a filter over a reference reads as the reference's label, not Flask-Admin's "unit / Units / Display No"
        self.column_labels.update({flt: label_for(model, flt.partition(".")[0]) for flt in self.column_filters
                                   if isinstance(flt, str) and "." in flt and flt not in self.column_labels})
        self.column_sortable_list = self.column_sortable_list or self._sortable(model, listed)
        # the estate first: every other choice (a unit, a person) belongs to it
        self.form_columns = self.form_columns or sorted(
            (n for n in editable if field_info(model, n).get("kind") != "lines"), key=lambda n: n != "project")
        self.form_args = {**self._field_args(model, editable), **(self.form_args or {})}
        self.form_ajax_refs = self.form_ajax_refs or self._ajax_refs(model, editable)
        self.form_overrides = {**self._overrides(model, editable), **self.form_overrides}
        self.inline_models = self.inline_models or self._inline(model, fields)
        self.column_descriptions = self.column_descriptions or {}

    @staticmethod
    def _default_filters(model, fields):
        """Dates, states, categories and references: what a clerk narrows a list by."""
        out = []
        for name in fields:
            info = field_info(model, name)
            kind = info.get("kind")
            if kind in ("date", "datetime", "choice", "flag", "money", "count") or info.get("choices"):
                out.append(name)
            elif name in sa.inspect(model).relationships and kind != "lines":
                column = label_column(sa.inspect(model).relationships[name].mapper.class_)
                if column:
                    out.append(f"{name}.{column}")
        return out

    @staticmethod
    def _sortable(model, listed):
        """Indexed columns only: any other sort reads and sorts the whole table (benchmarks/list_views.py)."""
        return [name for name in listed if name in model.__table__.columns and indexed(model.__table__.columns[name])]

    @staticmethod
    def _field_args(model, names):
        args = {}
        for name in names:
            info = field_info(model, name)
            entry = {"label": label_for(model, name)}
            rel = sa.inspect(model).relationships.get(name)
            if info.get("choices") or (rel is not None and not getattr(rel.mapper.class_, "__ajax__", False)
                                       and rel.info.get("kind") != "lines"):
                entry["blank_text"] = L("请选择", "Choose…")  # not Flask-Admin's "__None" or a blank
            if info.get("validators"):
                entry["validators"] = list(info["validators"])
            args[name] = entry
        return args

    @staticmethod
    def _ajax_refs(model, names):
        refs = {}
        for name in names:
            rel = sa.inspect(model).relationships.get(name)
            if rel is None or rel.info.get("kind") == "lines":
                continue
            target = rel.mapper.class_
            if getattr(target, "__ajax__", False):
                refs[name] = ActiveLoader(name, db.session, target, fields=list(target.__search__),
                                          page_size=10, placeholder=L("输入以搜索…", "Type to search…"))
        return refs

    @staticmethod
    def _overrides(model, names):
        pickers = {n: PICKER_FIELDS[field_info(model, n).get("kind")] for n in names
                   if field_info(model, n).get("kind") in PICKER_FIELDS}
        return {**pickers, **masked_overrides(model, names)}

    def _inline(self, model, fields):
        """Line items as inline forms, derived the same way."""
        inlines = []
        for name in fields:
            rel = sa.inspect(model).relationships.get(name)
            if rel is None or rel.info.get("kind") != "lines":
                continue
            child = rel.mapper.class_
            editable = editable_fields(child)
            choices = {n: field_info(child, n)["choices"].pairs() for n in editable
                       if field_info(child, n).get("choices")}
            inlines.append(InlineFormAdmin(
                child,
                form_columns=["id"] + editable,
                form_label=label_for(model, name),
                column_labels={n: label_for(child, n) for n in editable},
                form_args=self._field_args(child, editable),
                form_choices=choices,
                form_ajax_refs=self._ajax_refs(child, editable),
                form_overrides=self._overrides(child, editable),
            ))
        return inlines

    # -- forms -----------------------------------------------------------------------
    def _restrict_lookup_choices(self, form, obj=None):
        """Dropdowns offer active lookup rows, plus the value a record already holds."""
        for name, rel in sa.inspect(self.model).relationships.items():
            target = rel.mapper.class_
            field = getattr(form, name, None)
            if field is None or not hasattr(field, "query_factory") or not issubclass(target, Lookup):
                continue
            current = getattr(obj, name, None) if obj is not None else None
            condition = target.is_active.is_(True)
            if current is not None:
                condition = sa.or_(condition, target.id == current.id)
            field.query_factory = (lambda t=target, c=condition: scoped(db.session.query(t).filter(c), t))

    def get_create_form(self):
        """The create form leaves out what only a later step fills (审核人, 批准人, a step's result)."""
        later, every = later_fields(self.model), self.form_columns
        if not later or every is None:
            return super().get_create_form()
        self.form_columns = [name for name in every if name not in later]
        try:
            return self.scaffold_form()
        finally:
            self.form_columns = every

    def create_form(self, obj=None):
        form = super().create_form(obj)
        self._restrict_lookup_choices(form)
        start_blank(form, self.model)
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        form._record = obj
        self._restrict_lookup_choices(form, obj)
        start_blank(form, self.model)
        return form

    def validate_form(self, form):
        """Field validators first, then the model's cross-field rules; errors stay at their fields."""
        valid = super().validate_form(form)
        if isinstance(form, (self._delete_form_class, self._action_form_class)) or request.method != "POST":
            return valid
        data = {name: field.data for name, field in form._fields.items()}
        data["_record"] = getattr(form, "_record", None)  # the row being edited, for rules that compare with others
        for rule in getattr(self.model, "__rules__", ()):
            for name, message in rule.errors(data):
                field = form._fields.get(name)
                if field is not None:
                    field.errors = list(field.errors) + [message]
                else:
                    flash(message, "error")
                valid = False
        return valid and self._validate_lines(form)

    def _validate_lines(self, form):
        valid = True
        for name, field in form._fields.items():
            child_rules = None
            rel = sa.inspect(self.model).relationships.get(name)
            if rel is not None and rel.info.get("kind") == "lines":
                child_rules = getattr(rel.mapper.class_, "__rules__", ())
            if not child_rules:
                continue
            for entry in field.entries:
                subform = entry.form if hasattr(entry, "form") else entry
                if getattr(subform, "_should_delete", False):
                    continue
                data = {n: f.data for n, f in subform._fields.items()}
                for rule in child_rules:
                    for fname, message in rule.errors(data):
                        target = subform._fields.get(fname)
                        if target is not None:
                            target.errors = list(target.errors) + [message]
                        valid = False
        return valid

    def on_model_change(self, form, model, is_created):
        """Refuse a record that points at itself (a follow-up of itself, its own previous permit)."""
        for name, rel in sa.inspect(self.model).relationships.items():
            if rel.mapper.class_ is self.model and not rel.uselist and getattr(model, name) is model:
                raise ValidationError(text(f"「{self.column_labels.get(name, name)}」不能指向本记录自身",
                                           f"'{self.column_labels.get(name, name)}' cannot point at this record"))

    def handle_view_exception(self, exc):
        if isinstance(exc, sa.exc.IntegrityError):
            flash(text("保存失败:数据与已有记录冲突或引用无效,请检查后重试。",
                       "Not saved: the data conflicts with an existing record or refers to a missing one."),
                  "error")
            return True
        return super().handle_view_exception(exc)

    # -- export ----------------------------------------------------------------------
    def get_export_value(self, model, name):
        """Values as shown, with spreadsheet formulas defused."""
        return self.export_cell(name)(model)

    def export_cell(self, name):
        """Flask-Admin's get_export_value for one column as a function of the record, looked up once per export
        rather than once per cell (benchmarks/list_views.py)."""
        value_of = self.column_reader(name, self.column_formatters_export, self.column_type_formatters_export)
        return lambda record: defused(value_of(record))


class LookupView(FlowStepsMixin, DeclaredModelView):
    """A lookup table: everyone reads it, administrators keep it, referenced rows are deactivated."""

    write_roles = ("admin",)
    column_default_sort = None
    details_template = "admin/model/desk_details.html"

    def render(self, template, **kwargs):
        """A unit's page says where its renovation stands and what it waits for; a unit's and an owner's page is their file."""
        record = kwargs.get("model")
        if template == self.details_template and hasattr(record, "renovation"):
            kwargs["renovation"] = record.renovation()
        if template == self.details_template and type(record) in DOSSIERS:
            kwargs["dossier"] = DOSSIERS[type(record)](record)
        if template == self.details_template and record is not None:
            kwargs.update(self.flow_context(record))  # a unit's occupancy, an extinguisher's refill: its steps
        return super().render(template, **kwargs)

    def delete_model(self, model):
        """Delete an unused row; deactivate one that records still point to."""
        if not is_referenced(model):
            return super().delete_model(model)
        model.is_active = False
        db.session.commit()
        flash(text(f"「{model}」已被记录引用,已停用而未删除:它不再出现在选择列表中,旧记录保持不变。",
                   f"'{model}' is in use, so it was deactivated rather than deleted."), "warning")
        return True


def is_referenced(row) -> bool:
    """Whether any row of any table points at this one."""
    table = row.__table__
    for other in db.metadata.tables.values():
        for fk in other.foreign_keys:
            if fk.column.table is table:
                hit = db.session.execute(sa.select(sa.literal(1)).where(fk.parent == row.id).limit(1)).first()
                if hit:
                    return True
    return False
