"""The flow of an outsourced service's failure (6.53, §4.10): the contractor signs, corrects, the desk verifies,
the supervisor closes."""
from ..i18n import Choices
from ..workflow import Flow, Transition as T, need

NC_STATES = Choices(open="待整改", acknowledged="承包商已签收", corrected="已纠正", verified="已验证", closed="已关闭")

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
