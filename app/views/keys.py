"""The key loan register opens on the front desk's worklist: loans out, the overdue first."""
import sqlalchemy as sa

from .forms import FormView


class KeyLoanView(FormView):
    """6.54 with its default order changed; every other behaviour is the generic form view's."""

    def _get_default_order(self):
        loan = self.model
        yield sa.case((loan.is_overdue, 0), (loan.status == "lent", 1), else_=2), [], False
        yield loan.expected_return_at, [], False
        yield loan.id, [], True
