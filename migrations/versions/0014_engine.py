"""Every state under the engine, facts in columns, one meaning for late and escalated.

A renovation keeps its receipt, the unit's state to give back, its last stop and its extensions as columns instead of
reading them out of the logs; escalation is derived from the one clock (no stored level on calls and incidents); an
extinguisher rental's lateness is derived, not a flag; a courtesy loan is no longer marked overdue by hand; the
database checks a personal-data log's action as the model does.

Revision ID: 0014_engine
Revises: 0009_import
Create Date: 2026-12-02 13:40:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = "0014_engine"
down_revision = "0009_import"
branch_labels = None
depends_on = None

OCCUPANCY = ("undelivered", "vacant", "handed_over", "owner_occupied", "rented", "renovating")
ESCALATION = ("receptionist", "supervisor", "manager")


def upgrade():
    with op.batch_alter_table("renovation_applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fee_receipt_no", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("occupancy_before", sa.Enum(
            *OCCUPANCY, native_enum=False, create_constraint=True, length=22,
            name=op.f("ck_renovation_applications_occupancy_before")), nullable=True))
        batch_op.add_column(sa.Column("suspended_at", app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("extensions_approved", sa.Integer(), nullable=True))
    with op.batch_alter_table("pii_access_logs", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_pii_access_logs_action"), "action IN ('reveal', 'export')")
    with op.batch_alter_table("incident_trackings", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_trackings_escalation_level")
    for table in ("call_visit_logs", "incident_trackings"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_escalation_level"), type_="check")
            batch_op.drop_column("escalation_level")
    with op.batch_alter_table("fire_extinguisher_rentals", schema=None) as batch_op:
        batch_op.drop_column("is_overdue")
    op.execute("UPDATE courtesy_item_loans SET status = 'lent' WHERE status = 'overdue'")
    with op.batch_alter_table("courtesy_item_loans", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_courtesy_item_loans_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_courtesy_item_loans_status"), "status IN ('lent', 'returned', 'lost')")


def downgrade():
    with op.batch_alter_table("courtesy_item_loans", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_courtesy_item_loans_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_courtesy_item_loans_status"),
                                         "status IN ('lent', 'returned', 'overdue', 'lost')")
    with op.batch_alter_table("fire_extinguisher_rentals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_overdue", sa.Boolean(), nullable=False, server_default=sa.false()))
    for table in ("incident_trackings", "call_visit_logs"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("escalation_level", sa.Enum(
                *ESCALATION, native_enum=False, create_constraint=True, length=20,
                name=op.f(f"ck_{table}_escalation_level")), nullable=False, server_default="receptionist"))
    with op.batch_alter_table("incident_trackings", schema=None) as batch_op:
        batch_op.create_index("ix_incident_trackings_escalation_level", ["escalation_level"], unique=False)
    with op.batch_alter_table("pii_access_logs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_pii_access_logs_action"), type_="check")
    with op.batch_alter_table("renovation_applications", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_renovation_applications_occupancy_before"), type_="check")
        batch_op.drop_column("extensions_approved")
        batch_op.drop_column("suspended_at")
        batch_op.drop_column("occupancy_before")
        batch_op.drop_column("fee_receipt_no")
