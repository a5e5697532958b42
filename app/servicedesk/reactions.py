"""What the service desk does after a save, whoever saved: the reactions that used to hide in save hooks.

A call or visit writes its duty-ledger line; a complaint or work order made from a call routes that call; a
revisit's answer closes the work or sends it back; an unhappy questionnaire gets its revisit.
"""
from ..core.saving import Refused, reacts_to
from ..extensions import db
from ..models.types import utcnow
from .complaint_flow import settle_complaint
from .complaints import ComplaintTicket
from .front_desk import CallVisitLog, WorkOrder, ledger_line_for
from .revisits import RevisitRecord, latest_revisit, schedule_revisit
from .surveys import SatisfactionSurveyResponse
from .work_flow import settle_work_order


@reacts_to(CallVisitLog)
def write_ledger_line(call, saved):
    """Every call or visit is a line of the duty ledger (6.1) without being typed twice (S2-5 4.1.8)."""
    if saved.created:
        db.session.add(ledger_line_for(call))


@reacts_to(ComplaintTicket, WorkOrder)
def route_source_call(record, saved):
    """The call a complaint or work order was made from says where it went (投诉受理单 / 派工单)."""
    routing = "complaint" if isinstance(record, ComplaintTicket) else "work_order"
    if record.source_call is not None and record.source_call.routing != routing:
        record.source_call.routing = routing


@reacts_to(RevisitRecord)
def settle_revisited_work(revisit, saved):
    """Once the owner has answered, close the work or send it back (S2-3 五.2: until the owner is satisfied)."""
    if revisit.revisited_at is None or revisit.satisfaction is None:
        return
    if revisit.complaint_ticket is not None:
        reasons = settle_complaint(revisit.complaint_ticket, revisit, saved.user)
        if reasons:  # e.g. the one who recorded it may not close complaints: say so, save nothing
            raise Refused(reasons)
    elif revisit.work_order is not None:
        settle_work_order(revisit.work_order, revisit, saved.user)
    elif revisit.needs_rework and not revisit.followed_up:
        schedule_revisit(revisit.revisit_type, revisit.unit, utcnow(), previous=revisit,
                         survey_response=revisit.survey_response, community_activity=revisit.community_activity)


@reacts_to(SatisfactionSurveyResponse)
def revisit_unhappy_household(response, saved):
    """S2-6 4.7–4.8: an unhappy household or a key customer gets one survey revisit (6.43)."""
    if not (response.needs_revisit or response.is_key_customer) or latest_revisit(survey_response_id=response.id):
        return
    # counted from the save, not from returned_at: questionnaires typed in at the end of a campaign are not
    # late on arrival, and S2-6 4.7 revisits after the survey anyway
    schedule_revisit("survey", response.unit, utcnow(), survey_response=response)
