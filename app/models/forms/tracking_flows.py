"""The flows of the registers that chase something until it is done: a debt (6.12), a warranty defect (6.26),
a takeover defect (6.30, 6.34) and an outsourced service's failure (6.53).

Each step asks for what it records (its `fields`) and checks it, so the state and its facts move together.
"""
from ...i18n import Choices
from ...workflow import Flow, Transition as T, need

ARREARS_STATES = Choices(generated="未催缴", notified="已通知", assigned="已派专人催缴", promised="承诺缴费",
                         paid="已缴清", legal="法律程序")
WARRANTY_STATES = Choices(open="跟进中", fixed="已修复待验证", closed="已验证关闭")
DEFECT_STATES = Choices(open="未整改", in_progress="整改中", rectified="已整改", to_warranty="转保修跟进")
NC_STATES = Choices(open="待整改", acknowledged="承包商已签收", corrected="已纠正", verified="已验证", closed="已关闭")

CHASING = ("notified", "assigned", "promised")
ARREARS_FLOW = Flow(ARREARS_STATES, [  # S2 arrears: notify, name a collector past the deadline, settle or sue
    T("notify", ("已通知业主", "Owner notified"), ("generated",), "notified", ("front_desk", "cashier"),
      guard=lambda r: need(r.pay_deadline, "请先填写交费期限", "Give the payment deadline first")),
    T("assign", ("指定催缴专人", "Assign a collector"), ("notified", "promised"), "assigned", ("cs_supervisor",),
      guard=lambda r: need(r.dunning_staff_id or r.dunning_staff, "请先在表上指定催缴专人", "Name the collector first")),
    T("promise", ("业主承诺缴费", "Owner promised"), ("notified", "assigned"), "promised", ("front_desk", "cashier"),
      needs_comment=True),
    T("pay", ("已缴清", "Paid"), ("generated", *CHASING, "legal"), "paid", ("cashier",), style="success"),
    T("sue", ("转法律程序", "To legal action"), CHASING, "legal", ("cs_manager",), needs_comment=True, style="danger"),
], locked=("paid",))

WARRANTY_FLOW = Flow(WARRANTY_STATES, [  # 3.12/3.23: chased with the developer's after-sales until verified
    T("fix", ("售后已修复", "Fixed by after-sales"), ("open",), "fixed", ("front_desk", "engineering"),
      guard=lambda r: need(r.fixed_at, "请填写修复时间", "Give the time it was fixed"), fields=("fixed_at",)),
    T("verify", ("验证合格,关闭", "Verified, close"), ("fixed",), "closed", ("engineering", "cs_supervisor"),
      guard=lambda r: need(r.verified_by_id or r.verified_by, "关闭前须有验证人", "Closing needs a verifier")
      + need(r.owner_confirmed or not (r.unit_id or r.unit), "房屋问题关闭前须业主确认",
             "The owner must confirm before a unit's defect is closed"),
      fields=("verified_by", "owner_confirmed"), style="success"),
    T("reopen", ("验证不合格,继续跟进", "Not fixed, chase again"), ("fixed",), "open",
      ("engineering", "cs_supervisor"), needs_comment=True, style="danger"),
], locked=("closed",))

DEFECT_FLOW = Flow(DEFECT_STATES, [  # a takeover defect: rectified by the developer, or handed to warranty (6.26)
    T("start", ("开始整改", "Rectification started"), ("open",), "in_progress", ("engineering", "front_desk")),
    T("rectify", ("整改完成,已复验", "Rectified and re-checked"), ("open", "in_progress"), "rectified",
      ("engineering",), guard=lambda r: need(r.rectified_on, "请填写整改完成日期", "Give the rectification date")
      + need(r.verified_by_id or r.verified_by, "已整改的须有复验人", "Name who re-checked it"),
      fields=("rectified_on", "verified_by"), style="success"),
    T("to_warranty", ("转保修跟进(6.26)", "To warranty follow-up (6.26)"), ("open", "in_progress"), "to_warranty",
      ("engineering", "cs_supervisor"), guard=lambda r: need(r.warranty_followup_id or r.warranty_followup,
                                                              "请关联保修跟进表", "Link the follow-up"),
      fields=("warranty_followup",)),
], locked=("rectified", "to_warranty"))

NC_FLOW = Flow(NC_STATES, [  # §4.10: the contractor signs, corrects, the desk verifies, the supervisor closes
    T("acknowledge", ("承包商签收", "Contractor signed"), ("open",), "acknowledged", ("front_desk", "cs_supervisor"),
      guard=lambda r: need(r.contractor_rep_name and r.contractor_rep_signed_at, "请填写承包商签收人和签收时间",
                           "Give who signed for the contractor and when"),
      fields=("contractor_rep_name", "contractor_rep_signed_at")),
    T("correct", ("已纠正", "Corrected"), ("acknowledged",), "corrected", ("front_desk", "cs_supervisor"),
      guard=lambda r: need(r.corrective_action, "请填写纠正措施", "Record the corrective action"),
      fields=("corrective_action", "preventive_action")),
    T("verify", ("验证合格", "Verified"), ("corrected",), "verified", ("cs_supervisor",),
      guard=lambda r: need(r.verified_by_id or r.verified_by, "请填写验证人", "Name the verifier")
      + need(r.verified_at, "请填写验证时间", "Give the time of the verification")
      + need(r.verification_result == "pass", "验证结果须为合格", "The verification must pass"),
      fields=("verified_by", "verified_at", "verification_result"), style="success"),
    T("redo", ("验证不合格,重新整改", "Failed, correct again"), ("corrected",), "acknowledged", ("cs_supervisor",),
      needs_comment=True, style="danger"),
    T("close", ("关闭", "Close"), ("verified",), "closed", ("cs_supervisor",), fields=("deduction_amount",)),
], locked=("closed",))
