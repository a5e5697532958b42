"""钥匙管理: hand-overs, custody, loans and the monthly count of keys (6.31, 6.32, 6.39, 6.54; §4.2, §5.3)."""

import sqlalchemy as sa
from sqlalchemy.orm import object_session

from ..extensions import db
from ..i18n import Choices, text
from ..core.saving import Refused, reacts_to
from ..workflow import perform
from ..models import fields as f
from ..models.base import Form, FormRecord, LineItem
from ..models.lookups import KEY_STATUS, Key, KeyCategory, Unit
from ..models.rules import Rule, date_order, equals, required_if

# code: (label, tag abbreviation printed on the key's label)
UNIT_KEY_KINDS = dict(entry_door=("入户门", "RH"), inner_door=("室内门", "SN"), mailbox=("信报箱", "XB"),
                      meter_box=("水电表箱", "SD"), entrance_access=("单元门禁", "MJ"), other=("其他", "QT"))
PLANT_ROOMS = dict(power_room=("配电房", "PD"), pump_room=("水泵房", "SB"), lift_machine_room=("电梯机房", "DT"),
                   fire_control_room=("消防控制室", "XK"), generator_room=("发电机房", "FD"),
                   weak_current=("弱电间/管井", "RD"), roof_door=("天台门", "TT"), stair_door=("楼道/单元门", "LD"),
                   clubhouse=("会所", "HS"), garage=("车库", "CK"), other=("其他", "QT"))
UNIT_KEY_KIND = Choices(**{code: zh for code, (zh, _) in UNIT_KEY_KINDS.items()})
PLANT_ROOM = Choices(**{code: zh for code, (zh, _) in PLANT_ROOMS.items()})
DECLARATION_TYPE = Choices(received_all="已领取全部钥匙", custody="委托物业托管钥匙")
CUSTODY_PURPOSE = Choices(renovation="装修期间", rental_viewing="出租看房", away="长期外出", other="其他")
# overdue is not a state: it is derived from expected_return_at (KeyLoan.is_overdue)
KEY_LOAN_STATES = Choices(registered="已登记", pending_approval="待主管审批", lent="借出", returned="已归还",
                          lost="遗失", issued="已领用", rejected="不予借出", cancelled="已撤销")
LOAN_TYPE = Choices(loan="借用", issue="领用")
BORROWER_KIND = Choices(staff="内部员工", outsider="非公司人员")
OWNER_AUTHORIZATION = Choices(authorized_person="授权取用人本人", written="书面授权", phone_recorded="电话确认+录音")
KEY_CONDITION = Choices(intact="完好", damaged="损坏", lost="遗失")  # return_condition without the extinguisher code
DISCREPANCY = Choices(missing="缺失(账面在柜未见钥匙)", unrecorded_return="借出未登记归还(钥匙在柜)",
                      overdue="借出逾期未还", unexpected="账面不在库却见到钥匙")
CATEGORY_NAMES = dict(vacant_unit="空置房屋钥匙", owner_custody="业主托管钥匙", equipment_room="各类设施设备用房备用钥匙")
HELD = ("in_cabinet", "on_loan", "in_custody")  # the keys the company answers for at the monthly count
COUNT_DAYS = (25, 26, 27)  # S2-1 4.5.6

HANDOVER_PARTIES = ["广州市锦绣房地产开发有限公司", "深圳市华景置业有限公司", "佛山市金湾地产开发有限公司",
                    "东莞市恒信建设工程有限公司"]
REP_NAMES = ["刘工", "陈经理", "黄建明", "周主管", "吴志刚"]
CABINET_POSITIONS = ["A柜-01", "A柜-15", "B柜-03", "C柜-22", "公区柜-07"]
DISCREPANCIES = ["3栋1201入户门钥匙缺1把", "5栋0803室内门钥匙试开打不开", "无差异", "配电房备用钥匙仅1把,开发商补交中"]


class KeyTaken(Refused):
    """Another loan took the key between the check and the commit; nothing was saved."""


def set_by_flow(pair):
    """A reference the flow fills in: shown on the record, never offered in the form."""
    fk, rel = pair
    rel.info["readonly"] = True
    return fk, rel


def _key_category(data):
    return getattr(data.get("key"), "key_category", None)


def _handover_rules():
    return (
        Rule("items", lambda d: "items" not in d or bool(d["items"]), "请至少填写一行钥匙明细",
             "List at least one key"),
    )


# -- filing keys from the hand-over forms and the custody declaration ---------------------------
def _category(session, code):
    category = session.scalar(sa.select(KeyCategory).filter_by(code=code))
    if category is None:
        raise Refused([text(f"请先在基础资料中建立钥匙类别「{CATEGORY_NAMES[code]}」({code})",
                            f"Create the key category {code} first")])
    return category


def _key_by_tag(session, project_id, tag):
    pending = [k for k in session.new if isinstance(k, Key) and k.tag_no == tag and k.project_id == project_id]
    return pending[0] if pending else session.scalar(sa.select(Key).filter_by(project_id=project_id, tag_no=tag))


def _free_tag(session, project_id, base):
    """The label for a new key: its building, unit or room, numbered on when already taken (R-K3)."""
    base = base[:17]
    taken = {k.tag_no for k in session.new if isinstance(k, Key)} | set(session.scalars(
        sa.select(Key.tag_no).where(Key.project_id == project_id, Key.tag_no.like(f"{base}%"))))
    tag, n = base, 1
    while tag in taken:
        n += 1
        tag = f"{base}-{n}"
    return tag


def _place(position):
    """'A柜-01' -> cabinet 'A柜', hook '01'; a key without a place waits to be hung."""
    cabinet, _, hook = (position or "").partition("-")
    return (cabinet.strip() or "待上柜")[:20], (hook.strip() or "待定")[:20]


def _file_keys(record, category_code, describe):
    """Create the key of each hand-over line, or update the one its assigned tag names: saving again adds none."""
    session = object_session(record)
    project_id = record.project_id or getattr(record.project, "id", None)
    if session is None or project_id is None:
        return
    category = _category(session, category_code)
    for line in record.items:
        if not line.quantity:
            continue
        values = describe(session, line)
        base = values.pop("tag")
        key = _key_by_tag(session, project_id, line.tag_no) if line.tag_no else None
        if key is None:
            line.tag_no = _free_tag(session, project_id, base)
            key = Key(project_id=project_id, tag_no=line.tag_no, status="in_cabinet")
            session.add(key)
        key.cabinet_no, key.hook_position = _place(line.cabinet_position)
        for name, value in dict(values, key_category=category, copies=line.quantity).items():
            setattr(key, name, value)


def _unit_key(session, line):
    unit = line.unit or session.get(Unit, line.unit_id)
    kind = UNIT_KEY_KINDS.get(line.key_kind, UNIT_KEY_KINDS["other"])[1]
    return dict(tag=f"K-{unit.building.code}-{unit.entrance}-{unit.room_no}-{kind}", building=unit.building,
                floor=unit.floor, unit=unit)


def _room_key(session, line):
    room, abbr = PLANT_ROOMS.get(line.room_name, PLANT_ROOMS["other"])
    building = line.building
    name = f"{building.name if building else ''}{room} {line.location_detail or ''}".strip()
    return dict(tag=f"G-{building.code}-{abbr}" if building else f"G-{abbr}", building=building, room_name=name[:60])


class UnitKeyHandover(FormRecord, db.Model):
    """6.31 房屋钥匙接管验收移交表: the developer hands a building's unit keys to the key cabinet."""

    __form__ = Form("6.31", "房屋钥匙接管验收移交表", "Unit key takeover hand-over list", "keys", "certificate")
    __signatures__ = ("移交人", "接收人")  # who signs the paper
    __list__ = ("serial_no", "building", "handover_on", "handing_over_party", "received_by", "total_units",
                "total_keys")
    __search__ = ("serial_no", "handing_over_party", "developer_rep_name", "discrepancies")
    building_id, building = f.ref("Building", "楼栋", required=True)
    handover_on = f.day("移交日期", required=True)
    handing_over_party = f.text("移交单位", 100, required=True, demo=HANDOVER_PARTIES)
    developer_rep_name = f.text("移交单位代表", 40, required=True, demo=REP_NAMES)
    received_by_id, received_by = f.ref("StaffMember", "接收人", required=True)
    items = f.lines("UnitKeyHandoverLine", "钥匙明细")
    total_units = f.count("户数", readonly=True, default=0)
    total_keys = f.count("钥匙总数", readonly=True, default=0)
    discrepancies = f.long_text("差异说明(缺失/打不开)", demo=DISCREPANCIES)
    pm_signed_at = f.when("双方签字时间", required=True)
    __rules__ = _handover_rules()

    def before_save(self):
        """Count units and keys from the lines (filed in the cabinet by the save's reaction, keys_filed below)."""
        self.total_units = len({line.unit_id or getattr(line.unit, "id", None) for line in self.items} - {None})
        self.total_keys = sum(line.quantity or 0 for line in self.items)


class UnitKeyHandoverLine(LineItem, db.Model):
    """The keys of one unit received from the developer; the tag is assigned when the key is filed."""

    parent_id, parent = f.parent("UnitKeyHandover", "items")
    unit_id, unit = f.ref("Unit", "房号", required=True)
    key_kind = f.choice("钥匙类型", UNIT_KEY_KIND, required=True, default="entry_door")
    quantity = f.count("把数", required=True, default=1)
    trial_open_ok = f.flag("试开正常")
    tag_no = f.text("标识编号", 20, readonly=True)
    cabinet_position = f.text("钥匙柜位置", 20, demo=CABINET_POSITIONS)


class CommonKeyHandover(FormRecord, db.Model):
    """6.32 物业公共区域钥匙接管验收移交表: the developer hands over the plant-room and common-area keys."""

    __form__ = Form("6.32", "物业公共区域钥匙接管验收移交表", "Common-area key takeover hand-over list", "keys",
                    "certificate")
    __signatures__ = ("移交人", "接收人")  # who signs the paper
    __list__ = ("serial_no", "handover_on", "handing_over_party", "developer_rep_name", "received_by", "total_keys")
    __search__ = ("serial_no", "handing_over_party", "developer_rep_name", "discrepancies")
    handover_on = f.day("移交日期", required=True)
    handing_over_party = f.text("移交单位", 100, required=True, demo=HANDOVER_PARTIES)
    developer_rep_name = f.text("移交单位代表", 40, required=True, demo=REP_NAMES)
    received_by_id, received_by = f.ref("StaffMember", "接收人", required=True)
    items = f.lines("CommonKeyHandoverLine", "钥匙明细")
    total_keys = f.count("钥匙总数", readonly=True, default=0)
    discrepancies = f.long_text("差异说明", demo=DISCREPANCIES)
    pm_signed_at = f.when("双方签字时间", required=True)
    __rules__ = _handover_rules()

    def before_save(self):
        """Add up the keys of the lines (filed in the cabinet by the save's reaction, keys_filed below)."""
        self.total_keys = sum(line.quantity or 0 for line in self.items)


class CommonKeyHandoverLine(LineItem, db.Model):
    """The keys of one plant room or common door; the tag is assigned when the key is filed."""

    parent_id, parent = f.parent("CommonKeyHandover", "items")
    building_id, building = f.ref("Building", "楼栋")
    room_name = f.choice("用房/部位", PLANT_ROOM, required=True)
    location_detail = f.text("具体位置", 60, demo=["地下一层", "1栋天面", "2栋1单元首层", "会所二楼", "B2层东侧"])
    quantity = f.count("把数", required=True, default=1)
    trial_open_ok = f.flag("试开正常")
    tag_no = f.text("标识编号", 20, readonly=True)
    cabinet_position = f.text("钥匙柜位置", 20, demo=CABINET_POSITIONS)


class KeyCustodyDeclaration(FormRecord, db.Model):
    """6.39 业主收楼钥匙(托管)声明: the owner confirms receipt of all keys, or leaves keys with us."""

    __form__ = Form("6.39", "业主收楼钥匙(托管)声明", "Owner key receipt / custody declaration", "keys", "certificate")
    __sections__ = (
        (("业主", "Owner"), ("unit", "owner", "declaration_type", "signed_at")),
        (("托管钥匙", "Keys in custody"), ("keys_count", "key", "custody_purpose", "authorized_persons", "custody_from",
                                       "custody_to", "liability_terms_accepted")),
        (("取回", "Withdrawn"), ("withdrawn_at", "withdrawn_by_name")),
    )
    __signatures__ = ("业主", "经办人")  # who signs the paper
    __list__ = ("serial_no", "unit", "owner", "declaration_type", "keys_count", "custody_from", "custody_to",
                "withdrawn_at")
    __search__ = ("serial_no", "authorized_persons", "withdrawn_by_name")
    unit_id, unit = f.ref("Unit", "房号", required=True)
    owner_id, owner = f.ref("Owner", "业主", required=True)
    declaration_type = f.choice("声明类型", DECLARATION_TYPE, required=True, default="received_all")
    keys_count = f.count("钥匙数量", required=True)
    key_id, key = f.ref("Key", "托管钥匙(不选则新建)")
    custody_purpose = f.choice("托管原因", CUSTODY_PURPOSE)
    authorized_persons = f.long_text("授权取用人(姓名/证件)", demo=[
        "王小明 身份证440106199001011234", "李芳(业主妻子)", "装修负责人陈师傅 身份证后四位5678",
        "中介张先生,须业主电话确认"])
    custody_from = f.day("托管开始")
    custody_to = f.day("托管结束")
    liability_terms_accepted = f.flag("同意托管责任条款")
    signed_at = f.when("业主签名时间", required=True)
    withdrawn_at = f.when("取回时间")
    withdrawn_by_name = f.text("取回人", 40, demo=["王建国", "李秀英", "王小明", "陈静"])
    __rules__ = (
        *(required_if(field, equals("declaration_type", "custody"), "托管钥匙须填写此项",
                      "Required when keys are left in custody")
          for field in ("custody_purpose", "authorized_persons", "custody_from", "custody_to")),
        Rule("keys_count", lambda d: d.get("declaration_type") != "custody" or (d.get("keys_count") or 0) >= 1,
             "托管钥匙至少1把", "Leave at least one key"),
        Rule("key", lambda d: d.get("declaration_type") != "custody"
             or getattr(d.get("key"), "status", None) not in ("lost", "void"),
             "遗失或作废的钥匙不能托管", "A lost or void key cannot be left in custody"),
        Rule("liability_terms_accepted", lambda d: d.get("declaration_type") != "custody"
             or d.get("liability_terms_accepted"), "托管须业主同意责任条款",
             "The owner must accept the custody terms"),
        date_order("custody_from", "custody_to"),
        Rule("withdrawn_at", lambda d: not d.get("withdrawn_at") or d.get("declaration_type") == "custody",
             "只有托管的钥匙才能取回", "Only keys in custody can be withdrawn"),
        Rule("withdrawn_at", lambda d: not d.get("withdrawn_at") or getattr(d.get("key"), "status", None) != "on_loan",
             "钥匙借出未还,不能取回", "The key is out on loan and cannot be handed back"),
        required_if("withdrawn_by_name", lambda d: d.get("withdrawn_at"), "请填写取回人", "Name who took the keys"),
        date_order("signed_at", "withdrawn_at"),
    )


# -- what follows a save: hand-overs file their keys, custody keeps or hands back the owner's key ----------------
@reacts_to(UnitKeyHandover)
def file_unit_keys(handover, saved):
    """空置房屋钥匙: each line's keys in the cabinet."""
    _file_keys(handover, "vacant_unit", _unit_key)


@reacts_to(CommonKeyHandover)
def file_plant_room_keys(handover, saved):
    """设施设备用房备用钥匙: each line's keys in the cabinet."""
    _file_keys(handover, "equipment_room", _room_key)


@reacts_to(KeyCustodyDeclaration)
def keep_the_owners_key(declaration, saved):
    """Custody files the owner's key as 托管中 (a new key when none is chosen); withdrawal hands it back.

    Only a change of the custody facts moves the key, so editing other fields never undoes a later loan or issue.
    """
    if declaration.declaration_type != "custody" or not saved.changed & {"declaration_type", "key", "withdrawn_at"}:
        return
    session = object_session(declaration)
    category = _category(session, "owner_custody")
    if declaration.key is None:
        unit = declaration.unit
        declaration.key = Key(
            project_id=declaration.project_id, key_category=category, building=unit.building, floor=unit.floor,
            unit=unit, copies=max(declaration.keys_count or 1, 1), cabinet_no="托管柜", hook_position="待定",
            tag_no=_free_tag(session, declaration.project_id, f"T-{unit.building.code}-{unit.entrance}-{unit.room_no}"))
        session.flush()
    key = declaration.key
    session.refresh(key, ["status"])
    if key.status in ("lost", "void") or (declaration.withdrawn_at and key.status == "on_loan"):
        raise Refused([text(f"钥匙{key.tag_no}当前为「{KEY_STATUS.label(key.status)}」,不能办理",
                            f"Key {key.tag_no} is {KEY_STATUS.label(key.status)}")])
    key.key_category = category
    if declaration.withdrawn_at:
        action = None if key.status == "returned_to_owner" else "hand_to_owner"
    elif key.status in ("in_cabinet", "returned_to_owner"):  # a key lent out under the owner's authorisation stays out
        action = "take_into_custody"
    else:
        action = None
    if action is None:  # already where the declaration says
        return
    if saved.user is None:
        raise Refused([text("钥匙的进出须由登录的员工办理", "A key moves only for a signed-in member of staff")])
    reasons = perform(key, action, saved.user)
    if reasons:
        raise Refused(reasons)
