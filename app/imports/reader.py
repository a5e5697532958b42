"""Open an uploaded workbook in openpyxl's read-only mode and hand its rows on one at a time."""
import zipfile
from io import BytesIO

from flask import current_app
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ..i18n import text
from .cells import blank

DATA_SHEET = "导入数据"


class FileProblem(ValueError):
    """The file as a whole cannot be imported (not xlsx, empty, columns missing, too long)."""


def max_rows() -> int:
    return current_app.config.get("IMPORT_MAX_ROWS", 50_000)


def open_sheet(content: bytes):
    """The data sheet of an .xlsx file (the template's 导入数据, else the first sheet)."""
    if not content:
        raise FileProblem(text("文件是空的,请选择填好的 .xlsx 文件", "The file is empty: choose a filled-in .xlsx file"))
    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise FileProblem(text("无法读取:请上传 Excel 2007 及以上的 .xlsx 文件(不支持 .xls、.csv)",
                               "Cannot read the file: upload an Excel .xlsx workbook (not .xls or .csv)")) from None
    return book[DATA_SHEET] if DATA_SHEET in book.sheetnames else book.worksheets[0]


def read_rows(content: bytes, expected: list):
    """Check the header row, then yield (row number, {header: cell}) for each row that is not blank."""
    sheet = open_sheet(content)
    limit = max_rows()
    if sheet.max_row and sheet.max_row - 1 > limit:  # the sheet's own dimension: refuse before reading it
        raise FileProblem(_too_long(limit))
    rows = sheet.iter_rows(values_only=True)
    header, start = None, 0
    for start, cells in enumerate(rows, 1):
        if any(not blank(c) for c in cells):
            header = [str(c).strip() if c is not None else "" for c in cells]
            break
    if header is None:
        raise FileProblem(text("文件中没有内容:第一行应为表头,其后每行一条记录",
                               "The sheet is empty: a header row, then one record per row"))
    missing = [h for h in expected if h not in header]
    if missing:
        raise FileProblem(text(f"缺少列:{'、'.join(missing)}。请使用下载的模板,表头不要改动",
                               f"Missing columns: {', '.join(missing)}. Use the downloaded template unchanged"))
    position = {h: header.index(h) for h in expected}
    count = 0
    for number, cells in enumerate(rows, start + 1):
        if all(blank(c) for c in cells):
            continue
        count += 1
        if count > limit:
            raise FileProblem(_too_long(limit))
        yield number, {h: (cells[i] if i < len(cells) else None) for h, i in position.items()}
    if count == 0:
        raise FileProblem(text("文件中只有表头,没有数据行", "The sheet has a header row but no data"))


def _too_long(limit):
    return text(f"文件超过 {limit} 行数据,请拆分成多个文件分批导入",
                f"The file has more than {limit} rows: split it and import the parts one by one")
