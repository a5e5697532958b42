"""Search on every list by index, including the room, owner and resident a record refers to; the top-bar search."""
import sqlalchemy as sa
from flask import request

from ..i18n import text
from ..models.search import is_searchable, joined_refs, search_condition, searched_columns
from .declared import label_for


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

    def _apply_search(self, query, count_query, joins, count_joins, search):
        if not is_searchable(self.model):
            return super()._apply_search(query, count_query, joins, count_joins, search)
        condition = search_condition(self.model, search)
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
