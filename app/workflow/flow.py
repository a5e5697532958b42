"""A flow: the states of a form and the transitions between them, as data.

A model declares ``__flow__ = Flow(STATES, [Transition(...), ...], locked=(...), limits={...})``;
the service performs transitions, the views draw buttons and the inbox from the declaration.
"""
import dataclasses
from dataclasses import dataclass
from typing import Callable

from flask import current_app

from ..i18n import text

from ..core.saving import Refused  # noqa: F401 (an effect refuses as a save's reaction does)

# The manual's finer roles (catalogue §4.0) and the system roles that hold them by default;
# a department overrides FLOW_ROLES in instance/config.py to follow its own division of duties.
DEFAULT_FLOW_ROLES = {
    "front_desk": ("clerk", "manager"),
    "property_assistant": ("clerk", "manager"),
    "cashier": ("clerk", "manager"),
    "security": ("clerk", "manager"),
    "cs_supervisor": ("manager",),
    "cs_manager": ("manager",),
    "project_manager": ("manager",),
    "engineering": ("manager",),
}




def need(ok, zh, en):
    """A guard's reason when `ok` is falsy: `need(record.result, "请先填写处理结果", "Record the result")`."""
    return [] if ok else [text(zh, en)]


def sets(*names):
    """Declare the fields an effect fills in: the flow owns them, so no form offers them (read-only everywhere)."""

    def declare(effect):
        effect.sets = tuple(getattr(effect, "sets", ())) + names
        return effect

    return declare


@dataclass(frozen=True)
class Transition:
    """One way out of one or more states.

    `guard(record)` returns the reasons the step is refused (empty when allowed); `effect(record, user)`
    runs after the state changed, in the same transaction. A `decision` waits in the inbox of its roles, and so
    does a step that `waits` for someone's turn without deciding a request (a complaint to classify).
    `fields` are the record's fields the step's own form asks for (a classification, a result), so a step
    and what it records are one click. `applies(record)` says whether the step fits this kind of record at all
    (a complaint classified valid is never explained away); a record's page does not draw one that does not.
    """

    action: str
    label: tuple
    source: tuple
    target: str
    roles: tuple | None  # None: no one presses it; it follows the record whose step or save moves this one
    guard: Callable | None = None
    effect: Callable | None = None
    needs_comment: bool = False
    decision: bool = False
    style: str = "primary"
    fields: tuple = ()
    applies: Callable | None = None  # whether a record of this kind can ever take the step; if not, it is not drawn
    waits: bool = False


@dataclass
class Flow:
    """The states of a model and its transitions; `locked` states refuse edits, `limits` are hours.

    `anchors` are the fields the flow's deadlines are computed from: fixed once the first step is taken, so a
    late record cannot be made punctual by moving its start.

    `before(record, transition, user)` runs as every step begins, while the record still shows the state it leaves
    (a complaint notes a deadline it missed); `after(record, transition, user)` runs after every transition's own
    effect, for what every step of the flow does alike (a complaint restarts the clock of its next deadline).
    """

    states: object
    transitions: list
    field: str = "status"
    locked: tuple = ()
    limits: dict = dataclasses.field(default_factory=dict)
    before: Callable | None = None
    after: Callable | None = None
    anchors: tuple = ()

    def state_label(self, record):
        """The label of the state a record is in."""
        return self.states.label(getattr(record, self.field))

    def inbox_steps(self):
        """The steps that wait in their roles' inbox."""
        return [t for t in self.transitions if t.decision or t.waits]

    def step_fields(self):
        """The fields the steps' own forms ask for (an approval's opinion, a return's condition)."""
        return {name for t in self.transitions for name in t.fields}

    def owned_fields(self):
        """The fields the flow's effects fill in (declared with `sets`): no person fills them in a form."""
        hooks = [t.effect for t in self.transitions] + [self.before, self.after]
        return {name for hook in hooks for name in getattr(hook, "sets", ())}

    def transition(self, action):
        return next((t for t in self.transitions if t.action == action), None)

    def leading(self, source, target):
        """The step that takes a record from `source` to `target`, if the flow has one; of several, the one that
        follows another record (no one's button), as `move` is how another record moves this one."""
        steps = [t for t in self.transitions if source in t.source and t.target == target]
        return next((t for t in steps if t.roles is None), steps[0] if steps else None)

    def inbox_states(self):
        """States that wait for a decision or someone's step, with the roles that take it."""
        out = {}
        for t in self.inbox_steps():
            for state in t.source:
                out.setdefault(state, set()).update(t.roles)
        return out


def flow_of(model):
    return getattr(model, "__flow__", None)


def may_act(user, roles) -> bool:
    """Whether the user holds a system role that carries one of the flow roles."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    mapping = current_app.config.get("FLOW_ROLES", DEFAULT_FLOW_ROLES)
    held = user.role_codes
    return any(held & set(mapping.get(role, (role,))) for role in roles)
