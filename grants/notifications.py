"""What grants tells people: the other programme managers when decisions wait for their confirmation, the proposer
when one is sent back, finance when a payment falls due, and the grantee when a payment is made."""

from django.urls import reverse

from accounts.models import Role, User
from applications.models import Round
from core.notifications import NotificationKind
from core.services import notify
from grants.models import Award, Decision, Tranche

DECISIONS_TO_CONFIRM = NotificationKind(
    "grants.decisions_to_confirm",
    "When another programme manager proposes decisions for you to confirm or send back",
    (Role.PROGRAMME_MANAGER.value,),
)
DECISION_SENT_BACK = NotificationKind(
    "grants.decision_sent_back",
    "When a decision you proposed is sent back to you to revise",
    (Role.PROGRAMME_MANAGER.value,),
)
PAYMENT_DUE = NotificationKind("grants.payment_due", "When a payment falls due", (Role.FINANCE_OFFICER.value,))
PAYMENT_MADE = NotificationKind(
    "grants.payment_made", "When we pay part of your organisation's grant", (Role.APPLICANT.value,)
)
LETTER_ISSUED = NotificationKind(
    "grants.letter_issued", "When a letter about your application's funding is ready to read", (Role.APPLICANT.value,),
    choosable=False,
)
KINDS = (DECISIONS_TO_CONFIRM, DECISION_SENT_BACK, PAYMENT_DUE, PAYMENT_MADE, LETTER_ISSUED)


def managers_notify_decisions_wait(*, round_: Round, proposer: User) -> None:
    """Tells every other programme manager, who may confirm, that decisions wait for them. Someone who has not yet
    opened the last such notification for the round is not sent another: one per batch, not one per decision."""
    others = User.objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True).exclude(pk=proposer.pk)
    notify(recipients=others, kind=DECISIONS_TO_CONFIRM.code, unless_unread=True,
           subject=f"Decisions on {round_.name} are waiting for you to confirm them",
           link=reverse("grants:confirm", kwargs={"pk": round_.pk}))


def proposer_notify_sent_back(decision: Decision) -> None:
    """Tells the manager who proposed a decision that it was sent back; the reason stays on the decisions page."""
    application = decision.application
    notify(recipients=[decision.decided_by], kind=DECISION_SENT_BACK.code,
           subject=f"Your decision on {application.reference} was sent back to you to revise",
           link=reverse("grants:decisions", kwargs={"pk": application.round_id}))


def finance_notify_payment_due(tranche: Tranche) -> None:
    finance = User.objects.filter(role=Role.FINANCE_OFFICER, is_active=True)
    notify(recipients=finance, kind=PAYMENT_DUE.code, link=reverse("grants:payments"),
           subject=f"A payment is due: part {tranche.number} of grant {tranche.award.reference}")


def grantee_notify_payment_made(tranche: Tranche) -> None:
    award = Award.objects.select_related("application__organisation").get(pk=tranche.award_id)
    members = [membership.user for membership in award.application.organisation.memberships.select_related("user")]
    notify(recipients=members, kind=PAYMENT_MADE.code, link=reverse("grants:award", kwargs={"pk": award.pk}),
           subject=f"We have paid part {tranche.number} of your grant {award.reference}")
