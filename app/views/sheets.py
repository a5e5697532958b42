"""A record as the manual's paper sheet: header, sections of fields, line-item tables, decisions and signature lines,
all read off the form's declaration (`__sections__` and `__signatures__` where a form declares them)."""
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..i18n import L, text
from ..workflow import flow_of
from ..workflow.log import TransitionLog
from .base import local_time
from .declared import declared_fields, field_info, label_for, sections

HEADER_FIELDS = ("serial_no", "project", "status")  # printed in the sheet's head, not its grid

# who signs a paper when its form does not say (`__signatures__`), by the manual's kind of form
DEFAULT_SIGNATURES = {
    "register": (L("登记人", "Registered by"), L("主管", "Supervisor")),
    "application": (L("申请人", "Applicant"), L("受理人", "Received by"), L("审批人", "Approved by")),
    "certificate": (L("经办人", "Handled by"), L("当事人", "Counterparty")),
    "checklist": (L("检查人", "Inspected by"), L("复核人", "Checked by")),
    "report": (L("制表人", "Prepared by"), L("审核人", "Reviewed by")),
}


@dataclass
class Cell:
    """One field on paper: its label, the value as written, and whether it takes a whole row."""

    name: str
    label: str
    value: str
    wide: bool = False
    tick: bool | None = None  # a yes/no box: printed as ☑/☐


@dataclass
class Section:
    title: str
    rows: list  # rows of cells, a wide cell alone on its row


@dataclass
class LineTable:
    name: str
    title: str
    headers: list
    rows: list


@dataclass
class Decision:
    at: str
    who: str
    what: str
    change: str
    comment: str


@dataclass
class Sheet:
    """Everything a print template shows of one record; `cell()` marks a field placed, `rest()` returns the others."""

    record: object
    endpoint: str
    company: str
    estate: str
    sections: list
    tables: list
    decisions: list
    signatures: list
    state: str = ""
    placed: set = field(default_factory=set)

    @property
    def form(self):
        return self.record.__form__

    @property
    def serial(self):
        return self.record.serial_no or ""

    def cell(self, name):
        """A field's cell, noted as placed (hand-tuned layouts pick fields one by one)."""
        self.placed.add(name)
        return make_cell(type(self.record), self.record, name)

    def value(self, name):
        return self.cell(name).value

    def label(self, name):
        return self.cell(name).label

    def table(self, name):
        self.placed.add(name)
        return next(t for t in self.tables if t.name == name)

    def pick(self, *names, per_row=2):
        """Grid rows of the named fields, noted as placed."""
        return grid([self.cell(n) for n in names], per_row)

    def rest(self, per_row=2):
        """The declared fields a hand-tuned layout did not place, as grid rows: nothing on the form goes unprinted."""
        model = type(self.record)
        names = [n for n in printable_fields(model) if n not in self.placed and not is_lines(model, n)]
        return grid([make_cell(model, self.record, n) for n in names], per_row)

    def other_tables(self):
        return [t for t in self.tables if t.name not in self.placed]


def is_lines(model, name):
    return field_info(model, name).get("kind") == "lines"


def printable_fields(model):
    return [n for n in declared_fields(model) if n not in HEADER_FIELDS]


def shown(model, name, value):
    """A stored value as written on paper: choice labels, local times, names of referenced rows; blank for none."""
    info = field_info(model, name)
    if value is None or value == "":
        return ""
    if info.get("choices"):
        return info["choices"].label(value)
    if isinstance(value, bool):
        return text("是", "Yes") if value else text("否", "No")
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, Decimal):
        return f"{value:.2f}" if info.get("kind") == "money" else format(value.normalize(), "f")
    if isinstance(value, (list, tuple, set)):
        return "、".join(str(v) for v in value)
    return str(value)


def make_cell(model, record, name):
    info = field_info(model, name)
    value = getattr(record, name, None)
    kind = info.get("kind")
    if kind == "flag" or isinstance(value, bool):
        return Cell(name, str(label_for(model, name)), shown(model, name, value), tick=bool(value))
    return Cell(name, str(label_for(model, name)), shown(model, name, value), wide=kind == "long_text")


def grid(cells, per_row=2):
    """Cells into rows of `per_row` pairs of label and value; a long text takes its own row."""
    rows, row = [], []
    for cell in cells:
        if cell.wide:
            rows += [row] if row else []
            rows.append([cell])
            row = []
            continue
        row.append(cell)
        if len(row) == per_row:
            rows.append(row)
            row = []
    return rows + ([row] if row else [])


def sections_of(model):
    """(title, field names) in paper order: the form's `__sections__` if it declares them, else derived."""
    names = [n for n in printable_fields(model) if not is_lines(model, n)]
    return [(str(title), fields) for title, fields in sections(model, names)]


def line_tables(model, record):
    """Each line-item list as a table: 序号 and the child's declared columns."""
    tables = []
    for name in printable_fields(model):
        if not is_lines(model, name):
            continue
        child = sa.inspect(model).relationships[name].mapper.class_
        columns = [n for n in declared_fields(child) if n not in ("sort", "serial_no")]
        rows = [[str(i)] + [make_cell(child, line, n).value if field_info(child, n).get("kind") != "flag"
                            else ("☑" if getattr(line, n) else "☐") for n in columns]
                for i, line in enumerate(getattr(record, name), start=1)]
        headers = [text("序号", "No.")] + [str(label_for(child, n)) for n in columns]
        tables.append(LineTable(name, str(label_for(model, name)), headers, rows))
    return tables


def decisions_of(record):
    """The flow's decisions on this record, oldest first: when, who, which step, from and to which state, why."""
    flow = flow_of(type(record))
    if flow is None:
        return []
    rows = db.session.scalars(sa.select(TransitionLog).filter_by(table_name=record.__tablename__, row_id=record.id)
                              .order_by(TransitionLog.at, TransitionLog.id)).all()
    out = []
    for row in rows:
        transition = flow.transition(row.action)
        change = f"{flow.states.label(row.from_state)} → {flow.states.label(row.to_state)}"
        out.append(Decision(local_time(row.at), str(row.user), text(*transition.label) if transition else row.action,
                            change, row.comment or ""))
    return out


def signatures_of(model):
    """Who signs this paper: the form's `__signatures__`, else the default for its kind of form."""
    declared = getattr(model, "__signatures__", None)
    if declared:
        return [text(*s) if isinstance(s, tuple) else str(s) for s in declared]
    return [str(s) for s in DEFAULT_SIGNATURES.get(model.__form__.kind, DEFAULT_SIGNATURES["register"])]


def build_sheet(endpoint, record):
    """The sheet of one record."""
    model = type(record)
    sections = [Section(title, grid([make_cell(model, record, n) for n in names]))
                for title, names in sections_of(model)]
    flow = flow_of(model)
    project = getattr(record, "project", None)
    state = flow.state_label(record) if flow else shown(model, "status", getattr(record, "status", None))
    return Sheet(record=record, endpoint=endpoint, company=current_app.config.get("COMPANY_NAME", ""),
                 estate=project.name if project is not None else "", sections=sections,
                 tables=line_tables(model, record), decisions=decisions_of(record), signatures=signatures_of(model),
                 state=state)


def rmb_upper(amount):
    """An amount in yuan as written on a Chinese receipt: 1234.50 -> 壹仟贰佰叁拾肆元伍角整."""
    digits, units = "零壹贰叁肆伍陆柒捌玖", "个拾佰仟"
    cents = int((Decimal(str(amount or 0)) * 100).quantize(Decimal(1)))
    yuan, jiao, fen = str(cents // 100), cents // 10 % 10, cents % 10
    words, zero = "", False
    for i, ch in enumerate(yuan):
        place = len(yuan) - 1 - i
        if ch == "0":
            zero = True
        else:
            words += ("零" if zero and words else "") + digits[int(ch)] + units[place % 4].strip("个")
            zero = False
        if place in (4, 8) and yuan[max(0, i - 3):i + 1].strip("0"):
            words += "万" if place == 4 else "亿"
    words = (words or "零") + "元"
    if jiao or fen:
        words += (digits[jiao] + "角" if jiao else "零") + (digits[fen] + "分" if fen else "")
    return words if fen else words + "整"
