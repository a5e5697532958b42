"""Shared enums of catalogue §3.3: stable codes, Chinese labels."""
from ..i18n import Choices

ID_TYPE = Choices(cn_id=("居民身份证", "Resident ID card"), passport=("护照", "Passport"),
                  hkmo_permit=("港澳居民来往内地通行证", "Mainland travel permit (HK/Macao)"),
                  tw_permit=("台湾居民来往大陆通行证", "Mainland travel permit (Taiwan)"),
                  hkmotw_residence=("港澳台居民居住证", "Residence permit (HK/Macao/Taiwan)"),
                  foreign_pr=("外国人永久居留身份证", "Foreign permanent resident ID"), other=("其他", "Other"))
GENDER = Choices(male="男", female="女")
SATISFACTION = Choices(very_satisfied="非常满意", satisfied="满意", not_very_satisfied="不太满意",
                       very_dissatisfied="很不满意")
COMPLAINT_VALIDITY = Choices(valid="有效投诉", assisted="协助处理投诉", invalid="无效投诉")
COMPLAINT_SEVERITY = Choices(general="一般投诉", major="重大投诉")
CONTACT_CATEGORY = Choices(after_sales="售后", repair="报修", complaint="投诉", service="服务", praise="表扬",
                           suggestion="建议", other="其它")
CHANNEL = Choices(phone="电话", visit="来访", letter="书面/信函", email="电子信箱/邮件", web="网站",
                  transfer="公司投诉中心转办")
OCCUPANCY = Choices(undelivered="未交付", vacant="空置", handed_over="已收楼未入住", owner_occupied="自住",
                    rented="出租", renovating="装修中")
CHECK_RESULT = Choices({"pass": "合格"}, fail="不合格", na=("不适用", "N/A"))
NORMAL_ABNORMAL = Choices(normal="正常", abnormal="异常")
RETURN_CONDITION = Choices(intact="完好", damaged="损坏", lost="遗失", used_refill="已使用需充装")
REVISIT_METHOD = Choices(face_to_face="面谈", site_check="现场查看", phone="电话", home_visit="上门拜访")
YES_NO = Choices(yes="是", no="否")
SHIFT = Choices(day="白班", evening="晚班", night="夜班")
