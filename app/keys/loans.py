"""钥匙管理 (loans): the key loan register's flow (6.54, §4.2) and the monthly key count (R-K6)."""
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import object_session
from wtforms.validators import ValidationError

from ..core.deadlines import is_late, late_sql
from ..extensions import db
from ..i18n import text
from ..validators import ID_DOC_RULES
from ..workflow import Flow, Transition, perform, sets
from ..models import fields as f
from ..models.base import LOCAL_TZ, Audited, Form, FormRecord, LineItem
from ..models.enums import ID_TYPE
from ..models.lookups import KEY_STATUS, Department, Key
from ..models.rules import Rule, date_order, equals, id_document, required_if
from ..models.types import utcnow
from ..servicedesk.front_desk import WorkOrder

from .models import (
    BORROWER_KIND, COUNT_DAYS, DISCREPANCY, HELD, KEY_CONDITION, KEY_LOAN_STATES, LOAN_TYPE, OWNER_AUTHORIZATION, KeyTaken, _key_category, set_by_flow,
)

# -- the loan flow (§4.2) -------------------------------------------------------------------
def _key_state(loan):
    """The key's state as stored now, not as this session last saw it."""
    return db.session.scalar(sa.select(Key.status).where(Key.id == loan.key_id))


def _leaves_from(loan):
    """A key leaves from the cabinet, or from custody with the owner's authorisation."""
    if loan.key.key_category.requires_owner_authorization and loan.owner_authorization:
        return ("in_cabinet", "in_custody")
    return ("in_cabinet",)


def _key_refusals(loan, sources):
    state = _key_state(loan)
    if state in sources:
        return []
    return [text(f"钥匙当前为「{KEY_STATUS.label(state)}」,不能办理此操作",
                 f"The key is {KEY_STATUS.label(state)}: this step is not possible")]


def _id_valid(loan):
    check = ID_DOC_RULES.get(loan.id_type, ID_DOC_RULES["other"])
    return bool(loan.id_type and loan.id_number and check(loan.id_number))


def _borrower_refusals(loan):
    """R-K5 on the server: staff are named; outsiders show a valid ID, pay a deposit, borrow only lendable kinds."""
    category, out = loan.key.key_category, []
    if loan.borrower_kind == "staff" and loan.staff is None:
        out.append(text("内部员工借用须选择员工", "Choose the staff member"))
    if loan.borrower_kind == "outsider":
        if not (loan.borrower_name and loan.borrower_mobile and _id_valid(loan)):
            out.append(text("非公司人员须出示并登记有效身份证件", "A borrower who is not staff shows a valid ID"))
        if not (loan.deposit_amount and loan.deposit_amount > 0 and loan.deposit_receipt_no):
            out.append(text("非公司人员借用须交押金并登记收据号", "A borrower who is not staff pays a deposit"))
        if not category.lendable_to_outsiders:
            out.append(text("此类钥匙不借给外来人员", "This kind of key is not lent to outsiders"))
    if category.requires_owner_authorization and not loan.owner_authorization:
        out.append(text("业主托管钥匙须有业主授权", "A key in the owner's custody needs the owner's authorisation"))
    return out


def _loan_refusals(loan):
    out = []
    if loan.loan_type != "loan":
        out.append(text("这是领用登记,请用「发给业主」", "This is an issue: use Issue to the owner"))
    if not loan.expected_return_at:
        out.append(text("借用须填写预计归还时间", "Give the expected return time"))
    return out + _borrower_refusals(loan) + _key_refusals(loan, _leaves_from(loan))


def _can_lend(loan):
    if loan.key.key_category.is_sensitive:
        return [text("此类钥匙借出前须主管审批,请先报主管审批", "This kind of key needs a supervisor's approval first")]
    return _loan_refusals(loan)


def _can_request(loan):
    if not loan.key.key_category.is_sensitive:
        return [text("此类钥匙无须审批,可直接借出", "This kind of key needs no approval: lend it")]
    return _loan_refusals(loan)


def _can_return(loan):
    out = _key_refusals(loan, ("on_loan",))
    if loan.key_condition not in ("intact", "damaged"):
        out.append(text("请先检查钥匙并填写钥匙状况(完好/损坏);钥匙遗失请报失",
                        "Check the key and record its condition first; report a lost key as lost"))
    return out


def _engineering():
    return db.session.scalar(sa.select(Department).where(Department.dept_type == "engineering",
                                                         Department.is_active.is_(True)).order_by(Department.id))


def _can_report_lost(loan):
    out = _key_refusals(loan, ("on_loan",))
    if _engineering() is None:
        out.append(text("未设置工程部,无法派发换锁工单", "No engineering department to change the lock"))
    return out


def _can_issue(loan):
    out = [] if loan.loan_type == "issue" else [text("这是借用登记,请用「借出」", "This is a loan: use Lend")]
    if not _id_valid(loan):
        out.append(text("领用须核验并登记业主身份证件", "Check and record the owner's ID"))
    return out + _key_refusals(loan, ("in_cabinet", "in_custody"))


def _move_key(loan, user, action):
    """The key takes its own flow's step in the loan's: of two loans of one key exactly one takes it."""
    db.session.refresh(loan.key, ["status"])  # the state as stored now, not as this session last saw it
    if perform(loan.key, action, user):
        raise KeyTaken([text("钥匙刚被其他登记借出或状态已变,请刷新后再看", "The key was just taken; reload")])


def _lend(loan, user):
    _move_key(loan, user, "lend")


@sets("approved_by")
def _approve(loan, user):
    _move_key(loan, user, "lend")
    loan.approved_by = getattr(user, "staff", None)


@sets("returned_at", "received_by", "deposit_refunded_at")
def _return(loan, user):
    _move_key(loan, user, "back_to_custody" if loan.key.key_category.requires_owner_authorization else "put_back")
    now = utcnow()
    loan.returned_at = loan.returned_at or now
    loan.received_by = loan.received_by or getattr(user, "staff", None)
    if loan.deposit_amount:
        loan.deposit_refunded_at = now


def _lose(loan, user):
    """The deposit is forfeited and engineering gets a work order to change the lock."""
    _move_key(loan, user, "lose")
    key = loan.key
    loan.key_condition, loan.deposit_forfeited, loan.deposit_refunded_at = "lost", bool(loan.deposit_amount), None
    hours = current_app.config.get("KEY_LOCK_CHANGE_HOURS", 24)
    loan.lock_change_order = WorkOrder(
        project_id=loan.project_id, source="internal", unit=key.unit,
        task_type="in_home_repair" if key.unit_id else "public_repair",
        location=None if key.unit_id else (key.room_name or f"钥匙{key.tag_no}对应门锁"),
        description=f"钥匙{key.tag_no}({key})遗失,须更换门锁。来源:钥匙借用登记{loan.serial_no}",
        assigned_department=_engineering(), due_at=utcnow() + timedelta(hours=hours),
        created_by_id=user.id, updated_by_id=user.id)


def _issue(loan, user):
    _move_key(loan, user, "hand_to_owner")


class KeyLoan(FormRecord, db.Model):
    """6.54 钥匙借(领)用登记表: every key that leaves the cabinet, to whom, and its return."""

    __form__ = Form("6.54", "钥匙借(领)用登记表", "Key loan / issue register", "keys", "register")
    __sections__ = (
        (("钥匙", "Key"), ("key", "loan_type", "purpose")),
        (("借用人", "Borrower"), ("borrower_kind", "staff", "borrower_name", "borrower_org", "borrower_mobile",
                               "id_type", "id_number", "owner_authorization")),
        (("押金", "Deposit"), ("deposit_amount", "deposit_receipt_no")),
        (("借出", "Lent"), ("lent_at", "lent_by", "expected_return_at")),
        (("归还", "Returned"), ("returned_at", "received_by", "key_condition")),
    )
    __signatures__ = ("借用人", "经办人")  # who signs the paper
    __list__ = ("serial_no", "key", "loan_type", "borrower_name", "staff", "lent_at", "expected_return_at", "status",
                "is_overdue")
    __search__ = ("serial_no", "borrower_name", "borrower_org", "borrower_mobile", "purpose")
    __flow__ = Flow(KEY_LOAN_STATES, [  # §4.2 K1–K6; sensitive categories wait for a supervisor
        Transition("lend", ("借出", "Lend"), ("registered",), "lent", ("front_desk",), guard=_can_lend, effect=_lend),
        Transition("request_approval", ("报主管审批", "Ask for approval"), ("registered",), "pending_approval",
                   ("front_desk",), guard=_can_request),
        Transition("approve", ("批准借出", "Approve"), ("pending_approval",), "lent", ("cs_supervisor",),
                   decision=True, guard=_loan_refusals, effect=_approve),
        Transition("reject", ("不予借出", "Refuse"), ("pending_approval",), "rejected", ("cs_supervisor",),
                   decision=True, needs_comment=True, style="danger"),
        Transition("return", ("归还入柜", "Return"), ("lent",), "returned", ("front_desk",), guard=_can_return,
                   effect=_return, fields=("key_condition",)),  # checked at the counter; 报失 writes "lost" itself
        Transition("report_lost", ("报失", "Report lost"), ("lent",), "lost", ("cs_supervisor",), needs_comment=True,
                   guard=_can_report_lost, effect=_lose, style="danger"),
        Transition("issue", ("发给业主(领用)", "Issue to the owner"), ("registered",), "issued", ("front_desk",),
                   guard=_can_issue, effect=_issue),
        Transition("cancel", ("撤销", "Cancel"), ("registered", "pending_approval"), "cancelled", ("front_desk",),
                   needs_comment=True, style="secondary"),
    ], locked=("pending_approval", "returned", "lost", "issued", "rejected", "cancelled"),
        limits={"pending_approval": 2})
    status = f.status(KEY_LOAN_STATES, default="registered")
    key_id, key = f.ref("Key", "钥匙", required=True)
    loan_type = f.choice("借用/领用", LOAN_TYPE, required=True, default="loan")
    borrower_kind = f.choice("借用人类别", BORROWER_KIND, required=True, default="staff")
    staff_id, staff = f.ref("StaffMember", "员工")
    borrower_name = f.text("姓名", 40, demo=["陈师傅", "王建国", "李女士", "周工", "黄先生"])
    borrower_org = f.text("单位/房号", 100, demo=["某某装修公司", "3栋1502业主", "电梯维保公司", "燃气公司抄表员"])
    borrower_mobile = f.mobile("手机")
    id_type = f.choice("证件类型", ID_TYPE, default="cn_id")
    id_number = f.id_number("证件号码")
    deposit_amount = f.money("押金")
    deposit_receipt_no = f.text("押金收据号", 40, demo=["YJ20240501", "YJ20240502", "YJ20240618", "YJ20240703"])
    owner_authorization = f.choice("业主授权(托管钥匙)", OWNER_AUTHORIZATION)
    approved_by_id, approved_by = set_by_flow(f.ref("StaffMember", "主管审批", readonly=True))
    purpose = f.long_text("借用事由", required=True, demo=[
        "空置房巡查", "配电房设备检修", "业主委托装修公司进场", "业主收楼领取钥匙", "水泵房保养"])
    lent_at = f.when("借出时间", required=True)
    lent_by_id, lent_by = f.ref("StaffMember", "经办人", required=True)
    expected_return_at = f.when("预计归还时间")
    # written when the key comes back (the return step), not when the loan is registered
    returned_at = f.when("归还时间", later=True)
    received_by_id, received_by = f.ref("StaffMember", "归还接收人", later=True)
    key_condition = f.choice("钥匙状况", KEY_CONDITION, later=True)
    deposit_refunded_at = f.when("退押金时间", readonly=True)
    deposit_forfeited = f.flag("押金没收", readonly=True)
    lock_change_order_id, lock_change_order = set_by_flow(f.ref("WorkOrder", "换锁工单", readonly=True))
    __rules__ = (
        required_if("staff", equals("borrower_kind", "staff"), "内部员工借用须选择员工", "Choose the staff member"),
        # outsiders show a valid ID, pay a deposit and sign (S2-1 4.5.4.2)
        *(required_if(field, equals("borrower_kind", "outsider"), "非公司人员借用须填写此项",
                      "Required when the borrower is not staff")
          for field in ("borrower_name", "borrower_org", "borrower_mobile", "id_type", "id_number")),
        id_document("id_type", "id_number"),
        *(required_if(field, lambda d: d.get("borrower_kind") == "outsider" and d.get("loan_type") == "loan",
                      "非公司人员借用须交押金", "A borrower who is not staff pays a deposit")
          for field in ("deposit_amount", "deposit_receipt_no")),
        Rule("deposit_amount", lambda d: d.get("deposit_amount") is None or d.get("borrower_kind") != "outsider"
             or d.get("loan_type") != "loan" or d["deposit_amount"] > 0, "押金须大于0", "The deposit must be above 0"),
        Rule("key", lambda d: d.get("borrower_kind") != "outsider" or d.get("loan_type") != "loan"
             or _key_category(d) is None or _key_category(d).lendable_to_outsiders,
             "此类钥匙不借给外来人员", "This kind of key is not lent to outsiders"),
        required_if("owner_authorization", lambda d: getattr(_key_category(d), "requires_owner_authorization", False),
                    "业主托管钥匙须有业主授权", "A key in the owner's custody needs the owner's authorisation"),
        required_if("expected_return_at", equals("loan_type", "loan"), "借用须填写预计归还时间",
                    "Give the expected return time"),
        date_order("lent_at", "expected_return_at"),
        date_order("lent_at", "returned_at"),
        *(required_if(field, lambda d: d.get("returned_at"), "归还时须填写此项", "Required on return")
          for field in ("received_by", "key_condition")),
    )

    @hybrid_property
    def is_overdue(self):
        """逾期: lent and past its expected return; derived, never stored (R-K4)."""
        return self.status == "lent" and is_late(self.expected_return_at)

    @is_overdue.inplace.expression
    @classmethod
    def _is_overdue(cls):
        return sa.and_(cls.status == "lent", late_sql(cls.expected_return_at))

    @classmethod
    def worklist(cls, project_id=None):
        """The loans the front desk chases: out now, the overdue first, then by when they are due."""
        query = sa.select(cls).where(cls.status == "lent")
        if project_id is not None:
            query = query.where(cls.project_id == project_id)
        return query.order_by(sa.case((cls.is_overdue, 0), else_=1), cls.expected_return_at.is_(None),
                              cls.expected_return_at, cls.id)

    def before_save(self):
        """Once a key has left, the loan keeps that key: another key needs a new registration."""
        state = sa.inspect(self)
        if state.persistent and (state.attrs.key.history.deleted or state.attrs.key_id.history.deleted) \
                and self.status != "registered":
            raise ValidationError(text("登记已办理,不能更换钥匙,请另行登记", "Register a new loan for another key"))


KeyLoan.is_overdue.info.update(label="逾期", en="Overdue")


# -- the monthly count (R-K6) ----------------------------------------------------------------
def _due(day):
    return datetime.combine(date(day.year, day.month, 28), time(23, 59, 59), LOCAL_TZ)


def _count_rules():
    def in_window(field):
        def ok(d):
            day, start = d.get(field), d.get("count_from") or d.get(field)
            return not day or (day.day in COUNT_DAYS and (day.year, day.month) == (start.year, start.month))
        return Rule(field, ok, "钥匙盘点须在当月25日至27日进行", "Keys are counted on the 25th to the 27th of a month")
    return (in_window("count_from"), in_window("count_to"), date_order("count_from", "count_to"),
            Rule("reported_at", lambda d: not d.get("reported_at") or not d.get("count_from")
                 or d["reported_at"] <= _due(d["count_from"]), "盘点结果须于当月28日前上报",
                 "The count is reported by the 28th"))


class KeyInventoryCount(Audited, db.Model):
    """钥匙月度盘点 (S2-1 4.5.6): every key held, counted on the 25th–27th, its discrepancies reported by the 28th."""

    __label__ = ("钥匙月度盘点", "Monthly key count")
    __list__ = ("project", "count_from", "count_to", "counted_by", "expected", "in_cabinet", "on_loan", "in_custody",
                "missing", "reported_at")
    __search__ = ("remarks",)
    __rules__ = _count_rules()
    project_id, project = f.ref("Project", "项目", required=True)
    count_from = f.day("盘点日期", required=True)
    count_to = f.day("盘点结束日期")
    counted_by_id, counted_by = f.ref("StaffMember", "盘点人", required=True)
    checked_by_id, checked_by = f.ref("StaffMember", "主管复核", later=True)
    lines = f.lines("KeyInventoryCountLine", "盘点明细")
    expected = f.count("应有钥匙", readonly=True, default=0)
    in_cabinet = f.count("在柜", readonly=True, default=0)
    on_loan = f.count("借出", readonly=True, default=0)
    in_custody = f.count("托管中", readonly=True, default=0)
    missing = f.count("缺失", readonly=True, default=0)
    reported_at = f.when("上报时间")
    reported_to_id, reported_to = f.ref("StaffMember", "上报给")
    remarks = f.long_text("备注")

    def __str__(self):
        return f"钥匙盘点 {self.count_from}"

    @property
    def report_due_at(self):
        """23:59 on the 28th of the count's month, local time."""
        return _due(self.count_from)

    def before_save(self):
        """Refuse a count outside the window; list every key held on a new count; add up the lines."""
        values = {name: getattr(self, name) for name in ("count_from", "count_to", "reported_at")}
        problems = [message for rule in self.__rules__ for _, message in rule.errors(values)]
        if problems:
            raise ValidationError(";".join(dict.fromkeys(problems)))
        session = object_session(self)
        if not self.lines and sa.inspect(self).pending:
            self.lines = _expected_lines(session, self.project_id or self.project.id)
        for line in self.lines:
            if line.expected_status is None:  # a key added by hand: note what the register says of it
                key = line.key or session.get(Key, line.key_id)
                line.expected_status, line.expected_place = key.status, _where(key, None)
        tally = dict(expected=len(self.lines), in_cabinet=0, on_loan=0, in_custody=0, missing=0)
        for line in self.lines:
            tally[line.bucket] += 1
        for name, value in tally.items():
            setattr(self, name, value)

    def discrepancies(self):
        """(line, DISCREPANCY code) of each key whose place disagrees with the register."""
        overdue = set(db.session.scalars(sa.select(KeyLoan.key_id).where(
            KeyLoan.key_id.in_([line.key_id for line in self.lines]), KeyLoan.is_overdue)))
        out = []
        for line in self.lines:
            if line.found and line.expected_status == "on_loan":
                out.append((line, "unrecorded_return"))
            elif line.found and line.expected_status not in HELD:
                out.append((line, "unexpected"))
            elif not line.found and line.expected_status in ("in_cabinet", "in_custody"):
                out.append((line, "missing"))
            elif not line.found and line.key_id in overdue:
                out.append((line, "overdue"))
        return out

    def report(self):
        """The figures and discrepancies due on the 28th: expected = in cabinet + on loan + in custody + missing."""
        return dict(due_at=self.report_due_at, **{name: getattr(self, name) for name in (
            "expected", "in_cabinet", "on_loan", "in_custody", "missing")},
            discrepancies=[(line.key.tag_no, DISCREPANCY.label(code), line.note) for line, code in
                           self.discrepancies()])


def _where(key, loan):
    """Where the register says a key is: its hook, or who has it and until when."""
    if key.status != "on_loan":
        return f"{key.cabinet_no} {key.hook_position}"[:100]
    if loan is None:
        return "借出"
    due = loan.expected_return_at.astimezone(LOCAL_TZ).strftime("%m-%d %H:%M") if loan.expected_return_at else "—"
    return f"借出:{loan.borrower_name or loan.staff or ''}({loan.serial_no}),预计{due}归还"[:100]


def _expected_lines(session, project_id):
    """One line per key the company holds, filed by building, floor and category (R-K2)."""
    keys = session.scalars(sa.select(Key).where(Key.project_id == project_id, Key.is_active.is_(True),
                                                Key.status.in_(HELD))
                           .order_by(Key.building_id, Key.floor, Key.key_category_id, Key.tag_no)).all()
    loans = {loan.key_id: loan for loan in session.scalars(sa.select(KeyLoan).where(
        KeyLoan.key_id.in_([key.id for key in keys]), KeyLoan.status == "lent"))}
    return [KeyInventoryCountLine(key=key, sort=i, expected_status=key.status,
                                  expected_place=_where(key, loans.get(key.id))) for i, key in enumerate(keys, 1)]


class KeyInventoryCountLine(LineItem, db.Model):
    """One key on the count sheet: where the register says it is, and whether it was seen."""

    parent_id, parent = f.parent("KeyInventoryCount", "lines")
    key_id, key = f.ref("Key", "钥匙", required=True)
    expected_status = f.choice("账面状态", KEY_STATUS, required=True, readonly=True)
    expected_place = f.text("账面位置", 100, readonly=True)
    found = f.flag("已见到钥匙")
    note = f.text("说明", 100)

    @property
    def bucket(self):
        """Which total of the count the line adds to."""
        if self.found:
            return "in_custody" if self.expected_status == "in_custody" else "in_cabinet"
        return "on_loan" if self.expected_status == "on_loan" else "missing"
