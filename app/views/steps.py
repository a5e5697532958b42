"""A record's flow on its page: the buttons open to the user, the lock of its state, the step a button posts."""
from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_login import current_user

from ..i18n import text
from ..workflow import available, finish, flow_of, lock_reason, press
from .badges import state_colour
from .fields import step_inputs, step_values


class FlowStepsMixin:
    """What every page of a model with a flow shows and takes: a form's, a unit's, an extinguisher's."""

    def flow_context(self, record):
        """The transitions open to this user and the state's label and colour, for the details page."""
        flow = flow_of(self.model)
        if flow is None:
            return {}
        return dict(
            transitions=[(t, reasons, is_open, step_inputs(record, t.fields) if is_open else [])
                         for t, reasons, is_open in available(record, current_user)
                         if t.applies is None or t.applies(record)],
            state_label=flow.state_label(record), state_colour=state_colour(flow, getattr(record, flow.field)))

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        """Refuse to edit a record its state locks (an approved application, a closed loan)."""
        if len(request.args.getlist("id")) > 1:  # Flask-Admin would join them into another id ("1", "0" -> 10)
            abort(404)
        record = self.get_one(request.args.get("id", "")) if request.args.get("id") else None
        reason = lock_reason(record) if record is not None else None
        if reason:
            flash(reason, "error")
            return redirect(self.get_url(".details_view", id=record.id))
        return super().edit_view()

    @expose("/transition/<action>", methods=("POST",))
    def transition_view(self, action):
        """Take one step of the record's flow; refusals come back as messages."""
        record = self.get_one(request.args.get("id", ""))
        if record is None or flow_of(self.model) is None:
            abort(404)
        transition = flow_of(self.model).transition(action)
        values, reasons = step_values(record, transition.fields if transition else (), request.form)
        reasons = finish(reasons or press(record, action, current_user, request.form.get("comment", ""), values))
        if reasons:
            flash(text("操作未完成:", "Not done: ") + ";".join(reasons), "error")
        else:
            flash(text("已完成操作。", "Done."), "success")
        return redirect(self.get_url(".details_view", id=record.id))
