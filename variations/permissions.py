"""Who may ask for, read and decide variations of a grant; views, services and templates ask these, never the models."""

import rules

from accounts.permissions import is_programme_manager
from applications.permissions import is_member
from grants.models import Award
from grants.permissions import offer_letter_issued
from variations.models import Variation

# A grant can be varied while it runs: once accepted, until it ends.
VARIABLE = [Award.Status.ACCEPTED, Award.Status.ACTIVE]


def variation_closed_reason(award: Award) -> str | None:
    """Why nobody can ask to change this grant now, in words for the grantee; None while they can."""
    if award.status not in VARIABLE:
        return f"You can ask to change a grant once you have accepted it. This one is {award.get_status_display().lower()}."
    return None


def can_ask_for_variation(user, award: Award) -> bool:
    """Any member of the grant's organisation, as any member sends its returns."""
    return (offer_letter_issued(award) and is_member(user, award.application.organisation)
            and variation_closed_reason(award) is None)


def can_read_variation(user, variation: Variation) -> bool:
    return is_programme_manager(user) or is_member(user, variation.award.application.organisation)


def can_decide_variation(user, variation: Variation) -> bool:
    """Approving or refusing a request that waits for its first decision."""
    return is_programme_manager(user) and variation.status == Variation.Status.REQUESTED


def confirm_refusal(user, variation: Variation) -> str | None:
    """Why this person may not confirm (or refuse) an approval waiting for a second programme manager, or None."""
    if not is_programme_manager(user):
        return "Only a programme manager can confirm a change to a grant."
    if not variation.waits_for_second:
        return f"{variation} is not waiting for a second programme manager: it is {variation.status_label.lower()}."
    if variation.approved_by_id == user.pk:
        return "Another programme manager must confirm the change you approved."
    return None


def can_confirm_variation(user, variation: Variation) -> bool:
    return confirm_refusal(user, variation) is None


rules.add_perm("variations.ask", can_ask_for_variation)
rules.add_perm("variations.read", can_read_variation)
rules.add_perm("variations.decide", can_decide_variation)
rules.add_perm("variations.confirm", can_confirm_variation)
