"""巡查与品质: estate, vacant-unit and building patrols (6.9, 6.10, 6.15)."""
from ...extensions import db
from ...i18n import Choices
from .. import fields as f
from ..base import Form, FormRecord, LineItem
from ..enums import NORMAL_ABNORMAL
from ..rules import Rule, date_order, equals, required_if

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
    issues_found = f.count("问题数", default=0)
    issues_closed = f.count("已整改", default=0)
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
