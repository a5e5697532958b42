"""Lists that cost the same at ten rows and at a million: a count that stops at COUNT_LIMIT and estimates past it,
pages no deeper than MAX_PAGED_ROWS, and only the listed references loaded, joined (benchmarks/list_views.py)."""
from functools import cache

import sqlalchemy as sa
from urllib.parse import quote

from flask import g, has_request_context, request, url_for
from flask_admin.tools import rec_getattr
from flask_admin.model.template import EditRowAction, ViewRowAction
from jinja2 import pass_context
from markupsafe import Markup, escape
from sqlalchemy import orm

from ..extensions import db
from ..i18n import text

COUNT_LIMIT = 10_000  # counted exactly up to here; past it the list says 约 N 条 and counts exactly on request
FILTERED_COUNT_LIMIT = 1_000  # a filtered list is counted to here (50 pages): its rows are found one by one
MAX_PAGED_ROWS = 10_000  # the deepest OFFSET a pager reaches; past it a clerk narrows by filter or sort

ROW_ID = "\x00"  # routed as %00, which a routed return URL cannot hold (its own % is written %25)
SHOWN_ID, QUOTED_ID = object(), object()  # where a row writer puts the row's id
# the row actions written without a template call: (where the link goes, its icon), as admin/model/row_actions.html has
ROW_LINKS = {ViewRowAction: (".details_view", "fa fa-eye glyphicon glyphicon-eye-open"),
             EditRowAction: (".edit_view", "fa fa-pencil glyphicon glyphicon-pencil")}


class Estimate(int):
    """A count past COUNT_LIMIT. As a number it pages the list (at most MAX_PAGED_ROWS); shown, it reads
    约 N 条 (or 超过 N 条 when only a lower bound is known) with a link to the exact count."""

    def __new__(cls, approx: int, lower_bound: bool = False):
        count = super().__new__(cls, min(approx, MAX_PAGED_ROWS))
        count.approx, count.lower_bound = approx, lower_bound
        return count

    def label(self) -> str:
        if self.lower_bound:
            return text(f"超过 {self.approx:,} 条", f"more than {self.approx:,}")
        return text(f"约 {self.approx:,} 条", f"about {self.approx:,}")

    def __str__(self):
        return self.label()

    def __html__(self):
        exact = url_for(request.endpoint, **{**request.view_args, **request.args.to_dict(), "count": "exact"})
        return Markup('<span class="count-estimate" title="{}">{}</span> · <a href="{}">{}</a>').format(
            text("估计值", "An estimate"), self.label(), exact, text("精确计数", "exact count"))


def table_estimate(session, table) -> int:
    """Rows in a table from the database's statistics, without scanning it."""
    if session.get_bind().dialect.name == "postgresql":
        tuples = session.scalar(sa.text("SELECT reltuples::bigint FROM pg_class WHERE oid = CAST(:t AS regclass)"),
                                {"t": table.name})
        if tuples is not None and tuples >= 0:  # -1: never analysed
            return int(tuples)
    # ids are dense (rows are rarely deleted), so the id range is a fair estimate at the cost of two index seeks
    # two scalar subqueries: SQLite seeks the index for a lone min() or max(), but scans for both in one SELECT
    low, high = session.execute(sa.select(sa.select(sa.func.min(table.c.id)).scalar_subquery(),
                                          sa.select(sa.func.max(table.c.id)).scalar_subquery())).one()
    return (high - low + 1) if high is not None else 0


class BoundedCount(orm.Query):
    """A list's count query whose scalar() counts no further than COUNT_LIMIT rows."""

    def scalar(self):
        if has_request_context() and request.args.get("count") == "exact":
            return super().scalar()
        limit = getattr(self, "count_limit", COUNT_LIMIT)
        capped = self.with_entities(sa.literal_column("1")).limit(limit + 1).subquery()
        counted = self.session.scalar(sa.select(sa.func.count()).select_from(capped))
        if counted <= limit:
            return counted
        if self.whereclause is not None:  # searched, filtered or scoped: the table's size says nothing
            return Estimate(limit, lower_bound=True)
        return Estimate(max(table_estimate(self.session, self.counted_table), counted))


def indexed(column) -> bool:
    """Whether an index leads with this column, so sorting a list by it reads only the page it shows."""
    return bool(column.primary_key or column.index or column.unique or any(
        index.columns[0] is column for index in column.table.indexes))


@cache
def _display_refs(target) -> tuple:
    """The references a model's __str__ reads (a key shows its unit), so a listed row of it is shown without a query."""
    names = getattr(type.__getattribute__(target, "__str__"), "__code__", None)
    relationships = sa.inspect(target).relationships
    return tuple(name for name in (names.co_names if names else ()) if name in relationships
                 and relationships[name].direction.name == "MANYTOONE")


def reference_loads(model, names, load=orm.joinedload) -> list:
    """Loader options for a query of `model` that shows `names`: the references among them joined (or loaded by
    another `load`, with what their labels read), everything else left unloaded until touched."""
    relationships = sa.inspect(model).relationships
    options = [orm.lazyload("*")]
    for name in names:
        rel = relationships.get(name)
        if rel is None or rel.direction.name != "MANYTOONE":
            continue
        target = rel.mapper.class_
        nested = [load(getattr(target, ref)).lazyload("*") for ref in _display_refs(target)]
        options.append(load(getattr(model, name)).options(orm.lazyload("*"), *nested))
    return options


class ListingMixin:
    """What a model view needs to list a million rows as fast as ten."""

    column_auto_select_related = False  # reference_loads joins the listed references, and nothing they point to
    list_template = "admin/model/desk_list.html"  # rows written by row_cells when they are plain (see there)

    def plain_rows(self, actions, editable_columns):
        """Whether a row holds only view and edit links and read-only cells, which row_cells writes in one call."""
        return not editable_columns and all(type(action) in ROW_LINKS for action in actions)

    @pass_context
    def row_cells(self, context, row, actions, return_url, select_title=None):
        """A row's tick box (if the list has mass actions), links and cells as Flask-Admin's list.html writes them,
        without two template calls per cell."""
        writers = g.setdefault("row_writers", {})
        # each row has its own template context, which differs from the first only by the loop's variables
        key = (self.endpoint, return_url, select_title, tuple(map(type, actions)))
        if key not in writers:
            writers[key] = self._row_writer(context, actions, return_url, select_title)
        return writers[key](row)

    def _row_writer(self, context, actions, return_url, select_title):
        """A function writing one row of this page: what is the same on every row (links, titles, each column's
        formatter) is looked up and escaped once; escape() and f-strings write the HTML Markup.format wrote."""
        head = []  # strings, and where the row's id goes: SHOWN_ID escaped, QUOTED_ID as a routed URL has it
        if select_title is not None:
            head += ['<td><input type="checkbox" name="rowid" class="action-checkbox" value="', SHOWN_ID,
                     f'" title="{escape(select_title)}" /></td>']
        if self.column_display_actions:
            head.append('<td class="list-buttons-column">')
            for action in actions:
                endpoint, icon = ROW_LINKS[type(action)]
                before, _, after = escape(self.get_url(endpoint, id=ROW_ID, url=return_url)).partition("%00")
                head += [f'<a class="icon" href="{before}', QUOTED_ID,
                         f'{after}" title="{escape(action.title or "")}"><span class="{icon}"></span></a>']
            head.append("</td>")
        cells = [self._cell_writer(context, name) for name, _label in self._list_columns]
        pk = self.get_pk_value

        def write(row):
            row_id = pk(row)
            ids = {SHOWN_ID: escape(row_id), QUOTED_ID: quote(str(row_id), safe="")}
            return Markup("".join([ids.get(part, part) for part in head] + [cell(row) for cell in cells]))

        return write

    def _cell_writer(self, context, name):
        """One column's cell of a list row, escaped into its <td>, as a function of the row."""
        value_of = self.column_reader(name, self.column_formatters, self.column_type_formatters, context)
        opening = f'<td class="col-{escape(name)}">'
        return lambda row: f"{opening}{escape(value_of(row))}</td>"

    def column_reader(self, name, formatters, type_formatters, context=None):
        """Flask-Admin's _get_list_value for one column as a function of the record, for a list page or an export:
        its formatter, choices and type formatters looked up once, and a coded column's labels made plain once in
        the request's language, not a lazy label per cell."""
        formatter = formatters.get(name)
        coded = getattr(formatter, "choices", None)  # set by base._choice_formatter
        if coded is not None:
            labels = {code: str(label) for code, label in coded.labels.items()}

            def label(record):
                code = getattr(record, name)
                return labels.get(code, code or "")

            return label
        choices = self._column_choices_map.get(name)
        type_formatters = tuple(type_formatters.items())
        # rec_getattr walks a.b (a may be None); a plain name is one getattr, as rec_getattr gives it
        read = (lambda record: rec_getattr(record, name)) if "." in name else (lambda record: getattr(record, name, None))

        def value(record):
            found = formatter(self, context, record, name) if formatter is not None else read(record)
            if choices:
                return choices.get(found) or found
            for kind, type_formatter in type_formatters:
                if isinstance(found, kind):
                    return type_formatter(self, found, name)
            return found

        return value

    def get_count_query(self):
        # count(*), not Flask-Admin's count('*'), which SQLite receives as count(?) and runs 2.5x slower
        query = BoundedCount(sa.func.count(), session=db.session()).select_from(self.model)
        query.counted_table = self.model.__table__  # copied along as filters are added
        # an estate's rows are counted off its index alone; a filter's are looked up row by row, 10x fewer of them
        filtered = has_request_context() and any(name.startswith("flt") for name in request.args)
        query.count_limit = FILTERED_COUNT_LIMIT if filtered else COUNT_LIMIT
        return query

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None,
                 load=orm.joinedload):
        count, query = super().get_list(page, sort_column, sort_desc, search, filters, execute=False,
                                        page_size=page_size)
        query = query.options(*reference_loads(self.model, [name for name, _ in self._list_columns], load))
        return count, (query.all() if execute else query)

    def _apply_pagination(self, query, page, page_size):
        page_size = self.page_size if page_size is None else page_size
        if not (page and page_size):
            return super()._apply_pagination(query, page, page_size)
        page = min(page, max(MAX_PAGED_ROWS // page_size - 1, 0))  # an OFFSET deeper than this scans the table
        # a later page's ids first, off the index where the order allows, then only its rows read and joined: with
        # the OFFSET on the whole query the database joins every row it skips (page 50 of an estate on PostgreSQL:
        # 1,000 rows read from the table for 20, benchmarks/list_views.py)
        ids = query.with_entities(self.model.id).limit(page_size).offset(page * page_size).subquery()
        return query.filter(self.model.id.in_(sa.select(ids.c[0]))).limit(page_size)
