"""flask record: make a form's record and take a flow's step from the command line.

The same domain layer as the pages: the form's checks, `save()` and its reactions, `press()` for a step; one commit
at the end, refusals printed in Chinese and a non-zero exit status when anything is refused.
"""
import click
import sqlalchemy as sa

from .core.declared import editable_fields, label_for
from .core.saving import Refused, save
from .extensions import db
from .imports.cells import Unreadable, read_cell
from .imports.plan import Planner
from .models import FORMS, User
from .models.fields import snake
from .workflow import finish, flow_of, lock_reason, press


def register_record_commands(app):
    @app.cli.group("record")
    def record_group():
        """Make a form's record, or take a step of its flow (as a named user)."""

    @record_group.command("new")
    @click.argument("form")
    @click.argument("pairs", nargs=-1)
    @click.option("--as", "username", required=True, help="the user who records it")
    def new_command(form, pairs, username):
        """Make a record of FORM from field=value pairs (a reference by its id, a choice by its code or label)."""
        user, model = _user(username), _model(form, FORMS)
        values = _values(model, pairs, editable_fields(model))
        if "project" not in values and getattr(user.staff, "project", None) is not None:
            values["project"] = user.staff.project  # the estate the clerk's page starts on
        _refuse_on(Planner.check(model, values, None))
        record = Planner.fill(model, values, None)[0]
        record.created_by_id = record.updated_by_id = user.id
        _save(record, user, created=True)

    @record_group.command("edit")
    @click.argument("form")
    @click.argument("record_id", type=int)
    @click.argument("pairs", nargs=-1)
    @click.option("--as", "username", required=True, help="the user who changes it")
    def edit_command(form, record_id, pairs, username):
        """Change fields of record RECORD_ID of FORM, as its edit page would (a locked state refuses)."""
        user, model = _user(username), _model(form, FORMS)
        record = db.session.get(model, record_id)
        if record is None:
            _refuse_on([f"没有编号为 {record_id} 的记录"])
        _refuse_on([reason] if (reason := lock_reason(record)) else [])
        values = _values(model, pairs, editable_fields(model))
        _refuse_on(Planner.check(model, values, record))
        Planner.fill(model, values, record)
        record.updated_by_id = user.id
        _save(record, user, created=False)

    @record_group.command("step")
    @click.argument("form")
    @click.argument("record_id", type=int)
    @click.argument("action")
    @click.argument("pairs", nargs=-1)
    @click.option("--as", "username", required=True, help="the user who takes the step")
    @click.option("--comment", default="", help="the reason, where the step asks for one")
    def step_command(form, record_id, action, pairs, username, comment):
        """Take ACTION of the flow of record RECORD_ID of FORM, with the fields the step asks for."""
        user = _user(username)
        model = _model(form, {snake(m.class_.__name__): m.class_ for m in db.Model.registry.mappers
                              if flow_of(m.class_) is not None})
        record = db.session.get(model, record_id)
        if record is None:
            _refuse_on([f"没有编号为 {record_id} 的记录"])
        transition = flow_of(model).transition(action)
        values = _values(model, pairs, transition.fields if transition else ())
        _refuse_on(finish(press(record, action, user, comment, values)))
        click.echo(f"{record}:{flow_of(model).state_label(record)}")


def _save(record, user, created):
    """Save through the domain layer and commit once, or refuse and keep nothing."""
    try:
        save(record, user, created=created)
    except Refused as refused:
        _refuse_on(refused.reasons)
    finish([])
    click.echo(f"{record.__form__.title} {record.serial_no} (id {record.id})")


def _refuse_on(reasons):
    """Print each reason and leave with status 1; nothing of this command's work is kept."""
    if reasons:
        db.session.rollback()
        for reason in reasons:
            click.echo(f"未完成:{reason}", err=True)
        raise SystemExit(1)


def _user(username):
    user = db.session.scalar(sa.select(User).filter_by(username=username))
    if user is None or not user.is_active:
        _refuse_on([f"没有启用的用户「{username}」"])
    return user


def _model(name, models):
    if name not in models:
        _refuse_on([f"没有表单「{name}」"])
    return models[name]


def _values(model, pairs, allowed):
    """The fields named in `field=value` pairs, read as the form's fields would hold them."""
    mapper, values, reasons = sa.inspect(model), {}, []
    for pair in pairs:
        name, equals, raw = pair.partition("=")
        name = name.strip()
        if not equals or name not in allowed:
            reasons.append(f"「{pair}」不是可填写的字段(字段=值)")
            continue
        if name in mapper.relationships:
            target = mapper.relationships[name].mapper.class_
            values[name] = db.session.get(target, int(raw)) if raw.strip().isdigit() else None
            if values[name] is None:
                reasons.append(f"「{label_for(model, name)}」找不到编号为 {raw} 的记录")
            continue
        try:
            values[name] = read_cell(mapper.columns[name], raw)
        except Unreadable as problem:
            reasons.append(f"「{label_for(model, name)}」{problem}")
    _refuse_on(reasons)
    return values
