"""The flows of the defects found at takeover: a warranty defect chased with the developer (6.26) and a
takeover defect rectified or handed to warranty (6.30, 6.34)."""
from ..i18n import Choices
from ..workflow import Flow, Transition as T, need

WARRANTY_STATES = Choices(open="跟进中", fixed="已修复待验证", closed="已验证关闭")
DEFECT_STATES = Choices(open="未整改", in_progress="整改中", rectified="已整改", to_warranty="转保修跟进")

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
