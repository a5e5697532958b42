"""Command-line set-up and the serial numbers every record gets."""
import re
from datetime import datetime, timezone

import sqlalchemy as sa

from app.demo.generator import build, fake_record
from app.extensions import db
from app.models import FORMS, ComplaintCategory, Project, User
from app.models.events import next_serial
from tests.conftest import make_app


def test_create_user_command(tmp_path):
    app = make_app(tmp_path / "cli.sqlite")
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "alice", "--role", "manager", "--role", "clerk",
                                 "--password", "Qiu-lan-88-mei"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["create-user", "alice", "--role", "clerk", "--password", "x" * 8]).exit_code != 0
    assert runner.invoke(args=["create-user", "bob", "--role", "clerk", "--password", "short"]).exit_code != 0
    with app.app_context():
        alice = db.session.scalar(sa.select(User).filter_by(username="alice"))
        assert alice.role_codes == {"manager", "clerk"} and alice.check_password("Qiu-lan-88-mei")
        assert db.session.scalar(sa.select(User).filter_by(username="bob")) is None
        # an install without the demo still has the manual's eight complaint categories (R-C1)
        names = db.session.scalars(sa.select(ComplaintCategory.name).order_by(ComplaintCategory.sort)).all()
        assert names == ["安保工作", "清洁", "绿化", "工程维修", "信件、报刊收发", "装修管理", "员工服务态度", "其它"]


def test_setup_migrates_and_loads_the_demo_once(tmp_path):
    app = make_app(tmp_path / "setup.sqlite")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    assert "clerk" in first.output and "admin" in first.output
    second = runner.invoke(args=["setup"])
    assert "existing data kept" in second.output
    with app.app_context():
        assert all(db.session.scalar(sa.select(sa.func.count(m.id))) > 0 for m in FORMS.values())


def test_serial_numbers_count_per_form_and_year(app, rnd):
    model = FORMS["key_loan"]
    with app.app_context():
        project = db.session.scalar(sa.select(Project))
        made = []
        for moment in (datetime(2031, 1, 5, tzinfo=timezone.utc), datetime(2031, 6, 5, tzinfo=timezone.utc),
                       datetime(2032, 2, 1, tzinfo=timezone.utc)):
            record = build(model, *fake_record(model, rnd))
            record.project, record.created_at = project, moment
            db.session.add(record)
            db.session.commit()
            made.append(record.serial_no)
        assert made == ["KF0654-203101-0001", "KF0654-203106-0002", "KF0654-203202-0001"]
        other = build(FORMS["work_order"], *fake_record(FORMS["work_order"], rnd))
        other.project, other.created_at = project, datetime(2031, 3, 1, tzinfo=timezone.utc)
        assert re.fullmatch(r"KF0611-203103-0001", next_serial(db.session, other))
        db.session.rollback()
