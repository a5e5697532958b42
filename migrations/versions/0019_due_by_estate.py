"""Index an estate's running deadlines, for the due list and the home pages of a user of some estates (issue 12).

A manager's due list counted the complaints due before tomorrow off the deadline index of every estate (4,221
entries on a company's data, 3,879 of other estates) and the open work orders likewise; each is now read by estate
and deadline.

Revision ID: 0019_due_by_estate
Revises: 0018_estate_ids
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_due_by_estate"
down_revision = "0018_estate_ids"
branch_labels = None
depends_on = None

OPEN_WORK = "status IN ('created', 'dispatched', 'in_progress')"


def upgrade():
    op.create_index("ix_complaint_tickets_project_id_due_at", "complaint_tickets", ["project_id", "due_at"],
                    unique=False)
    op.create_index("ix_work_orders_open_due_by_estate", "work_orders", ["project_id", "due_at"], unique=False,
                    sqlite_where=sa.text(OPEN_WORK), postgresql_where=sa.text(OPEN_WORK))


def downgrade():
    op.drop_index("ix_work_orders_open_due_by_estate", table_name="work_orders")
    op.drop_index("ix_complaint_tickets_project_id_due_at", table_name="complaint_tickets")
