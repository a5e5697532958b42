"""Lookup tables of catalogue §3: estates, buildings, units, people, contractors, categories."""
import sqlalchemy as sa

from ..extensions import db
from ..i18n import Choices
from ..workflow import Flow, Transition
from . import fields as f
from .base import FORMS, Category, Lookup
from .enums import GENDER, ID_TYPE, OCCUPANCY
from .rules import date_order, equals, id_document, required_if

PROJECT_TYPE = Choices(residential="住宅", mixed="商住", office="写字楼/大厦", mall="商场", industrial="工业园")
BUILDING_TYPE = Choices(highrise="高层住宅", midrise="多层住宅", villa="别墅", shops="商铺", office="写字楼",
                        garage="车库", amenity="配套用房")
TAKEOVER_STATUS = Choices(pending="未接管", in_progress="接管中", done="已接管", conditional="有条件接管")
UNIT_USAGE = Choices(residence="住宅", shop="商铺", office="办公", parking="车位", storage="储藏室", other="其他")
OWNER_TYPE = Choices(person="个人", company="单位")
RELATION = Choices(self="本人", spouse="配偶", child="子女", parent="父母", relative="其他亲属", tenant="租户",
                   domestic="家政人员")
DEPT_TYPE = Choices(customer_service="客服部", engineering="工程部/设备管理部", security="秩序维护部(安保)",
                    environment="环境部(清洁绿化)", finance="收费中心/财务部", quality="品质部", office="管理处",
                    company_center="公司客户投诉处理中心", hr=("人力资源部", "Human resources"), admin="行政部", sales="销售部",
                    developer="开发商售后", external="外部单位")
POSITION = Choices(cs_director="客服主任", cs_director_assistant="客服主任助理", senior_cs_assistant="高级客服助理",
                   cs_assistant="客服助理", senior_area_assistant="大区高级物业助理",
                   senior_property_assistant="高级物业助理", property_assistant="物业助理",
                   concierge_lead="礼宾领班", concierge="礼宾员", cctv_lead="监控领班", cctv="监控员",
                   project_manager="管理处主任/项目经理", cs_supervisor="客服主管", receptionist="前台接待",
                   area_steward="片区管理员", engineer="工程人员", guard="秩序维护员", cashier="收银员", other="其他")
CONTRACTOR_TYPE = Choices(renovation="装修企业", cleaning="清洁", greening="绿化", pest_control="消杀",
                          waste="垃圾清运", construction="工程施工", maintenance="设备维保", other="其他")
FEE_TYPE = Choices(periodic="周期性", one_off="一次性", deposit="押金", collection="代收代付")
PRICE_UNIT = Choices(per_sqm_month="元/㎡·月", per_household_month="元/户·月", per_time="元/次", per_piece="元/个",
                     per_day="元/天", per_trip="元/车次")
KEY_STATUS = Choices(in_cabinet="在柜", on_loan="借出", in_custody="托管中", returned_to_owner="已交还业主",
                     lost="遗失", void="作废")
AREA_TYPE = Choices(clubhouse="会所/活动室", meeting_room="会议室", plaza="广场", stilt_floor="架空层",
                    notice_board="宣传栏/广告位", parking="停车场区域", other="其他")
EXTINGUISHER_TYPE = Choices(abc_powder="干粉ABC", foam="泡沫", co2=("二氧化碳", "CO₂"), water="水基")
EXTINGUISHER_STATUS = Choices(in_place="在位", rented="租出", servicing="充装/维修", scrapped="报废")


class Project(Lookup, db.Model):
    """项目/小区: an estate the company manages."""

    __label__ = ("项目/小区", "Estates")
    __search__ = ("code", "name", "address")
    __list__ = ("code", "name", "project_type", "district", "total_units", "service_hotline", "is_active")
    code = f.text("项目编码", 20, required=True, unique=True)
    name = f.text("项目名称", 100, required=True)
    project_type = f.choice("物业类型", PROJECT_TYPE, required=True)
    address = f.text("地址", 200, required=True)
    district = f.text("行政区", 40)
    developer_name = f.text("开发商", 100)
    developer_aftersales_contact = f.text("开发商售后联系人", 60)
    total_units = f.count("总户数", required=True, default=0)
    takeover_date = f.day("接管日期")
    move_in_start_date = f.day("集中入伙日期")
    service_hotline = f.phone("管理处24小时值班电话", required=True, public=True)  # printed on notices, not personal
    complaint_hotline = f.phone("公司投诉热线", public=True)
    complaint_email = f.email("投诉邮箱")
    reception_hours = f.text("接待时间", 100, default="工作日 09:00–12:00, 14:00–18:00")
    duty_hours = f.text("值班时间", 60, default="07:30–20:00")


class Department(Lookup, db.Model):
    """部门, company-wide or of one estate."""

    __label__ = ("部门", "Departments")
    __list__ = ("code", "name", "dept_type", "phone", "is_active")
    code = f.text("编码", 20, required=True, unique=True)
    name = f.text("名称", 60, required=True)
    dept_type = f.choice("类型", DEPT_TYPE, required=True)
    phone = f.phone("电话", public=True)


class StaffMember(Lookup, db.Model):
    """员工: the people who sign the forms."""

    __label__ = ("员工", "Staff")
    __ajax__ = True
    __search__ = ("employee_no", "name", "mobile")
    __list__ = ("employee_no", "name", "department", "position", "mobile", "is_active")
    employee_no = f.text("工号", 20, required=True, unique=True)
    name = f.text("姓名", 40, required=True)
    department_id, department = f.ref("Department", "部门", required=True)
    project_id, project = f.ref("Project", "所属项目")
    position = f.choice("岗位", POSITION, required=True)
    mobile = f.mobile("手机", required=True)
    hired_on = f.day("入职日期")
    left_on = f.day("离职日期")
    __rules__ = (date_order("hired_on", "left_on"),)


class Building(Lookup, db.Model):
    """楼栋 of an estate."""

    __label__ = ("楼栋", "Buildings")
    __search__ = ("code", "name")
    __list__ = ("project", "code", "name", "building_type", "floors_above", "units_count", "takeover_status")
    __table_args__ = (sa.UniqueConstraint("project_id", "code"),)
    project_id, project = f.ref("Project", "项目", required=True)
    code = f.text("栋号", 20, required=True)
    name = f.text("名称", 60, required=True)
    building_type = f.choice("类型", BUILDING_TYPE, required=True)
    floors_above = f.integer("地上层数", low=1, required=True, default=1)
    floors_below = f.count("地下层数", required=True, default=0)
    entrances = f.qty("单元数", required=True, default=1)
    units_count = f.count("户数", required=True, default=0)
    elevators_count = f.count("电梯数", required=True, default=0)
    steward_id, steward = f.ref("StaffMember", "片区管理员")
    takeover_status = f.choice("接管状态", TAKEOVER_STATUS, required=True, default="pending")
    takeover_date = f.day("接管日期")

    def __str__(self):
        return self.name


FOLLOWS = None  # no one presses it: it follows the record whose step moves this one
LIVED_IN = ("handed_over", "vacant", "owner_occupied", "rented")
# catalogue §3.1 unit: "maintained by 6.14, 6.38, 6.16, 6.40"; the front desk records a hand-over and how the unit is
# lived in (or the registers below do), a renovation (6.16 R7, R13) takes the unit into 装修中 and gives back the state it found
OCCUPANCY_FLOW = Flow(OCCUPANCY, [
    Transition("hand_over", ("已收楼", "Handed over"), ("undelivered",), "handed_over", ("front_desk",)),
    Transition("move_in", ("业主自住", "Owner lives in"), ("handed_over", "vacant", "rented"), "owner_occupied",
               ("front_desk",)),
    Transition("let", ("出租", "Let"), ("handed_over", "vacant", "owner_occupied"), "rented", ("front_desk",)),
    Transition("vacate", ("空置", "Vacant"), ("handed_over", "owner_occupied", "rented"), "vacant", ("front_desk",),
               style="secondary"),
    # the registers that record the same facts move the unit themselves: a move-in receipt (6.38) hands it over,
    # an owner's registration (6.40) says how it is lived in
    Transition("receive", ("收楼签收", "Move-in receipt"), ("undelivered",), "handed_over", FOLLOWS),
    *(Transition(f"register_{state}", ("业主资料登记", "Owner registration"),
                 tuple(s for s in LIVED_IN if s != state), state, FOLLOWS)
      for state in ("owner_occupied", "rented", "vacant")),
    Transition("start_renovation", ("开始装修", "Renovation starts"), LIVED_IN, "renovating", FOLLOWS),
    *(Transition(f"end_renovation_{state}", ("装修结束", "Renovation over"), ("renovating",), state, FOLLOWS)
      for state in LIVED_IN),
], field="occupancy_status")


class Unit(Lookup, db.Model):
    """单元房号: one flat, shop or parking space; `display_no` is what people type."""

    __label__ = ("房号", "Units")
    __ajax__ = True
    __search__ = ("display_no",)
    __list__ = ("display_no", "building", "floor", "usage", "gross_area", "occupancy_status")
    __table_args__ = (sa.UniqueConstraint("building_id", "entrance", "room_no"),)
    building_id, building = f.ref("Building", "楼栋", required=True)
    entrance = f.text("单元", 10, required=True, default="1")
    floor = f.integer("楼层", required=True)
    room_no = f.text("房号", 10, required=True)
    display_no = f.text("完整房号", 40, index=True)
    usage = f.choice("用途", UNIT_USAGE, required=True, default="residence")
    gross_area = f.decimal("建筑面积(㎡)", 8, 2, low=0)
    inner_area = f.decimal("套内面积(㎡)", 8, 2, low=0)
    # moved only by its flow: a front-desk step on the unit's page, or a renovation starting and ending
    occupancy_status = f.choice("状态", OCCUPANCY, required=True, default="undelivered", readonly=True, state=True)
    handover_date = f.day("收楼日期")
    __flow__ = OCCUPANCY_FLOW

    def renovation(self):
        """The unit's current (or latest) renovation application (6.16), if it ever had one."""
        return FORMS["renovation_application"].of_unit(self.id)  # forms build on lookups, not the other way

    def before_save(self):
        """Keep the full room number people search by in step with its parts."""
        if self.building is not None:
            self.display_no = f"{self.building.code}栋{self.entrance}单元{self.room_no}"

    def __str__(self):
        return self.display_no or self.room_no


class Owner(Lookup, db.Model):
    """业主: a person or company owning units, possibly in several estates."""

    __label__ = ("业主", "Owners")
    __ajax__ = True
    __search__ = ("name", "mobile")
    __list__ = ("name", "owner_type", "gender", "mobile", "id_type", "is_active")
    owner_type = f.choice("业主类型", OWNER_TYPE, required=True, default="person")
    name = f.text("姓名(单位名称)", 100, required=True)
    gender = f.choice("性别", GENDER)
    id_type = f.choice("证件类型", ID_TYPE, default="cn_id")
    id_number = f.id_number("证件号码")
    uscc = f.uscc("统一社会信用代码")
    legal_rep_name = f.text("法人代表", 40)
    mobile = f.mobile("手机", required=True)
    backup_phone = f.phone("备用电话")
    occupation = f.text("职业", 40)
    employer = f.text("工作单位", 100)
    mailing_address = f.text("通讯地址", 200)
    email = f.email("邮箱")
    emergency_contact_name = f.text("紧急联系人", 40)
    emergency_contact_phone = f.phone("紧急联系电话")
    __rules__ = (
        id_document("id_type", "id_number"),
        required_if("id_number", equals("owner_type", "person"), "个人业主须填写证件号码",
                    "An individual owner needs an ID number"),
        required_if("uscc", equals("owner_type", "company"), "单位业主须填写统一社会信用代码",
                    "A company owner needs its unified social credit code"),
    )


class UnitOwner(Lookup, db.Model):
    """产权关系: who owns which unit, from when to when."""

    __label__ = ("产权关系", "Unit ownership")
    __list__ = ("unit", "owner", "is_primary", "start_on", "end_on")
    __search__ = ("property_cert_no", "purchase_contract_no")
    unit_id, unit = f.ref("Unit", "房号", required=True)
    owner_id, owner = f.ref("Owner", "业主", required=True)
    is_primary = f.flag("主产权人", default=True)
    share_pct = f.pct("份额(%)")
    purchase_contract_no = f.text("购房合同号", 40)
    property_cert_no = f.text("产权证号", 40)
    start_on = f.day("起始日期", required=True)
    end_on = f.day("终止日期")
    handover_date = f.day("收楼日期")
    __rules__ = (date_order("start_on", "end_on"),)

    def __str__(self):
        return f"{self.unit} · {self.owner}"


class Resident(Lookup, db.Model):
    """住户: family members, tenants and domestic helpers living in a unit."""

    __label__ = ("住户", "Residents")
    __ajax__ = True
    __search__ = ("name", "mobile")
    __list__ = ("name", "unit", "relation", "mobile", "move_in_on", "is_active")
    unit_id, unit = f.ref("Unit", "房号", required=True)
    owner_id, owner = f.ref("Owner", "所属业主")
    name = f.text("姓名", 40, required=True)
    relation = f.choice("与业主关系", RELATION, required=True)
    id_type = f.choice("证件类型", ID_TYPE)
    id_number = f.id_number("证件号码")
    mobile = f.mobile("手机")
    lease_start = f.day("租期开始")
    lease_end = f.day("租期结束")
    move_in_on = f.day("入住日期")
    move_out_on = f.day("迁出日期")
    __rules__ = (
        id_document("id_type", "id_number"),
        date_order("lease_start", "lease_end"),
        date_order("move_in_on", "move_out_on"),
        required_if("lease_start", equals("relation", "tenant"), "租户须填写租期", "A tenant needs a lease period"),
        required_if("lease_end", equals("relation", "tenant"), "租户须填写租期", "A tenant needs a lease period"),
    )


class Contractor(Lookup, db.Model):
    """承包商: renovation companies and outsourced service providers."""

    __label__ = ("承包商/外判单位", "Contractors")
    __ajax__ = True
    __search__ = ("name", "uscc", "contact_name")
    __list__ = ("name", "contractor_type", "contact_name", "contact_mobile", "contract_end", "is_blacklisted")
    name = f.text("单位名称", 100, required=True)
    contractor_type = f.choice("类别", CONTRACTOR_TYPE, required=True)
    uscc = f.uscc("统一社会信用代码", required=True, unique=True)
    licence_valid_to = f.day("营业执照有效期至")
    qualification_cert_no = f.text("资质证书号", 40)
    qualification_level = f.text("资质等级", 20)
    qualification_valid_to = f.day("资质有效期至")
    legal_rep_name = f.text("法人代表", 40, required=True)
    contact_name = f.text("联系人", 40, required=True)
    contact_mobile = f.mobile("联系人手机", required=True)
    contract_start = f.day("外判合同开始")
    contract_end = f.day("外判合同结束")
    contract_amount = f.money("合同金额")
    is_blacklisted = f.flag("黑名单")
    blacklist_reason = f.long_text("列入黑名单原因")
    __rules__ = (
        date_order("contract_start", "contract_end"),
        required_if("qualification_cert_no", equals("contractor_type", "renovation"),
                    "装修企业须填写资质证书号", "A renovation company needs its qualification certificate"),
        required_if("blacklist_reason", lambda d: d.get("is_blacklisted"), "请填写列入黑名单的原因",
                    "Give the reason for blacklisting"),
    )


class ComplaintCategory(Category, db.Model):
    """投诉类别 (S2-1 4.1.3.1)."""

    __label__ = ("投诉类别", "Complaint categories")
    responsible_department_id, responsible_department = f.ref("Department", "默认责任部门")
    default_reply_hours = f.count("默认回复时限(小时)")


class KeyCategory(Category, db.Model):
    """钥匙类别 (S2-1 4.5.1); sensitive ones need a manager's approval before a loan."""

    __label__ = ("钥匙类别", "Key categories")
    lendable_to_outsiders = f.flag("可借给外来人员")
    requires_owner_authorization = f.flag("须业主授权")
    is_sensitive = f.flag("敏感(借用须主管审批)")
    default_deposit = f.money("默认押金(元)")


class FeeItem(Category, db.Model):
    """收费项目: fees and deposits the forms record."""

    __label__ = ("收费项目", "Fee items")
    __list__ = ("code", "name", "fee_type", "unit_price", "price_unit", "refundable", "is_active")
    fee_type = f.choice("收费类型", FEE_TYPE, required=True, default="one_off")
    unit_price = f.money("单价(元)")
    price_unit = f.choice("计价单位", PRICE_UNIT)
    refundable = f.flag("可退还")


class PublicArea(Lookup, db.Model):
    """可借用公共区域: places owners may book."""

    __label__ = ("公共区域", "Common areas")
    __list__ = ("project", "name", "area_type", "location", "capacity", "bookable", "is_active")
    project_id, project = f.ref("Project", "项目", required=True)
    name = f.text("名称", 60, required=True)
    area_type = f.choice("类型", AREA_TYPE, required=True)
    location = f.text("位置", 100)
    capacity = f.count("容纳人数")
    bookable = f.flag("可预约", default=True)
    fee_item_id, fee_item = f.ref("FeeItem", "收费项目")
    rules = f.long_text("使用规定")


KEEPERS = None  # no role of its own: the key follows the loan, hand-over or custody whose save or step moves it
KEY_FLOW = Flow(KEY_STATUS, [  # §4.2: a key's state follows the records that move it; it has no buttons of its own
    Transition("lend", ("借出", "Lend"), ("in_cabinet", "in_custody"), "on_loan", KEEPERS),
    Transition("put_back", ("归还入柜", "Back in the cabinet"), ("on_loan",), "in_cabinet", KEEPERS),
    Transition("back_to_custody", ("归还托管", "Back in custody"), ("on_loan",), "in_custody", KEEPERS),
    Transition("lose", ("遗失", "Lost"), ("on_loan",), "lost", KEEPERS),
    Transition("hand_to_owner", ("交还业主", "Handed to the owner"), ("in_cabinet", "in_custody"), "returned_to_owner",
               KEEPERS),
    Transition("take_into_custody", ("业主托管", "Left in custody"), ("in_cabinet", "returned_to_owner"), "in_custody",
               KEEPERS),
])


class Key(Lookup, db.Model):
    """钥匙: one physical key (or bunch) with its label, place in the cabinet and state."""

    __label__ = ("钥匙台账", "Keys")
    __ajax__ = True
    __search__ = ("tag_no", "room_name")
    __list__ = ("tag_no", "key_category", "unit", "room_name", "cabinet_no", "hook_position", "status")
    __table_args__ = (sa.UniqueConstraint("project_id", "tag_no"),)
    project_id, project = f.ref("Project", "项目", required=True)
    key_category_id, key_category = f.ref("KeyCategory", "钥匙类别", required=True)
    tag_no = f.text("标识编号", 20, required=True)
    building_id, building = f.ref("Building", "楼栋")
    floor = f.integer("楼层")
    unit_id, unit = f.ref("Unit", "房号")
    room_name = f.text("设备房名称", 60)
    copies = f.qty("把数", required=True, default=1)
    cabinet_no = f.text("钥匙柜", 20, required=True)
    hook_position = f.text("挂位", 20, required=True)
    # moved only by its flow, as a loan, hand-over or custody takes its steps
    status = f.choice("状态", KEY_STATUS, required=True, default="in_cabinet", readonly=True, state=True)
    __flow__ = KEY_FLOW
    __rules__ = (
        required_if("unit", lambda d: not d.get("room_name"), "请填写房号或设备房名称",
                    "Give a unit or a plant-room name"),
    )

    def __str__(self):
        return f"{self.tag_no} {self.unit or self.room_name or ''}".strip()


EXTINGUISHER_FLOW = Flow(EXTINGUISHER_STATUS, [  # §4.8 F3, F5–F7
    Transition("rent_out", ("租出", "Rented out"), ("in_place",), "rented", FOLLOWS),
    Transition("back_in_place", ("归还在位", "Back in place"), ("rented",), "in_place", FOLLOWS),
    Transition("back_for_service", ("归还待充装/维修", "Back for refilling or repair"), ("rented",), "servicing",
               FOLLOWS),
    Transition("lose", ("遗失报废", "Lost, written off"), ("rented",), "scrapped", FOLLOWS),
    Transition("send_for_service", ("送充装/维修", "Send for refilling or repair"), ("in_place",), "servicing",
               ("engineering",), style="secondary"),
    Transition("serviced", ("充装/维修完毕", "Refilled or repaired"), ("servicing",), "in_place", ("engineering",)),
    Transition("scrap", ("报废", "Scrap"), ("in_place", "servicing"), "scrapped", ("engineering",),
               needs_comment=True, style="danger"),
])


class FireExtinguisher(Lookup, db.Model):
    """灭火器资产: extinguishers kept for rent to renovating units."""

    __label__ = ("灭火器", "Fire extinguishers")
    __ajax__ = True
    __search__ = ("asset_no", "location")
    __list__ = ("asset_no", "extinguisher_type", "spec", "location", "status")
    asset_no = f.text("编号", 30, required=True, unique=True)
    extinguisher_type = f.choice("类型", EXTINGUISHER_TYPE, required=True)
    spec = f.text("规格", 30)
    location = f.text("存放位置", 100)
    produced_on = f.day("生产日期")
    last_checked_on = f.day("最近检查日期")
    # moved only by its flow: a rental (6.58) hands it out and takes it back, engineering refills or retires it
    status = f.choice("状态", EXTINGUISHER_STATUS, required=True, default="in_place", readonly=True, state=True)
    __flow__ = EXTINGUISHER_FLOW

    def __str__(self):
        return f"{self.asset_no} {EXTINGUISHER_TYPE.label(self.extinguisher_type)}"
