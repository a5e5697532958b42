"""Search by index: an FTS5 trigram table per searched table on SQLite, pg_trgm GIN indexes on PostgreSQL.

Revision ID: 0009_find
Revises: 0008

The tables and columns are each model's `__search__` text columns (app.models.search.search_tables(), frozen
here). On SQLite the FTS tables hold no text of their own (external content) and triggers keep them in step;
a later migration that rebuilds one of these tables (batch_alter_table) drops its triggers, which
migrations/env.py re-creates after every upgrade (app.models.search.repair_sqlite_index).
"""
from alembic import op

from app.models.search import sqlite_index_ddl

revision = "0009_find"
down_revision = "0009_perf"
branch_labels = None
depends_on = None

SEARCHED = {
    "arrears_records": ('serial_no',),
    "building_condition_checks": ('serial_no', 'inspector_names', 'developer_rep_name'),
    "building_handovers": ('serial_no', 'handing_over_party', 'handing_over_rep_name', 'receiving_party'),
    "building_patrols": ('serial_no', 'notes_and_suggestions'),
    "building_takeover_inspections": ('serial_no', 'handing_over_party', 'developer_rep_name', 'inspector_names'),
    "buildings": ('code', 'name'),
    "call_visit_logs": ('serial_no', 'name', 'phone', 'matter'),
    "cleaning_daily_checks": ('serial_no', 'area_scope', 'cleaner_on_duty'),
    "cleaning_monthly_evaluations": ('serial_no', 'co_evaluators', 'contractor_rep_name'),
    "cleaning_weekly_checks": ('serial_no', 'contractor_rep_name'),
    "common_key_handovers": ('serial_no', 'handing_over_party', 'developer_rep_name', 'discrepancies'),
    "community_activities": ('serial_no', 'title', 'location', 'summary'),
    "complaint_categories": ('name',),
    "complaint_summaries": ('serial_no', 'analysis'),
    "complaint_tickets": ('serial_no', 'complainant_name', 'contact_phone', 'content', 'result'),
    "construction_permits": ('serial_no', 'applicant_name', 'location', 'site_manager_name', 'site_manager_mobile'),
    "contractors": ('name', 'uscc', 'contact_name'),
    "courtesy_item_loans": ('serial_no', 'item_no', 'borrower_name', 'borrower_mobile'),
    "departments": ('name',),
    "equipment_takeover_defects": ('serial_no', 'facility_name', 'location', 'description', 'responsible_party'),
    "estate_weekly_patrols": ('serial_no', 'patrol_team', 'summary'),
    "facility_handovers": ('serial_no', 'handing_over_party', 'developer_rep_name', 'co_receivers'),
    "fee_items": ('name',),
    "feedback_records": ('serial_no', 'person_name', 'contact_phone', 'content', 'reply_text'),
    "fire_equipment_handovers": ('serial_no', 'handing_over_party', 'handing_over_rep_name', 'fire_acceptance_doc_no'),
    "fire_extinguisher_rentals": ('serial_no', 'applicant_name', 'applicant_mobile'),
    "fire_extinguishers": ('asset_no', 'location'),
    "front_desk_ledger_entries": ('serial_no', 'contact_name', 'contact_phone', 'description', 'action_taken'),
    "greening_daily_checks": ('serial_no', 'area_scope', 'gardeners'),
    "greening_evaluations": ('serial_no', 'co_evaluators', 'contractor_rep_name'),
    "hot_work_permits": ('serial_no', 'location', 'operator_name', 'fire_watch_name', 'fire_watch_mobile'),
    "housing_takeover_defects": ('serial_no', 'location_part', 'description', 'responsible_party'),
    "incident_trackings": ('serial_no', 'location', 'description'),
    "item_releases": ('serial_no', 'applicant_name', 'applicant_mobile', 'vehicle_plate', 'mover_company', 'slip_no'),
    "key_categories": ('name',),
    "key_custody_declarations": ('serial_no', 'authorized_persons', 'withdrawn_by_name'),
    "key_inventory_counts": ('remarks',),
    "key_loans": ('serial_no', 'borrower_name', 'borrower_org', 'borrower_mobile', 'purpose'),
    "keys": ('tag_no', 'room_name'),
    "move_in_receipts": ('serial_no', 'proxy_name', 'fees_receipt_nos'),
    "outsourced_nonconformities": ('serial_no', 'source_no', 'location', 'description'),
    "owner_card_applications": ('serial_no', 'holder_name', 'holder_mobile', 'card_no'),
    "owner_info_summaries": ('serial_no',),
    "owner_registrations": ('serial_no', 'owner_name', 'mobile', 'emergency_contact_name', 'vehicle_plates'),
    "owners": ('name', 'mobile'),
    "pest_control_inspections": ('serial_no', 'contractor_rep_name'),
    "pest_control_records": ('serial_no', 'operators', 'chemical_name', 'other_areas'),
    "projects": ('code', 'name', 'address'),
    "public_area_bookings": ('serial_no', 'applicant_name', 'org_name', 'applicant_mobile', 'description'),
    "public_areas": ('name',),
    "rectification_notices": ('serial_no', 'recipient_name', 'facts', 'required_action'),
    "renovation_applications": ('serial_no', 'applicant_name', 'applicant_mobile', 'site_manager_name', 'scope'),
    "renovation_completion_inspections": ('serial_no', 'applicant_name', 'other_inspectors'),
    "renovation_guarantees": ('serial_no', 'signer_name'),
    "renovation_inspections": ('serial_no', 'site_manager_name'),
    "renovation_permits": ('serial_no', 'fee_receipt_no', 'site_manager_name', 'scope_summary'),
    "renovation_resumptions": ('serial_no', 'applicant_name', 'rectification_done'),
    "renovation_safety_undertakings": ('serial_no', 'owner_signer_name', 'contractor_signer_name'),
    "renovation_statistics": ('serial_no',),
    "renovation_worker_passes": ('serial_no', 'applied_by_name'),
    "repair_undertakings": ('serial_no', 'undertaker_name', 'location', 'damage_description'),
    "residents": ('name', 'mobile'),
    "revisit_records": ('serial_no', 'shortcomings', 'suggestions'),
    "satisfaction_survey_responses": ('serial_no', 'survey_batch', 'respondent_name', 'comments'),
    "satisfaction_surveys": ('title',),
    "service_team_statistics": ('serial_no', 'summary_and_plan'),
    "signage_items": ('serial_no', 'sign_code', 'content', 'location', 'supplier'),
    "staff_members": ('employee_no', 'name', 'mobile'),
    "unit_key_handovers": ('serial_no', 'handing_over_party', 'developer_rep_name', 'discrepancies'),
    "unit_owners": ('property_cert_no', 'purchase_contract_no'),
    "unit_takeover_inspections": ('serial_no', 'attendee_name'),
    "units": ('display_no',),
    "vacant_unit_inspections": ('serial_no', 'abnormal_description'),
    "warranty_followups": ('serial_no', 'location', 'description', 'return_slip_no', 'developer_contact'),
    "waste_collection_records": ('serial_no', 'vehicle_plate', 'driver_name'),
    "waterproof_tests": ('serial_no', 'owner_signer_name', 'contractor_signer_name', 'leak_description'),
    "work_orders": ('serial_no', 'requester_name', 'requester_phone', 'location', 'description'),
}


def trgm_index(table, column):
    return f"ix_{table}_{column}"[:58] + "_trgm"  # PostgreSQL names stop at 63 characters


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, columns in SEARCHED.items():
        if dialect == "sqlite":
            for statement in sqlite_index_ddl(table, columns):
                op.execute(statement)
        elif dialect == "postgresql":
            for column in columns:
                op.execute(f"CREATE INDEX {trgm_index(table, column)} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade():
    dialect = op.get_bind().dialect.name
    for table, columns in SEARCHED.items():
        if dialect == "sqlite":
            for action in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{action}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
        elif dialect == "postgresql":
            for column in columns:
                op.execute(f"DROP INDEX IF EXISTS {trgm_index(table, column)}")
