"""The five reports by their form's endpoint, and the one function that computes any of them."""
from dataclasses import dataclass
from typing import Callable

from ..i18n import text
from ..models.base import FORMS
from . import arrears, complaints, owners, renovation, service_team


@dataclass(frozen=True)
class Report:
    """One report: its form's endpoint, titles, form model name and compute function."""

    key: str
    number: str
    title_zh: str
    title_en: str
    compute: Callable
    by_building: bool = False  # only 6.17 is made per building

    @property
    def title(self):
        return text(f"{self.number} {self.title_zh}", f"{self.number} {self.title_en}")

    @property
    def model(self):
        return FORMS[self.key]


REPORTS = {report.key: report for report in (
    Report("service_team_statistic", "6.2", "客服组工作统计表", "Team work statistics", service_team.compute),
    Report("complaint_summary", "6.7", "投诉处理汇总表", "Complaint summary", complaints.compute),
    Report("arrears_record", "6.12", "欠费情况明细表", "Arrears", arrears.compute),
    Report("renovation_statistic", "6.17", "装修单元办理统计表", "Renovation statistics", renovation.compute,
           by_building=True),
    Report("owner_info_summary", "6.41", "业主资料情况表", "Owner roster", owners.compute),
)}


def compute(key, project, start, end, building=None):
    """The figures of one report for an estate, a local-date period and (for 6.17) a building."""
    report = REPORTS[key]
    return report.compute(project, start, end, building if report.by_building else None)
