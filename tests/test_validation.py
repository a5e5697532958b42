"""Catalogue §0.4: the pure checks, and every checked field and date order of the 60 forms refused over HTTP."""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict
from wtforms import DecimalField, Form, StringField
from wtforms.validators import Optional

from app import validators as v
from app.core.time import local_today
from app.demo.generator import fake_record
from app.extensions import db
from app.views.entry import later_fields
from app.models import FORMS, Contractor, Owner, UnitOwner
from app.models.fields import snake
from app.views.declared import field_info
from tests.conftest import login
from tests.formdata import editable, errors_in, line_relations, payload

FORM_NAMES = sorted(FORMS, key=lambda name: FORMS[name].__form__.sort_key)
DATE_ORDER_ZH = "结束时间不能早于开始时间"
IDDOC_ZH = "证件号码与证件类型不符(身份证须18位且校验位正确)"
# Bounds as the catalogue states them (V-MONEY, V-COUNT, V-QTY, V-PCT); score/integer/decimal carry theirs in info.
SPEC_BOUNDS = {"money": (0, None), "count": (0, None), "qty": (1, None), "pct": (0, 100)}
# 11010519491231002X, by hand: Σ d·w = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 -> "10X.."[2] = X.
KNOWN_ID = "11010519491231002X"
# 91350100M000100Y43, by hand (M=21, Y=30): Σ c·w = 9+3+27+135+26+420+8+900+112 = 1640; 1640 mod 31 = 28; 31-28 = 3.
KNOWN_USCC = "91350100M000100Y43"


def make_id(born=date(1985, 6, 15), region="440305", seq="123"):
    """A resident ID with the check digit computed by the helper."""
    first = f"{region}{born:%Y%m%d}{seq}"
    return first + v.id18_check_char(first)


def make_uscc(body="91440300MA5F"):
    """A credit code padded to 17 characters with its check character."""
    first = (body + "0123456789ABCDEFG")[:17]
    return first + v.uscc_check_char(first)


def wrong_last(code, alphabet):
    """The same code with another check character from the alphabet."""
    return code[:-1] + alphabet[(alphabet.index(code[-1]) + 1) % len(alphabet)]


def run_check(check, value):
    """(errors, data) of a one-field WTForms form validated by check."""
    form = type("F", (Form,), {"x": StringField(validators=[check])})(data={"x": value})
    form.validate()
    return form.x.errors, form.x.data


# -- 1. the pure checks ----------------------------------------------------------------
@pytest.mark.parametrize("value, ok", [
    ("13812345678", True), ("19912345678", True), ("+86 138 1234 5678", True), ("8613812345678", True),
    ("138-1234-5678", True), ("12812345678", False), ("1381234567", False), ("138123456789", False),
    ("23812345678", False), ("+85 13812345678", False), ("", False), ("1381234567a", False),
])
def test_mobile(value, ok):
    """V-MOBILE with spaces, hyphens and +86 stripped."""
    assert v.is_mobile(value) is ok


def test_mobile_stored_normalised():
    """A +86 number with spaces is stored as its 11 digits."""
    assert run_check(v.MOBILE, "+86 138 1234 5678") == ([], "13812345678")
    assert run_check(v.MOBILE, "12345")[0] == ["请输入11位手机号码,如 13812345678"]


@pytest.mark.parametrize("value, ok", [
    ("0755-12345678", True), ("075512345678", True), ("010-1234567", True), ("021-12345678-123", True),
    ("13812345678", True), ("755-12345678", False), ("0755-123456", False), ("12345", False),
    ("0755-12345678-1234567", False),
])
def test_phone(value, ok):
    """V-PHONE: a mobile or a landline with optional extension."""
    assert v.is_phone(value) is ok


def test_id18():
    """V-ID18: check digit, birth date, length; lower-case x accepted and stored upper."""
    assert v.id18_check_char(KNOWN_ID[:17]) == "X" and v.is_id18(KNOWN_ID)
    good = make_id()
    assert v.is_id18(good) and not v.is_id18(wrong_last(good, v.ID_CHECK))
    future = make_id(born=local_today() + timedelta(days=400))
    assert not v.is_id18(future)
    assert not v.is_id18(make_id(born=date(1899, 12, 31)))
    bad_day = "44030519850231123"
    assert not v.is_id18(bad_day + v.id18_check_char(bad_day))
    assert not v.is_id18("110105491231002")  # 15-digit legacy
    assert not v.is_id18(good[:-1]) and not v.is_id18(good + "0")
    assert v.is_id18(KNOWN_ID.lower())
    assert run_check(v.ID18, KNOWN_ID.lower()) == ([], KNOWN_ID)
    assert run_check(v.ID18, wrong_last(good, v.ID_CHECK))[0] == ["身份证号码无效:须为18位,出生日期有效且校验位正确"]


def test_uscc():
    """V-USCC: check character and the charset without I O Z S V."""
    assert v.uscc_check_char(KNOWN_USCC[:17]) == "3" and v.is_uscc(KNOWN_USCC)
    good = make_uscc()
    assert v.is_uscc(good) and not v.is_uscc(wrong_last(good, v.USCC_CHARS))
    assert not v.is_uscc(good[:-1])
    for letter in "IOZSV":
        assert not v.is_uscc(good[:9] + letter + good[10:]), letter
        assert not v.is_uscc(good[:17] + letter), letter
    assert run_check(v.USCC, good.lower()) == ([], good)
    assert run_check(v.USCC, wrong_last(good, v.USCC_CHARS))[0] == ["统一社会信用代码无效:须为18位且校验位正确"]


@pytest.mark.parametrize("value, ok", [
    ("粤B12345", True), ("粤BD12345", True), ("粤B12345D", True), ("粤BF1234A", True), ("京A12345学", True),
    ("粤b12345", True), ("美B12345", False), ("粤I12345", False), ("粤O12345", False), ("粤B1234", False),
    ("粤B1I345", False), ("粤B123456", False), ("粤BA12345", False), ("B12345", False),
])
def test_plate(value, ok):
    """V-PLATE: fuel and new-energy plates, province and letters checked."""
    assert v.is_plate(value) is ok


@pytest.mark.parametrize("value, ok", [
    ("kefu@example.com", True), ("a.b@wy.com.cn", True), ("user.example.com", False), ("a@b", False),
    ("a b@c.com", False), ("@example.com", False),
])
def test_email(value, ok):
    """The e-mail format check."""
    assert run_check(v.EMAIL, value)[0] == ([] if ok else ["邮箱格式不正确"])


@pytest.mark.parametrize("check, raw, message", [
    (v.MONEY, "-0.01", "不能小于 0"), (v.MONEY, "0", None), (v.COUNT, "-1", "不能小于 0"), (v.COUNT, "0", None),
    (v.QTY, "0", "不能小于 1"), (v.QTY, "1", None), (v.PCT, "100.1", "不能大于 100"), (v.PCT, "100", None),
    (v.PCT, "-0.1", "不能小于 0"), (v.Range(0, 10), "10.5", "不能大于 10"), (v.MONEY, "", None),
])
def test_ranges(check, raw, message):
    """V-MONEY, V-COUNT, V-QTY, V-PCT and score bounds, blanks left to `required`."""
    form = type("F", (Form,), {"x": DecimalField(validators=[Optional(), check])})(MultiDict({"x": raw}))
    form.validate()
    assert form.x.errors == ([message] if message else [])


# -- 2. every checked field and every date order of the 60 forms, over HTTP ---------------
def bounds(info):
    """(low, high) a number field must keep, per the catalogue, or None when it is not checked."""
    kind = info.get("kind")
    if kind in SPEC_BOUNDS:
        return SPEC_BOUNDS[kind]
    if kind == "score":
        return 0, info["high"]
    if kind in ("integer", "decimal") and (info.get("low") is not None or info.get("high") is not None):
        return info.get("low"), info.get("high")
    return None


FORMAT_BAD = {
    "mobile": ("12345", v.MOBILE.zh), "phone": ("12345", v.PHONE.zh),
    "id18": (wrong_last(make_id(), v.ID_CHECK), v.ID18.zh), "uscc": (wrong_last(make_uscc(), v.USCC_CHARS), v.USCC.zh),
    "plate": ("粤I12345", v.PLATE.zh), "email": ("user.example.com", v.EMAIL.zh),
}


def bad_value(info):
    """(value, Chinese message): above `high` when there is one, else below `low`, else a bad format."""
    if info.get("kind") in FORMAT_BAD:
        return FORMAT_BAD[info["kind"]]
    low, high = bounds(info)
    if high is not None:
        return str(Decimal(str(high)) + 1), f"不能大于 {high}"
    return str(Decimal(str(low)) - 1), f"不能小于 {low}"


def checked(model, fields):
    return [n for n in fields if field_info(model, n).get("kind") in FORMAT_BAD or bounds(field_info(model, n))]


def targets(model):
    """(relationship or None, model) for a form and its line items."""
    rels = sa.inspect(model).relationships
    return [(None, model)] + [(rel, rels[rel].mapper.class_) for rel in line_relations(model)]


def child_fields(child):
    return [n for n in editable(child) if n != "id"]


def on_create_form(model):
    """The fields the create form of `model` offers."""
    return set(editable(model)) - later_fields(model)


FIELD_CASES = [pytest.param(name, rel, field, id=f"{name}.{rel + '.' if rel else ''}{field}")
               for name in FORM_NAMES for rel, target in targets(FORMS[name])
               for field in checked(target, editable(target) if rel is None else child_fields(target))
               if rel is not None or field not in later_fields(target)]  # the create form has only what is typed then


def order_sides(rule):
    """(start, end) of a date_order rule, read from its closure."""
    cells = dict(zip(rule.check.__code__.co_freevars, (c.cell_contents for c in rule.check.__closure__)))
    return cells["start"], cells["end"]


DATE_CASES = [pytest.param(name, rel, *order_sides(rule), id=f"{name}.{rel + '.' if rel else ''}{order_sides(rule)[1]}")
              for name in FORM_NAMES for rel, target in targets(FORMS[name])
              for rule in getattr(target, "__rules__", ()) if rule.zh == DATE_ORDER_ZH
              # a field only a later step (or the flow) fills is not on the create form: its order is checked there
              and (rel is not None or set(order_sides(rule)) <= on_create_form(FORMS[name]))]


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture(scope="module")
def clients(app):
    """One logged-in client per role for the module."""
    return {role: login(app.test_client(), role) for role in ("clerk", "admin")}


def valid_values(model, rnd):
    return fake_record(model, rnd, optional=1.0, lines=(2, 2))


def assert_refused(client, model, data, message):
    """The create is re-shown with the message and nothing is stored (nor any line item)."""
    url = f"/admin/{snake(model.__name__)}/new/"
    children = [t for rel, t in targets(model) if rel]
    before = [count(m) for m in [model, *children]]
    response = client.post(url, data=data)
    assert response.status_code == 200, response.headers.get("Location")
    assert message in errors_in(response.text), errors_in(response.text)
    db.session.expire_all()
    assert [count(m) for m in [model, *children]] == before


@pytest.mark.parametrize("name, rel, field", FIELD_CASES)
def test_bad_value_refused(app, clients, rnd, name, rel, field):
    """One field of a valid create replaced by a bad value for its kind."""
    model = FORMS[name]
    with app.app_context():
        values, lines = valid_values(model, rnd)
        target = lines[rel][0] if rel else values
        info = field_info(dict(targets(model))[rel], field)
        target[field], message = bad_value(info)
        assert_refused(clients["clerk"], model, payload(model, values, lines), message)


def earlier(value):
    """A value of the same type just before the given one."""
    if isinstance(value, time):
        return (datetime.combine(local_today(), value) - timedelta(minutes=30)).time()
    return value - timedelta(days=1)


@pytest.mark.parametrize("name, rel, start, end", DATE_CASES)
def test_end_before_start_refused(app, clients, rnd, name, rel, start, end):
    """V-DATES: an end before its start is refused at the end field."""
    model = FORMS[name]
    with app.app_context():
        values, lines = valid_values(model, rnd)
        target = lines[rel][0] if rel else values
        assert target[start] is not None
        target[end] = earlier(target[start])
        assert_refused(clients["clerk"], model, payload(model, values, lines), DATE_ORDER_ZH)


def test_case_counts():
    """Introspection found the checked fields and date rules (guards against an empty parametrisation)."""
    kinds = {field_info(dict(targets(FORMS[p.values[0]]))[p.values[1]], p.values[2])["kind"] for p in FIELD_CASES}
    assert {"mobile", "phone", "id18", "uscc", "plate", "email", "money", "count", "qty", "score",
            "integer", "decimal"} <= kinds
    assert len(FIELD_CASES) >= 90 and len(DATE_CASES) >= 36


# -- 3. lookups, as admin --------------------------------------------------------------
@pytest.mark.parametrize("model, changes, message", [
    (Owner, {"owner_type": "person", "id_type": "cn_id", "id_number": wrong_last(make_id(), v.ID_CHECK)}, IDDOC_ZH),
    (Owner, {"owner_type": "person", "id_type": "cn_id", "id_number": "110105491231002"}, IDDOC_ZH),
    (Owner, {"owner_type": "company", "uscc": wrong_last(make_uscc(), v.USCC_CHARS)}, v.USCC.zh),
    (Contractor, {"uscc": wrong_last(make_uscc(), v.USCC_CHARS)}, v.USCC.zh),
    (Contractor, {"uscc": make_uscc()[:9] + "O" + make_uscc()[10:]}, v.USCC.zh),
    (UnitOwner, {"share_pct": Decimal("100.5")}, "不能大于 100"),
], ids=["owner-bad-check", "owner-15-digit", "owner-company-uscc", "contractor-uscc", "contractor-letter-O",
        "unit-owner-pct"])
def test_lookup_refused(app, clients, rnd, model, changes, message):
    """Admin-only lookups apply the same checks."""
    with app.app_context():
        values, lines = valid_values(model, rnd)
        values.update(changes)
        assert_refused(clients["admin"], model, payload(model, values, lines), message)


def test_lookup_valid_id_accepted(app, clients, rnd):
    """The control case: the same Owner with a good ID is saved."""
    with app.app_context():
        values, lines = valid_values(Owner, rnd)
        values.update(owner_type="person", id_type="cn_id", id_number=make_id(seq="777"))
        before = count(Owner)
        response = clients["admin"].post("/admin/owner/new/", data=payload(Owner, values, lines))
        assert response.status_code == 302, errors_in(response.text)
        assert count(Owner) == before + 1


def test_iddoc_stores_upper_x(app, clients, rnd):
    """An Owner's resident ID typed with a lower-case x is stored with X."""
    with app.app_context():
        values, lines = valid_values(Owner, rnd)
        values.update(owner_type="person", id_type="cn_id", id_number=KNOWN_ID.lower())
        response = clients["admin"].post("/admin/owner/new/", data=payload(Owner, values, lines))
        assert response.status_code == 302, errors_in(response.text)
        stored = db.session.scalars(sa.select(Owner).order_by(Owner.id.desc()).limit(1)).first()
        assert stored.id_number == KNOWN_ID


# -- 4. the message in the user's language ---------------------------------------------
def test_english_message(app, client_for, rnd):
    """A clerk who chose English reads the English message."""
    client = client_for("clerk")
    name, field = next((n, f) for n, rel, f in (p.values for p in FIELD_CASES)
                       if rel is None and field_info(FORMS[n], f)["kind"] == "mobile")
    model = FORMS[name]
    try:
        assert client.post("/locale/en").status_code == 302
        with app.app_context():
            values, lines = valid_values(model, rnd)
            values[field] = "12345"
            assert_refused(client, model, payload(model, values, lines), v.MOBILE.en)
    finally:
        client.post("/locale/zh_Hans_CN")
