"""The validation rules of catalogue §0.4: pure checks plus WTForms validators over them."""
import re
from datetime import date
from decimal import Decimal

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
        if value is None or value == "":
            return
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
MONEY = Range(Decimal("0"))
COUNT = Range(0)
QTY = Range(1)
PCT = Range(0, 100)
