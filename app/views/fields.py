"""Form pieces the generic views plug into Flask-Admin."""
from datetime import datetime, timezone

from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.contrib.sqla.filters import FilterConverter
from flask_admin.model.filters import convert
from flask_admin.form import DateTimeField

from ..models.base import LOCAL_TZ


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
    """Type-ahead over active rows only; a record keeps a value deactivated since."""

    def get_query(self):
        query = super().get_query()
        return query.filter(self.model.is_active.is_(True)) if hasattr(self.model, "is_active") else query


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
