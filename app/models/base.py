"""Shared columns and the registry of forms: every model of the 60 builds on these mixins."""
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import declared_attr, relationship

from ..extensions import db
from ..i18n import L
from . import fields as f
from .types import LOCAL_TZ, UTCDateTime, utcnow  # noqa: F401 (LOCAL_TZ is re-exported: forms read it here)

GROUPS = {
    "front_desk": ("前台与来访", "Front desk"),
    "owners": ("业主与入伙", "Owners & move-in"),
    "complaints": ("投诉与回访", "Complaints & revisits"),
    "handover": ("接管验收", "Takeover"),
    "renovation": ("装修管理", "Renovation"),
    "keys": ("钥匙管理", "Keys"),
    "inspections": ("巡查与品质", "Patrols & quality"),
    "cleaning_greening": ("清洁绿化外判", "Cleaning & greening"),
    "services": ("便民与公共区域", "Services & common areas"),
    "reports": ("统计报表", "Reports"),
}

# model name -> class, in manual order once all form modules are imported
FORMS: dict[str, type] = {}


@dataclass(frozen=True)
class Form:
    """A form's place in the manual: number 6.NN, Chinese and English titles, menu group, kind."""

    number: str
    title: str
    title_en: str
    group: str
    kind: str = "register"

    @property
    def code(self) -> str:
        return f"WI-NWGZ-AL.KF-06-{int(self.number.split('.')[1]):02d}"

    @property
    def label(self):
        return L(self.title, self.title_en)

    @property
    def sort_key(self):
        return int(self.number.split(".")[1])


def frozen_states(model):
    """The state columns (`state=True`, as `f.status` declares) of a model that no flow moves: frozen for ever."""
    flow = getattr(model, "__flow__", None)
    return [name for name, column in _columns(model).items()
            if column.info.get("state") and (flow is None or name != flow.field)]


def state_problem(model):
    """Why a model's states are not under the engine, in a sentence for its developer; None when they are."""
    frozen, flow = frozen_states(model), getattr(model, "__flow__", None)
    if frozen:
        return (f"{model.__name__}.{frozen[0]} is a state (state=True): declare the __flow__ that changes it "
                f"(Flow(..., field={frozen[0]!r})), or make it an ordinary choice")
    column = _columns(model).get(flow.field) if flow is not None else None
    if flow is not None and "__flow__" in vars(model) and (column is None or not column.info.get("state")):
        return (f"{model.__name__}.__flow__ moves {flow.field!r}: declare that column as its state "
                f"(f.status(...) or state=True, readonly=True)")
    return None


def _columns(model):
    """A model's columns by attribute name: off its table once mapped, off the class (and its mixins) before."""
    if "__table__" in vars(model):
        return {column.key: column for column in model.__table__.columns}
    return {name: value for klass in reversed(model.__mro__) for name, value in vars(klass).items()
            if isinstance(value, sa.Column)}


class Table:
    """Plural snake-case table names from the class name; a state column is refused unless a flow moves it."""

    def __init_subclass__(cls, **kw):
        problem = state_problem(cls)  # before the class is mapped, so a refused model leaves no table behind
        if problem:
            raise TypeError(problem)
        super().__init_subclass__(**kw)

    @declared_attr.directive
    def __tablename__(cls) -> str:
        return f.table_of(cls.__name__)

    id = sa.Column(sa.Integer, primary_key=True)


class Audited(Table):
    """Who created and last changed a row, and when (times in UTC)."""

    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, info=dict(label="创建时间"))
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow,
                           info=dict(label="修改时间"))

    @declared_attr
    def created_by_id(cls):
        return sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True, info=dict(label="填表人"))

    @declared_attr
    def updated_by_id(cls):
        return sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True, info=dict(label="修改人"))

    @declared_attr
    def created_by(cls):
        return relationship("User", foreign_keys=[cls.created_by_id],
                            info=dict(label="填表人", en="Created by"))

    @declared_attr
    def updated_by(cls):
        return relationship("User", foreign_keys=[cls.updated_by_id],
                            info=dict(label="修改人", en="Updated by"))


class Lookup(Audited):
    """A table the administrator keeps; referenced rows are deactivated, never deleted.

    `__ajax__` marks tables too long for a dropdown (picked by type-ahead over `__search__`).
    """

    __ajax__ = False
    __search__: tuple = ("name",)
    __list__: tuple = ()
    __rules__: tuple = ()
    __label__ = ("基础资料", "Lookup")  # (zh, en) menu title

    is_active = f.flag("启用", default=True, en="Active")

    def __str__(self):
        return getattr(self, "name", None) or f"#{self.id}"


class Category(Lookup):
    """A code/name list the forms choose from, in a set order."""

    code = f.text("编码", 40, required=True, unique=True)
    name = f.text("名称", 100, required=True)
    sort = f.integer("排序", default=0)
    __list__ = ("code", "name", "sort", "is_active")


class FormRecord(Audited):
    """One of the manual's 60 forms: a serial number per form and year, its estate, remarks.

    Subclasses set `__form__`, and may set `__list__` (columns a clerk scans), `__search__`,
    `__filters__` and `__rules__` (cross-field checks); the view derives the rest. The printed sheet reads
    `__signatures__` (who signs the paper) and, where declared, `__sections__` ((title, field names), ...). Another form's record is
    picked by type-ahead over its `__search__` (a serial number), never from a dropdown of every record.
    """

    __ajax__ = True

    __form__: Form
    __list__: tuple = ()
    __search__: tuple = ()
    __filters__: tuple = ()
    __rules__: tuple = ()

    serial_no = sa.Column(sa.String(32), index=True, info=dict(label="编号", en="Serial no."))

    @declared_attr
    def project_id(cls):
        # indexed with the id (__table_args__): an estate's rows in the order lists show them, from the index alone
        return sa.Column(sa.Integer, sa.ForeignKey("projects.id"), nullable=False,
                         info=dict(label="项目", en="Estate", kind="ref", target="Project", validators=[]))

    @declared_attr
    def project(cls):
        return relationship("Project", foreign_keys=[cls.project_id],
                            info=dict(label="项目", en="Estate"))

    remarks = f.long_text("备注")

    @declared_attr.directive
    def __table_args__(cls):
        return (sa.UniqueConstraint("project_id", "serial_no"),
                sa.Index(f"ix_{cls.__tablename__}_project_id_id", "project_id", "id"))

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if "__form__" in cls.__dict__:
            FORMS[f.snake(cls.__name__)] = cls
            _index_listed_columns(cls)

    def __str__(self):
        return self.serial_no or f"{self.__form__.title} #{self.id}"


def _index_listed_columns(model):
    """Index the dates and choices a form lists: its list pages sort and filter on them."""
    for name in model.__list__:
        column = model.__table__.columns.get(name)
        if column is not None and column.info.get("kind") in ("date", "datetime", "choice") and not column.index:
            sa.Index(f"ix_{model.__tablename__}_{name}", column)


class LineItem(Table):
    """A row of a checklist, hand-over list or roster, edited inline in its form."""

    __rules__: tuple = ()
    sort = f.integer("序号", default=0)

    def __str__(self):
        return f"#{self.id}"


class SerialCounter(db.Model):
    """The last serial number issued per estate, form and year."""

    __tablename__ = "serial_counters"
    project_id = sa.Column(sa.Integer, sa.ForeignKey("projects.id"), primary_key=True)
    form_code = sa.Column(sa.String(32), primary_key=True)
    year = sa.Column(sa.Integer, primary_key=True)
    last_value = sa.Column(sa.Integer, nullable=False, default=0)


class AuditLog(db.Model):
    """Append-only history of every insert, change and delete of a form or lookup row."""

    __tablename__ = "audit_logs"
    id = sa.Column(sa.Integer, primary_key=True)
    table_name = sa.Column(sa.String(64), nullable=False)
    row_id = sa.Column(sa.Integer, nullable=False)
    action = sa.Column(sa.String(16), nullable=False)
    changes = sa.Column(sa.JSON, nullable=False, default=dict)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=True)
    at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    __table_args__ = (sa.Index("ix_audit_logs_row", "table_name", "row_id"),)
