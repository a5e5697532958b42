"""Record the deposit refunded when a renovation closes (renovation_applications.deposit_refund).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('renovation_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deposit_refund', sa.Numeric(precision=12, scale=2), nullable=True))


def downgrade():
    with op.batch_alter_table('renovation_applications', schema=None) as batch_op:
        batch_op.drop_column('deposit_refund')
