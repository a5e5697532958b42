"""The one place a record's state changes."""
import sqlalchemy as sa
from flask import current_app

from ..extensions import db, undo_unsent
from ..i18n import text
from ..core.time import utcnow
from .log import TransitionLog
from ..validators import Plain, check_value
from .flow import Refused, flow_of, may_act

DECISION_RULES = []  # rules a domain adds to every decision (app.records: who edited a request may not decide it)


def _standing(record, transition, user):
    """What no input can mend: the state, the user's role, deciding on one's own request."""
    flow = flow_of(type(record))
    state = getattr(record, flow.field)
    reasons = []
    if state not in transition.source:
        reasons.append(text(f"当前状态为「{flow.states.label(state)}」,不能{transition.label[0]}",
                            f"Not possible while {flow.states.label(state)}"))
    if transition.roles is not None and not may_act(user, transition.roles):
        reasons.append(text("您的角色不能进行此操作", "Your role may not do this"))
    if (transition.decision and record.created_by_id == user.id
            and not current_app.config.get("ALLOW_SELF_APPROVAL", False)):
        reasons.append(text("不能审批自己登记的申请", "You cannot decide on a request you registered"))
    if transition.decision and not current_app.config.get("ALLOW_SELF_APPROVAL", False):
        for rule in DECISION_RULES:
            reasons.extend(rule(record, user))
    return reasons


def may_take(record, transition, user):
    """Whether nothing that no input can mend stands between `user` and `transition` (what the inbox lists)."""
    return not _standing(record, transition, user)


def decision_rule(rule):
    """Register `rule(record, user) -> reasons` that every decision must also pass (four eyes, kept by a domain)."""
    DECISION_RULES.append(rule)
    return rule


def refusals(record, transition, user, comment=""):
    """Why `user` may not take `transition` on `record` now; empty when they may."""
    reasons = _standing(record, transition, user)
    if transition.needs_comment and not (comment or "").strip():
        reasons.append(text("请填写理由", "Give a reason"))
    reasons.extend(check_value([Plain(multiline=True)], comment or ""))  # the same text rules as every field
    if transition.guard is not None and not reasons:
        reasons.extend(transition.guard(record))
    return reasons


def available(record, user):
    """(transition, reasons, open) for every transition out of the record's state.

    `open` says the button may be pressed: nothing stands in the way, or only what the step's own form asks
    for (its reason, its fields); the server checks everything again when it is pressed.
    """
    flow = flow_of(type(record))
    state = getattr(record, flow.field)
    out = []
    for t in flow.transitions:
        if state not in t.source or t.roles is None:  # a step that follows another record has no button
            continue
        standing = _standing(record, t, user)
        wanting = [] if standing or t.guard is None else t.guard(record)
        out.append((t, standing or wanting, not standing and (not wanting or bool(t.fields))))
    return out


def lock_reason(record):
    """Why the record's state refuses every write (edit, lines, documents, delete); None when it does not."""
    flow = flow_of(type(record))
    if flow is None or getattr(record, flow.field) not in flow.locked:
        return None
    return text(f"「{flow.state_label(record)}」状态的记录不能修改", "A record in this state cannot be changed")


def press(record, action, user, comment="", values=None):
    """A person's step (a page's button, the CLI): `perform`, but never a step that follows another record."""
    flow = flow_of(type(record))
    transition = flow.transition(action) if flow else None
    if transition is not None and transition.roles is None:
        return [text(f"「{transition.label[0]}」随相关记录自动进行,不能直接操作",
                     f"{transition.label[1]} follows another record and is not taken by hand")]
    return perform(record, action, user, comment, values)


def perform(record, action, user, comment="", values=None):
    """Take a transition; returns the reasons it was refused, or [] once it is done. Nothing is committed.

    The entry point ends the unit of work with `finish(reasons)`: it commits a step taken and rolls back a
    refused one whole, with the fields the step filled in (`values`, its `fields`) and whatever its effects
    began. The state is changed by a compare-and-set UPDATE, so of two people acting at once exactly one
    succeeds, on SQLite and PostgreSQL alike.
    """
    flow = flow_of(type(record))
    transition = flow.transition(action) if flow else None
    if transition is None:
        return [text("没有这个操作", "No such action")]
    try:
        return _take(record, flow, transition, user, comment, values or {})
    except Refused as refused:  # e.g. the slot or the key was taken while we held no lock
        return refused.reasons
    except sa.exc.OperationalError:  # SQLite refuses a second writer outright instead of waiting
        return [text("该记录刚被他人处理,请刷新后再看", "Someone else has just acted on this record; reload it")]


def move(record, target, user, comment=""):
    """Take whichever step leads the record to `target` (a state that follows another record); [] once there."""
    flow = flow_of(type(record))
    state = getattr(record, flow.field)
    if state == target:
        return []
    transition = flow.leading(state, target)
    if transition is None:
        return [text(f"{record}当前为「{flow.states.label(state)}」,不能转为「{flow.states.label(target)}」",
                     f"{record} cannot go from {flow.states.label(state)} to {flow.states.label(target)}")]
    return perform(record, transition.action, user, comment)


def follow(record, target, user, comment=""):
    """`move`, for a save that moves another record with it (a unit by its renovation or its owner's papers): a
    refusal refuses that whole save."""
    reasons = move(record, target, user, comment)
    if reasons:
        raise Refused(reasons)


def finish(reasons):
    """End an entry point's unit of work: commit what was done, or undo a refusal whole; returns `reasons`."""
    if not reasons:
        db.session.commit()
    elif not undo_unsent(db.session()):  # a refusal after something reached the database is rolled back
        db.session.rollback()
    return reasons


def _take(record, flow, transition, user, comment, values):
    """The step itself, inside perform's savepoint: fields, checks, compare-and-set, log, effects."""
    for name, value in values.items():
        if name in transition.fields:
            setattr(record, name, value)
    reasons = refusals(record, transition, user, comment)
    if reasons:
        return reasons
    if flow.before is not None:
        flow.before(record, transition, user)
    model, state = type(record), getattr(record, flow.field)
    column = getattr(model, flow.field)
    db.session.flush()
    changed = db.session.execute(
        sa.update(model).where(model.id == record.id, column == state)
        .values({flow.field: transition.target, "updated_at": utcnow(), "updated_by_id": user.id})
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        return [text("该记录刚被他人处理,请刷新后再看", "Someone else has just acted on this record; reload it")]
    db.session.add(TransitionLog(table_name=model.__tablename__, row_id=record.id, action=transition.action,
                                 from_state=state, to_state=transition.target, user_id=user.id,
                                 comment=(comment or "").strip()))
    db.session.expire(record, [flow.field])
    if transition.effect is not None:
        transition.effect(record, user)
    if flow.after is not None:
        flow.after(record, transition, user)
    db.session.flush()
    return []
