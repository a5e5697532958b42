"""清洁绿化外判: outsourced cleaning, refuse, pest control and greening checks (6.44–6.46, 6.48–6.53)."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import object_session

from ..extensions import db
from ..i18n import Choices
from ..models import fields as f
from ..models.base import LOCAL_TZ, Form, FormRecord, LineItem
from ..models.enums import CHECK_RESULT
from ..models.rules import Rule, date_order, equals, not_more, required_if
from .flow import NC_FLOW, NC_STATES

MONTH_STARTS = [date(2026, month, 1) for month in range(1, 12)]  # demo values: an evaluation month is stored as its 1st

GRADE = Choices(excellent="优", good="良", qualified="合格", unqualified="不合格")
PASS_FAIL = Choices({"pass": "合格"}, fail="不合格")
CLEANING_AREA = Choices(lobby="大堂", corridor="楼道及电梯厅", lift_car="电梯轿厢", grounds="公共场地和马路", parking="停车场",
                        facade="外墙/玻璃", septic="化粪池/管道", refuse="垃圾桶/垃圾房", toilet="公共卫生间", pest="消杀配合")
WEEKLY_TASK = Choices(glass="玻璃/门窗擦拭", roof="天台/雨棚清理", parking="停车场冲洗", refuse_room="垃圾房冲洗消毒",
                      drains="雨污水井/明沟清疏", fire_exits="消防通道/楼梯间", fixtures="灯具/标识擦拭",
                      facade="外墙低层清洗", septic="化粪池检查")
WASTE_TYPE = Choices(household="生活垃圾", renovation="装修垃圾", bulky="大件垃圾", recyclable="可回收物", kitchen="厨余垃圾",
                     hazardous="有害垃圾", residual="其他垃圾")
QTY_UNIT = Choices(bin="桶", truck="车", ton="吨", cubic_metre="立方米")
PEST_TARGET = Choices(rat="鼠", cockroach="蟑螂", mosquito="蚊", fly="蝇", termite="白蚁", other="其他")
PEST_AREA = Choices(septic="化粪池/污水井", refuse_room="垃圾房", greenbelt="绿化带", basement="地下室/车库",
                    shafts="管井", corridors="公共楼道", clubhouse="会所/商铺外围")
PEST_METHOD = Choices(spray="喷洒", bait="投放毒饵", fog="烟雾", trap="粘板/诱捕", other="其他")
PEST_INDICATOR = Choices(traces="鼠迹", live="活体", egg_case="卵鞘", larvae="幼虫/孳生地", adult="成虫")
GREENING_AREA = Choices(lawn="草坪", trees="乔木", shrubs="灌木/绿篱", flowers="花卉/时花", water="水景/花池",
                        pests="病虫害防治", pruning="修剪造型", watering="浇水施肥", weeding="除杂草",
                        litter="枯枝落叶清理", chemicals="药品保管使用", tools_dress="工具与人员着装")
GREENING_TASK = Choices(watering="浇水", pruning="修剪", weeding="除草", fertilising="施肥", pesticide="病虫害防治/打药",
                        litter="清理枯枝落叶", replanting="补种", other="其他")
SERVICE_TYPE = Choices(cleaning="清洁", greening="绿化", pest_control="消杀", waste="垃圾清运", other="其他")
NC_SOURCE = Choices(daily_check="清洁日检(6.45)", weekly_check="清洁周检(6.46)", waste="垃圾清运(6.48)",
                    pest_inspection="消杀检验(6.50)", greening_check="绿化日检(6.52)", complaint="投诉(6.4)", other="其他")
SEVERITY = Choices(general="一般", serious="严重")

# Domain defaults (catalogue 6.44): thresholds and the refuse-truck grace period are to become estate settings.
GRADE_FLOORS = ((90, "excellent"), (80, "good"), (70, "qualified"))
ON_TIME_GRACE = timedelta(minutes=30)

GROUP = "cleaning_greening"
STAFF_DEMO = ["王建国、李秀英", "陈志强", "刘芳、张磊"]
REP_DEMO = ["赵经理", "孙主管", "周领班", "吴师傅"]
STANDARD_DEMO = ["地面无垃圾、无污渍", "墙面天花无蛛网", "扶手、玻璃无尘无手印", "垃圾桶不满溢", "电梯轿厢无异味"]


def contractor_is(kind):
    """The contractor chosen provides this service (a Contractor, or unchecked when the view passes an id)."""
    return Rule("contractor", lambda d: getattr(d.get("contractor"), "contractor_type", kind) == kind,
                "所选单位不是该服务类别的外判单位", "The contractor does not provide this service")


def _dec(value):
    return Decimal(str(value or 0))


def _total(lines):
    """Score out of 100, scaled by the items' maximum so a sheet whose maxima miss 100 still compares."""
    top = sum(_dec(line.max_score) for line in lines)
    if not top:
        return None
    return (sum(_dec(line.score) for line in lines) * 100 / top).quantize(Decimal("0.1"))


def _grade(total):
    return None if total is None else next((g for floor, g in GRADE_FLOORS if total >= floor), "unqualified")


def _id(record, name):
    return getattr(record, f"{name}_id") or getattr(getattr(record, name), "id", None)


def _figure(record, what, model, *where):
    """One figure over this contractor's rows of another sheet; None until estate and contractor are known."""
    session, contractor_id = object_session(record), _id(record, "contractor")
    if session is None or contractor_id is None:
        return None
    return session.scalar(sa.select(what).select_from(model).where(
        model.project_id == _id(record, "project"), model.contractor_id == contractor_id, *where))


def _month_failures(record, *sheets):
    """Failed items on this contractor's check sheets (model, date column) in the evaluation month."""
    if record.month is None:
        return None
    start = record.month.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    found = [_figure(record, sa.func.coalesce(sa.func.sum(model.failed_count), 0), model,
                     getattr(model, day) >= start, getattr(model, day) < end) for model, day in sheets]
    return None if None in found else sum(found)


def _rows(data, key):
    """A column of the inline lines as the view passes them (dicts from the form, or LineItem objects)."""
    return [row.get(key) if isinstance(row, dict) else getattr(row, key, None) for row in data.get("items") or ()]


class CleaningMonthlyEvaluation(FormRecord, db.Model):
    """6.44 清洁质量月评估评分表: the month's scored evaluation of the cleaning contractor."""

    __form__ = Form("6.44", "清洁质量月评估评分表", "Monthly cleaning quality evaluation scoresheet", GROUP, "checklist")
    __signatures__ = ("检查人", "承包商代表")  # who signs the paper
    __list__ = ("serial_no", "month", "contractor", "evaluator", "total_score", "grade", "deduction_amount")
    __search__ = ("serial_no", "co_evaluators", "contractor_rep_name")
    month = f.day("评估月份", required=True, demo=MONTH_STARTS)
    contractor_id, contractor = f.ref("Contractor", "清洁外判单位", required=True)
    evaluator_id, evaluator = f.ref("StaffMember", "评估人", required=True)
    co_evaluators = f.text("其他评估人", 100, demo=STAFF_DEMO)
    contractor_rep_name = f.text("承包商代表", 40, required=True, demo=REP_DEMO)
    items = f.lines("CleaningScoreLine", "评分项目")
    total_score = f.score("总分", readonly=True)
    grade = f.choice("等级", GRADE, readonly=True)
    daily_weekly_findings = f.count("日/周检不合格项", readonly=True)
    nonconformities_open = f.count("未关闭不合格项", readonly=True)
    deduction_amount = f.money("考核扣款")
    contractor_signed_on = f.day("承包商签认日期", required=True)
    __rules__ = (contractor_is("cleaning"),)

    def before_save(self):
        """Store the month as its first day, score the lines and count the month's findings."""
        if self.month:
            self.month = self.month.replace(day=1)
        self.total_score = _total(self.items)
        self.grade = _grade(self.total_score)
        self.daily_weekly_findings = _month_failures(self, (CleaningDailyCheck, "check_date"),
                                                     (CleaningWeeklyCheck, "checked_on"))
        open_ = OutsourcedNonconformity.status != "closed"
        self.nonconformities_open = _figure(self, sa.func.count(), OutsourcedNonconformity, open_)


class CleaningScoreLine(LineItem, db.Model):
    """A scored area of the monthly cleaning evaluation."""

    parent_id, parent = f.parent("CleaningMonthlyEvaluation", "items")
    area = f.choice("评分项目", CLEANING_AREA, required=True)
    standard_ref = f.text("评分标准", 100, demo=STANDARD_DEMO)
    max_score = f.score("满分", required=True)
    score = f.score("得分", required=True)
    deduction_reason = f.text("扣分原因", 200, demo=["3栋电梯厅地面有污渍", "停车场角落有垃圾", "公共卫生间有异味"])
    __rules__ = (not_more("score", "max_score", "得分不能超过该项满分", "A score cannot exceed the item's maximum"),)


class CleaningDailyCheck(FormRecord, db.Model):
    """6.45 清洁工作日检查表: the day's pass/fail round of the cleaned areas."""

    __form__ = Form("6.45", "清洁工作日检查表", "Daily cleaning inspection sheet", GROUP, "checklist")
    __list__ = ("serial_no", "check_date", "building", "area_scope", "contractor", "checker", "failed_count")
    __search__ = ("serial_no", "area_scope", "cleaner_on_duty")
    check_date = f.day("检查日期", required=True)
    building_id, building = f.ref("Building", "楼栋")
    area_scope = f.text("检查范围", 100, demo=["大堂及首层公共区域", "1–3栋楼道及电梯厅", "地下停车场", "中心广场及道路"])
    checker_id, checker = f.ref("StaffMember", "检查人", required=True)
    contractor_id, contractor = f.ref("Contractor", "清洁单位", required=True)
    cleaner_on_duty = f.text("当班保洁员", 60, demo=["张阿姨", "李师傅", "王秀兰、刘桂芳"])
    items = f.lines("CleaningDailyCheckLine", "检查项目")
    failed_count = f.count("不合格项", readonly=True)
    contractor_supervisor_name = f.text("承包商领班", 40, demo=REP_DEMO)
    __rules__ = (required_if("area_scope", lambda d: not d.get("building"), "请选择楼栋或填写检查范围",
                             "Choose a building or describe the area"),)

    def before_save(self):
        """Count the failed lines."""
        self.failed_count = sum(1 for item in self.items if item.result == "fail")


class CleaningDailyCheckLine(LineItem, db.Model):
    """A checked area and standard of the daily cleaning round."""

    parent_id, parent = f.parent("CleaningDailyCheck", "items")
    area = f.choice("区域", CLEANING_AREA, required=True)
    standard = f.text("检查标准", 100, demo=STANDARD_DEMO)
    result = f.choice("结果", CHECK_RESULT, required=True, default="pass")
    note = f.text("情况说明", 200, demo=["5楼楼道有烟头", "电梯按钮有污渍", "垃圾桶满溢未及时清理"])
    __rules__ = (required_if("note", equals("result", "fail"), "不合格项须说明情况", "Describe the failure"),)


class CleaningWeeklyCheck(FormRecord, db.Model):
    """6.46 清洁工作周检查表: the scored weekly round of periodic cleaning tasks."""

    __form__ = Form("6.46", "清洁工作周检查表", "Weekly cleaning inspection sheet", GROUP, "checklist")
    __list__ = ("serial_no", "week_start", "checked_on", "contractor", "checker", "total_score", "failed_count")
    __search__ = ("serial_no", "contractor_rep_name")
    checked_on = f.day("检查日期", required=True)
    week_start = f.day("周次(周一)", readonly=True)  # derived from checked_on, so it is always that week's Monday
    checker_id, checker = f.ref("StaffMember", "检查人", required=True)
    contractor_id, contractor = f.ref("Contractor", "清洁单位", required=True)
    items = f.lines("CleaningWeeklyCheckLine", "周检项目")
    total_score = f.score("得分", readonly=True)
    failed_count = f.count("不合格项", readonly=True)
    contractor_rep_name = f.text("承包商代表", 40, demo=REP_DEMO)

    def before_save(self):
        """Set the week, score the tasks and count those not done."""
        if self.checked_on:
            self.week_start = self.checked_on - timedelta(days=self.checked_on.weekday())
        self.total_score = _total(self.items)
        self.failed_count = sum(1 for item in self.items if not item.done)


class CleaningWeeklyCheckLine(LineItem, db.Model):
    """A periodic task of the weekly cleaning round."""

    parent_id, parent = f.parent("CleaningWeeklyCheck", "items")
    task = f.choice("周检项目", WEEKLY_TASK, required=True)
    done = f.flag("已完成")
    max_score = f.score("满分", required=True)
    score = f.score("得分", required=True)
    note = f.text("情况说明", 200, demo=["天台排水口有落叶堵塞", "车库B区地面油污未冲洗", "消防楼梯扶手积尘"])
    __rules__ = (
        not_more("score", "max_score", "得分不能超过该项满分", "A score cannot exceed the item's maximum"),
        required_if("note", lambda d: not d.get("done"), "未完成项须说明情况", "Say why the task was not done"),
    )


class WasteCollectionRecord(FormRecord, db.Model):
    """6.48 垃圾清运服务质量记录表: one refuse collection run and how well it went."""

    __form__ = Form("6.48", "垃圾清运服务质量记录表", "Refuse collection service quality record", GROUP, "register")
    __sections__ = (
        (("清运", "Collection"), ("collected_on", "contractor", "vehicle_plate", "driver_name")),
        (("时间与数量", "Times and quantity"), ("scheduled_time", "arrived_at", "left_at", "waste_type", "quantity",
                                           "quantity_unit")),
        (("质量检查", "Quality"), ("site_clean_after", "no_spill_leak", "odour_flies_controlled", "supervisor",
                               "nonconformity")),
    )
    __signatures__ = ("检查人", "司机")  # who signs the paper
    __list__ = ("serial_no", "collected_on", "contractor", "vehicle_plate", "waste_type", "quantity", "on_time")
    __search__ = ("serial_no", "vehicle_plate", "driver_name")
    collected_on = f.day("日期", required=True)
    contractor_id, contractor = f.ref("Contractor", "清运单位", required=True)
    vehicle_plate = f.plate("车牌", required=True)
    driver_name = f.text("司机", 40, demo=["刘师傅", "黄建军", "马志明"])
    scheduled_time = f.clock("约定时间", required=True)
    arrived_at = f.when("到场时间", required=True)
    left_at = f.when("离场时间", required=True)
    on_time = f.flag("准时", readonly=True)
    waste_type = f.choice("垃圾类别", WASTE_TYPE, required=True, default="household")
    quantity = f.decimal("数量", 8, 2, low=Decimal("0.01"), required=True)
    quantity_unit = f.choice("单位", QTY_UNIT, required=True, default="bin")
    site_clean_after = f.flag("清运后现场干净")
    no_spill_leak = f.flag("无撒漏/渗漏")
    odour_flies_controlled = f.flag("异味蚊蝇控制")
    supervisor_id, supervisor = f.ref("StaffMember", "监督人", required=True)
    nonconformity_id, nonconformity = f.ref("OutsourcedNonconformity", "不合格处理单")
    __rules__ = (
        contractor_is("waste"),
        date_order("arrived_at", "left_at"),
        required_if("nonconformity", lambda d: not (d.get("site_clean_after") and d.get("no_spill_leak")),
                    "现场不洁或有撒漏,须关联不合格处理单(6.53)", "A dirty site or spill needs a 6.53 report"),
    )

    def before_save(self):
        """Judge punctuality: arrival within the grace period after the agreed local time."""
        if self.collected_on and self.scheduled_time and self.arrived_at:
            due = datetime.combine(self.collected_on, self.scheduled_time, tzinfo=LOCAL_TZ) + ON_TIME_GRACE
            arrived = self.arrived_at if self.arrived_at.tzinfo else self.arrived_at.replace(tzinfo=timezone.utc)
            self.on_time = arrived <= due


class PestControlRecord(FormRecord, db.Model):
    """6.49 消杀服务过程记录表: what the pest-control team did, where, with which chemical."""

    __form__ = Form("6.49", "消杀服务过程记录表", "Pest-control service log", GROUP, "register")
    __sections__ = (
        (("作业", "Service"), ("service_date", "contractor", "operators", "start_at", "end_at")),
        (("对象与区域", "Targets and areas"), ("main_target", "other_targets", "main_area", "other_areas")),
        (("药剂", "Chemicals"), ("chemical_name", "chemical_reg_no", "dosage", "method", "bait_points")),
        (("监督", "Supervision"), ("residents_notified", "supervisor", "leftover_returned")),
    )
    __signatures__ = ("消杀单位", "监督人")  # who signs the paper
    __list__ = ("serial_no", "service_date", "contractor", "main_target", "main_area", "method", "supervisor")
    __search__ = ("serial_no", "operators", "chemical_name", "other_areas")
    service_date = f.day("作业日期", required=True)
    contractor_id, contractor = f.ref("Contractor", "消杀单位", required=True)
    operators = f.text("作业人员", 100, required=True, demo=["周师傅、郑师傅", "林国栋", "何勇、谢华"])
    main_target = f.choice("消杀对象", PEST_TARGET, required=True)
    other_targets = f.text("其他消杀对象", 60, demo=["蚊、蝇", "蟑螂", "白蚁"])
    main_area = f.choice("作业区域", PEST_AREA, required=True)
    other_areas = f.text("其他作业区域", 200, demo=["垃圾房、绿化带", "地下车库及管井", "3–5栋公共楼道"])
    chemical_name = f.text("药剂名称", 60, required=True, demo=["高效氯氰菊酯", "溴敌隆毒饵", "吡虫啉胶饵"])
    chemical_reg_no = f.text("农药登记证号", 60, required=True, demo=["WP20180123", "WL20150045", "WP20200311"])
    dosage = f.text("配比/用量", 60, required=True, demo=["1:200 兑水", "每点 20 克", "每平方米 0.5 克"])
    method = f.choice("作业方式", PEST_METHOD, required=True)
    bait_points = f.count("投药点数")
    start_at = f.when("开始时间", required=True)
    end_at = f.when("结束时间", required=True)
    residents_notified = f.flag("已张贴告示/通知")
    supervisor_id, supervisor = f.ref("StaffMember", "物业监督人", required=True)
    leftover_returned = f.flag("剩余药品回收")
    __rules__ = (
        contractor_is("pest_control"),
        date_order("start_at", "end_at"),
        Rule("residents_notified", lambda d: d.get("residents_notified") or d.get("method") not in ("spray", "fog"),
             "喷洒或烟雾作业前须张贴告示、通知住户", "Residents must be notified before spraying or fogging"),
    )


class PestControlInspection(FormRecord, db.Model):
    """6.50 消杀服务质量检验表: the estate's check of pest density after the contractor's work."""

    __form__ = Form("6.50", "消杀服务质量检验表", "Pest-control quality inspection sheet", GROUP, "checklist")
    __signatures__ = ("检查人", "消杀单位")  # who signs the paper
    __list__ = ("serial_no", "inspected_on", "contractor", "inspector", "pest_control_record", "overall_result")
    __search__ = ("serial_no", "contractor_rep_name")
    inspected_on = f.day("检验日期", required=True)
    contractor_id, contractor = f.ref("Contractor", "消杀单位", required=True)
    inspector_id, inspector = f.ref("StaffMember", "检验人", required=True)
    pest_control_record_id, pest_control_record = f.ref("PestControlRecord", "对应作业记录")
    items = f.lines("PestCheckLine", "检验项目")
    complaints_in_period = f.count("期间鼠虫投诉数", readonly=True)  # counted from 6.4 tickets by the reports issue
    overall_result = f.choice("结论", PASS_FAIL, required=True)
    contractor_rep_name = f.text("消杀单位签认人", 40, demo=REP_DEMO)


class PestCheckLine(LineItem, db.Model):
    """Points checked for one pest indicator in one place."""

    parent_id, parent = f.parent("PestControlInspection", "items")
    area = f.text("检查区域", 60, required=True, demo=["垃圾房", "地下车库", "化粪池周边", "商铺后巷", "绿化带"])
    target = f.choice("对象", PEST_TARGET, required=True)
    indicator = f.choice("指标", PEST_INDICATOR, required=True)
    points_checked = f.qty("检查点数", required=True)
    points_positive = f.count("阳性点数", required=True, default=0)
    positive_rate = f.pct("阳性率(%)", readonly=True)
    result = f.choice("结果", PASS_FAIL, required=True, default="pass")
    __rules__ = (not_more("points_positive", "points_checked", "阳性点数不能超过检查点数", "Cannot exceed points checked"),)

    def before_save(self):
        """Work out the positive rate."""
        if self.points_checked:
            self.positive_rate = (_dec(self.points_positive) * 100 / _dec(self.points_checked)).quantize(Decimal("0.1"))


class GreeningEvaluation(FormRecord, db.Model):
    """6.51 绿化养护评估评分表: the month's scored evaluation of the landscaping contractor."""

    __form__ = Form("6.51", "绿化养护评估评分表", "Landscaping maintenance evaluation scoresheet", GROUP, "checklist")
    __signatures__ = ("检查人", "承包商代表")  # who signs the paper
    __list__ = ("serial_no", "month", "contractor", "evaluator", "total_score", "grade", "deduction_amount")
    __search__ = ("serial_no", "co_evaluators", "contractor_rep_name")
    month = f.day("评估月份", required=True, demo=MONTH_STARTS)
    contractor_id, contractor = f.ref("Contractor", "绿化外判单位", required=True)
    evaluator_id, evaluator = f.ref("StaffMember", "评估人", required=True)
    co_evaluators = f.text("其他评估人", 100, demo=STAFF_DEMO)
    contractor_rep_name = f.text("承包商代表", 40, required=True, demo=REP_DEMO)
    items = f.lines("GreeningScoreLine", "评分项目")
    total_score = f.score("总分", readonly=True)
    grade = f.choice("等级", GRADE, readonly=True)
    daily_findings = f.count("日检不合格项", readonly=True)
    deduction_amount = f.money("考核扣款")
    contractor_signed_on = f.day("承包商签认日期", required=True)
    __rules__ = (contractor_is("greening"),)

    def before_save(self):
        """Store the month as its first day, score the lines and count the month's daily-check failures."""
        if self.month:
            self.month = self.month.replace(day=1)
        self.total_score = _total(self.items)
        self.grade = _grade(self.total_score)
        self.daily_findings = _month_failures(self, (GreeningDailyCheck, "check_date"))


class GreeningScoreLine(LineItem, db.Model):
    """A scored item of the monthly landscaping evaluation."""

    parent_id, parent = f.parent("GreeningEvaluation", "items")
    area = f.choice("评分项目", GREENING_AREA, required=True)
    max_score = f.score("满分", required=True)
    score = f.score("得分", required=True)
    deduction_reason = f.text("扣分原因", 200, demo=["草坪有斑秃未补植", "绿篱修剪不整齐", "打药未设警示牌"])
    __rules__ = (not_more("score", "max_score", "得分不能超过该项满分", "A score cannot exceed the item's maximum"),)


class GreeningDailyCheck(FormRecord, db.Model):
    """6.52 绿化工日工作检查表: what the gardeners planned and did today, and how well."""

    __form__ = Form("6.52", "绿化工日工作检查表", "Gardener daily work inspection sheet", GROUP, "checklist")
    __list__ = ("serial_no", "check_date", "area_scope", "gardeners", "contractor", "checker", "failed_count")
    __search__ = ("serial_no", "area_scope", "gardeners")
    check_date = f.day("日期", required=True)
    area_scope = f.text("责任区域", 100, required=True, demo=["中心花园", "1–4栋周边绿化带", "北门入口及水景"])
    gardeners = f.text("绿化工", 100, required=True, demo=["老陈、小李", "黄师傅", "杨伟、何秀珍"])
    contractor_id, contractor = f.ref("Contractor", "绿化单位", required=True)
    checker_id, checker = f.ref("StaffMember", "检查人", required=True)
    items = f.lines("GreeningTaskLine", "当日工作")
    plants_dry_or_dead = f.flag("有枯死/缺水植物")
    pesticide_notice_posted = f.flag("已张贴打药告示")
    failed_count = f.count("不合格项", readonly=True)
    __rules__ = (
        Rule("pesticide_notice_posted",
             lambda d: d.get("pesticide_notice_posted") or "pesticide" not in _rows(d, "task"),
             "当日有打药作业,须张贴告示", "Post a notice on a day with pesticide spraying"),
    )

    def before_save(self):
        """Count planned tasks left undone and work below standard."""
        self.failed_count = sum(1 for item in self.items if (item.planned and not item.done) or item.quality == "fail")


class GreeningTaskLine(LineItem, db.Model):
    """A gardening task of the day: planned, done, and its quality."""

    parent_id, parent = f.parent("GreeningDailyCheck", "items")
    task = f.choice("工作内容", GREENING_TASK, required=True)
    planned = f.flag("计划内", default=True)
    done = f.flag("已完成")
    quality = f.choice("质量", CHECK_RESULT, required=True, default="pass")
    note = f.text("情况说明", 200, demo=["草坪浇水不均匀", "修剪枝叶未及时清走", "因下雨顺延施肥"])


class OutsourcedNonconformity(FormRecord, db.Model):
    """6.53 外判工作不合格服务处理表: one failure of an outsourced service, chased until it passes."""

    __form__ = Form("6.53", "外判工作不合格服务处理表", "Outsourced-service nonconformity report", GROUP, "register")
    __sections__ = (
        (("不合格服务", "Nonconformity"), ("found_at", "contractor", "service_type", "source_type", "source_no",
                                      "location", "description", "severity")),
        (("纠正要求", "Correction required"), ("required_correction", "deadline")),
        (("承包商签收与措施", "Contractor's response"), ("contractor_rep_name", "contractor_rep_signed_at",
                                                 "corrective_action", "preventive_action")),
        (("验证", "Verification"), ("verified_at", "verified_by", "verification_result", "deduction_amount")),
    )
    __signatures__ = ("检查人", "承包商代表")  # who signs the paper
    __list__ = ("serial_no", "found_at", "contractor", "service_type", "location", "severity", "deadline", "status")
    __search__ = ("serial_no", "source_no", "location", "description")
    __flow__ = NC_FLOW
    status = f.status(NC_STATES, default="open")
    found_at = f.when("发现时间", required=True)
    contractor_id, contractor = f.ref("Contractor", "外判单位", required=True)
    service_type = f.choice("服务类别", SERVICE_TYPE, required=True)
    source_type = f.choice("来源", NC_SOURCE)
    source_no = f.text("来源单号", 32, demo=["KF0645-202405-0012", "KF0652-202406-0031", "KF0604-202406-0007"])
    location = f.text("地点", 100, required=True, demo=["2栋电梯厅", "地下车库B区", "中心花园", "垃圾中转站"])
    description = f.long_text("不合格描述", required=True, demo=["电梯厅地面连续两日有污渍", "草坪大面积枯黄未补植",
                                                              "清运后垃圾站地面有渗漏污水", "消杀后垃圾房仍见蟑螂"])
    severity = f.choice("严重程度", SEVERITY, required=True, default="general")
    required_correction = f.long_text("纠正要求", required=True, demo=["当日清洁干净", "一周内补植", "立即冲洗消毒"])
    deadline = f.when("整改期限", required=True)
    contractor_rep_name = f.text("承包商签收人", 40, demo=REP_DEMO)
    contractor_rep_signed_at = f.when("承包商签收时间")
    corrective_action = f.long_text("纠正措施", demo=["已安排专人重新清洁", "已补植草皮", "已冲洗消毒清运现场"])
    preventive_action = f.long_text("预防措施", demo=["增加每日巡查频次", "调整养护计划并每周自检", "车辆每月检修"])
    verified_at = f.when("验证时间")
    verified_by_id, verified_by = f.ref("StaffMember", "验证人")
    verification_result = f.choice("验证结果", PASS_FAIL)
    deduction_amount = f.money("扣款")
    __rules__ = (
        Rule("deadline", lambda d: not d.get("found_at") or not d.get("deadline") or d["deadline"] > d["found_at"],
             "整改期限须晚于发现时间", "The deadline must be after the finding"),
        date_order("found_at", "contractor_rep_signed_at"),
        date_order("found_at", "verified_at"),
        required_if("contractor_rep_signed_at", lambda d: d.get("contractor_rep_name"), "请填写签收时间", "Give the time"),
        *(required_if(name, lambda d: d.get("verification_result"), "填写验证结果时此项必填", "Needed with a result")
          for name in ("verified_by", "verified_at", "corrective_action")),
    )
