"""The view of one of the 60 forms: the generic view plus the record's timeline, flow steps and documents."""
from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_login import current_user

from ..i18n import text
from ..workflow import available, flow_of, perform
from .attachments import AttachmentsMixin, attachments_of, kinds_for
from .base import DeclaredModelView
from .timeline import timeline


class FormView(AttachmentsMixin, DeclaredModelView):
    """One of the 60 forms: newest first, estate defaulted, a timeline and the flow's buttons on its details."""

    column_default_sort = ("id", True)
    details_template = "admin/model/desk_details.html"

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if request.method == "GET" and hasattr(form, "project") and form.project.data is None:
            from ..models import Project

            staff = getattr(current_user, "staff", None)
            form.project.data = (staff.project if staff and staff.project else
                                 Project.query.filter_by(is_active=True).order_by(Project.id).first())
        return form

    def render(self, template, **kwargs):
        """Give the details page the record's timeline and the transitions open to this user."""
        if template == self.details_template and kwargs.get("model") is not None:
            record, flow = kwargs["model"], flow_of(self.model)
            kwargs["events"] = timeline(self, record)
            kwargs["attachments"] = attachments_of(record)
            kwargs["document_kinds"] = kinds_for(self.endpoint)
            if flow is not None:
                kwargs["transitions"] = available(record, current_user)
            if hasattr(record, "standing"):  # what it waits for, less what the buttons already say
                shown = {reason for _, reasons in kwargs.get("transitions", ()) for reason in reasons}
                label, waiting = record.standing()
                kwargs["standing"] = (label, [item for item in waiting if item not in shown])
                kwargs["state_label"] = flow.states.label(getattr(record, flow.field))
        return super().render(template, **kwargs)

    def is_locked(self, record):
        flow = flow_of(self.model)
        return flow is not None and getattr(record, flow.field) in flow.locked

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        """Refuse to edit a record its state locks (an approved application, a closed loan)."""
        record = self.get_one(request.args.get("id", ""))
        if record is not None and self.is_locked(record):
            flow = flow_of(self.model)
            flash(text(f"「{flow.states.label(getattr(record, flow.field))}」状态的记录不能修改",
                       "A record in this state cannot be edited"), "error")
            return redirect(self.get_url(".details_view", id=record.id))
        return super().edit_view()

    @expose("/transition/<action>", methods=("POST",))
    def transition_view(self, action):
        """Take one step of the record's flow; refusals come back as messages."""
        record = self.get_one(request.args.get("id", ""))
        if record is None or flow_of(self.model) is None:
            abort(404)
        reasons = perform(record, action, current_user, request.form.get("comment", ""))
        if reasons:
            flash(text("操作未完成:", "Not done: ") + ";".join(reasons), "error")
        else:
            flash(text("已完成操作。", "Done."), "success")
        return redirect(self.get_url(".details_view", id=record.id))
