"""钥匙管理: key hand-overs, custody declarations and loans (6.31, 6.32, 6.39, 6.54)."""
from ...extensions import db
from ...i18n import Choices
from .. import fields as f
from ..base import Form, FormRecord, LineItem
from ..enums import ID_TYPE
from ..rules import Rule, date_order, equals, id_document, required_if

UNIT_KEY_KIND = Choices(entry_door="入户门", inner_door="室内门", mailbox="信报箱", meter_box="水电表箱",
                        entrance_access="单元门禁", other="其他")
PLANT_ROOM = Choices(power_room="配电房", pump_room="水泵房", lift_machine_room="电梯机房", fire_control_room="消防控制室",
                     generator_room="发电机房", weak_current="弱电间/管井", roof_door="天台门", stair_door="楼道/单元门",
                     clubhouse="会所", garage="车库", other="其他")
DECLARATION_TYPE = Choices(received_all="已领取全部钥匙", custody="委托物业托管钥匙")
CUSTODY_PURPOSE = Choices(renovation="装修期间", rental_viewing="出租看房", away="长期外出", other="其他")
KEY_LOAN_STATES = Choices(lent="借出", returned="已归还", overdue="逾期", lost="遗失", issued="已领用")
LOAN_TYPE = Choices(loan="借用", issue="领用")
BORROWER_KIND = Choices(staff="内部员工", outsider="非公司人员")
OWNER_AUTHORIZATION = Choices(authorized_person="授权取用人本人", written="书面授权", phone_recorded="电话确认+录音")
KEY_CONDITION = Choices(intact="完好", damaged="损坏", lost="遗失")  # return_condition without the extinguisher code

HANDOVER_PARTIES = ["广州市锦绣房地产开发有限公司", "深圳市华景置业有限公司", "佛山市金湾地产开发有限公司",
                    "东莞市恒信建设工程有限公司"]
REP_NAMES = ["刘工", "陈经理", "黄建明", "周主管", "吴志刚"]
TAG_NOS = ["K-01-0101", "K-03-1502", "G-PD-01", "G-SB-02", "K-05-0801"]
CABINET_POSITIONS = ["A柜-01", "A柜-15", "B柜-03", "C柜-22", "公区柜-07"]
DISCREPANCIES = ["3栋1201入户门钥匙缺1把", "5栋0803室内门钥匙试开打不开", "无差异", "配电房备用钥匙仅1把,开发商补交中"]


def _key_category(data):
    return getattr(data.get("key"), "key_category", None)


def _handover_rules():
    return (
        Rule("items", lambda d: "items" not in d or bool(d["items"]), "请至少填写一行钥匙明细",
             "List at least one key"),
    )


class UnitKeyHandover(FormRecord, db.Model):
    """6.31 房屋钥匙接管验收移交表: the developer hands a building's unit keys to the key cabinet."""

    __form__ = Form("6.31", "房屋钥匙接管验收移交表", "Unit key takeover hand-over list", "keys", "certificate")
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
        """Count units and keys from the lines rather than asking a clerk to add them up."""
        self.total_units = len({line.unit_id or getattr(line.unit, "id", None) for line in self.items} - {None})
        self.total_keys = sum(line.quantity or 0 for line in self.items)


class UnitKeyHandoverLine(LineItem, db.Model):
    """The keys of one unit received from the developer."""

    parent_id, parent = f.parent("UnitKeyHandover", "items")
    unit_id, unit = f.ref("Unit", "房号", required=True)
    key_kind = f.choice("钥匙类型", UNIT_KEY_KIND, required=True, default="entry_door")
    quantity = f.count("把数", required=True, default=1)
    trial_open_ok = f.flag("试开正常")
    tag_no = f.text("标识编号", 20, demo=TAG_NOS)
    cabinet_position = f.text("钥匙柜位置", 20, demo=CABINET_POSITIONS)


class CommonKeyHandover(FormRecord, db.Model):
    """6.32 物业公共区域钥匙接管验收移交表: the developer hands over the plant-room and common-area keys."""

    __form__ = Form("6.32", "物业公共区域钥匙接管验收移交表", "Common-area key takeover hand-over list", "keys",
                    "certificate")
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
        """Add up the keys of the lines."""
        self.total_keys = sum(line.quantity or 0 for line in self.items)


class CommonKeyHandoverLine(LineItem, db.Model):
    """The keys of one plant room or common door."""

    parent_id, parent = f.parent("CommonKeyHandover", "items")
    building_id, building = f.ref("Building", "楼栋")
    room_name = f.choice("用房/部位", PLANT_ROOM, required=True)
    location_detail = f.text("具体位置", 60, demo=["地下一层", "1栋天面", "2栋1单元首层", "会所二楼", "B2层东侧"])
    quantity = f.count("把数", required=True, default=1)
    trial_open_ok = f.flag("试开正常")
    tag_no = f.text("标识编号", 20, demo=TAG_NOS)
    cabinet_position = f.text("钥匙柜位置", 20, demo=CABINET_POSITIONS)


class KeyCustodyDeclaration(FormRecord, db.Model):
    """6.39 业主收楼钥匙(托管)声明: the owner confirms receipt of all keys, or leaves keys with us."""

    __form__ = Form("6.39", "业主收楼钥匙(托管)声明", "Owner key receipt / custody declaration", "keys", "certificate")
    __list__ = ("serial_no", "unit", "owner", "declaration_type", "keys_count", "custody_from", "custody_to",
                "withdrawn_at")
    __search__ = ("serial_no", "authorized_persons", "withdrawn_by_name")
    unit_id, unit = f.ref("Unit", "房号", required=True)
    owner_id, owner = f.ref("Owner", "业主", required=True)
    declaration_type = f.choice("声明类型", DECLARATION_TYPE, required=True, default="received_all")
    keys_count = f.count("钥匙数量", required=True)
    key_id, key = f.ref("Key", "托管钥匙")
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
          for field in ("key", "custody_purpose", "authorized_persons", "custody_from", "custody_to")),
        Rule("liability_terms_accepted", lambda d: d.get("declaration_type") != "custody"
             or d.get("liability_terms_accepted"), "托管须业主同意责任条款",
             "The owner must accept the custody terms"),
        date_order("custody_from", "custody_to"),
        Rule("withdrawn_at", lambda d: not d.get("withdrawn_at") or d.get("declaration_type") == "custody",
             "只有托管的钥匙才能取回", "Only keys in custody can be withdrawn"),
        required_if("withdrawn_by_name", lambda d: d.get("withdrawn_at"), "请填写取回人", "Name who took the keys"),
        date_order("signed_at", "withdrawn_at"),
    )


class KeyLoan(FormRecord, db.Model):
    """6.54 钥匙借(领)用登记表: every key that leaves the cabinet, to whom, and its return."""

    __form__ = Form("6.54", "钥匙借(领)用登记表", "Key loan / issue register", "keys", "register")
    __list__ = ("serial_no", "key", "loan_type", "borrower_name", "staff", "lent_at", "expected_return_at", "status")
    __search__ = ("serial_no", "borrower_name", "borrower_org", "borrower_mobile", "purpose")
    __status__ = KEY_LOAN_STATES
    status = f.status(KEY_LOAN_STATES, default="lent")
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
    approved_by_id, approved_by = f.ref("StaffMember", "主管审批")
    purpose = f.long_text("借用事由", required=True, demo=[
        "空置房巡查", "配电房设备检修", "业主委托装修公司进场", "业主收楼领取钥匙", "水泵房保养"])
    lent_at = f.when("借出时间", required=True)
    lent_by_id, lent_by = f.ref("StaffMember", "经办人", required=True)
    expected_return_at = f.when("预计归还时间")
    returned_at = f.when("归还时间")
    received_by_id, received_by = f.ref("StaffMember", "归还接收人")
    key_condition = f.choice("钥匙状况", KEY_CONDITION)
    deposit_refunded_at = f.when("退押金时间")
    deposit_forfeited = f.flag("押金没收")
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
        required_if("approved_by", lambda d: d.get("loan_type") == "loan"
                    and getattr(_key_category(d), "is_sensitive", False),
                    "此类钥匙借用须主管审批", "This kind of key needs a supervisor's approval"),
        required_if("expected_return_at", equals("loan_type", "loan"), "借用须填写预计归还时间",
                    "Give the expected return time"),
        date_order("lent_at", "expected_return_at"),
        date_order("lent_at", "returned_at"),
        *(required_if(field, lambda d: d.get("returned_at"), "归还时须填写此项", "Required on return")
          for field in ("received_by", "key_condition")),
        Rule("deposit_refunded_at", lambda d: not (d.get("deposit_refunded_at") and d.get("deposit_forfeited")),
             "押金已没收,不能再退还", "A forfeited deposit cannot be refunded"),
    )
