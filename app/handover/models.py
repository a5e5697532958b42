"""接管验收: takeover inspections, hand-over lists and defects (6.8, 6.14, 6.26, 6.30, 6.33–6.37)."""
import sqlalchemy as sa
from sqlalchemy.orm import object_session

from ..extensions import db
from ..i18n import Choices
from ..models import fields as f
from ..models.base import LOCAL_TZ, Form, FormRecord, LineItem
from ..models.enums import CHECK_RESULT, NORMAL_ABNORMAL
from ..models.lookups import Building, Unit
from ..models.rules import Rule, date_order, equals, required_if
from .flows import DEFECT_FLOW, DEFECT_STATES, WARRANTY_FLOW, WARRANTY_STATES

PASS_FAIL = Choices({"pass": "合格"}, fail="不合格")
TAKEOVER_ROUND = Choices(initial="初验", recheck="复验")
TAKEOVER_SYSTEM = Choices(structure="主体结构", facade="外墙", roof="屋面防水", common_finish="公共部位装修",
                          door_window="门窗", plumbing="给排水", power="供配电", lift="电梯", fire="消防",
                          low_voltage="弱电/安防", gas="燃气", outdoor="道路/室外", greening="绿化")
TAKEOVER_CONCLUSION = Choices(agree="同意接管", conditional="有条件接管(遗留问题限期整改)", reject="不同意接管")
UNIT_STAGE = Choices(takeover="物业接管(开发商→物业)", owner_handover="业主收楼(物业→业主)")
ROOM = Choices(living="客厅", bedroom="卧室", kitchen="厨房", bathroom="卫生间", balcony="阳台", other="其他")
UNIT_PART = Choices(wall="墙面", floor="地面", ceiling="天花", entry_door="入户门", inner_door="室内门", window="窗",
                    switch_socket="开关插座", plumbing="给排水", waterproof="防水", intercom="可视对讲", gas="燃气")
UNIT_DECISION = Choices(agree="同意", conditional="有条件同意(遗留问题整改)", reject="不同意")
WARRANTY_SOURCE = Choices(takeover="接管验收遗留", owner_handover="业主收楼", after_sales="业主报修(售后)",
                          patrol="巡查发现")
WARRANTY_DEFECT = Choices(leak="渗漏", crack="开裂", hollow="空鼓", door_window="门窗", plumbing_electric="水电",
                          equipment="设备", facade="外墙", other="其他")
# Not in §4: the follow-up's life as §4.9 tells it ("chased until fixed and verified").
HOUSING_SOURCE = Choices(building_takeover="楼宇接管验收情况检查表(6.8)", unit_takeover="单元接管验收记录表(6.14)",
                         condition_check="楼宇情况验收检查表(6.36)")
HOUSING_DEFECT = Choices(leak="渗漏", crack="开裂", hollow="空鼓", door_window="门窗", plumbing_electric="水电",
                         facade="外墙", common_finish="公共部位装修", other="其他")
HOUSING_SEVERITY = Choices(general="一般", severe="严重(影响使用/安全)")
_SYSTEMS = dict(power="供配电", plumbing="给排水", lift="电梯", low_voltage="弱电安防(门禁/道闸/监控)",
                hvac="空调通风", gas="燃气", lighting="照明", roads="道路/围墙", greening="园林绿化", play="游乐设施")
FACILITY_SYSTEM = Choices(**_SYSTEMS, other="其他")
EQUIPMENT_SYSTEM = Choices(**_SYSTEMS, fire="消防", other="其他")  # 6.34 also takes 6.37's fire defects
HANDOVER_CONCLUSION = Choices(accept="同意接收", conditional="有条件接收", reject="不接收")
EQUIPMENT_SOURCE = Choices(facility_handover="公共区域设备设施接管验收移交表(6.33)",
                           fire_handover="消防配置设备/设施接管验收移交表(6.37)",
                           building_takeover="楼宇接管验收情况检查表(6.8)")
EQUIPMENT_SEVERITY = Choices(general="一般", severe="严重(影响安全/运行)")
DOC_TYPE = Choices(as_built="竣工图纸", completion_filing="竣工验收备案表", equipment_docs="设备说明书/合格证",
                   key_list="钥匙清单", owner_roll="业主名册", fire_acceptance="消防验收意见书", other="其他")
BUILDING_CONCLUSION = Choices(full="完全接管", conditional="有条件接管")
FLOOR_PART = Choices(lift_lobby="电梯厅/电梯门", corridor_wall="走廊墙面", floor="地面", ceiling="天花",
                     fire_door="防火门", hydrant="消防箱/消火栓", vent="通风窗", lighting="灯具/开关",
                     handrail="楼梯扶手", shaft_door="管井门", roof="天台")
CONDITION_CONCLUSION = Choices({"pass": "合格"}, issues="有遗留问题")
FIRE_EQUIPMENT = Choices(ext_powder="灭火器(干粉)", ext_foam="灭火器(泡沫)", ext_co2="灭火器(二氧化碳)",
                         hydrant="室内消火栓", sprinkler="喷淋头/喷淋系统", smoke_detector="烟感探测器",
                         heat_detector="温感探测器", fan=("送风/排烟风机", "Supply or smoke fan"), fire_door="防火门",
                         alarm_panel="火灾报警控制器", emergency_light="应急照明/疏散指示", pump="消防水泵",
                         broadcast="消防广播")

DEVELOPERS = ["深圳市华润置地开发有限公司", "广州万科房地产有限公司", "佛山碧桂园房地产开发有限公司",
              "中建三局第一建设工程有限责任公司"]
REP_NAMES = ["王建国", "李工", "陈志强", "刘经理", "赵海涛"]
OTHER_STAFF = ["工程部 张伟、客服部 李娜", "工程部 黄磊", "客服部 周敏、秩序维护部 吴强"]


def _value(row, name):
    """A field of a submitted line, whether the view hands over dicts or objects."""
    return row.get(name) if isinstance(row, dict) else getattr(row, name, None)


def _lines_with(data, name, *values):
    return sum(1 for row in data.get("items") or () if _value(row, name) in values)


def _local_day(moment):
    return moment.astimezone(LOCAL_TZ).date() if moment.tzinfo else moment.date()


def _floors_fit(data):
    """Each floor of 6.36 lies between the building's lowest basement and its top floor."""
    b, floors = data.get("building"), (_value(row, "floor") for row in data.get("items") or ())
    return not hasattr(b, "floors_above") or all(x is None or -b.floors_below <= x <= b.floors_above for x in floors)


def _open_defects(session, building_id):
    """Defects of 6.30 and 6.34 in a building that are not rectified yet."""
    return sum(session.scalar(sa.select(sa.func.count()).select_from(model).where(
        model.building_id == building_id, model.status != "rectified"))
        for model in (HousingTakeoverDefect, EquipmentTakeoverDefect))


def _full_takeover_allowed(data):
    building = data.get("building")
    if data.get("conclusion") != "full" or building is None:
        return True
    return _open_defects(db.session, getattr(building, "id", building)) == 0


DESCRIBE_FAILURE = required_if("defect_description", equals("result", "fail"), "不合格项须写明问题",
                               "Describe what failed")
DEFECT_RULES = (
    date_order("found_on", "rectify_deadline"),
    date_order("found_on", "rectified_on"),
    required_if("rectified_on", equals("status", "rectified"), "请填写整改完成日期", "Give the rectification date"),
    required_if("verified_by", equals("status", "rectified"), "已整改的须有复验人", "Name who re-checked it"),
    required_if("warranty_followup", equals("status", "to_warranty"), "请关联保修跟进表", "Link the follow-up"),
)


class BuildingTakeoverInspection(FormRecord, db.Model):
    """6.8 楼宇接管验收情况检查表: a building checked system by system when the developer hands it over."""

    __form__ = Form("6.8", "楼宇接管验收情况检查表", "Building takeover inspection checklist (by system)", "handover",
                    "checklist")
    __sections__ = (
        (("验收", "Inspection"), ("building", "inspection_round", "inspected_on", "handing_over_party",
                                "developer_rep_name", "lead_inspector", "inspector_names")),
        (("结论与签字", "Conclusion"), ("items", "conclusion", "signed_by", "signed_at")),
    )
    __list__ = ("serial_no", "building", "inspection_round", "inspected_on", "handing_over_party", "items_failed",
                "conclusion")
    __search__ = ("serial_no", "handing_over_party", "developer_rep_name", "inspector_names")
    building_id, building = f.ref("Building", "楼栋", required=True)
    inspection_round = f.choice("验收轮次", TAKEOVER_ROUND, required=True, default="initial")
    inspected_on = f.day("验收日期", required=True)
    handing_over_party = f.text("移交单位(开发商/施工单位)", 100, required=True, demo=DEVELOPERS)
    developer_rep_name = f.text("移交方代表", 40, required=True, demo=REP_NAMES)
    lead_inspector_id, lead_inspector = f.ref("StaffMember", "验收负责人", required=True)
    inspector_names = f.text("其他验收人员(应含工程部)", 200, demo=OTHER_STAFF)
    items = f.lines("TakeoverCheckItem", "检查项目")
    items_total = f.count("项数", required=True, default=0, readonly=True)
    items_failed = f.count("不合格项", required=True, default=0, readonly=True)
    conclusion = f.choice("验收结论", TAKEOVER_CONCLUSION, required=True)
    signed_by_id, signed_by = f.ref("StaffMember", "接管方签字", required=True)
    signed_at = f.when("双方签字时间", required=True)
    __rules__ = (Rule("conclusion", lambda d: d.get("conclusion") != "agree" or not _lines_with(d, "result", "fail"),
                      "有不合格项时不能同意接管", "With failed items the takeover can only be conditional"),)

    def before_save(self):
        """Count the items and failures from the lines."""
        self.items_total = len(self.items)
        self.items_failed = sum(1 for item in self.items if item.result == "fail")


class TakeoverCheckItem(LineItem, db.Model):
    """A checked item of one building system."""

    parent_id, parent = f.parent("BuildingTakeoverInspection", "items")
    system = f.choice("系统", TAKEOVER_SYSTEM, required=True)
    item = f.text("检查项目", 100, required=True, demo=["外墙无脱落、裂缝", "屋面防水完好、无积水", "电梯运行平稳"])
    result = f.choice("结果", CHECK_RESULT, required=True, default="pass")
    defect_description = f.text("问题描述", 200, demo=["12层外墙两处裂缝", "屋面排水口堵塞", "电梯平层误差偏大"])
    __rules__ = (DESCRIBE_FAILURE,)


class UnitTakeoverInspection(FormRecord, db.Model):
    """6.14 单元接管验收记录表: a unit inspected room by room, from the developer or with the owner at move-in."""

    __form__ = Form("6.14", "单元接管验收记录表", "Unit takeover / hand-over inspection record", "handover", "checklist")
    __sections__ = (
        (("验收", "Inspection"), ("unit", "stage", "inspected_on", "inspector")),
        (("到场人", "Attending"), ("owner", "attendee_name", "is_proxy")),
        (("表读数与钥匙", "Meters and keys"), ("water_meter", "electricity_meter", "gas_meter", "keys_received")),
        (("结论", "Conclusion"), ("items", "decision", "signed_at")),
    )
    __signatures__ = ("业主", "验收人")  # who signs the paper
    __list__ = ("serial_no", "unit", "stage", "inspected_on", "inspector", "attendee_name", "decision")
    __search__ = ("serial_no", "attendee_name")
    unit_id, unit = f.ref("Unit", "房号", required=True)
    stage = f.choice("验收阶段", UNIT_STAGE, required=True)
    inspected_on = f.day("验收日期", required=True)
    inspector_id, inspector = f.ref("StaffMember", "带房/验收人", required=True)
    owner_id, owner = f.ref("Owner", "业主")
    # The person on site is also the other party who signs: the owner, a proxy or the developer's representative.
    attendee_name = f.text("到场签字人(业主/委托人/开发商代表)", 40, required=True,
                           demo=["张伟", "李秀英", "王芳(受托人)", "开发商代表 陈工"])
    is_proxy = f.flag("委托他人办理")
    items = f.lines("UnitTakeoverCheckItem", "验收项目")
    water_meter = f.decimal("水表读数", 10, 2)
    electricity_meter = f.decimal("电表读数", 10, 2)
    gas_meter = f.decimal("燃气表读数", 10, 2)
    keys_received = f.count("钥匙数量")
    decision = f.choice("是否同意接收/交房", UNIT_DECISION, required=True)
    signed_at = f.when("双方签字时间", required=True)
    __rules__ = tuple(required_if(name, equals("stage", "owner_handover"), "业主收楼须填写此项", "Required at move-in")
                      for name in ("owner", "water_meter", "electricity_meter", "gas_meter"))


class UnitTakeoverCheckItem(LineItem, db.Model):
    """A part of a room checked in a unit."""

    parent_id, parent = f.parent("UnitTakeoverInspection", "items")
    room = f.choice("房间", ROOM, required=True)
    part = f.choice("部位", UNIT_PART, required=True)
    result = f.choice("结果", PASS_FAIL, required=True, default="pass")
    defect_description = f.text("问题描述", 200, demo=["卫生间地面倒泛水", "主卧墙面空鼓", "入户门锁芯卡滞"])
    __rules__ = (DESCRIBE_FAILURE,)


class WarrantyFollowup(FormRecord, db.Model):
    """6.26 项目遗留工程保修跟进表: a defect the developer fixes under warranty, chased until verified."""

    __form__ = Form("6.26", "项目遗留工程保修跟进表", "Legacy-works warranty follow-up", "handover", "register")
    __sections__ = (
        (("问题", "Defect"), ("source", "unit", "location", "defect_type", "description", "reported_at")),
        (("移交售后", "Handed to the developer"), ("return_slip_no", "sent_to_developer_at", "developer_contact",
                                               "contractor", "warranty_until", "promised_fix_on")),
        (("跟进", "Follow-up"), ("followup_count", "last_followed_up_at")),
        (("修复验证", "Fixed and verified"), ("fixed_at", "verified_by", "owner_confirmed")),
    )
    __list__ = ("serial_no", "reported_at", "unit", "location", "defect_type", "promised_fix_on", "followup_count",
                "status")
    __search__ = ("serial_no", "location", "description", "return_slip_no", "developer_contact")
    source = f.choice("来源", WARRANTY_SOURCE, required=True)
    unit_id, unit = f.ref("Unit", "房号")
    location = f.text("部位", 100, demo=["主卧飘窗", "3栋2单元屋面", "地下车库B区顶板", "卫生间墙角"])
    defect_type = f.choice("问题类别", WARRANTY_DEFECT, required=True)
    description = f.long_text("问题描述", required=True, demo=["雨后飘窗渗水,墙面发霉", "客厅天花裂缝", "车库顶板滴水"])
    reported_at = f.when("登记时间", required=True)
    return_slip_no = f.text("《物业返修联系单》号", 40, required=True, demo=["FX-202405-012", "FX-202406-003", "FX-202407-021"])
    sent_to_developer_at = f.when("移交售后时间", required=True)
    developer_contact = f.text("售后联系人", 40, demo=["开发商售后 刘工", "陈经理", "黄志明"])
    contractor_id, contractor = f.ref("Contractor", "保修施工单位")
    warranty_until = f.day("保修期至")
    promised_fix_on = f.day("承诺完成日期")
    followup_count = f.count("跟进次数", required=True, default=0)
    last_followed_up_at = f.when("最近跟进时间")
    fixed_at = f.when("修复时间")
    verified_by_id, verified_by = f.ref("StaffMember", "验证人")
    owner_confirmed = f.flag("业主确认")
    __flow__ = WARRANTY_FLOW
    status = f.status(WARRANTY_STATES, default="open")
    __rules__ = (
        required_if("location", lambda d: not d.get("unit"), "请填写房号或部位", "Give a unit or a location"),
        date_order("reported_at", "sent_to_developer_at"),
        Rule("sent_to_developer_at", lambda d: not d.get("reported_at") or not d.get("sent_to_developer_at")
             or _local_day(d["sent_to_developer_at"]) == _local_day(d["reported_at"]),
             "《物业返修联系单》须在登记当天交售后部门", "Pass the slip to after-sales on the day it is registered"),
        date_order("reported_at", "fixed_at"),
        required_if("fixed_at", equals("status", "fixed", "closed"), "请填写修复时间", "Give the time it was fixed"),
        required_if("verified_by", equals("status", "closed"), "关闭前须有验证人", "Closing needs a verifier"),
        Rule("owner_confirmed", lambda d: d.get("status") != "closed" or not d.get("unit") or d.get("owner_confirmed"),
             "房屋问题关闭前须业主确认", "The owner must confirm before a unit's defect is closed"),
    )


class HousingTakeoverDefect(FormRecord, db.Model):
    """6.30 房屋接管验收遗留问题统计表: a building or unit defect left at takeover, chased until rectified."""

    __form__ = Form("6.30", "房屋接管验收遗留问题统计表", "Housing takeover outstanding-defect list", "handover",
                    "register")
    __sections__ = (
        (("问题", "Defect"), ("source", "building", "unit", "location_part", "defect_type", "description", "severity",
                            "found_on")),
        (("整改", "Rectification"), ("responsible_party", "rectify_deadline")),
        (("复验", "Verification"), ("rectified_on", "verified_by", "warranty_followup")),
    )
    __list__ = ("serial_no", "building", "unit", "location_part", "defect_type", "severity", "rectify_deadline",
                "status")
    __search__ = ("serial_no", "location_part", "description", "responsible_party")
    source = f.choice("来源检查表", HOUSING_SOURCE, required=True)
    building_id, building = f.ref("Building", "楼栋", required=True)
    unit_id, unit = f.ref("Unit", "房号")
    location_part = f.text("部位", 100, required=True, demo=["5层走廊天花", "1单元大堂地面", "屋面女儿墙", "1202主卧外窗"])
    defect_type = f.choice("问题类别", HOUSING_DEFECT, required=True)
    description = f.long_text("问题描述", required=True, demo=["天花水渍,疑管道渗漏", "大堂地砖空鼓", "女儿墙开裂"])
    severity = f.choice("严重程度", HOUSING_SEVERITY, required=True, default="general")
    responsible_party = f.text("责任单位", 100, required=True, demo=DEVELOPERS)
    found_on = f.day("发现日期", required=True)
    rectify_deadline = f.day("整改期限", required=True)
    rectified_on = f.day("整改完成日期")
    verified_by_id, verified_by = f.ref("StaffMember", "复验人")
    __flow__ = DEFECT_FLOW
    status = f.status(DEFECT_STATES, default="open")
    warranty_followup_id, warranty_followup = f.ref("WarrantyFollowup", "保修跟进")
    __rules__ = DEFECT_RULES


class FacilityHandover(FormRecord, db.Model):
    """6.33 公共区域设备设施接管验收移交表: the common-area equipment and facilities received from the developer."""

    __form__ = Form("6.33", "公共区域设备设施接管验收移交表", "Common-area equipment & facilities hand-over list",
                    "handover", "certificate")
    __signatures__ = ("移交人", "接收人")  # who signs the paper
    __list__ = ("serial_no", "building", "handover_on", "handing_over_party", "received_by", "items_count",
                "failed_count", "conclusion")
    __search__ = ("serial_no", "handing_over_party", "developer_rep_name", "co_receivers")
    building_id, building = f.ref("Building", "楼栋(空=小区公共)")
    handover_on = f.day("移交日期", required=True)
    handing_over_party = f.text("移交单位", 100, required=True, demo=DEVELOPERS)
    developer_rep_name = f.text("移交方代表", 40, required=True, demo=REP_NAMES)
    received_by_id, received_by = f.ref("StaffMember", "接收人", required=True)
    co_receivers = f.text("其他接收人(工程部/客服)", 200, demo=OTHER_STAFF)
    items = f.lines("FacilityHandoverLine", "设备设施明细")
    items_count = f.count("项数", required=True, default=0, readonly=True)
    failed_count = f.count("不合格", required=True, default=0, readonly=True)
    conclusion = f.choice("结论", HANDOVER_CONCLUSION, required=True)
    signed_at = f.when("双方签字时间", required=True)

    def before_save(self):
        """Count the lines and those whose trial run failed."""
        self.items_count = len(self.items)
        self.failed_count = sum(1 for item in self.items if item.trial_run_ok is False)


class FacilityHandoverLine(LineItem, db.Model):
    """One piece of equipment or facility handed over, with its papers."""

    parent_id, parent = f.parent("FacilityHandover", "items")
    system = f.choice("系统", FACILITY_SYSTEM, required=True)
    name = f.text("名称", 60, required=True, demo=["生活水泵", "高压配电柜", "车库道闸", "单元门禁主机", "儿童滑梯"])
    model_spec = f.text("品牌/型号规格", 100, demo=["格兰富 CR10-6", "施耐德 MVnex", "捷顺 JSDZ0601", "海康 DS-K1T"])
    location = f.text("位置", 100, demo=["地下一层水泵房", "1号配电房", "北门车行出入口", "3栋1单元大堂"])
    quantity = f.qty("数量", required=True, default=1)
    docs_received = f.text("随机资料", 100, demo=["说明书、合格证、保修卡", "图纸、调试记录", "说明书、合格证"])
    trial_run_ok = f.flag("试运行正常", default=True)
    warranty_until = f.day("保修期至")


class EquipmentTakeoverDefect(FormRecord, db.Model):
    """6.34 公共设备接管验收遗留问题统计表: an equipment defect left at takeover, chased until rectified."""

    __form__ = Form("6.34", "公共设备接管验收遗留问题统计表", "Common-equipment takeover outstanding-defect list",
                    "handover", "register")
    __sections__ = (
        (("问题", "Defect"), ("source", "building", "system", "facility_name", "location", "description", "severity",
                            "found_on")),
        (("整改", "Rectification"), ("responsible_party", "rectify_deadline")),
        (("复验", "Verification"), ("rectified_on", "verified_by", "warranty_followup")),
    )
    __list__ = ("serial_no", "system", "facility_name", "location", "severity", "rectify_deadline", "status")
    __search__ = ("serial_no", "facility_name", "location", "description", "responsible_party")
    source = f.choice("来源", EQUIPMENT_SOURCE, required=True)
    building_id, building = f.ref("Building", "楼栋(空=小区公共)")
    system = f.choice("系统", EQUIPMENT_SYSTEM, required=True)
    facility_name = f.text("设备名称", 60, required=True, demo=["消防水泵", "2号电梯", "车库排烟风机", "生活水箱"])
    location = f.text("位置", 100, required=True, demo=["地下一层消防泵房", "5栋电梯井", "B2车库", "屋顶水箱间"])
    description = f.long_text("问题描述", required=True, demo=["消防泵不能自动启动", "轿厢照明不亮", "风机异响"])
    severity = f.choice("严重程度", EQUIPMENT_SEVERITY, required=True, default="general")
    responsible_party = f.text("责任单位(开发商/设备供应商/安装单位)", 100, required=True,
                               demo=[*DEVELOPERS[:2], "广州日立电梯有限公司", "上海连成泵业有限公司"])
    found_on = f.day("发现日期", required=True)
    rectify_deadline = f.day("整改期限", required=True)
    rectified_on = f.day("整改完成日期")
    verified_by_id, verified_by = f.ref("StaffMember", "复验人")
    __flow__ = DEFECT_FLOW
    status = f.status(DEFECT_STATES, default="open")
    warranty_followup_id, warranty_followup = f.ref("WarrantyFollowup", "保修跟进")
    __rules__ = DEFECT_RULES


class BuildingHandover(FormRecord, db.Model):
    """6.35 楼宇接管验收移交表: the signed certificate that closes a building's takeover."""

    __form__ = Form("6.35", "楼宇接管验收移交表", "Building takeover hand-over certificate", "handover", "certificate")
    __signatures__ = ("移交人", "接收人")  # who signs the paper
    __list__ = ("serial_no", "building", "handover_on", "handing_over_party", "open_defects", "conclusion",
                "signed_by")
    __search__ = ("serial_no", "handing_over_party", "handing_over_rep_name", "receiving_party")
    # One final certificate per building (besides the serial number every form has).
    building_id, building = f.ref("Building", "楼栋", required=True)
    handover_on = f.day("移交日期", required=True)
    handing_over_party = f.text("移交方", 100, required=True, demo=DEVELOPERS)
    handing_over_rep_name = f.text("移交方代表", 40, required=True, demo=REP_NAMES)
    receiving_party = f.text("接收方", 100, required=True,
                             demo=["华润物业服务有限公司翠湖管理处", "万科物业滨江项目管理处", "碧桂园服务凤凰城管理处"])
    items = f.lines("HandoverDocumentLine", "移交资料")
    units_total = f.count("总户数", required=True, default=0, readonly=True)
    unit_inspections_done = f.count("已验收单元", required=True, default=0, readonly=True)
    keys_handed_over = f.count("钥匙数", required=True)
    facilities_handed_over = f.count("设备设施项数", required=True, default=0, readonly=True)
    open_defects = f.count("未整改遗留问题", required=True, default=0, readonly=True)
    conclusion = f.choice("结论", BUILDING_CONCLUSION, required=True)
    signed_by_id, signed_by = f.ref("StaffMember", "接收方签字", required=True)
    signed_at = f.when("双方签字盖章时间", required=True)
    __rules__ = (Rule("conclusion", _full_takeover_allowed, "尚有未整改的遗留问题,只能有条件接管",
                      "Outstanding defects remain: the takeover can only be conditional"),)

    def before_save(self):
        """Take the certificate's figures from the building and its takeover records."""
        session = object_session(self)
        if session is None:
            return
        building = self.building or (session.get(Building, self.building_id) if self.building_id else None)
        if building is None:
            return
        self.units_total = building.units_count
        self.unit_inspections_done = session.scalar(
            sa.select(sa.func.count(sa.distinct(UnitTakeoverInspection.unit_id)))
            .join(Unit, Unit.id == UnitTakeoverInspection.unit_id)
            .where(Unit.building_id == building.id, UnitTakeoverInspection.stage == "takeover"))
        self.facilities_handed_over = sum(
            session.scalar(sa.select(sa.func.coalesce(sa.func.sum(model.items_count), 0))
                           .where(model.building_id == building.id))
            for model in (FacilityHandover, FireEquipmentHandover))
        self.open_defects = _open_defects(session, building.id)


class HandoverDocumentLine(LineItem, db.Model):
    """A set of documents handed over with the building."""

    parent_id, parent = f.parent("BuildingHandover", "items")
    doc_type = f.choice("资料类别", DOC_TYPE, required=True)
    title = f.text("资料名称", 100, demo=["建筑施工总图", "给排水竣工图", "电梯使用维护说明书", "室外管网竣工图"])
    copies = f.qty("份数", required=True, default=1)
    pages = f.count("页数")
    received = f.flag("已接收", default=True)
    __rules__ = (required_if("title", equals("doc_type", "other"), "其他资料须写明名称", "Name the document"),)


class BuildingConditionCheck(FormRecord, db.Model):
    """6.36 楼宇情况验收检查表: the common parts of a building checked floor by floor at takeover."""

    __form__ = Form("6.36", "楼宇情况验收检查表", "Building condition (floor-by-floor) acceptance checklist", "handover",
                    "checklist")
    __list__ = ("serial_no", "building", "checked_on", "lead_inspector", "failed_count", "conclusion")
    __search__ = ("serial_no", "inspector_names", "developer_rep_name")
    building_id, building = f.ref("Building", "楼栋", required=True)
    checked_on = f.day("检查日期", required=True)
    lead_inspector_id, lead_inspector = f.ref("StaffMember", "检查人", required=True)
    inspector_names = f.text("其他检查人", 200, demo=OTHER_STAFF)
    developer_rep_name = f.text("开发商代表", 40, demo=REP_NAMES)
    items = f.lines("FloorCheckItem", "分层检查")
    failed_count = f.count("不合格项", required=True, default=0, readonly=True)
    conclusion = f.choice("结论", CONDITION_CONCLUSION, required=True)
    signed_at = f.when("签字时间", required=True)
    __rules__ = (Rule("items", _floors_fit, "楼层须在该楼栋的楼层范围内", "Each floor must exist in the building"),)

    def before_save(self):
        """Count the failed parts from the lines."""
        self.failed_count = sum(1 for item in self.items if item.result == "fail")


class FloorCheckItem(LineItem, db.Model):
    """One common part of one floor."""

    parent_id, parent = f.parent("BuildingConditionCheck", "items")
    floor = f.integer("楼层(地下为负)", required=True)
    part = f.choice("部位", FLOOR_PART, required=True)
    result = f.choice("结果", CHECK_RESULT, required=True, default="pass")
    defect_description = f.text("问题描述", 200, demo=["防火门闭门器损坏", "走廊墙面裂缝", "管井门锁缺失"])
    __rules__ = (
        Rule("floor", lambda d: d.get("floor") != 0, "没有0层(地下层用负数)", "There is no floor 0 (basements are negative)"),
        DESCRIBE_FAILURE,
    )


class FireEquipmentHandover(FormRecord, db.Model):
    """6.37 消防配置设备/设施接管验收移交表: the fire-protection equipment received from the developer."""

    __form__ = Form("6.37", "消防配置设备/设施接管验收移交表", "Fire-protection equipment hand-over list", "handover",
                    "certificate")
    __signatures__ = ("移交人", "接收人")  # who signs the paper
    __list__ = ("serial_no", "building", "handover_on", "handing_over_party", "received_by", "items_count",
                "abnormal_count")
    __search__ = ("serial_no", "handing_over_party", "handing_over_rep_name", "fire_acceptance_doc_no")
    building_id, building = f.ref("Building", "楼栋(空=小区公共)")
    handover_on = f.day("移交日期", required=True)
    handing_over_party = f.text("移交方", 100, required=True, demo=DEVELOPERS)
    handing_over_rep_name = f.text("移交方代表", 40, required=True, demo=REP_NAMES)
    received_by_id, received_by = f.ref("StaffMember", "接收人(消防主管)", required=True)
    co_receivers = f.text("其他接收人", 200, demo=OTHER_STAFF)
    fire_acceptance_doc_no = f.text("消防验收意见书号", 60, demo=["穗公消验字〔2024〕第0123号", "深消验字〔2023〕第0456号", "佛消验字〔2024〕第0078号"])
    items = f.lines("FireEquipmentLine", "设备明细")
    items_count = f.count("项数", required=True, default=0, readonly=True)
    abnormal_count = f.count("异常", required=True, default=0, readonly=True)
    signed_at = f.when("双方签字时间", required=True)

    def before_save(self):
        """Count the lines and the abnormal ones; equipment already expired at hand-over is abnormal too."""
        self.items_count = len(self.items)
        self.abnormal_count = sum(1 for i in self.items if i.test_result == "abnormal" or i.pressure_ok is False
                                  or (i.expires_on and self.handover_on and i.expires_on < self.handover_on))


class FireEquipmentLine(LineItem, db.Model):
    """One kind of fire-protection equipment at one place."""

    parent_id, parent = f.parent("FireEquipmentHandover", "items")
    equipment_type = f.choice("设备类别", FIRE_EQUIPMENT, required=True)
    location = f.text("位置", 100, demo=["1栋各层消防通道", "地下车库", "消防控制室", "3栋1单元大堂"])
    quantity = f.qty("数量", required=True, default=1)
    model_spec = f.text("型号规格", 60, demo=["MFZ/ABC4", "SN65", "JTY-GD-G3", "ZSTX15"])
    produced_on = f.day("生产日期")
    expires_on = f.day("有效期至")
    pressure_ok = f.flag("压力正常(灭火器)", default=True)
    test_result = f.choice("测试结果", NORMAL_ABNORMAL, required=True, default="normal")
    __rules__ = (date_order("produced_on", "expires_on"),)
