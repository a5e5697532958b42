"""Spreadsheet imports: lookup tables and registers from .xlsx, previewed, then saved all or nothing.

spec.py declares what an import is, catalogue.py lists them, reader.py and cells.py read the file, plan.py
validates each row as the form does, apply.py saves through core.saving.save, template.py writes the templates,
log.py keeps the import log (and the uploaded file until it is imported).
"""
from .catalogue import IMPORTS, imports_for
from .log import ImportLog

__all__ = ["IMPORTS", "ImportLog", "imports_for"]
