"""回访: the revisit register (6.43) and the schedule that makes its rows come due by themselves (S2-3, §4.9).

A complaint replied to, a work order closed, an unhappy questionnaire each schedule one revisit; the revisit's
result then closes the work or sends it back, and a revisit that is still unsatisfied calls for another.
"""
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property

from ..core.deadlines import is_late, late_sql
from ..extensions import db
from ..i18n import Choices, text
from ..models import fields as f
from ..models.base import Form, FormRecord
from ..models.enums import SATISFACTION
from ..models.lookups import UnitOwner
from ..models.rules import date_order, equals, required_if
from ..models.types import as_utc, utcnow
from .common import UNSATISFIED, Deadline, add_months, earlier_ref

REVISIT_TYPE = Choices(complaint="投诉", minor_repair="零星维修", repair_project="维修工程",
                       special_mid="特约服务(中期)", special_end="特约服务(结束)", activity="文体活动",
                       survey="满意度调查", other="其他管理服务")
# §3.3 revisit_method plus the combined visit S2-3 names as the usual way (「面谈、现场查看的方式综合进行」)
REVISIT_METHOD = Choices(face_to_face="面谈", site_check="现场查看", face_and_site="面谈+现场查看", phone="电话",
                         home_visit="上门拜访")
EVALUATION = Choices(good="好", fair="一般", poor="差")
SIGNED_METHODS = ("face_to_face", "site_check", "face_and_site", "home_visit")

# S2-3 一: revisit within 3 days of a complaint or minor repair, a month of a repair project or an activity,
# a week of other work; special services and surveys have no limit in the seeds (a week assumed)
REVISIT_DAYS = dict(complaint=3, minor_repair=3, special_mid=7, special_end=7, survey=7, other=7)
REVISIT_MONTHS = dict(repair_project=1, activity=1)
# S2-3 二 (R-RV2): the share of each kind that must be revisited; the seeds set none for surveys and other work
REVISIT_TARGETS = dict(complaint=100, minor_repair=100, repair_project=100, special_mid=100, special_end=100,
                       activity=70)


def revisit_due(kind, done_at):
    """The S2-3 deadline of a revisit of this kind for work finished at `done_at`."""
    done = as_utc(done_at)
    months = REVISIT_MONTHS.get(kind)
    return add_months(done, months) if months else done + timedelta(days=REVISIT_DAYS.get(kind, 7))


class RevisitRecord(FormRecord, db.Model):
    """6.43 客户回访记录表: the follow-up call or visit after a complaint, repair, service or activity."""

    __form__ = Form("6.43", "客户回访记录表", "Customer revisit (follow-up call/visit) record", "complaints")
    __sections__ = (
        (("回访对象", "Revisited"), ("revisit_type", "unit", "owner", "service_done_at")),
        (("来源", "Source"), ("complaint_ticket", "work_order", "survey_response", "community_activity",
                            "previous_revisit")),
        (("回访", "Revisit"), ("revisited_at", "revisited_by", "method")),
        (("评价", "Verdict"), ("quality_eval", "effect_eval", "satisfaction", "shortcomings", "suggestions",
                             "rework_work_order")),
        (("业主签名", "Owner's signature"), ("owner_signed_name", "owner_signed_on")),
    )
    __signatures__ = ("回访人", "业主")  # who signs the paper
    __list__ = ("serial_no", "revisit_type", "unit", "due_by", "revisited_at", "revisited_by", "satisfaction",
                "is_late")
    __search__ = ("serial_no", "shortcomings", "suggestions")
    revisit_type = f.choice("回访类别", REVISIT_TYPE, required=True, default="complaint")
    complaint_ticket_id, complaint_ticket = f.ref("ComplaintTicket", "来源投诉")
    survey_response_id, survey_response = f.ref("SatisfactionSurveyResponse", "来源问卷")
    community_activity_id, community_activity = f.ref("CommunityActivity", "来源活动")
    work_order_id, work_order = f.ref("WorkOrder", "来源派工单(维修/特约服务)")
    unit_id, unit = f.ref("Unit", "房号", required=True)
    owner_id, owner = f.ref("Owner", "业主")  # a tenant's complaint is revisited with the tenant
    service_done_at = f.when("处理/服务完成时间", required=True)
    due_by = f.when("应回访期限", readonly=True)
    revisited_at = f.when("回访时间")
    revisited_by_id, revisited_by = f.ref("StaffMember", "回访人")
    method = f.choice("回访方式", REVISIT_METHOD)
    quality_eval = f.choice("质量评价", EVALUATION)
    effect_eval = f.choice("服务效果评价", EVALUATION)
    satisfaction = f.choice("满意程度", SATISFACTION)
    shortcomings = f.long_text("缺点与不足", demo=["维修后墙面未清理干净", "回复不够及时", "无", "师傅未穿鞋套"])
    suggestions = f.long_text("业主建议", demo=["希望维修前电话预约", "建议增加夜间值班人员", "无"])
    owner_signed_name = f.text("业主签名", 40, demo=["王建国", "李秀英", "陈志强", "刘芳"])
    owner_signed_on = f.day("签名日期")
    needs_rework = f.flag("需再整改", readonly=True)
    rework_work_order_id, rework_work_order = f.ref("WorkOrder", "整改派工单")
    previous_revisit_id, previous_revisit = earlier_ref("RevisitRecord", "上次回访")
    __rules__ = (
        required_if("complaint_ticket", equals("revisit_type", "complaint"), "投诉回访须关联投诉受理单",
                    "A complaint revisit needs its ticket"),
        required_if("survey_response", equals("revisit_type", "survey"), "满意度调查回访须关联问卷",
                    "A survey revisit needs its questionnaire"),
        required_if("community_activity", equals("revisit_type", "activity"), "文体活动回访须关联活动记录",
                    "An activity revisit needs its activity"),
        required_if("work_order", equals("revisit_type", "minor_repair", "repair_project", "special_mid",
                                         "special_end"), "维修或特约服务回访须关联派工单", "Link the work order"),
        required_if("revisited_by", lambda d: d.get("revisited_at"), "请填写回访人", "Name who made the revisit"),
        required_if("method", lambda d: d.get("revisited_at"), "请填写回访方式", "Give the revisit method"),
        required_if("satisfaction", lambda d: d.get("revisited_at"), "请填写满意程度", "Record the satisfaction"),
        required_if("owner_signed_name", lambda d: d.get("method") in SIGNED_METHODS, "面谈、现场查看或上门回访须业主签名确认",
                    "The owner signs a face-to-face or on-site revisit"),
        required_if("owner_signed_on", lambda d: d.get("method") in SIGNED_METHODS, "请填写业主签名日期",
                    "Give the date the owner signed"),
        date_order("service_done_at", "revisited_at"),
    )

    @hybrid_property
    def is_late(self):
        """超期: revisited after its deadline, or not yet revisited and past it; derived, never stored."""
        return is_late(self.due_by, now=self.revisited_at)

    @is_late.inplace.expression
    @classmethod
    def _is_late(cls):
        return sa.or_(cls.revisited_at > cls.due_by, sa.and_(cls.revisited_at.is_(None), late_sql(cls.due_by)))

    def time_limit(self):
        """应回访期限 until the revisit is made."""
        if self.revisited_at is not None or self.due_by is None:
            return None
        return Deadline(text("回访", "Revisit"), self.due_by, self.is_late)

    def before_save(self):
        """Set the S2-3 deadline from the type, and mark unsatisfied revisits for rework."""
        if self.service_done_at is not None:
            self.due_by = revisit_due(self.revisit_type, self.service_done_at)
        self.needs_rework = self.satisfaction in UNSATISFIED

    @property
    def followed_up(self):
        """Whether a later revisit already follows this one."""
        return db.session.scalar(sa.select(sa.func.count(RevisitRecord.id))
                                 .where(RevisitRecord.previous_revisit_id == self.id)) > 0


RevisitRecord.is_late.info.update(label="超期回访", en="Late", alarm=("已超期", "Overdue"))


def current_owner(unit):
    """The unit's primary owner today, if the register knows one."""
    today = utcnow().date()
    return db.session.scalar(
        sa.select(UnitOwner.owner_id.label("id")).where(
            UnitOwner.unit_id == unit.id, UnitOwner.start_on <= today,
            sa.or_(UnitOwner.end_on.is_(None), UnitOwner.end_on >= today))
        .order_by(UnitOwner.is_primary.desc(), UnitOwner.id).limit(1))


def schedule_revisit(kind, unit, done_at, previous=None, **source):
    """Add the revisit that handled work calls for; returns None where there is no household to call on."""
    if unit is None:
        return None
    origin = next((row for row in source.values() if row is not None), previous)
    record = RevisitRecord(revisit_type=kind, unit=unit, owner_id=current_owner(unit), service_done_at=done_at,
                           previous_revisit=previous, project=getattr(origin, "project", None) or unit.building.project,
                           **source)
    db.session.add(record)
    return record


def latest_revisit(**source):
    """The newest revisit of a record, e.g. ``latest_revisit(complaint_ticket_id=7)``."""
    return db.session.scalars(sa.select(RevisitRecord).filter_by(**source)
                              .order_by(RevisitRecord.id.desc()).limit(1)).first()
