"""The top-bar search: a unit, owner, resident, phone or serial number from any page, grouped by form."""
from dataclasses import dataclass

from flask import request
from flask_admin import expose
from markupsafe import Markup

from ..extensions import db
from ..i18n import L, text
from ..models import Owner, Resident, Unit
from ..models.search import is_searchable
from ..scoping import scoped
from .base import DeclaredModelView, SecuredView
from .search import first_hits

PER_GROUP = 10
FIRST = (Unit, Owner, Resident)  # who and where before what was recorded about them


@dataclass
class Group:
    """The hits of one form or lookup: its view (for links and title) and its first rows."""

    view: object
    rows: list
    more: bool


def in_scope(query, model):
    """The one place the global search narrows a query to what the user may see: the user's estates."""
    return scoped(query, model)


def describe(view, record) -> list:
    """A row's listed values after its name, as its list shows them, for telling hits apart."""
    cells = []
    for name, _label in view._list_columns[1:5]:
        value = view.get_list_value(None, record, name)
        if value not in (None, ""):
            cells.append(value if isinstance(value, Markup) else str(value))
    return cells


class FinderView(SecuredView):
    """找: one box in the top bar; the result page lists what each form holds for the words."""

    def __init__(self):
        super().__init__(name=L("搜索", "Search"), endpoint="finder", url="/admin/find")

    def is_visible(self):
        return False  # reached from the top bar, not the menu

    def searched_views(self):
        views = [v for v in self.admin._views if isinstance(v, DeclaredModelView) and is_searchable(v.model)
                 and v.is_accessible()]
        return sorted(views, key=lambda v: FIRST.index(v.model) if v.model in FIRST else len(FIRST))

    @expose("/")
    def index(self):
        words = (request.args.get("q") or "").strip()[:100]
        groups = []
        if words:
            for view in self.searched_views():
                rows = db.session.scalars(first_hits(view.model, words, PER_GROUP + 1, in_scope)).all()
                if rows:
                    groups.append(Group(view, [(r, describe(view, r)) for r in rows[:PER_GROUP]], len(rows) > PER_GROUP))
        return self.render("admin/find.html", words=words, groups=groups,
                           hint=text("房号(1102、3-1102、3栋1单元1102)、姓名、电话或编号",
                                     "room (1102, 3-1102), name, phone or serial number"))
