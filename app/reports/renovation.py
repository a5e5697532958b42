"""6.17 装修单元办理统计表: the period's renovations, read from the applications, their flow log and related forms.

Counts of households (户数) are distinct units. Flow events (approval, extension, completion checks) are read
from the append-only transition log, so a period long past still shows what happened in it, and the stock
figures (施工中, 停工, 保证金在押) are the state at the end of the period, rebuilt from the same log.
"""
import sqlalchemy as sa

from ..extensions import db
from ..renovation.models import RenovationApplication, RenovationGuarantee, RenovationWorkerPass, WorkerPassLine
from ..renovation.flow import RENOVATION_STATE
from ..renovation.works import RectificationNotice, RenovationCompletionInspection
from ..models.lookups import Unit
from ..models.workflow import TransitionLog
from .figures import Chart, Figure, Figures, Table, choice_pair, counted, money, pair, utc_bounds, within

A = RenovationApplication
LOG = TransitionLog
HOUSEHOLDS = sa.func.count(sa.distinct(A.unit_id))


def _scope(query, project_id, building):
    """Applications of the estate, and of one building when one is chosen (via the unit)."""
    query = query.where(A.project_id == project_id)
    if building is not None:
        query = query.join(Unit, Unit.id == A.unit_id).where(Unit.building_id == building.id)
    return query


def _of_applications(model, project_id, building):
    """Rows of a related form joined to their application, scoped like the applications."""
    return _scope(sa.select().select_from(model).join(A, A.id == model.renovation_application_id), project_id,
                  building)


def _logged(actions, start=None, end=None, before=None):
    """EXISTS a log row of the application for one of `actions`, in the period or before a moment."""
    cond = [LOG.table_name == A.__tablename__, LOG.row_id == A.id, LOG.action.in_(actions)]
    cond.append(within(LOG.at, start, end) if start is not None else LOG.at < before)
    return sa.exists().where(*cond)


def state_at(moment):
    """Each application's state at `moment`: the target of its last logged step before then."""
    last = (sa.select(LOG.row_id, sa.func.max(LOG.id).label("log_id"))
            .where(LOG.table_name == A.__tablename__, LOG.at < moment).group_by(LOG.row_id).subquery())
    return (sa.select(last.c.row_id.label("application_id"), LOG.to_state.label("state"))
            .join(LOG, LOG.id == last.c.log_id).subquery())


def application_counts(project_id, start, end, building):
    """The household counts, in one query over the applications and their log."""
    high = utc_bounds(start, end)[1]
    states = state_at(high)
    query = sa.select(
        # applied: applications registered (created) in the period
        HOUSEHOLDS.filter(within(A.created_at, start, end)).label("applied"),
        # approved / rejected: the manager's decision taken in the period (decision and decided_at set by the flow)
        HOUSEHOLDS.filter(sa.and_(A.decision == "approved", within(A.decided_at, start, end))).label("approved"),
        HOUSEHOLDS.filter(sa.and_(A.decision == "rejected", within(A.decided_at, start, end))).label("rejected"),
        # in progress / suspended: the state at the end of the period
        HOUSEHOLDS.filter(states.c.state == "in_progress").label("in_progress"),
        HOUSEHOLDS.filter(states.c.state == "suspended").label("suspended"),
        # extended: an extension approved in the period (either extend step)
        HOUSEHOLDS.filter(_logged(("extend", "extend_suspended"), start, end)).label("extended"),
        # completion passed / failed: the engineers' accept or fail step taken in the period
        HOUSEHOLDS.filter(_logged(("accept",), start, end)).label("completion_passed"),
        HOUSEHOLDS.filter(_logged(("fail_completion",), start, end)).label("completion_failed"),
    ).select_from(A).outerjoin(states, states.c.application_id == A.id)
    return db.session.execute(_scope(query, project_id, building)).one()


def end_states(project_id, start, end, building):
    """Applications by their state at the end of the period (never logged: still a draft)."""
    states = state_at(utc_bounds(start, end)[1])
    state = sa.func.coalesce(states.c.state, "draft")
    query = (sa.select(state.label("state"), sa.func.count().label("n")).select_from(A)
             .outerjoin(states, states.c.application_id == A.id)
             .where(A.created_at < utc_bounds(start, end)[1]).group_by(state))
    got = dict(db.session.execute(_scope(query, project_id, building)).all())
    return [(code, got[code]) for code in RENOVATION_STATE.codes if got.get(code)]


def pass_counts(project_id, start, end, building):
    """Worker passes (one per worker line of 6.22): issued with a batch in the period, handed back in it."""
    query = (_of_applications(RenovationWorkerPass, project_id, building)
             .join(WorkerPassLine, WorkerPassLine.parent_id == RenovationWorkerPass.id)
             .add_columns(counted(within(RenovationWorkerPass.issued_at, start, end)).label("issued"),
                          counted(within(WorkerPassLine.returned_at, start, end)).label("returned")))
    return db.session.execute(query).one()


def money_counts(project_id, start, end, building):
    """Deposits held at the period's end, refunded in it, and deductions assessed in it."""
    high = utc_bounds(start, end)[1]
    per_application = (sa.select(RenovationGuarantee.renovation_application_id.label("application_id"),
                                 sa.func.sum(RenovationGuarantee.deposit_amount).label("amount"))
                       .group_by(RenovationGuarantee.renovation_application_id).subquery())
    # held: paid (the cashier's pay step) before the end, and neither refunded-and-closed nor cancelled by then
    held = _scope(sa.select(sa.func.coalesce(sa.func.sum(per_application.c.amount), 0)).select_from(A)
                  .join(per_application, per_application.c.application_id == A.id)
                  .where(_logged(("pay",), before=high), ~_logged(("close", "cancel"), before=high)),
                  project_id, building)
    # refunded: what the close (or a cancellation after payment) in the period gave back (deposit_refund)
    refunded = _scope(sa.select(sa.func.coalesce(sa.func.sum(A.deposit_refund), 0))
                      .where(_logged(("close", "cancel"), start, end)), project_id, building)
    # deductions: penalties on notices (6.25) issued in the period plus damage charged at completion checks
    # (6.28) held in it; both come off the deposit (renovation_flow.deductions)
    penalties = (_of_applications(RectificationNotice, project_id, building)
                 .add_columns(sa.func.coalesce(sa.func.sum(RectificationNotice.penalty_amount), 0))
                 .where(within(RectificationNotice.issued_at, start, end)))
    damage = (_of_applications(RenovationCompletionInspection, project_id, building)
              .add_columns(sa.func.coalesce(sa.func.sum(RenovationCompletionInspection.damage_deduction), 0))
              .where(within(RenovationCompletionInspection.inspection_at, start, end)))
    scalar = db.session.scalar
    return scalar(held), scalar(refunded), (scalar(penalties) or 0) + (scalar(damage) or 0)


def notice_count(project_id, start, end, building):
    """Rectification notices (6.25) to a renovation, issued in the period."""
    query = (_of_applications(RectificationNotice, project_id, building).add_columns(sa.func.count())
             .where(within(RectificationNotice.issued_at, start, end)))
    return db.session.scalar(query)


def compute(project, start, end, building=None):
    """6.17: households by step of the flow, passes, notices and deposit money, for the estate or one building."""
    got = application_counts(project.id, start, end, building)
    passes = pass_counts(project.id, start, end, building)
    held, refunded, deducted = money_counts(project.id, start, end, building)
    households = [("applied", "申请户数", "Applied"), ("approved", "批准户数", "Approved"),
                  ("rejected", "不批准户数", "Rejected"), ("in_progress", "施工中", "Under way (at the end)"),
                  ("suspended", "停工", "Suspended (at the end)"), ("extended", "延期", "Extended"),
                  ("completion_passed", "竣工验收合格", "Completion passed"),
                  ("completion_failed", "竣工验收不合格", "Completion failed")]
    items = [Figure(key, zh, en, getattr(got, key)) for key, zh, en in households]
    items += [Figure("notices_issued", "整改通知", "Rectification notices", notice_count(project.id, start, end, building)),
              Figure("passes_issued", "出入证发放", "Passes issued", passes.issued),
              Figure("passes_returned", "出入证交回结算", "Passes returned", passes.returned),
              Figure("deposits_held", "保证金在押", "Deposits held", money(held), "money"),
              Figure("deposits_refunded", "保证金已退", "Deposits refunded", money(refunded), "money"),
              Figure("deductions", "保证金扣款", "Deductions", money(deducted), "money")]
    states = end_states(project.id, start, end, building)
    table = Table(pair("期末申请状态", "Applications by state at the end"), [pair("状态", "State"), pair("件数", "Count")],
                  [[choice_pair(RENOVATION_STATE, code), n] for code, n in states])
    charts = [Chart(pair("装修办理", "Renovations"), [pair(zh, en) for _, zh, en in households],
                    [getattr(got, key) for key, _, _ in households])]
    return Figures(items=items, tables=[table], charts=charts)
