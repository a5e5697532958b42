"""The validation rules of catalogue §0.4: pure checks plus WTForms validators over them."""
import re
from datetime import date, datetime
from decimal import Decimal

from flask import current_app, has_app_context
from wtforms.validators import ValidationError

from .i18n import text
from .core.time import local_today

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
PLATE_RE = re.compile(
    r"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    r"[A-HJ-NP-Z]"
    r"(?:[A-HJ-NP-Z0-9]{5}|[DF][A-HJ-NP-Z0-9]{5}|[A-HJ-NP-Z0-9]{5}[DF])"
    r"[挂学警港澳]?$"
)


def normalize_mobile(value: str) -> str:
    """Strip spaces, hyphens and a +86 prefix."""
    value = re.sub(r"[\s-]", "", value or "")
    return re.sub(r"^(\+?86)(?=1\d{10}$)", "", value)


def is_mobile(value: str) -> bool:
    return bool(MOBILE_RE.match(normalize_mobile(value)))


def is_phone(value: str) -> bool:
    return is_mobile(value) or bool(LANDLINE_RE.match((value or "").replace(" ", "")))


def id18_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11]


def is_id18(value: str) -> bool:
    """GB 11643-1999: 17 digits, a valid past birth date, the check character."""
    value = (value or "").upper()
    if not re.match(r"^\d{17}[\dX]$", value):
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return born <= local_today() and born.year >= 1900 and id18_check_char(value[:17]) == value[17]


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def is_uscc(value: str) -> bool:
    """GB 32100-2015 unified social credit code with its check character."""
    value = (value or "").upper()
    if len(value) != 18 or any(c not in USCC_CHARS for c in value):
        return False
    return uscc_check_char(value[:17]) == value[17]


def is_plate(value: str) -> bool:
    return bool(PLATE_RE.match((value or "").upper()))


ID_DOC_RULES = {
    "cn_id": is_id18,
    "passport": lambda v: bool(re.match(r"^[A-Za-z0-9]{5,17}$", v)),
    "hkmo_permit": lambda v: bool(re.match(r"^[HM]\d{8,10}$", v.upper())),
    "tw_permit": lambda v: bool(re.match(r"^(\d{8}|\d{10})$", v)),
    "hkmotw_residence": lambda v: is_id18(v) and v[:2] in ("81", "82", "83"),
    "foreign_pr": lambda v: len(v) in (15, 18) and v.isalnum(),
    "other": lambda v: bool(v.strip()),
}


class Check:
    """A WTForms validator built from a predicate and a bilingual message; blanks pass."""

    def __init__(self, predicate, zh, en, normalize=None):
        self.predicate, self.zh, self.en, self.normalize = predicate, zh, en, normalize

    def __call__(self, form, field):
        if field.data in (None, ""):
            return
        if not self.predicate(field.data):
            raise ValidationError(text(self.zh, self.en))
        if self.normalize:
            field.data = self.normalize(field.data)


def uppercase(form, field):
    """Store document numbers upper-case (a resident ID's check character is X, never x)."""
    if isinstance(field.data, str):
        field.data = field.data.strip().upper()


class Range:
    """Numbers within [low, high]; either bound may be None."""

    def __init__(self, low=None, high=None):
        self.low, self.high = low, high

    def __call__(self, form, field):
        value = field.data
        if value is None or value == "" or (isinstance(value, Decimal) and not value.is_finite()):
            return  # a NaN is Fits' to refuse: comparing it raises
        if self.low is not None and value < self.low:
            raise ValidationError(text(f"不能小于 {self.low}", f"Must be at least {self.low}"))
        if self.high is not None and value > self.high:
            raise ValidationError(text(f"不能大于 {self.high}", f"Must be at most {self.high}"))


MOBILE = Check(is_mobile, "请输入11位手机号码,如 13812345678", "Enter an 11-digit mobile number, e.g. 13812345678",
               normalize=normalize_mobile)
PHONE = Check(is_phone, "请输入手机号或固定电话,如 13812345678 或 0755-12345678",
              "Enter a mobile or landline number, e.g. 13812345678 or 0755-12345678")
ID18 = Check(is_id18, "身份证号码无效:须为18位,出生日期有效且校验位正确",
             "Invalid resident ID: 18 characters with a valid birth date and check digit", normalize=str.upper)
USCC = Check(is_uscc, "统一社会信用代码无效:须为18位且校验位正确",
             "Invalid unified social credit code: 18 characters with a valid check character", normalize=str.upper)
PLATE = Check(is_plate, "车牌号无效,如 粤B12345 或 粤BD12345", "Invalid plate number, e.g. 粤B12345 or 粤BD12345",
              normalize=str.upper)
EMAIL = Check(lambda v: bool(re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", v)), "邮箱格式不正确", "Invalid e-mail address")
MONEY = Range(Decimal("0"))  # the column's own bounds and two decimals come from Fits (fields.column)
COUNT = Range(0)
QTY = Range(1)
PCT = Range(0, 100)


# -- what any input must be, whatever the form (issue 9, item 6) -----------------------
INT64_MAX = 2**63 - 1
# C0/C1 controls, NUL, and the bidi overrides/isolates that make a name read backwards
CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
UNSAFE_LINE = re.compile(f"[{CONTROL}\t\n\r]")
UNSAFE_TEXT = re.compile(f"[{CONTROL}]")


def setting(name, default):
    return current_app.config.get(name, default) if has_app_context() else default


def strip_unsafe(value: str) -> str:
    """A file name without control, NUL or bidi characters (they break downloads and disguise extensions)."""
    return UNSAFE_LINE.sub("", value or "")


def as_id(value):
    """A row id written in ASCII digits that fits a 64-bit column, else None ('١٢', '1e3', 2**64 are not ids)."""
    value = str(value if value is not None else "")
    if not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= INT64_MAX else None


def check_value(validators, value):
    """Run WTForms validators over one value outside a form (a flow step's input); the messages they raise."""
    field = type("Value", (), {"data": value, "errors": []})()
    errors = []
    for validator in validators:
        try:
            validator(None, field)
        except ValidationError as exc:
            errors.append(str(exc))
    return errors


class Plain:
    """Text within its column's length, free of control, NUL and direction characters (line breaks if multiline)."""

    def __init__(self, length=None, multiline=False):
        self.length, self.multiline = length, multiline

    def __call__(self, form, field):
        value = field.data
        if not isinstance(value, str):
            return
        limit = self.length or setting("LONG_TEXT_MAX", 5000)
        if len(value) > limit:
            raise ValidationError(text(f"不能超过 {limit} 个字符(现有 {len(value)} 个)",
                                       f"At most {limit} characters (this has {len(value)})"))
        if (UNSAFE_TEXT if self.multiline else UNSAFE_LINE).search(value):
            raise ValidationError(text("不能包含控制字符、空字符或文字方向控制符", "Control, NUL or text-direction "
                                       "characters are not allowed"))


def implausible(value):
    """Why a date or time lies outside the years the desk can mean (DATE_YEARS, 1900..2100), else None."""
    low, high = setting("DATE_YEARS", (1900, 2100))
    if isinstance(value, (date, datetime)) and not low <= value.year <= high:
        return text(f"日期须在 {low} 年至 {high} 年之间", f"Dates must lie between {low} and {high}")
    return None


class Plausible:
    """A date or time within DATE_YEARS."""

    def __call__(self, form, field):
        message = implausible(field.data)
        if message:
            raise ValidationError(message)


class Fits:
    """A number its column can hold: finite, within the column's digits, with no more decimals than it keeps."""

    def __init__(self, digits, places=0):
        self.digits, self.places = digits, places
        self.bound = Decimal(10) ** (digits - places) if places else 2**31  # Integer is 32-bit on PostgreSQL

    def __call__(self, form, field):
        value = field.data
        if value is None or value == "" or isinstance(value, bool):
            return
        if isinstance(value, (float, Decimal)) and not Decimal(value).is_finite():
            raise ValidationError(text("请输入有效的数字", "Enter a valid number"))
        if not -self.bound <= value < self.bound:
            raise ValidationError(text("数值超出允许范围", "The number is out of range"))
        if isinstance(value, Decimal) and value != value.quantize(Decimal(1).scaleb(-self.places)):
            raise ValidationError(text(f"最多 {self.places} 位小数", f"At most {self.places} decimal places"))
