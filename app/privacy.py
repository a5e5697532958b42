"""Personal data (issue 9 item 3): ID numbers and phones masked by field kind wherever they are shown, the full
value revealed only on purpose by the roles named in PII_ROLES, and every reveal and export logged."""
from flask import current_app, g
from flask_login import current_user

from .extensions import db
from .models.privacy import PiiAccessLog


def mask_id(value: str) -> str:
    """440301199001012249 -> 440301********2249: the region and the check digits, not the birthday."""
    head, tail = (6, 4) if len(value) >= 14 else (1, 2) if len(value) >= 5 else (0, 0)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail:]


def mask_phone(value: str) -> str:
    """13800138000 -> 138****8000; a landline keeps its area code and last four digits."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


# the one field-kind -> masker map every entry point (lists, details, exports, forms, history) goes through
MASKERS = {"mobile": mask_phone, "phone": mask_phone, "id18": mask_id, "id_number": mask_id}


def masker(model, name):
    """The masker of a model's field, or None when it holds no personal data (a company hotline is public)."""
    column = model.__table__.columns.get(name)
    info = column.info if column is not None else {}
    return None if info.get("public") else MASKERS.get(info.get("kind"))


def personal_fields(model):
    return [column.key for column in model.__table__.columns if masker(model, column.key)]


def masked(model, name, value):
    """The value as every role sees it by default."""
    mask = masker(model, name)
    return mask(str(value)) if mask and value else value


def may_reveal(user=None) -> bool:
    """Whether the user holds a role that may see full personal data (PII_ROLES, mapped like FLOW_ROLES)."""
    user = user or current_user._get_current_object()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    # an export asks once per row: the answer is kept for the request, per user
    cached = g.setdefault("may_reveal", {})
    if user.id not in cached:
        cached[user.id] = bool(user.role_codes & set(current_app.config.get("PII_ROLES", ("manager", "admin"))))
    return cached[user.id]


def log_access(action, model, *, row_id=None, field=None, rows=None):
    """One line of 个人信息访问日志; the caller commits with what it serves."""
    db.session.add(PiiAccessLog(user_id=current_user.id, action=action, table_name=model.__tablename__,
                                row_id=row_id, field=field, rows=rows))
