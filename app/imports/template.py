"""The template of an import: the declared Chinese headers, a sample row, dropdowns for every choice."""
from datetime import date, datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..validators import id18_check_char, uscc_check_char
from ..core.declared import field_info
from .plan import _column
from .reader import DATA_SHEET
from .spec import Ref

TEMPLATE_ROWS = 5000  # rows of the data sheet that carry the dropdowns
LISTED_LOOKUP_ROWS = 200  # a lookup this short is offered as a dropdown (estates, departments, key categories)
SAMPLE_BY_KIND = {
    "mobile": "13812345678", "phone": "0755-86001234", "email": "owner@example.com", "plate": "粤B12345",
    "id18": "11010519491231002" + id18_check_char("11010519491231002"),
    "id_number": "11010519491231002" + id18_check_char("11010519491231002"),
    "uscc": "91440300MA5D12345" + uscc_check_char("91440300MA5D12345"),
    "date": date(2024, 1, 31), "datetime": datetime(2024, 1, 31, 9, 30), "count": 0, "qty": 1, "money": 100,
    "decimal": 89.5, "pct": 100, "score": 90, "flag": "否",
}
HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1F5C99")
REQUIRED_FILL = PatternFill("solid", fgColor="B03A2E")


def columns_of(spec):
    """Each sheet header with what fills it: (finder or None, model, field name).

    A header several references share (项目编码, 栋号) takes its sample from the longest of them, so the sample
    row names one real unit throughout.
    """
    out = {}
    for part in spec.parts:
        for column in part.columns:
            if isinstance(column, Ref):
                for header in column.finder.headers:
                    held = out.get(header)
                    if held is None or len(held[0].headers) < len(column.finder.headers):
                        out[header] = (column.finder, part.model, column.name)
            else:
                out.setdefault(column.headers(part.model)[0], (None, part.model, column.name))
    return out


def _required(model, name, key):
    return name in key or not _column(model, name).nullable and field_info(model, name).get("kind") != "flag"


def _sample(header, finder, model, name):
    if finder is not None:
        first = next(iter(finder.pairs()), None)
        return first[0][finder.headers.index(header)] if first else ""
    info = field_info(model, name)
    kind = info.get("kind")
    if info.get("choices"):
        default = _column(model, name).default
        code = default.arg if default is not None and default.is_scalar else info["choices"].codes[0]
        return info["choices"].both(code)[0]
    if kind == "integer":
        return info.get("low") or 1
    if kind in SAMPLE_BY_KIND:
        return SAMPLE_BY_KIND[kind]
    demo = info.get("demo")
    return demo[0] if isinstance(demo, list) and demo else f"{info['label']}示例"


def template(spec) -> bytes:
    """The workbook a user fills in: 导入数据 (headers and dropdowns), 示例 (one sample row), 选项 (the lists)."""
    book = Workbook()
    data = book.active
    data.title = DATA_SHEET
    example = book.create_sheet("示例")
    options = book.create_sheet("选项")
    options.sheet_state = "hidden"
    keys = {name for part in spec.parts for name in part.key}
    for position, (header, (finder, model, name)) in enumerate(columns_of(spec).items(), 1):
        letter = get_column_letter(position)
        required = finder is None and _required(model, name, keys) or finder is not None and (
            name in keys or not _column(model, name).nullable)
        for sheet in (data, example):
            cell = sheet.cell(row=1, column=position, value=header)
            cell.font, cell.fill = HEAD, REQUIRED_FILL if required else HEAD_FILL
            sheet.column_dimensions[letter].width = max(12, len(header) * 2 + 4)
        data.cell(row=1, column=position).comment = Comment("必填" if required else "选填", "模板")
        value = spec.sample[header] if header in spec.sample else _sample(header, finder, model, name)
        cell = example.cell(row=2, column=position, value=value)
        if isinstance(value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        choices = _choices(finder, model, name, header)
        if choices:
            for row, label in enumerate(choices, 2):
                options.cell(row=row, column=position, value=label)
            options.cell(row=1, column=position, value=header)
            rule = DataValidation(type="list", formula1=f"'选项'!${letter}$2:${letter}${len(choices) + 1}",
                                  allow_blank=True, showErrorMessage=finder is None,
                                  errorTitle="不是可选值", error="请从下拉列表中选择")
            rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            data.add_data_validation(rule)
    data.freeze_panes = "A2"
    notes = ["红色表头为必填列;日期写作 2024-01-31,日期时间写作 2024-01-31 09:30;更新已有记录时留空的单元格保留原值。"]
    if spec.notes:
        notes.append(spec.notes)
    for row, note in enumerate(notes, 4):
        example.cell(row=row, column=1, value=note)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _choices(finder, model, name, header):
    """The labels a dropdown offers: a choice's labels, 是/否, or a short lookup's names."""
    if finder is not None:
        if len(finder.headers) != 1:
            return []
        pairs = finder.pairs()
        return sorted({key[0] for key, _ in pairs}) if len(pairs) <= LISTED_LOOKUP_ROWS else []
    info = field_info(model, name)
    if info.get("choices"):
        return [info["choices"].both(code)[0] for code in info["choices"].codes]
    if info.get("kind") == "flag":
        return ["是", "否"]
    return []
