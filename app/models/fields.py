"""Column helpers: one call declares a field's type, Chinese label, validation and demo values.

A form model is then a short list of lines such as::

    contact_at = when("日期时间", required=True)
    unit_id, unit = ref("Unit", "房号")
    phone = phone("联系电话")

`info` carries what the generic view, the demo generator and the tests read:
label, en, kind, validators, choices, demo, and readonly (computed or set by a flow, so
shown but never taken from a form); later (filled after the record is made, by editing it or a flow
step: not on the create form) and preset ("now" or "me": what a new record's form starts with).
"""
import sqlalchemy as sa
from sqlalchemy.orm import relationship

from .. import validators as v
from .types import UTCDateTime


def snake(name: str) -> str:
    """CallVisitLog -> call_visit_log."""
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def plural(word: str) -> str:
    """Plural table names: entry -> entries, status -> statuses."""
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def table_of(class_name: str) -> str:
    return plural(snake(class_name))


def column(type_, label, *, required=False, kind=None, validators=(), en=None, default=None,
           index=False, unique=False, demo=None, **info):
    """The one place every helper builds its Column."""
    checks = type_checks(type_) + list(validators)
    return sa.Column(type_, nullable=not required, default=default, index=index, unique=unique,
                     info=dict(info, label=label, en=en, kind=kind, validators=checks, demo=demo))


def type_checks(type_):
    """What any value of the column's type must be, so no form can post what the database cannot hold."""
    type_ = type_() if isinstance(type_, type) else type_  # helpers pass sa.Date, sa.Text, sa.Integer as classes
    base = getattr(type_, "impl_instance", type_)
    if isinstance(base, sa.Enum):
        return []
    if isinstance(base, sa.String) and base.length:
        return [v.Plain(base.length)]
    if isinstance(base, sa.Text):
        return [v.Plain(multiline=True)]
    if isinstance(base, (sa.Date, sa.DateTime)):
        return [v.Plausible()]
    if isinstance(base, sa.Numeric):
        return [v.Fits(base.precision, base.scale)]
    if isinstance(base, sa.Integer):
        return [v.Fits(10)]
    return []


def text(label, length=100, **kw):
    return column(sa.String(length), label, kind=kw.pop("kind", "text"), **kw)


def long_text(label, **kw):
    return column(sa.Text, label, kind="long_text", **kw)


def flag(label, default=False, **kw):
    return column(sa.Boolean, label, kind="flag", default=default, required=True, **kw)


def day(label, **kw):
    return column(sa.Date, label, kind="date", **kw)


def when(label, **kw):
    return column(UTCDateTime, label, kind="datetime", **kw)


def clock(label, **kw):
    return column(sa.Time, label, kind="time", **kw)


def count(label, **kw):
    """A whole number ≥ 0 (V-COUNT)."""
    return column(sa.Integer, label, kind="count", validators=[v.COUNT], **kw)


def qty(label, **kw):
    """A whole number ≥ 1 (V-QTY)."""
    return column(sa.Integer, label, kind="qty", validators=[v.QTY], **kw)


def integer(label, low=None, high=None, **kw):
    return column(sa.Integer, label, kind="integer", validators=[v.Range(low, high)], low=low, high=high, **kw)


def money(label, **kw):
    """Yuan, two decimals, never negative (V-MONEY)."""
    return column(sa.Numeric(12, 2), label, kind="money", validators=[v.MONEY], **kw)


def decimal(label, precision=10, scale=2, low=0, high=None, **kw):
    return column(sa.Numeric(precision, scale), label, kind="decimal", validators=[v.Range(low, high)],
                  low=low, high=high, **kw)


def score(label, high=100, **kw):
    """A score from 0 to its maximum (V-SCORE)."""
    return column(sa.Numeric(5, 1), label, kind="score", validators=[v.Range(0, high)], low=0, high=high, **kw)


def pct(label, **kw):
    """A percentage 0–100 (V-PCT)."""
    return column(sa.Numeric(4, 1), label, kind="pct", validators=[v.PCT], low=0, high=100, **kw)


def status(choices, default, label="状态"):
    """The state of a form with a flow (§4): shown everywhere, never edited in the form."""
    return choice(label, choices, required=True, default=default, readonly=True, index=True, state=True)


def choice(label, choices, **kw):
    """A stable code from a Choices set, checked by the database too."""
    length = max(len(c) for c in choices.codes) + 8
    type_ = sa.Enum(*choices.codes, native_enum=False, create_constraint=True, length=length,
                    name=kw.pop("constraint", None))
    return column(type_, label, kind="choice", choices=choices, **kw)


def mobile(label, **kw):
    return column(sa.String(20), label, kind="mobile", validators=[v.MOBILE], **kw)


def phone(label, **kw):
    return column(sa.String(30), label, kind="phone", validators=[v.PHONE], **kw)


def id_card(label, **kw):
    """An 18-character resident ID (V-ID18)."""
    return column(sa.String(18), label, kind="id18", validators=[v.ID18], **kw)


def id_number(label, **kw):
    """A document number checked against its id_type field (V-IDDOC)."""
    return column(sa.String(32), label, kind="id_number", validators=[v.uppercase], **kw)


def uscc(label, **kw):
    return column(sa.String(18), label, kind="uscc", validators=[v.USCC], **kw)


def plate(label, **kw):
    return column(sa.String(12), label, kind="plate", validators=[v.PLATE], **kw)


def email(label, **kw):
    return column(sa.String(120), label, kind="email", validators=[v.EMAIL], **kw)


def ref(target, label, *, required=False, ondelete=None, index=True, en=None, **info):
    """A foreign key and its relationship: ``unit_id, unit = ref("Unit", "房号")``."""
    fk = sa.Column(sa.Integer, sa.ForeignKey(f"{table_of(target)}.id", ondelete=ondelete),
                   nullable=not required, index=index,
                   info=dict(info, label=label, en=en, kind="ref", target=target, validators=[]))
    # loaded on access (pages and exports join what they show): a selectin default built an alias of the parent
    # table per reference at start-up, 1.8 s of create_app, and cascaded extra SELECTs into every query (issue 12)
    rel = relationship(target, foreign_keys=[fk],
                       info=dict(label=label, en=en, target=target, readonly=info.get("readonly", False),
                                 later=info.get("later", False), preset=info.get("preset")))
    return fk, rel


def lines(child, label, en=None, back="parent"):
    """The line items of a form, edited inline: ``items = lines("PatrolItem", "巡查项目")``."""
    return relationship(child, back_populates=back, cascade="all, delete-orphan", lazy="selectin",
                        info=dict(label=label, en=en, kind="lines"))


def parent(target, back):
    """The parent side of a line item: ``parent_id, parent = parent("EstateWeeklyPatrol", "items")``."""
    fk = sa.Column(sa.Integer, sa.ForeignKey(f"{table_of(target)}.id", ondelete="CASCADE"),
                   nullable=False, index=True, info=dict(kind="parent", label="", validators=[]))
    rel = relationship(target, foreign_keys=[fk], back_populates=back)
    return fk, rel

