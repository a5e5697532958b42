"""The view of one of the 60 forms: the generic view plus the record's timeline, flow steps, documents, what it
became (intake) and what it set going (follow-ups)."""
from flask import request
from flask_admin.form import rules
from flask_login import current_user
from wtforms.validators import ValidationError

from ..core.saving import Refused, save
from ..i18n import L, text
from ..models import FORMS
from ..models.fields import snake
from ..records import anchor_errors, remove_documents
from ..scoping import get_visible, may_use_project
from ..servicedesk.intake import prefill, targets_of
from ..workflow import flow_of, lock_reason
from .attachments import AttachmentsMixin, attachments_of, kinds_for
from .base import DeclaredModelView, default_project
from .declared import editable_fields, field_info, sections
from .entry import fill_presets, later_fields
from .printing import PrintMixin
from .steps import FlowStepsMixin
from .timeline import timeline


def follow_up(row):
    """A linked record as its row on another record's page: where to open it, its form, state and deadline."""
    flow = flow_of(type(row))
    state = flow.state_label(row) if flow else ""
    return dict(endpoint=snake(type(row).__name__), record=row, form=row.__form__, state=state,
                deadline=row.time_limit() if hasattr(row, "time_limit") else None)


def section_rules(model, names):
    """The fields as Flask-Admin field sets, one per section of the paper form; the estate leads the first."""
    lead = [n for n in names if n == "project"]
    parts = sections(model, [n for n in names if n not in lead]) or [(L("基本情况", "Particulars"), [])]
    parts[0] = (parts[0][0], lead + parts[0][1])
    return [rules.FieldSet(fields, header=title) for title, fields in parts]


class FormView(FlowStepsMixin, PrintMixin, AttachmentsMixin, DeclaredModelView):
    """One of the 60 forms: newest first, estate defaulted, a timeline and the flow's buttons on its details."""

    column_default_sort = ("id", True)
    details_template = "admin/model/desk_details.html"

    def _derive(self, model):
        """Create and edit pages grouped into the paper form's sections (what only a later step fills is not created)."""
        super()._derive(model)
        lines = [n for n in editable_fields(model) if field_info(model, n).get("kind") == "lines"]
        every = list(self.form_columns) + lines
        self.form_edit_rules = self.form_edit_rules or section_rules(model, every)
        later = later_fields(model)
        self.form_create_rules = self.form_create_rules or section_rules(model, [n for n in every if n not in later])

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if request.method == "GET":
            self._prefill(form)
        if request.method == "GET" and hasattr(form, "project") and form.project.data is None:
            form.project.data = default_project()
        if request.method == "GET":
            fill_presets(form, self.model)
        return form

    def _prefill(self, form):
        """Start the form from the record it is made from (``?from=call_visit_log:12``): one intake, no retyping."""
        endpoint, _, record_id = request.args.get("from", "").partition(":")
        source = get_visible(FORMS[endpoint], record_id) if endpoint in FORMS else None
        if source is None:
            return
        for name, value in prefill(endpoint, self.endpoint, source).items():
            if name in form._fields:
                form._fields[name].data = value

    def validate_form(self, form):
        """The estate is one of the user's; a deadline's anchor stays where the flow started it."""
        valid = super().validate_form(form)
        if request.method != "POST" or isinstance(form, (self._delete_form_class, self._action_form_class)):
            return valid
        project = form._fields.get("project")
        if project is not None and project.data is None and (project.raw_data or ["__None"])[0] not in ("", "__None"):
            project.errors = [text("只能选择您所属的项目", "Choose one of your own estates")]
        elif project is not None and project.data is not None and not may_use_project(project.data.id):
            project.errors = list(project.errors) + [text("只能选择您所属的项目", "Choose one of your own estates")]
            valid = False
        record = getattr(form, "_record", None)
        if record is not None:
            for name, message in anchor_errors(record, {n: f.data for n, f in form._fields.items()}):
                form._fields[name].errors = list(form._fields[name].errors) + [message]
                valid = False
        return valid

    def on_model_change(self, form, model, is_created):
        """Save through the domain layer (rules and reactions); no route (edit, lines, list edit) saves a locked record."""
        reason = None if is_created else lock_reason(model)
        if reason:
            raise ValidationError(reason)
        super().on_model_change(form, model, is_created)
        try:
            save(model, current_user._get_current_object(), is_created)
        except Refused as refused:  # shown at the top of the form; Flask-Admin rolls the whole save back
            raise ValidationError(";".join(refused.reasons)) from refused

    def on_model_delete(self, model):
        """A locked record is not deleted either; a deleted one takes its documents with it."""
        reason = lock_reason(model)
        if reason:
            raise ValidationError(reason)
        super().on_model_delete(model)
        remove_documents(model)

    def get_save_return_url(self, model, is_created=False):
        """A new record that can be handed on opens on its page: a call becomes a complaint, a complaint a work order."""
        if is_created and targets_of(self.endpoint, model):
            return self.get_url(".details_view", id=model.id)
        return super().get_save_return_url(model, is_created)

    def render(self, template, **kwargs):
        """Give the details page the record's timeline and the transitions open to this user."""
        if template == self.details_template and kwargs.get("model") is not None:
            record = kwargs["model"]
            kwargs["events"] = timeline(self, record)
            kwargs["attachments"] = attachments_of(record)
            kwargs["document_kinds"] = kinds_for(self.endpoint)
            kwargs["intake"] = targets_of(self.endpoint, record) if self.can_create else []
            if hasattr(record, "follow_ups"):
                kwargs["follow_ups"] = [follow_up(row) for row in record.follow_ups()]
            if hasattr(record, "time_limit"):
                kwargs["deadline"] = record.time_limit()
            kwargs.update(self.flow_context(record))
            if hasattr(record, "standing"):  # what it waits for, less what the buttons already say
                shown = {reason for _, reasons, _, _ in kwargs.get("transitions", ()) for reason in reasons}
                label, waiting = record.standing()
                kwargs["standing"] = (label, [item for item in waiting if item not in shown])
        return super().render(template, **kwargs)
