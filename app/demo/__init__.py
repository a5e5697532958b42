"""Demo data: two estates with their buildings, units, owners and staff, and records in every form."""
import random
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from ..accounts import create_user, ensure_reference_data
from ..core.saving import Refused, save
from ..extensions import db
from ..scoping import may_use_project
from ..models import (
    FORMS, Building, ComplaintCategory, Contractor, Department, FeeItem, FireExtinguisher, Key, KeyCategory,
    Owner, Project, PublicArea, Resident, StaffMember, Unit, UnitOwner, User,
)
from ..servicedesk.surveys import SatisfactionSurvey, SatisfactionSurveyResponse
from ..models.types import clock_at, local_today
from .desk import tell, walk_flows
from .requests import walk_key_loans, walk_renovations
from .generator import build, fake_record, id18, mobile, person_name, recent_moment, uscc, within_estate

ACCOUNTS = (("admin", "admin-demo-1", ("admin",)), ("manager", "manager-demo-1", ("manager",)),
            ("clerk", "clerk-demo-1", ("clerk",)), ("clerk2", "clerk-demo-2", ("clerk",)),
            ("clerk3", "clerk-demo-3", ("clerk",)))
# the estate each demo account works in (the administrator sees every estate); staff is the n-th of its estate
DEMO_PEOPLE = {"admin": ("系统管理员", "CHGY", 0), "manager": ("陈主管", "CHGY", 1), "clerk": ("李前台", "CHGY", 2),
               "clerk2": ("王前台", "CHGY", 3), "clerk3": ("赵前台", "RYJ", 0)}

DEPARTMENTS = (("CS", "客服部", "customer_service"), ("ENG", "工程部", "engineering"), ("SEC", "秩序维护部", "security"),
               ("ENV", "环境部", "environment"), ("FIN", "收费中心", "finance"), ("QA", "品质部", "quality"),
               ("OFFICE", "管理处", "office"), ("CENTER", "公司客户投诉处理中心", "company_center"))
# which department answers for each of the manual's complaint categories (the categories come with every install)
CATEGORY_DEPARTMENTS = dict(security="SEC", cleaning="ENV", greening="ENV", engineering="ENG", mail="CS",
                            renovation="CS", staff_attitude="OFFICE", other="CS")
KEY_CATEGORIES = (("vacant_unit", "空置房屋钥匙", True, False, False, 200),
                  ("owner_custody", "业主托管钥匙", False, True, True, 200),
                  ("equipment_room", "各类设施设备用房备用钥匙", False, False, True, 0),
                  ("other", "其它", True, False, False, 50))
FEE_ITEMS = (("property_fee", "物业服务费(管理费)", "periodic", "2.80", "per_sqm_month", False),
             ("water", "水费", "collection", None, None, False), ("power", "电费", "collection", None, None, False),
             ("gas", "燃气费(代办)", "collection", None, None, False),
             ("refuse", "生活垃圾费", "periodic", "10.00", "per_household_month", False),
             ("renovation_deposit", "装修保证金(装修履约金)", "deposit", "3000.00", "per_time", True),
             ("renovation_refuse", "装修垃圾清运费", "one_off", "300.00", "per_time", False),
             ("renovation_mgmt", "装修管理费", "one_off", "500.00", "per_time", False),
             ("pass_fee", "装修出入证工本费", "one_off", "10.00", "per_piece", False),
             ("pass_deposit", "装修出入证押金", "deposit", "50.00", "per_piece", True),
             ("advertising", "广告费", "one_off", None, None, False),
             ("paid_service", "有偿服务费(特约服务)", "one_off", None, "per_time", False),
             ("parking", "车位租金", "periodic", "300.00", "per_household_month", False),
             ("key_deposit", "钥匙借用押金", "deposit", "200.00", "per_time", True),
             ("late_fee", "滞纳金", "one_off", None, None, False),
             ("venue", "公共区域场地费", "one_off", "100.00", "per_day", False),
             ("extinguisher_rent", "灭火器租金", "one_off", "5.00", "per_day", False),
             ("extinguisher_deposit", "灭火器押金", "deposit", "100.00", "per_piece", True),
             ("owner_card", "业主卡工本费", "one_off", "20.00", "per_piece", False))
STAFF = (("客服主任", "cs_director", "CS"), ("客服主管", "cs_supervisor", "CS"), ("前台接待", "receptionist", "CS"),
         ("前台接待", "receptionist", "CS"), ("客服助理", "cs_assistant", "CS"), ("物业助理", "property_assistant", "CS"),
         ("片区管理员", "area_steward", "CS"), ("管理处主任", "project_manager", "OFFICE"),
         ("工程人员", "engineer", "ENG"), ("工程人员", "engineer", "ENG"), ("秩序维护员", "guard", "SEC"),
         ("秩序维护员", "guard", "SEC"), ("收银员", "cashier", "FIN"), ("品质专员", "other", "QA"),
         ("礼宾员", "concierge", "CS"), ("监控员", "cctv", "SEC"))


def load_demo(units=240, per_form=12, seed=7):
    """Fill an empty database; returns the demo accounts (username, password, roles)."""
    rnd = random.Random(seed)
    ensure_reference_data()
    project = seed_estate(rnd, units)
    second = seed_second_estate(rnd, max(8, units // 6))
    for username, password, roles in ACCOUNTS:
        name, code, nth = DEMO_PEOPLE[username]
        user = create_user(username, password, roles, display_name=name, projects=[code])
        user.staff = db.session.scalar(db.select(StaffMember).join(Project).filter(Project.code == code)
                                       .order_by(StaffMember.id).offset(nth).limit(1))
    db.session.commit()
    with within_estate(project):  # each estate's records name its own units, staff and records
        seed_forms(rnd, project, per_form)
    with within_estate(second):
        seed_forms(rnd, second, max(2, per_form // 2))
    seed_survey(project)
    with within_estate(project):  # the second estate's records stay as they were registered
        walk_flows(rnd, project)
        walk_renovations(rnd, project)
        walk_key_loans(rnd, project)
    return ACCOUNTS


def seed_second_estate(rnd, unit_count):
    """A smaller second estate, so that what one estate's staff may see is visible in the demo too."""
    project = Project(code="RYJ", name="榕苑居", project_type="residential", address="深圳市福田区榕树路16号",
                      district="福田区", total_units=unit_count, takeover_date=date(2023, 1, 1),
                      service_hotline="0755-83001234")
    db.session.add(project)
    departments = {d.code: d for d in db.session.scalars(db.select(Department))}
    for i, (title, position, dept) in enumerate(STAFF[:6] + STAFF[8:11]):
        db.session.add(StaffMember(employee_no=f"R{2001 + i}", name=person_name(rnd), department=departments[dept],
                                   project=project, position=position, mobile=mobile(rnd),
                                   hired_on=date(2023, 1, 1) + timedelta(days=rnd.randrange(0, 600))))
    db.session.add(PublicArea(project=project, name="榕苑会所", area_type="clubhouse", capacity=40, location="小区内",
                              bookable=True))
    db.session.flush()
    seed_units(rnd, project, unit_count)
    categories = {c.code: c for c in db.session.scalars(db.select(KeyCategory))}
    units = db.session.scalars(db.select(Unit).join(Building).filter(Building.project_id == project.id).limit(4))
    for i, unit in enumerate(units):
        db.session.add(Key(project=project, key_category=categories["vacant_unit"], tag_no=f"K-V{i + 1:03d}",
                           building=unit.building, floor=unit.floor, unit=unit, copies=1, cabinet_no="A",
                           hook_position=f"A-{i + 1:02d}"))
    db.session.commit()
    return project


def seed_estate(rnd, unit_count):
    """The estate, its departments, staff, buildings, units, owners and the category lists."""
    project = Project(code="CHGY", name="翠湖花园", project_type="residential", address="深圳市南山区翠湖路88号",
                      district="南山区", developer_name="翠湖置业有限公司", total_units=unit_count,
                      takeover_date=date(2021, 3, 1), move_in_start_date=date(2021, 6, 18),
                      service_hotline="0755-86001234", complaint_hotline="0755-86009999",
                      complaint_email="kefu@cuihu.example.com")
    db.session.add(project)
    departments = {code: Department(code=code, name=name, dept_type=kind, phone=f"0755-8600{i:04d}")
                   for i, (code, name, kind) in enumerate(DEPARTMENTS)}
    db.session.add_all(departments.values())
    for i, (title, position, dept) in enumerate(STAFF):
        db.session.add(StaffMember(employee_no=f"E{1001 + i}", name=person_name(rnd), department=departments[dept],
                                   project=project, position=position, mobile=mobile(rnd),
                                   hired_on=date(2021, 3, 1) + timedelta(days=rnd.randrange(0, 900))))
    for category in db.session.scalars(db.select(ComplaintCategory)):
        category.responsible_department = departments.get(CATEGORY_DEPARTMENTS.get(category.code))
    for sort, (code, name, lendable, owner_auth, sensitive, deposit) in enumerate(KEY_CATEGORIES):
        db.session.add(KeyCategory(code=code, name=name, sort=sort, lendable_to_outsiders=lendable,
                                   requires_owner_authorization=owner_auth, is_sensitive=sensitive,
                                   default_deposit=Decimal(deposit)))
    for sort, (code, name, kind, price, unit, refundable) in enumerate(FEE_ITEMS):
        db.session.add(FeeItem(code=code, name=name, sort=sort, fee_type=kind, price_unit=unit, refundable=refundable,
                               unit_price=Decimal(price) if price else None))
    for name, area_type, capacity in (("会所多功能厅", "clubhouse", 80), ("二楼会议室", "meeting_room", 20),
                                      ("中心广场", "plaza", 300), ("3栋架空层", "stilt_floor", 60)):
        db.session.add(PublicArea(project=project, name=name, area_type=area_type, capacity=capacity,
                                  location="小区内", bookable=True))
    for i, kind in enumerate(("renovation", "renovation", "renovation", "cleaning", "greening", "pest_control",
                              "waste", "maintenance")):
        db.session.add(Contractor(name=f"深圳市{rnd.choice('华安美佳鸿盛金源')}{['装饰', '装饰', '建筑装饰', '清洁服务', '园林绿化', '环境消杀', '环卫', '机电'][i]}有限公司{i + 1}",
                                  contractor_type=kind, uscc=uscc(rnd), legal_rep_name=person_name(rnd),
                                  contact_name=person_name(rnd), contact_mobile=mobile(rnd),
                                  qualification_cert_no=f"D2440{rnd.randrange(10000, 99999)}" if kind == "renovation" else None,
                                  contract_start=date(2026, 1, 1) if kind != "renovation" else None,
                                  contract_end=date(2026, 12, 31) if kind != "renovation" else None))
    db.session.flush()
    seed_units(rnd, project, unit_count)
    seed_inventory(rnd, project)
    db.session.commit()
    return project


# how an estate's units are used, 12:3:3:1:1 in 20, each kind among the first seven so a small estate has them all
OCCUPANCY_MIX = ("owner_occupied", "vacant", "rented", "owner_occupied", "handed_over", "owner_occupied", "renovating",
                 "owner_occupied", "vacant", "owner_occupied", "rented", "owner_occupied", "owner_occupied", "vacant",
                 "owner_occupied", "rented", "owner_occupied", "owner_occupied", "owner_occupied", "owner_occupied")


def seed_units(rnd, project, unit_count):
    """Buildings of 4 flats a floor, their units, an owner per unit, some residents."""
    per_building = 4 * 20
    for b in range(1, (unit_count + per_building - 1) // per_building + 1):
        building = Building(project=project, code=str(b), name=f"{b}栋", building_type="highrise", floors_above=20,
                            floors_below=1, entrances=1, units_count=per_building, elevators_count=2,
                            takeover_status="done", takeover_date=date(2021, 3, 1))
        db.session.add(building)
        for n in range(min(per_building, unit_count - (b - 1) * per_building)):
            floor, room = n // 4 + 1, n % 4 + 1
            status = OCCUPANCY_MIX[n % len(OCCUPANCY_MIX)]
            unit = Unit(building=building, entrance="1", floor=floor, room_no=f"{floor}{room:02d}", usage="residence",
                        gross_area=Decimal(rnd.choice((89, 96, 118, 142))), occupancy_status=status,
                        handover_date=date(2021, 6, 18) + timedelta(days=rnd.randrange(0, 200)))
            owner = Owner(owner_type="person", name=person_name(rnd), gender=rnd.choice(("male", "female")),
                          id_type="cn_id", id_number=id18(rnd), mobile=mobile(rnd))
            db.session.add_all([unit, owner, UnitOwner(unit=unit, owner=owner, is_primary=True,
                                                       start_on=unit.handover_date,
                                                       handover_date=unit.handover_date)])
            if status in ("owner_occupied", "rented"):
                tenant = status == "rented"
                db.session.add(Resident(unit=unit, owner=owner, name=person_name(rnd), mobile=mobile(rnd),
                                        relation="tenant" if tenant else rnd.choice(("spouse", "child", "parent")),
                                        lease_start=date(2026, 1, 1) if tenant else None,
                                        lease_end=date(2026, 12, 31) if tenant else None))
    db.session.flush()


def seed_inventory(rnd, project):
    """Keys in the cabinet and extinguishers for rent."""
    categories = {c.code: c for c in db.session.scalars(db.select(KeyCategory))}
    vacant = db.session.scalars(db.select(Unit).filter_by(occupancy_status="vacant").limit(30)).all()
    for i, unit in enumerate(vacant):
        db.session.add(Key(project=project, key_category=categories["vacant_unit"], tag_no=f"K-V{i + 1:03d}",
                           building=unit.building, floor=unit.floor, unit=unit, copies=2, cabinet_no="A",
                           hook_position=f"A-{i + 1:02d}"))
    for i, room in enumerate(("1栋配电房", "1栋水泵房", "2栋电梯机房", "消防控制室", "地下车库风机房", "天台门")):
        db.session.add(Key(project=project, key_category=categories["equipment_room"], tag_no=f"K-E{i + 1:03d}",
                           room_name=room, copies=1, cabinet_no="B", hook_position=f"B-{i + 1:02d}"))
    for i in range(12):
        db.session.add(FireExtinguisher(asset_no=f"MHQ-{i + 1:03d}", extinguisher_type=rnd.choice(("abc_powder", "co2")),
                                        spec="4kg", location="客服中心仓库", produced_on=date(2025, 5, 1)))


def seed_forms(rnd, project, per_form):
    """Records in every form, in manual order so later forms can point at earlier ones."""
    users = [user for user in db.session.scalars(db.select(User)) if may_use_project(project.id, user)]
    for model in dependency_order(FORMS.values()):
        moments = sorted(recent_moment(rnd, 90) for _ in range(per_form))  # serial numbers follow the dates
        for i, moment in enumerate(moments):
            try:
                record = build(model, *fake_record(model, rnd, i + 1))
            except ValueError as exc:  # a rule needs records the demo does not have yet: leave this one out
                current_app.logger.warning("demo: %s", exc)
                continue
            record.project = project
            record.created_at = moment
            tell(record, moment)
            record.created_by = record.updated_by = rnd.choice(users)
            try:
                with clock_at(moment):  # saved as the desk saved it, then
                    save(record, record.created_by, created=True)
                db.session.commit()
            except Refused as refused:  # a reaction's rule the random values break: leave this one out
                db.session.rollback()
                current_app.logger.info("demo: %s refused: %s", model.__name__, refused.reasons)


def seed_survey(project):
    """This year's satisfaction campaign over the demo's questionnaires, one per unit (6.42, S2-6)."""
    today = local_today()
    survey = SatisfactionSurvey(project=project, title=f"{today.year}年度业户满意度调查", year=today.year,
                                start_on=today - timedelta(days=90), end_on=today + timedelta(days=30))
    db.session.add(survey)  # moved-in households counted by the model
    units = set()
    for response in db.session.scalars(db.select(SatisfactionSurveyResponse).filter_by(project=project)
                                       .order_by(SatisfactionSurveyResponse.id)):
        if response.unit_id not in units:
            units.add(response.unit_id)
            response.survey, response.survey_year, response.survey_batch = survey, survey.year, survey.title
    db.session.commit()


def dependency_order(models):
    """Forms after the forms they point to (manual order otherwise; a cycle is broken by it)."""
    ordered, placed = [], set()
    pending = sorted(models, key=lambda m: m.__form__.sort_key)

    def place(model, path):
        if model in placed or model in path:
            return
        for rel in sa.inspect(model).relationships:
            target = rel.mapper.class_
            if target in FORMS.values() and target is not model:
                place(target, path | {model})
        placed.add(model)
        ordered.append(model)

    for model in pending:
        place(model, frozenset())
    return ordered
