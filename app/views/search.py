"""Search on every list by index, including the room, owner and resident a record refers to; the top-bar search."""
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from flask import request

from ..i18n import text
from ..models.search import (first_try_rows, is_searchable, joined_refs, probed_ids, search_condition,
                             searched_columns)
from .declared import label_for

# while a searched page is first tried (see IndexedSearch.get_list), the rows its search is narrowed to: a select of
# the ids of the list's first rows, or the ids of the page found among them; None: the whole list, by index
SEARCHED_AMONG: ContextVar = ContextVar("searched_among", default=None)


@contextmanager
def searched_among(ids):
    token = SEARCHED_AMONG.set(ids)
    try:
        yield
    finally:
        SEARCHED_AMONG.reset(token)


class IndexedSearch:
    """A list's search box: its own columns through their index, plus room, owner, resident and phone."""

    def init_search(self):
        stock = super().init_search()  # a view of a model without `__search__` keeps Flask-Admin's own search
        return is_searchable(self.model) or stock

    def search_placeholder(self):
        if not is_searchable(self.model):
            return super().search_placeholder()
        names = [label_for(self.model, n) for n in searched_columns(self.model) if n != "serial_no"]
        if joined_refs(self.model) or self.model.__tablename__ in ("units", "owners", "residents"):
            names.append(text("房号(如3-1102)、业主/住户姓名或电话", "room (e.g. 3-1102), owner/resident name or phone"))
        head = [text("编号", "Serial no.")] if "serial_no" in searched_columns(self.model) else []
        return text("、", ", ").join(str(n) for n in head + names)

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None, **kwargs):
        """A search of few hits is answered from the index; any other is first looked for among the list's first
        rows, then (if they hold too few) by index."""
        if execute and search and is_searchable(self.model):
            hits = probed_ids(self.model, search)
            if hits is not None:  # every row the search finds: the list shows those in its estates and filters
                with searched_among(hits):
                    return super().get_list(page, sort_column, sort_desc, search, filters, True, page_size, **kwargs)
        size = self.page_size if page_size is None else page_size
        first = first_try_rows(search or "", (page or 0) * (size or 0), size) if execute and search else 0
        # a list that counts its hits counts them all, so only a list paged without counting tries (base.py)
        if first and is_searchable(self.model) and getattr(self, "simple_list_pager", False):
            with searched_among(self.first_rows(sort_column, sort_desc, filters, first)):
                _, query = super().get_list(page, sort_column, sort_desc, search, filters, False, page_size, **kwargs)
                # the page's ids alone: joined to its references, the planner would join every first row to sort
                ids = [row.id for row in query.with_entities(self.model.id)]
            if len(ids) >= size:  # a full page among the first rows is the page the whole list would show
                with searched_among(ids):
                    return super().get_list(0, sort_column, sort_desc, search, filters, True, page_size, **kwargs)
        return super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size, **kwargs)

    def first_rows(self, sort_column, sort_desc, filters, rows):
        """A select of the ids of the list's first rows in its own order, as filtered, before any search."""
        query, joins = self.get_query(), {}
        if filters and self._filters:
            query, _, joins, _ = self._apply_filters(query, None, joins, {}, filters)
        query, _ = self._apply_sorting(query, joins, sort_column, sort_desc)
        return query.with_entities(self.model.id).limit(rows).statement

    def _apply_search(self, query, count_query, joins, count_joins, search):
        if not is_searchable(self.model):
            return super()._apply_search(query, count_query, joins, count_joins, search)
        among = SEARCHED_AMONG.get()
        condition = (self.model.id.in_(among) if isinstance(among, list)  # the page's rows, found already
                     else search_condition(self.model, search, among=among))
        return (query.filter(condition), None if count_query is None else count_query.filter(condition),
                joins, count_joins)


def current_search() -> str:
    return (request.args.get("q") or request.args.get("search") or "").strip()


def first_hits(model, search, limit=20, scope=None):
    """The newest rows of a model the search finds, without counting them."""
    query = sa.select(model).where(search_condition(model, search))
    if scope is not None:
        query = scope(query, model)
    return query.order_by(model.id.desc()).limit(limit)
