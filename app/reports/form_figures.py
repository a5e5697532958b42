"""The five report forms take their figures from the registers when made or re-scoped, whoever saves them."""
from ..core.saving import reacts_to
from ..models.fields import snake
from .forms import ComplaintSummary, Computed
from .complaints import category_lines
from .registry import compute

CATEGORY = frozenset(("category", "category_id"))


@reacts_to(Computed)
def fill_report_form(record, saved):
    """New or re-scoped: all figures afresh; otherwise only a complaint-summary line added or re-categorised."""
    start, end = record.period()
    if record.project is None or start is None or end is None or start > end:
        return  # the form's rules refuse such a record; nothing to compute from
    if saved.created or saved.changed & set(record.__inputs__):
        record.take(compute(snake(type(record).__name__), record.project, start, end,
                            getattr(record, "building", None)))
    elif isinstance(record, ComplaintSummary):
        fresh = [line for line, keys in saved.changed_lines.items() if len(keys) > 1 or keys & CATEGORY]
        if fresh:
            record.count_lines(fresh, category_lines(record.project.id, start, end))
