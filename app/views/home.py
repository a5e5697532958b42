"""The home page: the form catalogue by menu group with today's figures."""
import sqlalchemy as sa
from flask import url_for
from flask_admin import AdminIndexView, expose

from ..extensions import db
from ..models import FORMS, GROUPS
from ..models.base import LOCAL_TZ
from ..models.types import utcnow
from .base import Secured


class HomeView(Secured, AdminIndexView):
    """Every form a click away, with how many records it holds and how many were made today."""

    roles = ()

    @expose("/")
    def index(self):
        start = utcnow().astimezone(LOCAL_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
        ordered = sorted(FORMS.items(), key=lambda item: item[1].__form__.sort_key)
        counts = sa.union_all(*(sa.select(sa.literal(name).label("form"), sa.func.count(model.id).label("total"),
                                          sa.func.count(model.id).filter(model.created_at >= start).label("today"))
                                for name, model in ordered))
        figures = {row.form: row for row in db.session.execute(counts)}  # one query for all 60 forms
        groups = {code: [] for code in GROUPS}
        for name, model in ordered:
            groups[model.__form__.group].append(dict(form=model.__form__, url=url_for(f"{name}.index_view"),
                                                     total=figures[name].total, today=figures[name].today))
        return self.render("admin/home.html", groups=groups, group_labels=GROUPS)
