"""Read a file, then either preview it (nothing kept) or save it all in one transaction through save_record."""
from contextlib import contextmanager

import sqlalchemy as sa

from ..extensions import db
from ..i18n import text
from .plan import Planner
from .reader import FileProblem, read_rows


@contextmanager
def _one_transaction():
    """Reactions commit for themselves today (a call's ledger line); inside an import they only flush, so the
    import stays all or nothing."""
    session = db.session()
    session.commit = session.flush
    try:
        yield
    finally:
        del session.commit


def save_record(record, user, is_created):
    """Save one record as the form does: the session hooks number and audit it, its after_saved reaction runs.

    The one call an import makes per record; the reactions move to the domain services, and so will this.
    """
    db.session.add(record)
    if hasattr(record, "after_saved"):
        db.session.flush()  # the reaction links to the saved row
        with _one_transaction():
            record.after_saved(user, is_created)


def preview(spec, content):
    """What the file would do, leaving the database as it was."""
    try:
        return Planner(spec).run(read_rows(content, spec.headers()))
    finally:
        db.session.rollback()


def commit(spec, content, user, before_commit=None):
    """Save every row or none: a refused row, a file problem or a database conflict leaves nothing behind.

    `before_commit(outcome)` runs inside the transaction (the import log is written with the records).
    """
    try:
        outcome = Planner(spec).run(read_rows(content, spec.headers()))
        if outcome.refused:
            db.session.rollback()
            return outcome
        for record, is_created in outcome.records:
            save_record(record, user, is_created)
        db.session.flush()
        if before_commit is not None:
            before_commit(outcome)
        db.session.commit()
        return outcome
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise FileProblem(text("导入失败:数据与已有记录冲突或引用无效,未保存任何记录",
                               "Not imported: the data conflicts with stored records; nothing was saved")) from None
    except BaseException:
        db.session.rollback()
        raise
