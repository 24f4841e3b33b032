"""Who may act on awards and letters."""

from accounts.permissions import is_programme_manager
from applications.permissions import is_member, is_owner
from grants.models import Award, Letter


def can_respond_to_offer(user, award: Award) -> bool:
    """Accepting binds the organisation to the conditions, so it is for its owners."""
    return award.status == Award.Status.OFFERED and is_owner(user, award.application.organisation)


def can_read_letter(user, letter: Letter) -> bool:
    return is_member(user, letter.application.organisation) or is_programme_manager(user)


def can_manage_payout_account(user, award: Award) -> bool:
    return award.status in (Award.Status.ACCEPTED, Award.Status.ACTIVE) and is_owner(user, award.application.organisation)
