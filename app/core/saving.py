"""What follows a save, whoever saved: admin pages, the CLI, the demo, imports and tests all call `save`.

Domains declare their reactions with `@reacts_to(Model)`; a reaction may change other records and may refuse
the save by raising `Refused`. Nothing here commits: the entry point commits once, or rolls back on a refusal.
"""
from dataclasses import dataclass

import sqlalchemy as sa
from blinker import Namespace

from ..extensions import db

record_saved = Namespace().signal("record-saved")


class Refused(Exception):
    """A rule or reaction says no; the reasons are for the user, in their language."""

    def __init__(self, reasons):
        super().__init__(";".join(str(reason) for reason in reasons))
        self.reasons = list(reasons)


@dataclass(frozen=True)
class Saved:
    """One save as its reactions see it: who saved, whether the record is new, which attributes changed."""

    user: object
    created: bool
    changed: frozenset
    changed_lines: dict  # line item -> the attributes that changed (all of a new line's)


def reacts_to(*models):
    """Declare `fn(record, saved)` as what follows every save of `models`."""
    def register(fn):
        for model in models:
            record_saved.connect(lambda sender, fn=fn, **kw: fn(kw["record"], kw["saved"]), sender=model, weak=False)
        return fn
    return register


def save(record, user=None, created=None):
    """Flush `record`, check its rules and run its reactions; the caller commits. Raises `Refused`."""
    state = sa.inspect(record)
    created = state.key is None if created is None else created
    changed = frozenset(attr.key for attr in state.attrs if attr.history.has_changes())
    lines = _changed_lines(record)
    reasons = rule_errors(record)
    if reasons:
        raise Refused(reasons)
    db.session.add(record)
    db.session.flush()
    for model in type(record).__mro__:  # a reaction to a base class (every report form) applies to its kinds
        record_saved.send(model, record=record, saved=Saved(user, created, changed, lines))
    db.session.flush()
    return record


def _changed_lines(record):
    """The record's line items that are new or changed, with what changed, read before the flush forgets it."""
    out = {}
    for rel in sa.inspect(type(record)).relationships:
        if rel.info.get("kind") != "lines":
            continue
        for line in getattr(record, rel.key):
            state = sa.inspect(line)
            keys = frozenset(a.key for a in state.attrs if state.key is None or a.history.has_changes())
            if keys:
                out[line] = keys
    return out


def rule_errors(record):
    """The messages of the record's cross-field rules (`__rules__`), as the form would show them."""
    rules = getattr(type(record), "__rules__", ())
    if not rules:
        return []
    with db.session.no_autoflush:  # a new record must not meet itself in the rules' own queries
        mapper = sa.inspect(type(record))
        data = {attr.key: getattr(record, attr.key) for attr in mapper.column_attrs}
        data.update((rel.key, getattr(record, rel.key)) for rel in mapper.relationships if not rel.uselist)
        data["_record"] = record if sa.inspect(record).key is not None else None
        return list(dict.fromkeys(message for rule in rules for _, message in rule.errors(data)))
