"""Read a spreadsheet cell as the value a form field would hold, or say in Chinese why it cannot be."""
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from ..i18n import text
from ..models.base import LOCAL_TZ

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S")
YES = {"是", "Y", "YES", "TRUE", "1", "√", "✓"}
NO = {"否", "N", "NO", "FALSE", "0", "×"}
WHOLE_KINDS = {"count", "qty", "integer"}
DECIMAL_KINDS = {"money", "decimal", "score", "pct"}


class Unreadable(ValueError):
    """A cell that is not a value of its field's kind; the message is the reason shown to the user."""


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number or room typed into a number cell
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _parse(raw, formats):
    for fmt in formats:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    return None


def read_cell(column, value):
    """The value of `column` (a model Column) that the cell holds; None for a blank cell."""
    if blank(value):
        return None
    kind = column.info.get("kind")
    if kind == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        parsed = _parse(as_text(value), DATE_FORMATS)
        if parsed is None:
            raise Unreadable(text("日期格式不正确,如 2024-01-31", "Not a date, e.g. 2024-01-31"))
        return parsed.date()
    if kind == "datetime":
        parsed = value if isinstance(value, datetime) else _parse(as_text(value), DATETIME_FORMATS)
        if parsed is None:
            raise Unreadable(text("日期时间格式不正确,如 2024-01-31 09:30", "Not a date and time, e.g. 2024-01-31 09:30"))
        # the sheet is filled in local time, as the form is
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_TZ)).astimezone(UTC)
    if kind == "time":
        if isinstance(value, time):
            return value
        parsed = _parse(as_text(value), ("%H:%M", "%H:%M:%S"))
        if parsed is None:
            raise Unreadable(text("时间格式不正确,如 09:30", "Not a time, e.g. 09:30"))
        return parsed.time()
    if kind == "flag":
        word = as_text(value).upper()
        if word in YES or value is True:
            return True
        if word in NO or value is False:
            return False
        raise Unreadable(text("请填写「是」或「否」", "Enter 是 or 否"))
    if kind == "choice":
        return _choice(column.info["choices"], as_text(value))
    if kind in WHOLE_KINDS or isinstance(column.type, sa.Integer):
        try:
            number = Decimal(as_text(value))
        except InvalidOperation:
            number = None
        if number is None or number != number.to_integral_value():
            raise Unreadable(text("请填写整数", "Enter a whole number"))
        return int(number)
    if kind in DECIMAL_KINDS or isinstance(column.type, sa.Numeric):
        try:
            return Decimal(as_text(value))
        except InvalidOperation:
            raise Unreadable(text("请填写数字", "Enter a number")) from None
    raw = as_text(value)
    length = getattr(column.type, "length", None)
    if length and len(raw) > length:
        raise Unreadable(text(f"不能超过 {length} 个字符", f"At most {length} characters"))
    return raw


def _choice(choices, raw):
    """A choice is written as its label (what the dropdown offers); the stored code is accepted too."""
    for code in choices.codes:
        zh, en = choices.both(code)
        if raw in (zh, en, code):
            return code
    shown = "、".join(choices.both(code)[0] for code in choices.codes)
    raise Unreadable(text(f"「{raw}」不是可选值,可选:{shown}", f"'{raw}' is not one of: {shown}"))
