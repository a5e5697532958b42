"""Bilingual text: Chinese first, English derived from field names unless given."""
from flask import g, has_request_context, session
from flask_babel import LazyString, get_locale
from flask_login import current_user

DEFAULT_LOCALE = "zh_Hans_CN"


def select_locale() -> str:
    """Pick the user's language: their saved choice, then the session's, then Chinese."""
    if not has_request_context():
        return DEFAULT_LOCALE
    if getattr(current_user, "is_authenticated", False) and current_user.locale:
        return current_user.locale
    return session.get("locale") or DEFAULT_LOCALE


def is_english() -> bool:
    """Tell whether the current request speaks English."""
    if not has_request_context():
        return False
    # kept in g beside Flask-Babel's own cached locale: an export asks once per cell
    if "english" not in g:
        g.english = str(get_locale() or DEFAULT_LOCALE).startswith("en")
    return g.english


def humanize(name: str) -> str:
    """Turn `duty_staff_id` into `Duty staff`."""
    name = name.removesuffix("_id").replace("_", " ").strip()
    return name[:1].upper() + name[1:]


def L(zh: str, en: str | None = None) -> LazyString:
    """A label that renders in the request's language."""
    return LazyString(lambda: (en or zh) if is_english() else zh)


def text(zh: str, en: str) -> str:
    """The same choice as L, evaluated now (for flash messages and errors)."""
    return en if is_english() else zh


class Choices:
    """Stable ASCII codes with Chinese labels: ``Choices(day="白班", night="夜班")``.

    A label may be a (zh, en) pair; otherwise English is the humanised code. Codes that are
    Python keywords go in a leading dict: ``Choices({"pass": "合格"}, fail="不合格")``.
    """

    def __init__(self, labels=None, /, **more):
        self.labels, self.texts = {}, {}
        for code, label in {**(labels or {}), **more}.items():
            zh, en = label if isinstance(label, tuple) else (label, humanize(code))
            self.labels[code], self.texts[code] = L(zh, en), (zh, en)
        self.codes = tuple(self.labels)

    def __iter__(self):
        return iter(self.codes)

    def __contains__(self, code):
        return code in self.labels

    def label(self, code) -> str:
        """Return the label shown for a stored code."""
        return str(self.labels.get(code, code or ""))

    def both(self, code):
        """(Chinese, English) label of a code, for what is stored to be read in either language later."""
        return self.texts.get(code, (code, code))

    def pairs(self):
        """(code, label) pairs for select fields and filters."""
        return [(code, label) for code, label in self.labels.items()]
