"""Indexes for the due list and the home pages of a company (issue 12).

The call-back index covered every open call, settled or handed on to a complaint or work order too, so a count
or a user's estate read each of them from the table; now it holds only the calls the desk still owes a reply,
and a second one leads with the estate. Open work orders get their own index by due time (the due-time index
walked a year of closed orders first), and an estate's calls one by estate and time (today's calls, a month's
figures).

Revision ID: 0016_due
Revises: 0015_estates
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_due"
down_revision = "0015_estates"
branch_labels = None
depends_on = None

OWED = "closed_at IS NULL AND routing NOT IN ('settled', 'complaint', 'work_order')"
OPEN_WORK = "status IN ('created', 'dispatched', 'in_progress')"


def _index(name, table, columns, where):
    op.create_index(name, table, columns, unique=False, sqlite_where=sa.text(where), postgresql_where=sa.text(where))


def upgrade():
    op.drop_index("ix_call_visit_logs_open_promises", table_name="call_visit_logs")
    _index("ix_call_visit_logs_open_promises", "call_visit_logs", ["promised_reply_at"], OWED)
    _index("ix_call_visit_logs_open_promises_by_estate", "call_visit_logs", ["project_id", "promised_reply_at"], OWED)
    _index("ix_work_orders_open_due", "work_orders", ["due_at"], OPEN_WORK)
    op.create_index("ix_call_visit_logs_project_id_contact_at", "call_visit_logs", ["project_id", "contact_at"],
                    unique=False)


def downgrade():
    op.drop_index("ix_call_visit_logs_project_id_contact_at", table_name="call_visit_logs")
    op.drop_index("ix_work_orders_open_due", table_name="work_orders")
    op.drop_index("ix_call_visit_logs_open_promises_by_estate", table_name="call_visit_logs")
    op.drop_index("ix_call_visit_logs_open_promises", table_name="call_visit_logs")
    _index("ix_call_visit_logs_open_promises", "call_visit_logs", ["promised_reply_at"], "closed_at IS NULL")
