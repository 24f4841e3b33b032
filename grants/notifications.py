"""What grants tells people: the other programme managers when decisions or clawbacks wait for them to check, the
proposer when a decision is sent back, finance when a payment falls due or money is owed back, and the grantee when a
payment is made, its grant is suspended or money is asked back."""

from django.urls import reverse

from accounts.models import Role, User
from applications.models import Round
from core.notifications import NotificationKind
from core.services import notify
from grants.models import Award, Clawback, Decision, Tranche

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
GRANT_SUSPENDED = NotificationKind(
    "grants.grant_suspended", "When your organisation's grant is suspended or its suspension is lifted",
    (Role.APPLICANT.value,), always_sent=True,
)
CLAWBACK_TO_CONFIRM = NotificationKind(
    "grants.clawback_to_confirm", "When another programme manager proposes clawing money back for you to check",
    (Role.PROGRAMME_MANAGER.value,),
)
MONEY_OWED = NotificationKind(
    "grants.money_owed", "When your organisation is asked to pay back money from its grant", (Role.APPLICANT.value,),
    always_sent=True,
)
REPAYMENT_EXPECTED = NotificationKind(
    "grants.repayment_expected", "When a grantee is asked to pay money back", (Role.FINANCE_OFFICER.value,)
)
KINDS = (DECISIONS_TO_CONFIRM, DECISION_SENT_BACK, PAYMENT_DUE, PAYMENT_MADE, LETTER_ISSUED, GRANT_SUSPENDED,
         CLAWBACK_TO_CONFIRM, MONEY_OWED, REPAYMENT_EXPECTED)


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
    notify(recipients=_members_of(award), kind=PAYMENT_MADE.code, link=reverse("grants:award", kwargs={"pk": award.pk}),
           subject=f"We have paid part {tranche.number} of your grant {award.reference}")


def _members_of(award: Award) -> list[User]:
    return [membership.user for membership in award.application.organisation.memberships.select_related("user")]


def grantee_notify_suspension(award: Award, *, lifted: bool) -> None:
    """Tells the organisation its grant's payments have stopped, or started again; the reason is on its grant page."""
    subject = (f"Payments on your grant {award.reference} have started again" if lifted
               else f"Your grant {award.reference} is suspended: payments have stopped")
    notify(recipients=_members_of(award), kind=GRANT_SUSPENDED.code, subject=subject,
           link=reverse("grants:award", kwargs={"pk": award.pk}))


def managers_notify_clawback_proposed(clawback: Clawback) -> None:
    others = User.objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True).exclude(pk=clawback.proposed_by_id)
    notify(recipients=others, kind=CLAWBACK_TO_CONFIRM.code,
           subject=f"A clawback on grant {clawback.award.reference} is waiting for you to check it",
           link=reverse("grants:clawback", kwargs={"pk": clawback.pk}))


def people_notify_money_owed(clawback: Clawback) -> None:
    """Tells the grantee it owes money back, and finance to look out for the repayment."""
    award = clawback.award
    notify(recipients=_members_of(award), kind=MONEY_OWED.code,
           subject=f"We are asking for money back from your grant {award.reference}",
           link=reverse("grants:award", kwargs={"pk": award.pk}))
    notify(recipients=User.objects.filter(role=Role.FINANCE_OFFICER, is_active=True), kind=REPAYMENT_EXPECTED.code,
           subject=f"Grant {award.reference} owes money back", link=reverse("grants:clawback", kwargs={"pk": clawback.pk}))
