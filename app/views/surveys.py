"""满意度调查批次: a campaign's page sets the S2-6 targets against its results and lists who is to be revisited."""
from flask import request

from ..i18n import L
from ..models.enums import SATISFACTION
from ..servicedesk.complaints import SURVEY_ITEM
from ..servicedesk.surveys import REVISIT_STATE, SatisfactionSurvey, moved_in_households
from ..reports.figures import Chart, choice_pair, pair
from .base import DeclaredModelView, default_project


class SurveyView(DeclaredModelView):
    """Managers plan a campaign; everyone reads its targets, rates and follow-ups."""

    write_roles = ("manager", "admin")
    details_template = "admin/surveys/details.html"

    def __init__(self, **kwargs):
        super().__init__(SatisfactionSurvey, name=L(*SatisfactionSurvey.__label__), endpoint="satisfaction_survey",
                         **kwargs)

    def create_form(self, obj=None):
        """Start a campaign on the user's estate with its moved-in households counted."""
        form = super().create_form(obj)
        if request.method == "GET" and form.project.data is None:
            project = form.project.data = default_project()
            if project is not None:
                form.moved_in_households.data = moved_in_households(project.id)
        return form

    def render(self, template, **kwargs):
        """Give the details page the figures, the households to revisit and, if the macro exists, a chart."""
        record = kwargs.get("model")
        if template == self.details_template and record is not None:
            figures = record.figures()
            chart = Chart(pair("分项满意率(%)", "Satisfaction by item (%)"),
                          [choice_pair(SURVEY_ITEM, item) for item in figures.item_rates],
                          list(figures.item_rates.values()), "%")
            kwargs.update(figures=figures, follow_ups=record.follow_up_list(), item_label=SURVEY_ITEM.label,
                          rating_label=SATISFACTION.label, state_label=REVISIT_STATE.label,
                          chart=chart if figures.item_rates else None)
        return super().render(template, **kwargs)
