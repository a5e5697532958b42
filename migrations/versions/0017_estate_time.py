"""Index the big registers by estate and time, for a company's home pages (issue 12).

An estate's rows made today (the home page's form catalogue) walked the whole register's newest ids to find them,
and a month's complaints and work orders (the manager's month panel, reports 6.2 and 6.7) read every row of the
estate; each now reads only its own rows by estate and time.

Revision ID: 0017_estate_time
Revises: 0016_due
"""
from alembic import op

revision = "0017_estate_time"
down_revision = "0016_due"
branch_labels = None
depends_on = None

INDEXES = (("call_visit_logs", "created_at"), ("complaint_tickets", "created_at"), ("complaint_tickets", "received_at"),
           ("complaint_tickets", "replied_at"), ("work_orders", "created_at"))


def upgrade():
    for table, column in INDEXES:
        op.create_index(f"ix_{table}_project_id_{column}", table, ["project_id", column], unique=False)


def downgrade():
    for table, column in reversed(INDEXES):
        op.drop_index(f"ix_{table}_project_id_{column}", table_name=table)
