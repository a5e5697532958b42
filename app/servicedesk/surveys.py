"""满意度调查: the yearly survey campaign and one household's questionnaire (6.42, S2-6)."""
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload

from ..extensions import db
from ..i18n import Choices
from ..rates import counted, rate
from ..models import fields as f
from ..models.base import Audited, Form, FormRecord, LineItem
from ..models.enums import SATISFACTION
from ..models.lookups import Building, Unit
from ..models.rules import Rule, date_order, required_if
from .complaint_flow import SATISFIED  # S2-6 4.4.4: 满意问卷数量(包括非常满意和满意)
from .complaints import SURVEY_ITEM, UNSATISFIED, _records
from .revisits import RevisitRecord

# S2-6 4.1(2): issue to 90 % of the moved-in households, get 80 % of those back, 90 % satisfied overall and per item
ISSUE_PCT, RETURN_PCT, TARGET_RATE = 90, 80, 90
# 已办理入住 is the move-in procedure (收楼, 6.38): a household that took its flat over counts whether it lives there,
# lets it or is fitting it out. 未交付 has no household yet, and 空置 is a flat whose keys the company keeps and
# patrols (6.10, S2-1 4.5.1.1 空置房屋钥匙): there is nobody to hand a questionnaire to.
MOVED_IN = ("handed_over", "owner_occupied", "rented", "renovating")
NOT_HOUSEHOLDS = ("parking", "storage")  # a parking space or a storeroom is not a 户
REVISIT_STATE = Choices(unscheduled=("未安排回访", "Not scheduled"), due=("待回访", "Due"),
                        late=("超期未回访", "Late"), done=("已回访", "Done"), done_late=("超期回访", "Done late"))


def moved_in_households(project_id):
    """已办理入住户数: the estate's active units handed over to a household (a new campaign's default)."""
    return db.session.scalar(
        sa.select(sa.func.count(Unit.id)).join(Building, Building.id == Unit.building_id)
        .where(Building.project_id == project_id, Unit.is_active.is_(True), Unit.occupancy_status.in_(MOVED_IN),
               Unit.usage.not_in(NOT_HOUSEHOLDS)))


def share_of(count, pct):
    """⌈count × pct %⌉: a target counts whole questionnaires, so 14.4 needs 15."""
    return -(-count * pct // 100)


def reaches(part, whole, pct):
    """part ÷ whole ≥ pct %, compared exactly (89.96 % shows as 90.0 % but misses 90 %); None with no whole."""
    return None if not whole else part * 100 >= whole * pct


@dataclass(frozen=True)
class SurveyFigures:
    """A campaign's counts and the S2-6 4.4 formulas over them (《业户意见调查结果汇总》)."""

    moved_in: int
    issued: int  # 发放数量: the campaign's questionnaires
    returned: int  # 回收数量: those with a return time
    satisfied: int  # returned with the overall rating 非常满意 or 满意
    items: dict = field(default_factory=dict)  # item -> returned questionnaires satisfied on it (items rated only)

    @property
    def issue_target(self):
        """4.4.2 已办理入住数量 × 90% = 发放数量, rounded up."""
        return share_of(self.moved_in, ISSUE_PCT)

    @property
    def return_target(self):
        """4.4.3 发放数量 × 80% = 回收数量, rounded up; of what was issued, not of the target."""
        return share_of(self.issued, RETURN_PCT)

    @property
    def overall_rate(self):
        """4.4.4 满意问卷数量(非常满意 + 满意) ÷ 回收数量 × 100% = 整体满意率; None when nothing came back."""
        return rate(self.satisfied, self.returned)

    @property
    def item_rates(self):
        """4.4.5 分项满意问卷数量 ÷ 回收数量 × 100% = 分项满意率, for each item the questionnaires rated."""
        return {item: rate(count, self.returned) for item, count in self.items.items()}

    @property
    def issue_met(self):
        return self.issued >= self.issue_target

    @property
    def return_met(self):
        return self.returned >= self.return_target

    @property
    def overall_met(self):
        return reaches(self.satisfied, self.returned, TARGET_RATE)

    def item_met(self, item):
        return reaches(self.items[item], self.returned, TARGET_RATE)

    @property
    def all_met(self):
        """Every S2-6 4.1(2) target reached."""
        return bool(self.issue_met and self.return_met and self.overall_met
                    and all(self.item_met(item) for item in self.items))


class SatisfactionSurvey(Audited, db.Model):
    """业户满意度调查批次: one campaign, its distribution and return targets and the S2-6 rates."""

    __label__ = ("满意度调查批次", "Survey campaigns")
    __list__ = ("project", "title", "year", "start_on", "end_on", "moved_in_households")
    __search__ = ("title",)
    project_id, project = f.ref("Project", "项目", required=True)
    title = f.text("调查名称", 60, required=True, demo=["2026年度业户满意度调查", "新入伙半年满意度调查"])
    year = f.integer("调查年度", low=2000, high=2100, required=True)
    start_on = f.day("开始日期", required=True)
    end_on = f.day("结束日期", required=True)
    moved_in_households = f.count("已办理入住户数", required=True, default=0)
    reported_to_quality_at = f.when("报公司品质部备案时间")
    rectification_summary = f.long_text("问题及整改措施汇总")
    published_at = f.when("整改措施反馈业户时间")
    remarks = f.long_text("备注")
    __rules__ = (date_order("start_on", "end_on"),)

    def __str__(self):
        return self.title or f"#{self.id}"

    def before_save(self):
        """A campaign created without the count takes the estate's moved-in households."""
        project_id = self.project_id or getattr(self.project, "id", None)
        if self.moved_in_households is None and project_id is not None:
            self.moved_in_households = moved_in_households(project_id)

    def figures(self):
        """The campaign's counts in two aggregate queries, with the S2-6 formulas over them."""
        response, line = SatisfactionSurveyResponse, SurveyRatingLine
        returned = response.returned_at.is_not(None)
        issued, returned_count, satisfied = db.session.execute(
            sa.select(sa.func.count(response.id), counted(returned),
                      counted(sa.and_(returned, response.overall_rating.in_(SATISFIED))))
            .where(response.survey_id == self.id)).one()
        # a questionnaire counts once per item, even with two lines for it
        rows = dict(db.session.execute(
            sa.select(line.item, sa.func.count(sa.distinct(line.parent_id)).filter(line.rating.in_(SATISFIED)))
            .join(response, response.id == line.parent_id)
            .where(response.survey_id == self.id, returned).group_by(line.item)).all())
        items = {item: rows[item] for item in SURVEY_ITEM.codes if item in rows}
        return SurveyFigures(self.moved_in_households or 0, issued, returned_count, satisfied, items)

    def follow_up_list(self):
        """(questionnaire, its latest revisit, REVISIT_STATE code) of each unhappy household and key customer."""
        response = SatisfactionSurveyResponse
        rows = db.session.scalars(sa.select(response).where(
            response.survey_id == self.id, sa.or_(response.needs_revisit, response.is_key_customer))
            .order_by(response.id).options(lazyload("*"), joinedload(response.unit).lazyload("*"))).all()
        latest = {}  # a line shows a questionnaire's serial, unit and rating and its revisit's dates: nothing more loads
        for revisit in db.session.scalars(sa.select(RevisitRecord).where(
                RevisitRecord.survey_response_id.in_([row.id for row in rows])).order_by(RevisitRecord.id)
                .options(lazyload("*"))):
            latest[revisit.survey_response_id] = revisit  # a later revisit (after rework) replaces the first
        return [(row, latest.get(row.id), revisit_state(latest.get(row.id))) for row in rows]


def revisit_state(revisit):
    """Where a questionnaire's follow-up stands: not scheduled, due, late, done (on time or late)."""
    if revisit is None:
        return "unscheduled"
    if revisit.revisited_at is not None:
        return "done_late" if revisit.is_late else "done"
    return "late" if revisit.is_late else "due"


def _unit_taken(survey, unit, record=None):
    """Another questionnaire of the same campaign is already filed for this unit."""
    if survey is None or unit is None or survey.id is None or unit.id is None:
        return False
    query = sa.select(sa.func.count(SatisfactionSurveyResponse.id)).where(
        SatisfactionSurveyResponse.survey_id == survey.id, SatisfactionSurveyResponse.unit_id == unit.id)
    if record is not None and record.id is not None:
        query = query.where(SatisfactionSurveyResponse.id != record.id)
    return db.session.scalar(query) > 0


UNIT_TAKEN = ("该房号在本次调查中已有问卷:每户每次调查只填一份", "This unit already has a questionnaire in this survey")


class SatisfactionSurveyResponse(FormRecord, db.Model):
    """6.42 总体服务意见问卷调查: one household's answers to the yearly satisfaction survey."""

    __form__ = Form("6.42", "总体服务意见问卷调查", "Overall service satisfaction questionnaire", "complaints")
    __sections__ = (
        (("问卷", "Questionnaire"), ("survey", "survey_year", "survey_batch", "issued_at", "returned_at")),
        (("填写人", "Respondent"), ("unit", "respondent_name", "is_key_customer")),
        (("评价与意见", "Ratings and comments"), ("items", "overall_rating", "comments", "complaint_raised",
                                             "complaint_ticket")),
    )
    __list__ = ("serial_no", "survey_batch", "unit", "issued_at", "returned_at", "overall_rating", "needs_revisit")
    __search__ = ("serial_no", "survey_batch", "respondent_name", "comments")
    survey_id, survey = f.ref("SatisfactionSurvey", "调查批次(活动)")
    survey_year = f.integer("调查年度", low=2000, high=2100, required=True)
    survey_batch = f.text("调查批次", 60, required=True, demo=[
        "2024年度业户满意度调查", "2025年度业户满意度调查", "新入伙半年满意度调查"])
    unit_id, unit = f.ref("Unit", "房号", required=True)
    respondent_name = f.text("填写人", 40, demo=["王先生", "李女士", "匿名", "陈先生"])
    issued_at = f.when("发放时间", required=True)
    returned_at = f.when("回收时间")
    items = f.lines("SurveyRatingLine", "分项评价")
    overall_rating = f.choice("总体评价", SATISFACTION)
    comments = f.long_text("其他意见", demo=["希望加强夜间巡逻", "保洁阿姨很负责", "维修响应太慢",
                                            "停车位太紧张"])
    complaint_raised = f.flag("提出投诉")
    complaint_ticket_id, complaint_ticket = f.ref("ComplaintTicket", "投诉受理单")
    needs_revisit = f.flag("需回访", readonly=True)
    is_key_customer = f.flag("重点客户")
    __rules__ = (
        date_order("issued_at", "returned_at"),
        required_if("overall_rating", lambda d: d.get("returned_at"), "已回收的问卷须填写总体评价",
                    "A returned questionnaire needs the overall rating"),
        required_if("complaint_ticket", lambda d: d.get("complaint_raised"), "提出投诉须关联投诉受理单",
                    "A complaint raised needs its complaint ticket"),
        Rule("unit", lambda d: not _unit_taken(d.get("survey"), d.get("unit"), d.get("_record")), *UNIT_TAKEN),
    )

    def before_save(self):
        """S2-6 4.7: dissatisfied households are revisited; one questionnaire per unit and campaign."""
        self.needs_revisit = (self.overall_rating in UNSATISFIED
                              or any(line.rating == "very_dissatisfied" for line in self.items))

    def follow_ups(self):
        """The revisits this questionnaire set going, shown on its page."""
        return _records((RevisitRecord, RevisitRecord.survey_response_id), key=self.id)


class SurveyRatingLine(LineItem, db.Model):
    """One rated item of a questionnaire."""

    parent_id, parent = f.parent("SatisfactionSurveyResponse", "items")
    item = f.choice("评价项目", SURVEY_ITEM, required=True)
    rating = f.choice("评价", SATISFACTION, required=True)
