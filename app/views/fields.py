"""Form pieces the generic views plug into Flask-Admin."""
from datetime import date, datetime
from functools import partial
import math
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from flask_admin import babel as admin_babel
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.form import BaseForm
from flask_admin.contrib.sqla.filters import FilterConverter
from flask_admin.model.filters import convert

from ..extensions import db
from ..i18n import text
from ..validators import check_value, implausible
from ..models.base import LOCAL_TZ
from ..models.search import is_searchable, search_condition
from ..scoping import get_visible, scoped
from .declared import field_info, label_for
from .entry import parse_local, parse_typed
from .typeahead import labels, narrowed


class DeskTranslations(admin_babel.Translations):
    """A form's messages in the user's language: WTForms' own, and Flask-Admin's fields' ("Not a valid choice"),
    which Flask-Admin's form looks up in WTForms' catalogue only and so left in English."""

    def gettext(self, string):
        found = super().gettext(string)
        return found if found != string else admin_babel.gettext(string)


class DeskForm(BaseForm):
    """Flask-Admin's form base (ModelView.form_base_class) with every message translated."""

    class Meta(BaseForm.Meta):
        _translations = DeskTranslations()


class ActiveLoader(QueryAjaxModelLoader):
    """Type-ahead over the active rows of the user's estates, found as the list search finds them (room spellings,
    owner, phone by index).

    A record keeps a value deactivated since; rows are shown with what tells them apart (typeahead.labels).
    """

    def get_query(self):
        query = scoped(super().get_query(), self.model)
        return query.filter(self.model.is_active.is_(True)) if hasattr(self.model, "is_active") else query

    def get_one(self, pk):
        """A posted choice of another estate's row, or a malformed id ('١٢', 2**64), is no choice at all."""
        with db.session.no_autoflush:
            return get_visible(self.model, pk)

    def get_list(self, term, offset=0, limit=10):
        if not is_searchable(self.model):
            return super().get_list(term, offset, limit)
        query = narrowed(self.get_query(), self.model)
        if term.strip():
            query = query.filter(search_condition(self.model, term))
        rows = query.order_by(self.model.id).offset(offset).limit(limit).all()
        self._labels = labels(rows)
        return rows

    def format(self, model):
        if model is None:
            return None
        known = getattr(self, "_labels", {})
        return model.id, known[model] if model in known else labels([model])[model]


def _local_clean(filter_class):
    """A datetime filter that reads the user's input as Asia/Shanghai time."""

    class LocalFilter(filter_class):
        def clean(self, value):
            result = super().clean(value)
            if isinstance(result, list):
                return [moment.replace(tzinfo=LOCAL_TZ) for moment in result]
            return result.replace(tzinfo=LOCAL_TZ)

    LocalFilter.__name__ = filter_class.__name__
    return LocalFilter


class DeskFilterConverter(FilterConverter):
    """Flask-Admin's filters, plus our UTC datetime column type."""

    local_datetime_filters = tuple(
        _local_clean(f) if f.__name__.startswith("DateTime") else f for f in FilterConverter.datetime_filters)

    @convert("UTCDateTime")
    def conv_utc_datetime(self, column, name, **kwargs):
        return [f(column, name, **kwargs) for f in self.local_datetime_filters]

    def convert(self, type_name, column, name, **kwargs):
        """Every filter refuses a value its column cannot compare with (year 1, 2**64, NaN) as an invalid filter."""
        made = super().convert(type_name, column, name, **kwargs)
        for flt in made or ():
            flt.validate = partial(_holdable, flt, flt.validate)
        return made


def _holdable(flt, validate, value):
    try:
        if not validate(value):
            return False
        cleaned = flt.clean(value)
    except (ValueError, TypeError, KeyError, OverflowError, ArithmeticError):
        return False
    return all(_fits(item) for item in (cleaned if isinstance(cleaned, (list, tuple)) else [cleaned]))


def _fits(value):
    if isinstance(value, (date, datetime)):
        return implausible(value) is None
    if isinstance(value, int) and not isinstance(value, bool):
        return -(2**31) <= value < 2**31
    if isinstance(value, (Decimal, float)):
        return math.isfinite(value) and abs(value) < 10**15
    if isinstance(value, str):
        return "\x00" not in value
    return True


def step_inputs(record, names):
    """What a flow step's form shows for each field it asks for: name, label, kind, options, current value."""
    model, out = type(record), []
    for name in names:
        info, options = field_info(model, name), None
        if info.get("choices"):
            options = info["choices"].pairs()
        elif info.get("kind") == "ref" or name in sa.inspect(model).relationships:
            target = sa.inspect(model).relationships[name].mapper.class_
            query = scoped(sa.select(target), target)
            if hasattr(target, "is_active"):  # a lookup offers its active rows; another form its newest records
                query = query.where(target.is_active.is_(True)).order_by(target.id)
            else:
                query = query.order_by(target.id.desc()).limit(200)
            if hasattr(target, "project_id") and getattr(record, "project_id", None):
                query = query.where(target.project_id == record.project_id)  # the estate's people, not the company's
            options = [(row.id, str(row)) for row in db.session.scalars(query)]
        current = getattr(record, name)
        out.append(dict(name=name, label=label_for(model, name), kind=info.get("kind"), options=options,
                        value=getattr(current, "id", current)))
    return out


def step_values(record, names, form):
    """The values a step's form posted for its fields, read as their columns expect; (values, errors).

    A field left blank keeps what the record holds, so the step's guard says what is still missing.
    """
    model, values, errors = type(record), {}, []
    for name in names:
        raw, info = (form.get(name) or "").strip(), field_info(model, name)
        if not raw:
            continue
        label, kind = label_for(model, name), info.get("kind")
        try:
            if info.get("choices"):
                if raw not in info["choices"]:
                    raise ValueError
                values[name] = raw
            elif name in sa.inspect(model).relationships:
                target = sa.inspect(model).relationships[name].mapper.class_
                values[name] = get_visible(target, raw)
                if values[name] is None:
                    raise ValueError
            elif kind == "datetime":
                values[name] = parse_local(raw)
                if values[name] is None:
                    raise ValueError
            elif kind == "date":
                values[name] = parse_typed(raw, with_time=False)
                if values[name] is None:
                    raise ValueError
            elif kind == "flag":
                values[name] = raw in ("y", "on", "1")
            elif kind == "money":
                values[name] = Decimal(raw)
            else:
                values[name] = raw
        except (ValueError, InvalidOperation):
            values.pop(name, None)
            errors.append(text(f"「{label}」的值无效", f"'{label}' is not valid"))
            continue
        problems = check_value(info.get("validators", ()), values[name])  # the field's own rules, as in its form
        if problems:
            values.pop(name)
            errors.append(f"「{label}」:{problems[0]}")
    return values, errors
