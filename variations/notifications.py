"""What variations tell people: programme managers when a variation waits for their decision or confirmation, and
the grantee's members when their request is decided, with a link to its page and letter."""

from django.urls import reverse

from accounts.models import Role, User
from core.notifications import NotificationKind
from core.services import notify
from variations.models import Variation

VARIATION_TO_DECIDE = NotificationKind(
    "variations.to_decide", "When a grantee asks to change their grant", (Role.PROGRAMME_MANAGER.value,),
)
VARIATION_TO_CONFIRM = NotificationKind(
    "variations.to_confirm",
    "When another programme manager approves a change to a grant that you must confirm or refuse",
    (Role.PROGRAMME_MANAGER.value,),
)
VARIATION_DECIDED = NotificationKind(
    "variations.decided", "When we decide on a change you asked for to your organisation's grant",
    (Role.APPLICANT.value,),
)
KINDS = (VARIATION_TO_DECIDE, VARIATION_TO_CONFIRM, VARIATION_DECIDED)


def _page(variation: Variation) -> str:
    return reverse("variations:detail", kwargs={"pk": variation.pk})


def managers_notify_requested(variation: Variation) -> None:
    managers = User.objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True)
    notify(recipients=managers, kind=VARIATION_TO_DECIDE.code, link=_page(variation),
           subject=f"{variation.award.reference} asks to change their grant")


def managers_notify_to_confirm(variation: Variation) -> None:
    """Every programme manager but the one who approved, who may not confirm their own approval."""
    others = User.objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True).exclude(pk=variation.approved_by_id)
    notify(recipients=others, kind=VARIATION_TO_CONFIRM.code, link=_page(variation),
           subject=f"A change to grant {variation.award.reference} waits for you to confirm it")


def grantee_notify_decided(variation: Variation) -> None:
    """The email says only that it was decided and where to read how; the reason and the letter stay in the service."""
    members = [m.user for m in variation.award.application.organisation.memberships.select_related("user")]
    verdict = "approved" if variation.in_force else "refused"
    notify(recipients=members, kind=VARIATION_DECIDED.code, link=_page(variation),
           subject=f"We have {verdict} the change you asked for to grant {variation.award.reference}")
