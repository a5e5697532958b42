"""前台与来访: the front desk's registers (6.1, 6.11, 6.13, 6.60)."""
from ...extensions import db
from ...i18n import Choices
from .. import fields as f
from ..base import Form, FormRecord
from ..rules import equals, required_if

CONTACT_MODE = Choices(call="来电", visit="来访", email="电子信箱/邮件", letter="信函", web="网站")
CALLER_KIND = Choices(owner="业主", resident="住户/租户", visitor="访客/外来人员", other="其他")
CALL_CATEGORY = Choices(after_sales="售后", repair="报修", complaint="投诉", service="服务", praise="表扬",
                        suggestion="建议", other="其它")
ROUTING = Choices(settled="当场解答/办结", work_order="派工单", complaint="投诉受理单", warranty="保修跟进(售后)",
                  paid_service="特约服务", transferred="转其他部门")
ESCALATION = Choices(receptionist="接待员", supervisor="客服主管", manager="经理")


class CallVisitLog(FormRecord, db.Model):
    """6.60 业主来电来访登记表: every call and visit lands here first."""

    __form__ = Form("6.60", "业主来电来访登记表", "Owner call & visit register", "front_desk")
    __list__ = ("serial_no", "contact_at", "contact_mode", "name", "unit", "category", "routing", "received_by")
    __search__ = ("serial_no", "name", "phone", "matter")
    contact_at = f.when("日期时间", required=True)
    contact_mode = f.choice("方式", CONTACT_MODE, required=True, default="call")
    caller_kind = f.choice("来访人类别", CALLER_KIND, required=True, default="owner")
    name = f.text("姓名", 40, required=True, demo=["王先生", "李女士", "陈小姐", "张伟", "刘阿姨"])
    unit_id, unit = f.ref("Unit", "房号")
    phone = f.phone("联系电话")
    visitor_org = f.text("工作单位", 100)
    visitor_id_verified = f.flag("已核验身份证件")
    category = f.choice("接待类别", CALL_CATEGORY, required=True)
    matter = f.long_text("事由", required=True, demo=["厨房水管漏水,请派人维修", "咨询本月物业费缴纳方式",
                                                       "楼上装修噪音过大", "快递代收咨询", "表扬保安热情服务"])
    received_by_id, received_by = f.ref("StaffMember", "接待人", required=True)
    routing = f.choice("处理去向", ROUTING, required=True, default="settled")
    promised_reply_at = f.when("约定回复时间")
    result = f.long_text("处理结果")
    closed_at = f.when("办结时间")
    escalation_level = f.choice("跟进级别", ESCALATION, required=True, default="receptionist")
    reviewed_by_id, reviewed_by = f.ref("StaffMember", "主管审核人")
    reviewed_at = f.when("审核时间")
    __rules__ = (
        required_if("unit", equals("caller_kind", "owner", "resident"), "业主或住户来电来访须填写房号",
                    "An owner or resident contact needs a unit"),
        required_if("phone", equals("contact_mode", "call"), "来电须填写联系电话", "A call needs a phone number"),
        required_if("visitor_org", equals("caller_kind", "visitor"), "访客须填写工作单位",
                    "A visitor needs an organisation"),
        required_if("visitor_id_verified", equals("caller_kind", "visitor"), "访客须核验身份证件",
                    "A visitor's ID must be verified"),
        required_if("promised_reply_at", lambda d: d.get("routing") not in (None, "", "settled"),
                    "未当场办结的须约定回复时间", "Give a reply time when not settled on the spot"),
    )
