"""Give owner card applications (6.3) a state, so their flow can approve, issue and cancel them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CARD_STATES = ("submitted", "approved", "issued", "rejected", "cancelled")


def upgrade():
    with op.batch_alter_table("owner_card_applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.Enum(*CARD_STATES, native_enum=False, create_constraint=True, length=17,
                                                        name=op.f("ck_owner_card_applications_status")),
                                      nullable=False, server_default="submitted"))
        batch_op.create_index(batch_op.f("ix_owner_card_applications_status"), ["status"], unique=False)
    # a card with an issue time was handed out before the flow existed; the rest wait for a decision
    op.execute("UPDATE owner_card_applications SET status = 'issued' WHERE issued_at IS NOT NULL")
    if op.get_bind().dialect.name != "sqlite":  # SQLite would rebuild the whole table to drop a default
        op.alter_column("owner_card_applications", "status", server_default=None)


def downgrade():
    with op.batch_alter_table("owner_card_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_owner_card_applications_status"))
        batch_op.drop_constraint(batch_op.f("ck_owner_card_applications_status"), type_="check")
        batch_op.drop_column("status")
