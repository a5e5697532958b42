"""Exports at any row count in constant memory: rows fetched in chunks, CSV streamed as it is written, XLSX written
by openpyxl's write-only mode into a temporary file; every cell goes through the view's get_export_value."""
import csv
import io
import tempfile
import unicodedata
from decimal import Decimal
from itertools import chain, islice
from urllib.parse import quote

from flask import Response, flash, redirect, send_file, stream_with_context
from flask_admin import expose
from flask_admin.helpers import get_redirect_target
from openpyxl import Workbook
from sqlalchemy import orm
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from werkzeug.utils import secure_filename

from ..i18n import text
from ..models.base import LOCAL_TZ
from ..models.types import utcnow
from .listing import reference_loads

CHUNK = 1000  # rows fetched, formatted and sent at a time
WIDTH_SAMPLE = 200  # XLSX columns are sized to the header and the first rows (write-only mode sizes them up front)
MAX_WIDTH = 60
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(filename: str) -> dict:
    """A Content-Disposition naming the file in UTF-8 (RFC 5987), with an ASCII name for old clients."""
    fallback = secure_filename(filename) or "export"
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"}


def display_width(value) -> int:
    """Columns a value takes in a spreadsheet: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in ("" if value is None else str(value)))


def xlsx_cell(value):
    """Numbers stay numbers; blank stays an empty cell; everything else is its text, without the control characters
    XLSX refuses."""
    if value is None or value == "":
        return None  # openpyxl writes no cell at all for None: a third of a register's cells are blank
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    value = str(value)
    return value if value.isprintable() else ILLEGAL_CHARACTERS_RE.sub("", value)  # printable: no control character


class ExportMixin:
    """CSV and XLSX exports of what the list shows (its search, filters and sort), in full, at any size."""

    def get_export_name(self, export_type="csv"):
        """`6.60 来访来电登记表 2026-12-02 1030.csv`: the Chinese title and the local time."""
        form = getattr(self.model, "__form__", None)
        title = f"{form.number} {form.title}" if form else getattr(self.model, "__label__", (str(self.name),))[0]
        return f"{title} {utcnow().astimezone(LOCAL_TZ):%Y-%m-%d %H%M}.{export_type}"

    @expose("/export/<export_type>/")
    def export(self, export_type):
        """The one place an export starts."""
        if not self.can_export or export_type not in self.export_types:
            flash(text("不支持该导出格式。", "This export is not available."), "error")
            return redirect(get_redirect_target() or self.get_url(".index_view"))
        if export_type == "csv":
            return Response(stream_with_context(self._csv_chunks()), mimetype="text/csv; charset=utf-8",
                            headers=attachment(self.get_export_name("csv")))
        return send_file(self._xlsx_file(self.export_rows()), mimetype=XLSX_TYPE, as_attachment=True,
                         download_name=self.get_export_name(export_type))

    def export_rows(self):
        """The list's records (search, filters, sort; no page) as lists of exported cells, fetched CHUNK at a time."""
        args = self._get_list_extra_args()
        sort = self._get_column_by_idx(args.sort)
        _, query = self.get_list(0, sort[0] if sort else None, args.sort_desc, args.search, args.filters,
                                 execute=False, page_size=0, load=orm.selectinload)
        names = [name for name, _ in self._export_columns]
        # selectin, not joined: a query per reference per chunk of rows costs less than joining every row's references
        query = query.options(*reference_loads(self.model, names, load=orm.selectinload)).yield_per(CHUNK)
        cells = [self.export_cell(name) for name in names]
        return ([cell(record) for cell in cells] for record in query)

    def export_cell(self, name):
        """A function giving one column's exported value of a record."""
        return lambda record: self.get_export_value(record, name)

    def _header(self):
        return [str(label) for _, label in self._export_columns]

    def _csv_chunks(self):
        """The file in pieces. The rows are queried here, in the context the stream runs in: a query made in the view
        would run on the view's session, closed by then (the DetachedInstanceError of 6.4, 6.20, 6.43)."""
        rows = self.export_rows()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")  # the BOM: Excel on a Chinese PC reads UTF-8 only with it
        writer.writerow(self._header())
        for count, cells in enumerate(rows, 1):
            writer.writerow(["" if value is None else value for value in cells])
            if count % CHUNK == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    def _xlsx_file(self, rows):
        """The workbook in a temporary file, which the response sends and then closes."""
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=secure_sheet_title(self.get_export_name("xlsx")))
        header = self._header()
        first = [[xlsx_cell(value) for value in cells] for cells in islice(rows, WIDTH_SAMPLE)]
        for index, label in enumerate(header):
            width = max([display_width(label)] + [display_width(cells[index]) for cells in first])
            sheet.column_dimensions[get_column_letter(index + 1)].width = min(width + 2, MAX_WIDTH)
        sheet.append(header)
        for cells in chain(first, ([xlsx_cell(value) for value in cells] for cells in rows)):
            sheet.append(cells)
        output = tempfile.TemporaryFile()
        workbook.save(output)
        output.seek(0)
        return output


def secure_sheet_title(filename: str) -> str:
    """A sheet title Excel accepts: at most 31 characters, none of []:*?/\\."""
    title = filename.rsplit(" ", 2)[0]
    return "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
