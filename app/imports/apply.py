"""Read a file, then either preview it (nothing kept) or save it all in one transaction through core.saving."""
import sqlalchemy as sa

from ..core.saving import Refused, save_all
from ..extensions import db
from ..i18n import text
from .plan import Planner
from .reader import FileProblem, read_rows


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
        save_all(outcome.records, user)  # as every entry point saves: rules, reactions, serial numbers, audit
        if before_commit is not None:
            before_commit(outcome)
        db.session.commit()
        return outcome
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise FileProblem(text("导入失败:数据与已有记录冲突或引用无效,未保存任何记录",
                               "Not imported: the data conflicts with stored records; nothing was saved")) from None
    except Refused as refused:  # a reaction said no (the rows' own rules were checked in the preview)
        db.session.rollback()
        raise FileProblem(text("导入失败,未保存任何记录:", "Not imported, nothing was saved: ")
                          + ";".join(refused.reasons)) from None
    except BaseException:
        db.session.rollback()
        raise
