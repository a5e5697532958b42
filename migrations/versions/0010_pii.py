"""Log every reveal and export of personal data (pii_access_logs).

Revision ID: 0009_pii
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = "0009_pii"
down_revision = "0009_auth"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pii_access_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_pii_access_logs_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pii_access_logs")),
    )
    with op.batch_alter_table("pii_access_logs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pii_access_logs_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pii_access_logs_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("pii_access_logs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pii_access_logs_user_id"))
        batch_op.drop_index(batch_op.f("ix_pii_access_logs_at"))
    op.drop_table("pii_access_logs")
