"""Saved monthly figures: what a report showed when it was saved, never recomputed afterwards."""
import sqlalchemy as sa

from ..extensions import db
from . import fields as f
from .base import Audited


class ReportSnapshot(Audited, db.Model):
    """统计报表快照: one report of §6 (6.2, 6.7, 6.12, 6.17, 6.41) for one estate and period, as computed then."""

    __label__ = ("报表快照", "Report snapshots")
    report = sa.Column(sa.String(40), nullable=False, index=True, info=dict(label="报表", en="Report"))
    project_id, project = f.ref("Project", "项目", required=True)
    building_id, building = f.ref("Building", "楼栋")  # empty: the whole estate
    period_start = f.day("开始日期", required=True)
    period_end = f.day("结束日期", required=True)
    payload = sa.Column(sa.JSON, nullable=False, default=dict, info=dict(label="数据", en="Figures"))

    def before_save(self):
        """Refuse to change a stored snapshot: a wrong one is deleted (by an administrator), never edited."""
        state = sa.inspect(self)
        if state.key is not None and any(state.attrs[name].history.has_changes() for name in (
                "report", "project_id", "building_id", "period_start", "period_end", "payload")):
            raise ValueError("a saved report snapshot is never edited")

    def __str__(self):
        return f"{self.report} {self.period_start}–{self.period_end}"
