"""The imports on offer: each is a short declaration of its model(s), natural key and columns."""
from ..models import (
    Building, Contractor, Department, Key, KeyCategory, Owner, Project, Resident, StaffMember, Unit, UnitOwner,
)
from ..servicedesk.front_desk import CallVisitLog
from ..residents.models import OwnerRegistration
from .spec import LOOKUP_ROLES, REGISTER_ROLES, Field, Finder, Import, Part, Ref

PROJECT = Finder(Project, ("code",), ("项目编码",), ("项目", "estate"))
BUILDING = Finder(Building, ("project.code", "code"), ("项目编码", "栋号"), ("楼栋", "building"))
UNIT = Finder(Unit, ("building.project.code", "building.code", "entrance", "room_no"),
              ("项目编码", "栋号", "单元", "房号"), ("房号", "unit"))
DEPARTMENT = Finder(Department, ("name",), ("部门",), ("部门", "department"))
KEY_CATEGORY = Finder(KeyCategory, ("name",), ("钥匙类别",), ("钥匙类别", "key category"))
RECEIVER = Finder(StaffMember, ("name",), ("接待人",), ("员工", "staff member"))
REGISTRAR = Finder(StaffMember, ("name",), ("登记人",), ("员工", "staff member"))
OWNER_OF_RESIDENT = Finder(Owner, ("id_number",), ("业主证件号码",), ("业主", "owner"))
OWNER_REGISTERED = Finder(Owner, ("id_number",), ("证件号码",), ("业主", "owner"))


def fields(*names):
    return tuple(Field(name) for name in names)


IMPORTS = {spec.kind: spec for spec in (
    Import("buildings", ("楼栋", "Buildings"), LOOKUP_ROLES, (
        Part(Building, ("project", "code"), (Ref("project", PROJECT), *fields(
            "code", "name", "building_type", "floors_above", "floors_below", "entrances", "units_count",
            "elevators_count", "takeover_status", "takeover_date"))),),
        sample={"栋号": "1", "名称": "1栋"}),
    Import("units", ("房号", "Units"), LOOKUP_ROLES, (
        Part(Unit, ("building", "entrance", "room_no"), (Ref("building", BUILDING), *fields(
            "entrance", "floor", "room_no", "usage", "gross_area", "inner_area", "occupancy_status",
            "handover_date"))),),
        sample={"单元": "1", "楼层": 15, "房号": "1502"}),
    Import("owners", ("业主及其房产", "Owners with their units"), LOOKUP_ROLES, (
        Part(Owner, ("id_number",), fields(
            "owner_type", "name", "gender", "id_type", "id_number", "uscc", "mobile", "backup_phone",
            "mailing_address", "email", "emergency_contact_name", "emergency_contact_phone")),
        Part(UnitOwner, ("unit", "owner"), (Ref("unit", UNIT), *fields(
            "is_primary", "share_pct", "purchase_contract_no", "property_cert_no", "start_on", "end_on",
            "handover_date")), parent="owner")),
        notes="同一业主有多套房时每套一行;业主按证件号码匹配,房产按房号匹配。",
        sample={"姓名(单位名称)": "王建国", "统一社会信用代码": None, "主产权人": "是"}),
    Import("residents", ("住户", "Residents"), LOOKUP_ROLES, (
        Part(Resident, ("id_number",), (Ref("unit", UNIT), Ref("owner", OWNER_OF_RESIDENT), *fields(
            "name", "relation", "id_type", "id_number", "mobile", "lease_start", "lease_end", "move_in_on",
            "move_out_on"))),),
        notes="住户按证件号码匹配,证件号码必填。",
        sample={"姓名": "王小明", "与业主关系": "子女", "租期开始": None, "租期结束": None, "迁出日期": None}),
    Import("staff", ("员工", "Staff"), LOOKUP_ROLES, (
        Part(StaffMember, ("employee_no",), (*fields("employee_no", "name"), Ref("department", DEPARTMENT),
                                             Ref("project", PROJECT), *fields("position", "mobile", "hired_on",
                                                                              "left_on"))),),
        sample={"工号": "KF001", "姓名": "李前台", "离职日期": None}),
    Import("contractors", ("承包商/外判单位", "Contractors"), LOOKUP_ROLES, (
        Part(Contractor, ("uscc",), fields(
            "name", "contractor_type", "uscc", "licence_valid_to", "qualification_cert_no", "qualification_level",
            "qualification_valid_to", "legal_rep_name", "contact_name", "contact_mobile", "contract_start",
            "contract_end", "contract_amount", "is_blacklisted", "blacklist_reason")),),
        sample={"单位名称": "深圳市安居装饰工程有限公司", "列入黑名单原因": None}),
    Import("keys", ("钥匙台账", "Key ledger"), REGISTER_ROLES, (
        Part(Key, ("project", "tag_no"), (Ref("project", PROJECT), Ref("key_category", KEY_CATEGORY),
                                          Field("tag_no"), Ref("building", BUILDING), Field("floor"),
                                          Ref("unit", UNIT), *fields("room_name", "copies", "cabinet_no",
                                                                      "hook_position"))),),
        sample={"标识编号": "K-0001", "设备房名称": None, "钥匙柜": "A", "挂位": "A-01"}),
    Import("owner_registration", ("6.40 业主资料登记表", "6.40 Owner registrations"), REGISTER_ROLES, (
        Part(OwnerRegistration, ("unit", "id_number"), (
            Ref("project", PROJECT), Ref("unit", UNIT), Ref("owner", OWNER_REGISTERED), *fields(
                "owner_name", "gender", "id_type", "id_number", "mobile", "backup_phone", "occupation", "employer",
                "mailing_address", "email", "residence_type", "emergency_contact_name", "emergency_contact_phone",
                "vehicle_plates", "id_copy_received", "photo_received", "privacy_consent_at"),
            Ref("registered_by", REGISTRAR))),),
        notes="业主须已在「业主及其房产」中登记(按证件号码查找);同一房号同一证件号码只登记一次。",
        sample={"业主姓名": "王建国", "车辆(车牌,多个以逗号分隔)": "粤B12345", "居住情况": "自住"}),
    Import("call_visit_log", ("6.60 业主来电来访登记表", "6.60 Calls and visits"), REGISTER_ROLES, (
        Part(CallVisitLog, ("project", "contact_at", "name"), (
            Ref("project", PROJECT), *fields("contact_at", "contact_mode", "caller_kind", "name"),
            Ref("unit", UNIT), *fields("phone", "visitor_org", "visitor_id_verified", "category", "matter"),
            Ref("received_by", RECEIVER), *fields("routing", "promised_reply_at", "result", "closed_at"))),),
        notes="按项目、日期时间和姓名匹配;每条来电来访同时记入前台工作台帐(6.1)。",
        sample={"姓名": "王先生", "事由": "厨房水管漏水,请派人维修", "工作单位": None, "约定回复时间": None,
                "办结时间": None, "处理结果": None}),
)}


def imports_for(user):
    """The imports this user may run."""
    return [spec for spec in IMPORTS.values() if user.has_role(*spec.roles)]
