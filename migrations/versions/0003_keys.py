"""Key loans get their flow's states and a lock-change work order; the monthly key count gets its tables.

Overdue stops being a stored state (it is derived from expected_return_at), so overdue loans become lent.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import app.models.types

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD_STATES = ("lent", "returned", "overdue", "lost", "issued")
LOAN_STATES = ("registered", "pending_approval", "lent", "returned", "lost", "issued", "rejected", "cancelled")
KEY_STATES = ("in_cabinet", "on_loan", "in_custody", "returned_to_owner", "lost", "void")


def _status(states, length):
    return sa.Enum(*states, native_enum=False, create_constraint=True, length=length,
                   name=op.f("ck_key_loans_status"))


def upgrade():
    op.execute("UPDATE key_loans SET status = 'lent' WHERE status = 'overdue'")
    with op.batch_alter_table("key_loans", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=_status(OLD_STATES, 16), type_=_status(LOAN_STATES, 24),
                              existing_nullable=False)
        batch_op.add_column(sa.Column("lock_change_order_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_key_loans_lock_change_order_id"), ["lock_change_order_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_key_loans_lock_change_order_id_work_orders"), "work_orders",
                                    ["lock_change_order_id"], ["id"])

    op.create_table(
        "key_inventory_counts",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("count_from", sa.Date(), nullable=False),
        sa.Column("count_to", sa.Date(), nullable=True),
        sa.Column("counted_by_id", sa.Integer(), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("expected", sa.Integer(), nullable=True),
        sa.Column("in_cabinet", sa.Integer(), nullable=True),
        sa.Column("on_loan", sa.Integer(), nullable=True),
        sa.Column("in_custody", sa.Integer(), nullable=True),
        sa.Column("missing", sa.Integer(), nullable=True),
        sa.Column("reported_at", app.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reported_to_id", sa.Integer(), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("created_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["checked_by_id"], ["staff_members.id"],
                                name=op.f("fk_key_inventory_counts_checked_by_id_staff_members")),
        sa.ForeignKeyConstraint(["counted_by_id"], ["staff_members.id"],
                                name=op.f("fk_key_inventory_counts_counted_by_id_staff_members")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_key_inventory_counts_created_by_id_users")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_key_inventory_counts_project_id_projects")),
        sa.ForeignKeyConstraint(["reported_to_id"], ["staff_members.id"],
                                name=op.f("fk_key_inventory_counts_reported_to_id_staff_members")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_key_inventory_counts_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_inventory_counts")),
    )
    with op.batch_alter_table("key_inventory_counts", schema=None) as batch_op:
        for column in ("checked_by_id", "counted_by_id", "project_id", "reported_to_id"):
            batch_op.create_index(batch_op.f(f"ix_key_inventory_counts_{column}"), [column], unique=False)

    op.create_table(
        "key_inventory_count_lines",
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("expected_status", sa.Enum(*KEY_STATES, native_enum=False, create_constraint=True, length=25),
                  nullable=False),
        sa.Column("expected_place", sa.String(length=100), nullable=True),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=100), nullable=True),
        sa.Column("sort", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["key_id"], ["keys.id"], name=op.f("fk_key_inventory_count_lines_key_id_keys")),
        sa.ForeignKeyConstraint(["parent_id"], ["key_inventory_counts.id"],
                                name=op.f("fk_key_inventory_count_lines_parent_id_key_inventory_counts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_inventory_count_lines")),
    )
    with op.batch_alter_table("key_inventory_count_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_key_inventory_count_lines_key_id"), ["key_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_key_inventory_count_lines_parent_id"), ["parent_id"], unique=False)


def downgrade():
    with op.batch_alter_table("key_inventory_count_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_key_inventory_count_lines_parent_id"))
        batch_op.drop_index(batch_op.f("ix_key_inventory_count_lines_key_id"))
    op.drop_table("key_inventory_count_lines")
    with op.batch_alter_table("key_inventory_counts", schema=None) as batch_op:
        for column in ("reported_to_id", "project_id", "counted_by_id", "checked_by_id"):
            batch_op.drop_index(batch_op.f(f"ix_key_inventory_counts_{column}"))
    op.drop_table("key_inventory_counts")

    # the old states know no waiting or refused loans: those count as lent or returned
    op.execute("UPDATE key_loans SET status = 'lent' WHERE status IN ('registered', 'pending_approval')")
    op.execute("UPDATE key_loans SET status = 'returned' WHERE status IN ('rejected', 'cancelled')")
    with op.batch_alter_table("key_loans", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_key_loans_lock_change_order_id_work_orders"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_key_loans_lock_change_order_id"))
        batch_op.drop_column("lock_change_order_id")
        batch_op.alter_column("status", existing_type=_status(LOAN_STATES, 24), type_=_status(OLD_STATES, 16),
                              existing_nullable=False)
