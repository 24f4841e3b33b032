"""Completing a grant once its end-of-grant report is accepted: what the grantee did not spend comes off the parts
still to pay, last part first, and goes back to the ringfence; a part that waited on the report falls due; the
grant is completed and its completion letter issued. Monitoring, which owns the report, calls this in the same
transaction as it accepts the report."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.emails import email_send_on_commit
from core.services import audit_record
from grants.audit import AuditAction
from grants.letters import CompletionContent, completion_letter_pdf
from grants.models import Award, Letter, Tranche
from grants.notifications import finance_notify_payment_due
from grants.selectors import addressee_of
from grants.services import GrantError, letters_store

UNPAID = [Tranche.Status.SCHEDULED, Tranche.Status.DUE]
Q_PAID = Q(status=Tranche.Status.PAID)
Q_OWING = Q(status__in=UNPAID)


@dataclass(frozen=True)
class Completed:
    """What completing did: the money never paid because it was not needed (`not_needed`), back in the ringfence,
    and what was paid but not spent (`held_underspend`), for the caller to ask back or write off."""

    award: Award
    not_needed: Decimal
    held_underspend: Decimal
    letters: list[Letter]


def completion_blocker(award: Award) -> str | None:
    """Why a grant cannot be completed now, in words for the programme manager; None when it can."""
    if award.status == Award.Status.SUSPENDED:
        return "The grant is suspended: lift the suspension before completing it."
    if award.status not in (Award.Status.ACCEPTED, Award.Status.ACTIVE):
        return f"The grant is {award.get_status_display().lower()}, so it cannot be completed."
    if award.tranches.filter(status=Tranche.Status.RELEASED).exists():
        return "A payment is on its way by Stripe: wait until Stripe confirms it, then complete the grant."
    return None


def underspend_split(award: Award, underspend: Decimal) -> tuple[Decimal, Decimal]:
    """How a grantee's underspend falls: the part not yet paid, which is never paid, and the part paid and not spent."""
    unpaid = award.tranches.filter(status__in=UNPAID).aggregate(total=Sum("amount", default=Decimal(0)))["total"]
    not_needed = min(underspend, unpaid)
    return not_needed, underspend - not_needed


def award_complete(*, award: Award, underspend: Decimal, underspend_returned: bool, acting_user: User,
                   site_url: str) -> Completed:
    """Completes a grant whose grantee spent `underspend` less than the grant. The parts not yet paid are cut by it,
    last first, never below nothing (a part cut to nothing is not needed); the rest of it was paid and not spent.
    A part paid or on its way is never changed."""
    if underspend < 0:
        raise GrantError("The underspend cannot be less than £0.")
    with transaction.atomic():
        # The parts first, then the grant: the order paying a part and varying a grant lock them in.
        parts = list(Tranche.objects.select_for_update().filter(award_id=award.pk).order_by("-number"))
        award = (Award.objects.select_for_update(of=("self",)).select_related("round", "application__organisation")
                 .get(pk=award.pk))
        if blocker := completion_blocker(award):
            raise GrantError(blocker)
        if underspend > award.amount:
            raise GrantError("The underspend cannot be more than the grant.")
        unpaid = [tranche for tranche in parts if tranche.status in UNPAID]
        not_needed, held = underspend_split(award, underspend)
        left = not_needed
        for tranche in unpaid:
            cut = min(left, tranche.amount)
            left -= cut
            if cut == tranche.amount:
                previous = tranche.transition_to(Tranche.Status.CANCELLED)
                tranche.save(update_fields=["status"])
                audit_record(acting_user=acting_user, action=AuditAction.TRANCHE_NOT_NEEDED, target=tranche,
                             from_state=previous, to_state=tranche.status, data={"amount": tranche.amount})
                continue
            if cut:
                tranche.amount -= cut
                tranche.save(update_fields=["amount"])
            if tranche.status == Tranche.Status.SCHEDULED and tranche.waits_for_end_report:
                previous = tranche.transition_to(Tranche.Status.DUE)
                tranche.due_at = timezone.now()
                tranche.save(update_fields=["status", "due_at"])
                audit_record(acting_user=acting_user, action=AuditAction.TRANCHE_DUE_ON_END_REPORT, target=tranche,
                             from_state=previous, to_state=tranche.status)
                finance_notify_payment_due(tranche)
        award.underspent = not_needed
        previous = award.transition_to(Award.Status.COMPLETED)
        award.completed_on = timezone.localdate()
        award.save(update_fields=["status", "underspent", "completed_on"])
        audit_record(acting_user=acting_user, action=AuditAction.COMPLETED, target=award, from_state=previous,
                     to_state=award.status, data={"amount": award.underspent})
        letters = _completion_letter_issue(award, held_underspend=held, underspend_returned=underspend_returned,
                                           acting_user=acting_user, site_url=site_url)
        return Completed(award=award, not_needed=not_needed, held_underspend=held, letters=letters)


def _completion_letter_issue(award: Award, *, held_underspend: Decimal, underspend_returned: bool, acting_user: User,
                             site_url: str) -> list[Letter]:
    application = award.application
    amounts = award.tranches.aggregate(
        paid=Sum("amount", filter=Q_PAID, default=Decimal(0)), owing=Sum("amount", filter=Q_OWING, default=Decimal(0))
    )
    content = CompletionContent(
        reference=award.reference, round_name=award.round.name, project_title=application.title,
        addressee=addressee_of(application.organisation), amount=award.amount, paid=amounts["paid"],
        still_to_pay=amounts["owing"], not_needed=award.underspent, held_underspend=held_underspend,
        underspend_returned=underspend_returned, started_on=award.starts_on, completed_on=award.completed_on,
        dated=timezone.localdate(),
    )
    letters = letters_store(application=application, kind=Letter.Kind.COMPLETION, version=1,
                            pdf_of=lambda large_print: completion_letter_pdf(content, large_print=large_print),
                            acting_user=acting_user)
    for membership in application.organisation.memberships.select_related("user"):
        email_send_on_commit(
            to=membership.user.email, subject=f"Your grant {award.reference} is complete",
            template="grants/emails/completion_letter.txt",
            context={"award": award, "person": membership.user,
                     "letters_url": site_url + reverse("grants:letters", kwargs={"pk": application.pk})},
        )
    return letters
