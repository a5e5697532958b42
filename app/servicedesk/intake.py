"""One intake: what a call, a visit or a complaint hands on to the record it becomes, so nothing is typed twice.

Each entry maps (source form, target form) to the values the target's new form starts with; the target's page
opens prefilled with them and keeps the link back to its source.
"""
from ..i18n import L
from ..models.types import utcnow
from .work_flow import default_due

CHANNEL_OF_CONTACT = dict(call="phone", visit="visit", email="email", letter="letter", web="web")
FEEDBACK_OF_CALL = dict(praise="praise", suggestion="suggestion", complaint="complaint")
TASK_OF_CALL = dict(repair="in_home_repair", after_sales="in_home_repair", service="paid_service")


def _complaint_from_call(call):
    return dict(received_at=call.contact_at, channel=CHANNEL_OF_CONTACT.get(call.contact_mode, "phone"),
                complainant_name=call.name, is_resident=call.caller_kind in ("owner", "resident"), unit=call.unit,
                contact_phone=call.phone, content=call.matter, received_by=call.received_by, source_call=call,
                project=call.project)


def _work_order_from_call(call):
    task = TASK_OF_CALL.get(call.category, "other")
    return dict(source="paid_service" if task == "paid_service" else "call_visit", source_call=call, task_type=task,
                unit=call.unit, requester_name=call.name, requester_phone=call.phone, description=call.matter,
                due_at=default_due(task), project=call.project)


def _feedback_from_call(call):
    return dict(recorded_at=call.contact_at, feedback_type=FEEDBACK_OF_CALL.get(call.category, "opinion"),
                source="visit" if call.contact_mode == "visit" else "call", person_name=call.name, unit=call.unit,
                contact_phone=call.phone, content=call.matter, recorded_by=call.received_by, source_call=call,
                project=call.project)


def _work_order_from_complaint(ticket):
    return dict(source="complaint", source_complaint=ticket, source_call=ticket.source_call,
                task_type="public_repair" if ticket.unit is None else "in_home_repair", unit=ticket.unit,
                requester_name=ticket.complainant_name, requester_phone=ticket.contact_phone,
                description=ticket.content, due_at=ticket.promised_reply_at or default_due("in_home_repair"),
                project=ticket.project)


def _reopened_complaint(ticket):
    """C13 / R-C15: a dissatisfied owner's renewed complaint is a new ticket linked to the old one."""
    return dict(parent_ticket=ticket, received_at=utcnow(), channel=ticket.channel,
                complainant_name=ticket.complainant_name, is_resident=ticket.is_resident, owner=ticket.owner,
                unit=ticket.unit, contact_phone=ticket.contact_phone, category=ticket.category,
                households_count=ticket.households_count, expected_resolution=ticket.expected_resolution,
                source_call=ticket.source_call, project=ticket.project)


INTAKE = {
    ("call_visit_log", "complaint_ticket"): (L("转为投诉受理单", "Make a complaint"), _complaint_from_call),
    ("call_visit_log", "work_order"): (L("派工单", "Dispatch a work order"), _work_order_from_call),
    ("call_visit_log", "feedback_record"): (L("记为建议/意见/表扬", "Record as feedback"), _feedback_from_call),
    ("complaint_ticket", "work_order"): (L("派工处理", "Dispatch a work order"), _work_order_from_complaint),
    ("complaint_ticket", "complaint_ticket"): (L("业主不满意,另立新投诉", "Reopen as a new complaint"),
                                               _reopened_complaint),
}


def targets_of(source_endpoint, record):
    """(target endpoint, button label) for what a record may become; a closed complaint only reopens."""
    out = []
    for (source, target), (label, _) in INTAKE.items():
        if source != source_endpoint:
            continue
        if source == target and getattr(record, "status", None) != "closed":
            continue  # reopening is for an outcome the owner rejects, once the ticket is closed
        out.append((target, label))
    return out


def prefill(source_endpoint, target_endpoint, record):
    """The values the target form starts with, or {} when the pair is not an intake."""
    entry = INTAKE.get((source_endpoint, target_endpoint))
    return entry[1](record) if entry else {}
