"""Cells a spreadsheet opens safely: text that would run as a formula is defused."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defused(value):
    """The value, with a leading quote where a spreadsheet would read text as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
