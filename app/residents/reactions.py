"""What the owners' registers do to a unit after a save, whoever saved: its state follows the paper."""
from ..core.saving import reacts_to
from ..i18n import text
from ..workflow import follow
from .models import MoveInReceipt, OwnerRegistration

LIVED_IN_AS = ("owner_occupied", "rented", "vacant")  # what a registration's 居住情况 can move the unit to


def _moved(unit, target, user, record):
    """Move the unit by its own flow, logged with the register that moved it; a refusal refuses the save."""
    form = record.__form__
    follow(unit, target, user, text(f"{form.number} {form.title} {record.serial_no}",
                                    f"{form.number} {form.title_en} {record.serial_no}"))


@reacts_to(MoveInReceipt)
def hand_over_the_unit(receipt, saved):
    """收楼: the signed receipt hands an undelivered unit over and dates the hand-over (S4-入伙)."""
    unit = receipt.unit
    if unit.handover_date is None:
        unit.handover_date = receipt.handover_on
    if unit.occupancy_status == "undelivered":
        _moved(unit, "handed_over", saved.user, receipt)


@reacts_to(OwnerRegistration)
def note_how_the_unit_is_lived_in(registration, saved):
    """A registration says whether the owner lives there, lets it or leaves it empty; a unit under renovation or
    not yet handed over keeps its state (the renovation gives back the state it found)."""
    unit, target = registration.unit, registration.residence_type
    if not (saved.created or "residence_type" in saved.changed) or target not in LIVED_IN_AS:
        return
    if unit.occupancy_status in ("handed_over", *LIVED_IN_AS) and unit.occupancy_status != target:
        _moved(unit, target, saved.user, registration)
