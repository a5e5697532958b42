"""Form pieces the generic views plug into Flask-Admin."""
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.contrib.sqla.filters import FilterConverter
from flask_admin.model.filters import convert
from flask_admin.form import DateTimeField

from ..extensions import db
from ..i18n import text
from ..models.base import LOCAL_TZ
from ..scoping import get_visible, scoped
from .declared import field_info, label_for


class LocalDateTimeField(DateTimeField):
    """Shows and reads Asia/Shanghai wall-clock time; hands the model an aware UTC datetime."""

    def __init__(self, label=None, validators=None, format=None, **kwargs):
        super().__init__(label, validators, format or "%Y-%m-%d %H:%M", **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if self.data:
            return self.data.astimezone(LOCAL_TZ).strftime(self.format[0])
        return ""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0] and len(valuelist[0].strip()) == 19:
            valuelist = [valuelist[0].strip()[:16]]  # seconds from the picker are not asked for
        super().process_formdata(valuelist)
        if isinstance(self.data, datetime) and self.data.tzinfo is None:
            self.data = self.data.replace(tzinfo=LOCAL_TZ).astimezone(timezone.utc)


class ActiveLoader(QueryAjaxModelLoader):
    """Type-ahead over the active rows of the user's estates; a record keeps a value deactivated since."""

    def get_query(self):
        query = scoped(super().get_query(), self.model)
        return query.filter(self.model.is_active.is_(True)) if hasattr(self.model, "is_active") else query

    def get_one(self, pk):
        """A posted choice of another estate's row is no choice at all."""
        with db.session.no_autoflush:
            return get_visible(self.model, pk)


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


def step_inputs(record, names):
    """What a flow step's form shows for each field it asks for: name, label, kind, options, current value."""
    model, out = type(record), []
    for name in names:
        info, options = field_info(model, name), None
        if info.get("choices"):
            options = info["choices"].pairs()
        elif info.get("kind") == "ref" or name in sa.inspect(model).relationships:
            target = sa.inspect(model).relationships[name].mapper.class_
            query = scoped(sa.select(target).where(target.is_active.is_(True)), target)
            if hasattr(target, "project_id") and getattr(record, "project_id", None):
                query = query.where(target.project_id == record.project_id)  # the estate's people, not the company's
            options = [(row.id, str(row)) for row in db.session.scalars(query.order_by(target.id))]
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
                moment = datetime.strptime(raw.replace("T", " ")[:16], "%Y-%m-%d %H:%M")
                values[name] = moment.replace(tzinfo=LOCAL_TZ).astimezone(timezone.utc)
            elif kind == "flag":
                values[name] = raw in ("y", "on", "1")
            elif kind == "money":
                values[name] = Decimal(raw)
                if values[name] < 0:
                    raise ValueError
            else:
                values[name] = raw
        except (ValueError, InvalidOperation):
            values.pop(name, None)
            errors.append(text(f"「{label}」的值无效", f"'{label}' is not valid"))
    return values, errors
