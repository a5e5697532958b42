"""Turn model values into what a browser posts to a Flask-Admin form, and compare what was stored."""
from datetime import date, datetime, time
from decimal import Decimal

import re

import sqlalchemy as sa

from app.models.base import LOCAL_TZ
from app.views.declared import editable_fields, field_info


def encode(value):
    """One value as the form field expects it as text."""
    if value is None:
        return ""
    if hasattr(value, "__table__"):
        return str(value.id)
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def payload(model, values, lines=None):
    """Form data for a create or edit POST; booleans are sent only when ticked, as browsers do."""
    data = {}
    for name, value in values.items():
        if isinstance(value, bool):
            if value:
                data[name] = "y"
        else:
            data[name] = encode(value)
    for rel_name, rows in (lines or {}).items():
        for i, row in enumerate(rows):
            for name, value in row.items():
                if isinstance(value, bool):
                    if value:
                        data[f"{rel_name}-{i}-{name}"] = "y"
                else:
                    data[f"{rel_name}-{i}-{name}"] = encode(value)
    return data


def line_relations(model):
    return [name for name, rel in sa.inspect(model).relationships.items() if rel.info.get("kind") == "lines"]


def stored_matches(model, record, values):
    """Names of fields whose stored value differs from what was posted."""
    wrong = []
    for name, value in values.items():
        stored = getattr(record, name)
        if hasattr(value, "__table__"):
            same = stored is not None and stored.id == value.id
        elif isinstance(value, datetime):
            same = stored is not None and stored.replace(second=0) == value.replace(second=0)
        elif isinstance(value, Decimal) or isinstance(stored, Decimal):
            same = (value is None and stored is None) or (
                value is not None and stored is not None and Decimal(str(value)) == stored)
        elif isinstance(value, time):
            same = stored is not None and stored.strftime("%H:%M") == value.strftime("%H:%M")
        elif value in (None, ""):
            same = stored in (None, "")
        else:
            same = stored == value
        if not same:
            wrong.append((name, value, stored))
    return wrong


def editable(model):
    return [n for n in editable_fields(model) if field_info(model, n).get("kind") != "lines"]


def errors_in(html):
    """The messages a page shows at its fields and in its alerts, for assertions and their output."""
    fields = re.findall(r'<ul class="form-text text-danger[^"]*">(.*?)</ul>', html, re.S)
    alerts = re.findall(r'<div class="alert alert-danger[^"]*">.*?</button>(.*?)</div>', html, re.S)
    messages = [li.strip() for block in fields for li in re.findall(r"<li>(.*?)</li>", block, re.S)]
    return messages + [alert.strip() for alert in alerts]
