"""Model-level behaviour shared by every form: derived values, audit trail."""
import sqlalchemy as sa

from app.demo.generator import build, fake_record
from app.extensions import db
from app.models import FORMS, AuditLog, Project


def test_totals_follow_a_change_to_a_line_alone(app, rnd):
    model = FORMS["estate_weekly_patrol"]
    with app.app_context():
        values, items = fake_record(model, rnd, lines=(2, 2))
        for row in items["items"]:
            row.update(result="normal", rectified=False)
        patrol = build(model, values, items)
        patrol.project = db.session.scalar(sa.select(Project))
        db.session.add(patrol)
        db.session.commit()
        assert patrol.issues_found == 0
        patrol.items[0].result, patrol.items[0].issue = "abnormal", "路灯不亮"
        db.session.commit()
        assert (patrol.issues_found, patrol.issues_closed) == (1, 0)


def test_every_change_is_in_the_audit_log(app, rnd):
    model = FORMS["call_visit_log"]
    with app.app_context():
        record = build(model, *fake_record(model, rnd))
        record.project = db.session.scalar(sa.select(Project))
        db.session.add(record)
        db.session.commit()
        old_name = record.name
        record.name = "改过的名字"
        db.session.commit()
        rows = db.session.scalars(sa.select(AuditLog).filter_by(table_name="call_visit_logs", row_id=record.id)
                                  .order_by(AuditLog.id)).all()
        assert [row.action for row in rows] == ["create", "update"]
        assert rows[1].changes == {"name": [old_name, "改过的名字"]}
