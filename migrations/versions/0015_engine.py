"""Every state under the engine: the database checks a personal-data log's action; a renovation keeps its receipt, the unit's state to give back, its last stop and
its extensions as columns instead of reading them out of the logs.

Revision ID: 0015_engine
Revises: 0009_import
Create Date: 2026-12-02 13:40:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = "0015_engine"
down_revision = "0009_import"
branch_labels = None
depends_on = None

OCCUPANCY = ("undelivered", "vacant", "handed_over", "owner_occupied", "rented", "renovating")


def upgrade():
    with op.batch_alter_table("pii_access_logs", schema=None) as batch_op:  # the database checks it as the model does
        batch_op.create_check_constraint("ck_pii_access_logs_action", "action IN ('reveal', 'export')")
    with op.batch_alter_table("renovation_applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fee_receipt_no", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("occupancy_before", sa.Enum(*OCCUPANCY, native_enum=False, create_constraint=True,
                                                                  length=22), nullable=True))
        batch_op.add_column(sa.Column("suspended_at", app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("extensions_approved", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("renovation_applications", schema=None) as batch_op:
        batch_op.drop_column("extensions_approved")
        batch_op.drop_column("suspended_at")
        batch_op.drop_column("occupancy_before")
        batch_op.drop_column("fee_receipt_no")
    with op.batch_alter_table("pii_access_logs", schema=None) as batch_op:
        batch_op.drop_constraint("ck_pii_access_logs_action", type_="check")
