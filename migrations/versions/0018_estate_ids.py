"""Index every form by estate and id (issue 12).

A form's estate index held the estate alone. On PostgreSQL its entries point into the table, not to ids, so an
estate's newest rows (a clerk's list, and the 10,000 rows a common search first tries) were read from the table,
one page per row where a company's estates interleave: 100-150 ms for a clerk's search of 1380 among a million
calls. Indexed with the id, they are read from the index alone (4-5 ms). The index replaces the old one, which it
serves in full (SQLite's already held the rowid).

Revision ID: 0018_estate_ids
Revises: 0017_estate_time
"""
from alembic import op

revision = "0018_estate_ids"
down_revision = "0017_estate_time"
branch_labels = None
depends_on = None

# every form's table as of this revision (app.models.FORMS)
FORM_TABLES = (
    "arrears_records", "building_condition_checks", "building_handovers", "building_patrols",
    "building_takeover_inspections", "call_visit_logs", "cleaning_daily_checks", "cleaning_monthly_evaluations",
    "cleaning_weekly_checks", "common_key_handovers", "community_activities", "complaint_summaries",
    "complaint_tickets", "construction_permits", "courtesy_item_loans", "equipment_takeover_defects",
    "estate_weekly_patrols", "facility_handovers", "feedback_records", "fire_equipment_handovers",
    "fire_extinguisher_rentals", "front_desk_ledger_entries", "greening_daily_checks", "greening_evaluations",
    "hot_work_permits", "housing_takeover_defects", "incident_trackings", "item_releases",
    "key_custody_declarations", "key_loans", "move_in_receipts", "outsourced_nonconformities",
    "owner_card_applications", "owner_info_summaries", "owner_registrations", "pest_control_inspections",
    "pest_control_records", "public_area_bookings", "rectification_notices", "renovation_applications",
    "renovation_completion_inspections", "renovation_guarantees", "renovation_inspections", "renovation_permits",
    "renovation_resumptions", "renovation_safety_undertakings", "renovation_statistics", "renovation_worker_passes",
    "repair_undertakings", "revisit_records", "satisfaction_survey_responses", "service_team_statistics",
    "signage_items", "unit_key_handovers", "unit_takeover_inspections", "vacant_unit_inspections",
    "warranty_followups", "waste_collection_records", "waterproof_tests", "work_orders",
)


def upgrade():
    for table in FORM_TABLES:
        op.create_index(f"ix_{table}_project_id_id", table, ["project_id", "id"], unique=False)
        op.drop_index(f"ix_{table}_project_id", table_name=table)


def downgrade():
    for table in reversed(FORM_TABLES):
        op.create_index(f"ix_{table}_project_id", table, ["project_id"], unique=False)
        op.drop_index(f"ix_{table}_project_id_id", table_name=table)
