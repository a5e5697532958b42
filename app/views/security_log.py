"""安全日志: sign-ins, failures, lock-outs, sign-outs and account changes, for administrators to read."""
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import FilterEqual, FilterLike
from markupsafe import Markup, escape

from ..extensions import db
from ..i18n import L
from ..models.security import EVENT_KINDS, SecurityEvent
from .base import Secured, local_time
from .users import UserView


FIELD_LABELS = {**UserView.column_labels, "password": L("密码", "Password"), "staff_id": L("员工档案", "Staff record")}


def _shown(value):
    return "、".join(map(str, value)) if isinstance(value, list) else "" if value is None else str(value)


def _details(view, context, model, name):
    """Each changed field on its own line under its label: old → new (new alone for a new account)."""
    lines = []
    for field, value in (model.details or {}).items():
        old, new = value if isinstance(value, list) and len(value) == 2 else (None, value)
        lines.append(f"{escape(FIELD_LABELS.get(field, field))}: "
                     + (f"{escape(_shown(old))} → " if old not in (None, []) else "") + escape(_shown(new)))
    return Markup("<br>".join(lines))


class SecurityLogView(Secured, ModelView):
    """Read-only: nobody edits or deletes the log, not even an administrator."""

    roles = ("admin",)
    can_create = can_edit = can_delete = False
    can_export = False  # typed usernames are attacker input: no spreadsheet formulas leave here
    can_view_details = True
    column_list = ("at", "kind", "username", "user", "actor", "address", "details")
    column_default_sort = ("id", True)
    column_sortable_list = ("at", "kind", "username", "address")  # not the JSON details: PostgreSQL cannot order json
    column_searchable_list = ("username", "address")
    column_labels = {"at": L("时间", "Time"), "kind": L("事件", "Event"), "username": L("用户名", "Username"),
                     "user": L("账号", "Account"), "actor": L("操作人", "By"), "address": L("IP地址", "IP address"),
                     "details": L("内容", "Details")}
    column_formatters = {"at": lambda v, c, m, n: local_time(m.at), "kind": lambda v, c, m, n: EVENT_KINDS.label(m.kind),
                         "details": _details}
    column_filters = [FilterEqual(SecurityEvent.kind, L("事件", "Event"), options=EVENT_KINDS.pairs()),
                      FilterLike(SecurityEvent.username, L("用户名", "Username")),
                      FilterLike(SecurityEvent.address, L("IP地址", "IP address"))]

    def __init__(self):
        super().__init__(SecurityEvent, db, name=L("安全日志", "Security log"), endpoint="security_event",
                         category=L("系统管理", "Admin"))
