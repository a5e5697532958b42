"""6.41 业主资料情况表: the estate's units by occupancy, in total and per building.

Units keep no history of their occupancy, so the counts are the unit register as it stands when the report is
made; the snapshot (and the form record) freeze them, dated by the period's end (as_of_date).
"""
import sqlalchemy as sa

from ..extensions import db
from ..models.enums import OCCUPANCY
from ..models.lookups import Building, Unit
from .figures import Chart, Figure, Figures, Table, choice_pair, counted, pair

# the form's columns and the occupancy each one counts (未交付 only enters the total)
COLUMNS = (("handed_over", "已收楼", "Handed over"), ("owner_occupied", "自住", "Owner-occupied"),
           ("rented", "出租", "Rented"), ("vacant", "空置", "Vacant"), ("renovating", "装修中", "Renovating"))


def compute(project, start, end, building=None):
    """6.41: units by occupancy status (one GROUP BY over the estate's units), per building and in total."""
    rows = db.session.execute(
        sa.select(Building.id, Building.name, sa.func.count(Unit.id).label("units"),
                  *(counted(Unit.occupancy_status == code).label(code) for code in OCCUPANCY.codes))
        .select_from(Building).outerjoin(Unit, Unit.building_id == Building.id)
        .where(Building.project_id == project.id).group_by(Building.id, Building.name)
        .order_by(Building.code, Building.id)).all()
    total = {code: sum(getattr(row, code) for row in rows) for code in ("units", *OCCUPANCY.codes)}
    items = [Figure("units", "总户数", "Units", total["units"])]
    items += [Figure(key, zh, en, total[key]) for key, zh, en in COLUMNS]
    headers = [pair("楼栋", "Building"), pair("总户数", "Units"), *(choice_pair(OCCUPANCY, c) for c in OCCUPANCY.codes)]
    table = Table(pair("各楼栋户数", "Units per building"), headers,
                  [[row.name, row.units, *(getattr(row, c) for c in OCCUPANCY.codes)] for row in rows]
                  + [[pair("合计", "Total"), total["units"], *(total[c] for c in OCCUPANCY.codes)]])
    charts = [Chart(pair("户数按状态", "Units by occupancy"), [choice_pair(OCCUPANCY, c) for c in OCCUPANCY.codes],
                    [total[c] for c in OCCUPANCY.codes])]
    return Figures(items=items, tables=[table], charts=charts)
