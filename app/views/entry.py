"""Entry that never invents data: date-time fields that read what a clerk types, choices that start blank, the
defaults a form declares (now, me) and nothing else, and no field on the create form that only a later step fills."""
import re
from datetime import date, datetime, timezone

import sqlalchemy as sa
from flask_admin.model.fields import AjaxSelectField
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms import fields
from wtforms.validators import ValidationError

from ..i18n import L, text
from ..validators import implausible
from ..models.base import LOCAL_TZ
from ..models.types import utcnow
from ..workflow import flow_of
from .declared import field_info

# what a clerk types: 2026-12-02 10:30, 2026-12-02 10:30:00, 2026/12/2 10:30, 20261202 1030, 2026-12-02T10:30
TYPED = re.compile(r"^(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})(?:[ T]+(\d{1,2}):?(\d{2})(?::?(\d{2}))?)?$")
COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:[ T]+(\d{2})(\d{2})(\d{2})?)?$")


def parse_typed(raw, with_time=True):
    """A typed date or local date-time, or None when it cannot be read (a wrong day, a missing time)."""
    match = COMPACT.match(raw.strip()) or TYPED.match(raw.strip())
    if match is None or (with_time and match[4] is None):
        return None
    parts = [int(part or 0) for part in match.groups()]
    try:
        moment = datetime(*parts)
    except ValueError:
        return None
    return moment if with_time else moment.date()


def parse_local(raw):
    """A typed Asia/Shanghai wall-clock time as an aware UTC datetime, or None (also outside the plausible years)."""
    moment = parse_typed(raw)
    if moment is None or implausible(moment):  # year 1 or 9999 cannot even be moved to UTC
        return None
    return moment.replace(second=0, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


class PickerInput:
    """A text input the desk's date picker (static/desk.js) attaches to; it writes only what is picked."""

    def __init__(self, role, hint):
        self.role, self.hint = role, hint

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("placeholder", str(self.hint))
        kwargs.update({"data-role": self.role, "autocomplete": "off", "type": "text", "name": field.name,
                       "value": field._value()})
        if "form-control" not in kwargs.get("class", ""):
            kwargs["class"] = (kwargs.get("class", "") + " form-control").strip()
        if field.flags.required:
            kwargs["required"] = True
        attributes = " ".join(f'{k}="{escape(v)}"' if v is not True else k for k, v in kwargs.items() if v is not False)
        return Markup(f"<input {attributes}>")


DATETIME_HINT = L("年-月-日 时:分", "YYYY-MM-DD HH:MM")
DATE_HINT = L("年-月-日", "YYYY-MM-DD")


class LocalDateTimeField(fields.Field):
    """Shows and reads Asia/Shanghai wall-clock time to the minute; hands the model an aware UTC datetime."""

    widget = PickerInput("desk-datetime", DATETIME_HINT)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return  # a field the post leaves out keeps what the record holds
        raw, self.data = valuelist[0].strip(), None
        if raw:
            message = implausible(parse_typed(raw))
            if message:
                raise ValueError(message)
            self.data = parse_local(raw)
            if self.data is None:
                raise ValueError(text("请按“年-月-日 时:分”填写,例如 2026-12-02 10:30",
                                      "Use YYYY-MM-DD HH:MM, e.g. 2026-12-02 10:30"))


class LocalDateField(fields.Field):
    """A day as typed (2026-12-02, 2026/12/2, 20261202) or picked."""

    widget = PickerInput("desk-date", DATE_HINT)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%Y-%m-%d") if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw, self.data = valuelist[0].strip(), None
        if raw:
            self.data = parse_typed(raw, with_time=False)
            if implausible(self.data):
                raise ValueError(implausible(self.data))
            if self.data is None:
                raise ValueError(text("请按“年-月-日”填写,例如 2026-12-02", "Use YYYY-MM-DD, e.g. 2026-12-02"))


PICKER_FIELDS = {"datetime": LocalDateTimeField, "date": LocalDateField}


class Chosen:
    """A required choice left on 请选择 is refused at the field."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        if field.data in (None, "", "__None"):
            raise ValidationError(text("请选择", "Please choose one"))


def start_blank(form, model):
    """Every dropdown offers 请选择; a required one must be chosen, so none submits its first option unasked."""
    for name, field in form._fields.items():
        if not hasattr(field, "allow_blank") or isinstance(field, AjaxSelectField):
            continue  # a type-ahead starts empty by itself
        field.blank_text = str(L("请选择", "Choose…"))
        if field.data == "":  # a post's empty value is 请选择, as the browser's "__None" is, never a stored ''
            field.data = None
        if not field.allow_blank:
            field.allow_blank = True
            field.validators = [v for v in field.validators if v.__class__.__name__ != "InputRequired"] + [Chosen()]
        elif _required(model, name):
            field.validators = list(field.validators) + [Chosen()]


def _required(model, name):
    columns = model.__table__.columns
    column = columns.get(name) if name in columns else columns.get(f"{name}_id")
    return column is not None and not column.nullable


def later_fields(model):
    """Fields that only a later step fills: a flow step's own fields and those declared ``later=True``."""
    flow = flow_of(model)
    from_steps = flow.step_fields() if flow else set()
    declared = {name for name in sa.inspect(model).all_orm_descriptors.keys() if field_info(model, name).get("later")}
    return from_steps | declared


def fill_presets(form, model):
    """The defaults a form declares where the manual implies them: ``preset="now"`` and ``preset="me"``."""
    for name, field in form._fields.items():
        preset = field_info(model, name).get("preset")
        if field.data not in (None, ""):
            continue
        if preset == "now":
            field.data = utcnow()
        elif preset == "me":
            field.data = getattr(current_user, "staff", None)
