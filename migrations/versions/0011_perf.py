"""Index the calls still open by their promised reply time, for the due list's call-backs (issue 12).

Revision ID: 0009_perf
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = "0009_perf"
down_revision = "0009_pii"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_call_visit_logs_open_promises", "call_visit_logs", ["promised_reply_at"], unique=False,
                    sqlite_where=sa.text("closed_at IS NULL"), postgresql_where=sa.text("closed_at IS NULL"))


def downgrade():
    op.drop_index("ix_call_visit_logs_open_promises", table_name="call_visit_logs")
