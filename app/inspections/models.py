"""巡查与品质: estate, vacant-unit and building patrols (6.9, 6.10, 6.15)."""
from ..extensions import db
from ..i18n import Choices
from ..models import fields as f
from ..models.base import Form, FormRecord, LineItem
from ..models.enums import NORMAL_ABNORMAL
from ..models.rules import Rule, date_order, equals, required_if

PATROL_AREA = Choices(entrance="出入口/围墙", roads="道路广场", greening="绿化", lighting="公共照明",
                      parking="停车场", playground="游乐场", refuse="垃圾中转站", signage="标识标牌",
                      advertising="广告", illegal_building="违章搭建/占地", ac_units="空调外机", noise="噪音",
                      shop_frontage="商铺外摆", other="其他")


class EstateWeeklyPatrol(FormRecord, db.Model):
    """6.9 小区周巡表: the Monday quality round of the whole estate, reported by Tuesday."""

    __form__ = Form("6.9", "小区周巡表", "Weekly estate patrol sheet", "inspections", "checklist")
    __list__ = ("serial_no", "week_start", "patrolled_on", "leader", "issues_found", "issues_closed", "reported_at")
    __search__ = ("serial_no", "patrol_team", "summary")
    week_start = f.day("周次(周一)", required=True)
    patrolled_on = f.day("巡查日期", required=True)
    leader_id, leader = f.ref("StaffMember", "巡查负责人", required=True)
    patrol_team = f.text("巡查人员", 200, demo=["客服部、工程部、秩序维护部联合巡查"])
    items = f.lines("PatrolItem", "巡查项目")
    issues_found = f.count("问题数", default=0, readonly=True)
    issues_closed = f.count("已整改", default=0, readonly=True)
    summary = f.long_text("巡查小结", demo=["本周整体情况良好,发现问题已派单跟进。"])
    reported_at = f.when("上报时间")
    reviewed_by_id, reviewed_by = f.ref("StaffMember", "审阅人")
    __rules__ = (
        Rule("week_start", lambda d: d.get("week_start") is None or d["week_start"].weekday() == 0,
             "周次须从周一开始", "The week must start on a Monday"),
        date_order("week_start", "patrolled_on"),
    )

    def before_save(self):
        """Count the issues from the lines instead of asking a clerk to add them up."""
        abnormal = [item for item in self.items if item.result == "abnormal"]
        self.issues_found = len(abnormal)
        self.issues_closed = sum(1 for item in abnormal if item.rectified)


class PatrolItem(LineItem, db.Model):
    """A checked area of the weekly patrol."""

    parent_id, parent = f.parent("EstateWeeklyPatrol", "items")
    area = f.choice("巡查区域", PATROL_AREA, required=True)
    result = f.choice("结果", NORMAL_ABNORMAL, required=True, default="normal")
    issue = f.text("发现问题", 200)
    responsible_department_id, responsible_department = f.ref("Department", "责任部门")
    deadline = f.day("整改期限")
    rectified = f.flag("已整改")
    __rules__ = (
        required_if("issue", equals("result", "abnormal"), "异常项须写明问题", "Describe the abnormal finding"),
    )


VACANT_ACTION = Choices(none="无", repair="派工维修", developer="通知开发商售后", owner="通知业主")
VACANT_CHECKS = ("doors_windows_ok", "no_leakage", "utilities_isolated", "finishes_ok", "clean_no_pests")
PATROL_ROUND = Choices(morning="上午 09:00–12:00", afternoon="下午 16:00–18:10")
BUILDING_PART = Choices(lift="电梯内外", corridor="走廊", wall="墙壁", fire_door="防火门", hose_cabinet="消防箱",
                        vent_window="铝合金通风窗", lighting="灯罩/照明", handrail="楼梯扶手", roof="天台",
                        hygiene="卫生", plants="绿植")
PATROL_ACTION = Choices(on_spot="当场处理", work_order="派工单", reported="上报")


def _any_check_failed(d):
    return not all(d.get(name) for name in VACANT_CHECKS)


class VacantUnitInspection(FormRecord, db.Model):
    """6.10 空置房单元巡查记录表: a round of an undelivered or vacant unit, checked item by item."""

    __form__ = Form("6.10", "空置房单元巡查记录表", "Vacant unit inspection record", "inspections", "checklist")
    __sections__ = (
        (("巡查", "Inspection"), ("unit", "inspected_at", "inspector", "key_loan")),
        (("检查项目", "Checks"), ("doors_windows_ok", "no_leakage", "utilities_isolated", "finishes_ok", "clean_no_pests",
                              "ventilated")),
        (("异常与处理", "Findings"), ("abnormal_description", "action", "work_order", "next_due_on")),
    )
    __list__ = ("serial_no", "unit", "inspected_at", "inspector", "action", "next_due_on")
    __search__ = ("serial_no", "abnormal_description")
    unit_id, unit = f.ref("Unit", "房号", required=True)
    inspected_at = f.when("巡查时间", required=True)
    inspector_id, inspector = f.ref("StaffMember", "巡查人", required=True)
    key_loan_id, key_loan = f.ref("KeyLoan", "钥匙借用记录")
    doors_windows_ok = f.flag("门窗关闭完好")
    no_leakage = f.flag("无渗漏")
    utilities_isolated = f.flag("水阀/电闸/燃气阀已关")
    finishes_ok = f.flag("墙面天花地面完好")
    clean_no_pests = f.flag("卫生、无虫鼠")
    ventilated = f.flag("已开窗通风并复关")
    abnormal_description = f.long_text("异常情况", demo=[
        "卫生间天花渗水,地面有积水", "客厅窗户未关,雨水打湿地板", "厨房发现蟑螂", "次卧墙面发霉起皮"])
    action = f.choice("处理", VACANT_ACTION, default="none")
    work_order_id, work_order = f.ref("WorkOrder", "派工单")
    next_due_on = f.day("下次巡查日期", required=True)
    __rules__ = (
        Rule("unit", lambda d: getattr(d.get("unit"), "occupancy_status", None) in (None, "undelivered", "vacant"),
             "只巡查未交付或空置的房屋", "Only undelivered or vacant units are inspected here"),
        required_if("abnormal_description", _any_check_failed, "有检查项不合格时须写明异常情况",
                    "Describe what failed"),
        Rule("action", lambda d: not _any_check_failed(d) or d.get("action") not in (None, "", "none"),
             "有异常时须选择处理方式", "Choose an action for the failed checks"),
        required_if("work_order", equals("action", "repair"), "派工维修须关联派工单", "Link the work order"),
        Rule("next_due_on", lambda d: d.get("next_due_on") is None or d.get("inspected_at") is None
             or d["next_due_on"] > d["inspected_at"].date(), "下次巡查日期须晚于本次巡查",
             "The next inspection is after this one"),
    )


class BuildingPatrol(FormRecord, db.Model):
    """6.15 楼宇巡查表: one of the two daily rounds of a building, part by part."""

    __form__ = Form("6.15", "楼宇巡查表", "Building patrol sheet", "inspections", "checklist")
    __list__ = ("serial_no", "patrol_date", "round", "building", "patroller", "issues_count", "reviewed_by")
    __search__ = ("serial_no", "notes_and_suggestions")
    building_id, building = f.ref("Building", "楼栋", required=True)
    patrol_date = f.day("日期", required=True)
    round = f.choice("巡查轮次", PATROL_ROUND, required=True, default="morning")
    start_at = f.when("开始时间", required=True)
    end_at = f.when("结束时间", required=True)
    patroller_id, patroller = f.ref("StaffMember", "巡查人", required=True)
    items = f.lines("BuildingPatrolItem", "巡查部位")
    issues_count = f.count("问题数", readonly=True, default=0)
    notes_and_suggestions = f.long_text("情况记录及建议", demo=[
        "整体情况良好,12楼走廊灯不亮已报修", "天台门未上锁,已当场锁好,建议加装门磁",
        "3楼消防箱玻璃破损,已派工", "建议增加电梯轿厢的清洁频次"])
    reviewed_by_id, reviewed_by = f.ref("StaffMember", "审阅(客服主任)")
    __rules__ = (date_order("start_at", "end_at"),)

    def before_save(self):
        """Count the abnormal parts instead of asking the patroller to add them up."""
        self.issues_count = sum(1 for item in self.items if item.result == "abnormal")


class BuildingPatrolItem(LineItem, db.Model):
    """A checked part of a building patrol; no floor means the whole building."""

    parent_id, parent = f.parent("BuildingPatrol", "items")
    floor = f.integer("楼层")
    part = f.choice("巡查部位", BUILDING_PART, required=True)
    result = f.choice("结果", NORMAL_ABNORMAL, required=True, default="normal")
    issue = f.text("发现问题", 200, demo=["走廊灯不亮", "防火门闭门器损坏", "消防箱玻璃破损", "楼梯扶手松动"])
    action = f.choice("处理", PATROL_ACTION)
    __rules__ = (
        required_if("issue", equals("result", "abnormal"), "异常项须写明问题", "Describe the abnormal finding"),
        required_if("action", equals("result", "abnormal"), "异常项须选择处理方式", "Choose an action"),
    )
