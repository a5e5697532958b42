"""States and alarms in words and colour: a flow's state as a badge coloured by where it stands, a lateness flag
as its own word in red (曾超时, not a ✓)."""
import sqlalchemy as sa
from markupsafe import Markup, escape

from ..i18n import L

# states that end a record's flow badly: a grey badge, not a green one
DEAD_ENDS = ("rejected", "cancelled", "canceled", "void", "refused", "withdrawn", "revoked", "lost")


def state_colour(flow, state):
    """Amber while it waits for a decision, green or grey once its flow has ended, blue while it is worked on."""
    if state in flow.inbox_states():
        return "warning"
    if not any(state in t.source for t in flow.transitions):
        return "secondary" if state in DEAD_ENDS else "success"
    return "info"


def state_badge(flow):
    """A list or details formatter for the flow's state column."""

    def format_state(view, context, model, name):
        state = getattr(model, name)
        if not state:
            return ""
        return Markup(f'<span class="badge badge-{state_colour(flow, state)}">{escape(flow.states.label(state))}</span>')

    return format_state


def alarm_flag(model, name, label):
    """A flag that raises an alarm (曾超时, 逾期未还) shows its own label in red when set, nothing otherwise."""

    def format_alarm(view, context, row, column):
        return Markup(f'<span class="badge badge-danger">{escape(str(label))}</span>') if getattr(row, column) else ""

    return format_alarm


def word_formatters(model, labels, field_info, flow):
    """Formatters for the list and details pages: the flow's state as a badge, alarm flags as red words."""
    out = {}
    if flow is not None and flow.field in model.__table__.columns:
        out[flow.field] = state_badge(flow)
    for name in sa.inspect(model).all_orm_descriptors.keys():
        alarm = field_info(model, name).get("alarm") if not name.startswith("_") else None
        if alarm:
            out[name] = alarm_flag(model, name, L(*alarm) if isinstance(alarm, tuple) else labels.get(name, L(name)))
    return out
