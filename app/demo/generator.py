"""Plausible values for any declared model, read off its column kinds; used by the demo data and the tests."""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ..extensions import db
from ..models.types import utcnow
from ..scoping import estate_condition
from ..validators import USCC_CHARS, id18_check_char, uscc_check_char
from ..views.declared import editable_fields, field_info

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "建华", "海燕"]
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
TRADES = ("科技", "贸易", "建筑工程", "物流", "餐饮管理", "教育咨询", "电子", "医药")
NOTES = ("按现场情况登记", "已与业主确认", "详见附件", "无")


def company_name(rnd):
    return f"深圳市{rnd.choice('华安美佳鸿盛金源恒达')}{rnd.choice('华安美佳鸿盛金源恒达')}{rnd.choice(TRADES)}有限公司"


def person_name(rnd):
    return rnd.choice(SURNAMES) + rnd.choice(GIVEN)


def mobile(rnd):
    return "1" + rnd.choice("3456789") + "".join(rnd.choice("0123456789") for _ in range(9))


def id18(rnd):
    born = date(1950, 1, 1) + timedelta(days=rnd.randrange(0, 365 * 50))
    first = f"440305{born:%Y%m%d}{rnd.randrange(100, 999)}"
    return first + id18_check_char(first)


def uscc(rnd):
    first = "91" + "440300" + "".join(rnd.choice(USCC_CHARS) for _ in range(9))
    return first + uscc_check_char(first)


def plate(rnd):
    return "粤" + rnd.choice("BS") + "".join(rnd.choice(PLATE_LETTERS + "0123456789") for _ in range(5))


def recent_moment(rnd, days=60):
    return utcnow().replace(second=0, microsecond=0) - timedelta(minutes=rnd.randrange(60, days * 1440))


def _number(info, rnd, default_low, default_high, whole=True):
    low = info.get("low") if info.get("low") is not None else default_low
    high = info.get("high") if info.get("high") is not None else default_high
    if whole:
        return rnd.randint(int(low), int(high))
    return Decimal(rnd.randint(int(low * 10), int(high * 10))) / 10


def value_for(model, name, rnd, serial=0):
    """A valid value for one field, or None when there is nothing to pick."""
    info = field_info(model, name)
    kind = info.get("kind")
    demo = info.get("demo")
    if demo:
        return rnd.choice(demo)
    rel = sa.inspect(model).relationships.get(name)
    if rel is not None:
        return pick_row(rel.mapper.class_, rnd)
    column = model.__table__.columns[name]
    label = str(info.get("label") or name)
    if info.get("choices"):
        return rnd.choice(info["choices"].codes)
    makers = {
        "flag": lambda: rnd.random() < 0.8,  # most boxes on a filled form are ticked
        "date": lambda: recent_moment(rnd).date(),
        "datetime": lambda: recent_moment(rnd),
        "time": lambda: time(rnd.randrange(7, 20), rnd.choice((0, 30))),
        "count": lambda: rnd.randint(0, 20),
        "qty": lambda: rnd.randint(1, 10),
        "integer": lambda: _number(info, rnd, 1, 12),
        "money": lambda: Decimal(rnd.randrange(0, 500000)) / 100,
        "decimal": lambda: _number(info, rnd, 1, 200, whole=False),
        "score": lambda: _number(info, rnd, info.get("high", 10) * 0.6, info.get("high", 10), whole=False),
        "pct": lambda: _number(info, rnd, 60, 100, whole=False),
        "mobile": lambda: mobile(rnd),
        "phone": lambda: mobile(rnd),
        "id18": lambda: id18(rnd),
        "id_number": lambda: id18(rnd),
        "uscc": lambda: uscc(rnd),
        "plate": lambda: plate(rnd),
        "email": lambda: f"user{rnd.randrange(1000, 9999)}@example.com",
        "long_text": lambda: f"{label}:详见现场记录。",
    }
    if kind in makers:
        return makers[kind]()
    if isinstance(column.type, sa.String):
        if "姓名" in label or name.endswith("name") or "人" in label[-2:]:
            value = person_name(rnd)
        elif "单位" in label or "公司" in label:
            value = company_name(rnd)
        else:  # a field without its own demo list gets a plausible note, never a numbered label
            value = rnd.choice(NOTES)
        return value[: column.type.length or 40]
    return None


_ESTATE: ContextVar = ContextVar("demo_estate", default=None)


@contextmanager
def within_estate(project):
    """Records made inside point only at rows of this estate (its units, its staff, its other records)."""
    token = _ESTATE.set(getattr(project, "id", project))
    try:
        yield
    finally:
        _ESTATE.reset(token)


def pick_row(target, rnd):
    """A random active row of a lookup, or a random record of another form (of the estate, inside within_estate)."""
    query = sa.select(target.id)
    if hasattr(target, "is_active"):
        query = query.where(target.is_active.is_(True))
    condition = estate_condition(target, {_ESTATE.get()}) if _ESTATE.get() is not None else None
    if condition is not None:
        query = query.where(condition)
    ids = db.session.scalars(query).all()
    # its own relationships load when used, not eagerly on every pick: eager loads were most of the demo's time
    return db.session.get(target, rnd.choice(ids), options=[sa.orm.lazyload("*")]) if ids else None


def fake_record(model, rnd, serial=0, optional=0.8, lines=(2, 3)):
    """(values, line items by relationship) for a whole form, its rules seeing both."""
    for _attempt in range(40):
        items = {}
        for name, rel in sa.inspect(model).relationships.items():
            if rel.info.get("kind") == "lines":
                child = rel.mapper.class_
                items[name] = [{**fake_values(child, rnd, i + 1, optional), "sort": i + 1}
                               for i in range(rnd.randint(*lines))]
        try:
            return fake_values(model, rnd, serial, optional, items, attempts=15), items
        except ValueError:
            continue  # the rules want other line items: draw them again
    raise ValueError(f"could not make valid demo values for {model.__name__}")


def fake_values(model, rnd, serial=0, optional=0.8, items=None, attempts=60):
    """Values for every editable field that satisfy the model's validators and cross-field rules."""
    names = [n for n in editable_fields(model) if field_info(model, n).get("kind") != "lines"]
    for _attempt in range(attempts):
        values = {}
        for name in names:
            column = model.__table__.columns.get(name)
            required = column is not None and not column.nullable
            rel = sa.inspect(model).relationships.get(name)
            if rel is not None:
                required = not next(iter(rel.local_columns)).nullable
            if required or rnd.random() < optional:
                values[name] = value_for(model, name, rnd, serial)
            else:
                values[name] = None
        if _mend(model, values, rnd, serial, items or {}):
            return values
    raise ValueError(f"could not make valid demo values for {model.__name__}")


def _mend(model, values, rnd, serial, items):
    """Mend what breaks a rule: fill a blank field, apply the rule's repair, or draw the field again."""
    for _round in range(20):
        data = {**values, **items}
        broken = [(rule, field) for rule in getattr(model, "__rules__", ()) for field, _ in rule.errors(data)]
        if not broken:
            return True
        for rule, field in broken:
            if values.get(field) in (None, "", False) and field_info(model, field).get("kind") == "flag":
                values[field] = True
            elif values.get(field) not in (None, "", False) and rule.repair:
                rule.repair(values)
            else:
                values[field] = value_for(model, field, rnd, serial)
    return False


def build(model, values, items):
    """An unsaved instance from a form's values and line items."""
    obj = model(**{k: v for k, v in values.items() if v is not None})
    for name, rows in items.items():
        child = getattr(model, name).property.mapper.class_
        getattr(obj, name).extend(child(**{k: v for k, v in row.items() if v is not None}) for row in rows)
    return obj
