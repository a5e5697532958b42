"""Error pages in the reader's language, each with a way back: templates/errors/<code>.html."""
from flask import render_template
from werkzeug.exceptions import HTTPException, InternalServerError

ERROR_CODES = (400, 403, 404, 405, 413, 500)


def register_error_pages(app):
    """Answer every listed HTTP error with its own page instead of Werkzeug's English one."""

    def page(error):
        code = error.code if isinstance(error, HTTPException) else 500
        return render_template(f"errors/{code}.html", code=code), code

    for code in ERROR_CODES:
        app.register_error_handler(code, page)
    app.register_error_handler(InternalServerError, page)
