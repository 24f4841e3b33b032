"""Clawing money back from a grant: one programme manager proposes an amount with a reason, a second confirms it
(or refuses, saying why), and the grantee then owes it until finance has recorded repayments that add up to it.
What is repaid goes back to the ringfence (see `grants.selectors.committed_in`)."""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from core.services import audit_record
from core.templatetags.govuk import pounds
from grants.audit import AuditAction
from grants.models import Award, Clawback, Repayment, Tranche
from grants.notifications import managers_notify_clawback_proposed, people_notify_money_owed
from grants.permissions import clawback_check_refusal
from grants.services import GrantError

# Money can be asked back from a grant the organisation has taken on.
CLAWABLE = Award.ACCEPTED_ONES


def clawable_from(award: Award) -> Decimal:
    """What can still be asked back from a grant: what was paid on it, less what has been asked back already and
    not refused."""
    paid = award.tranches.filter(status=Tranche.Status.PAID).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    asked = award.clawbacks.filter(status__in=Clawback.ASKED).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return paid - asked


def clawback_propose(*, award: Award, amount: Decimal, reason: str, acting_user: User,
                     seen_up_to: int | None = None) -> Clawback:
    """`seen_up_to` is the newest clawback of the grant that the proposing page showed: the same amount proposed by
    the same person since then is this one sent twice (a second click), and is not proposed again."""
    if not reason.strip():
        raise GrantError("Say why the money is being clawed back: the grantee will read it.")
    if amount <= 0:
        raise GrantError("Enter an amount to claw back above £0.")
    with transaction.atomic():
        award = Award.objects.select_for_update().get(pk=award.pk)
        if seen_up_to is not None and (again := award.clawbacks.filter(
                pk__gt=seen_up_to, proposed_by=acting_user, amount=amount, status=Clawback.Status.PROPOSED).first()):
            return again
        if award.status not in CLAWABLE:
            raise GrantError(f"No money can be clawed back from grant {award.reference}: it is "
                             f"{award.get_status_display().lower()}.")
        room = clawable_from(award)
        if amount > room:
            raise GrantError(f"You can claw back at most {pounds(room)}: that is what has been paid on this grant and "
                             "not asked back already.")
        clawback = Clawback.objects.create(award=award, amount=amount, reason=reason.strip(), proposed_by=acting_user,
                                           proposed_at=timezone.now())
        audit_record(acting_user=acting_user, action=AuditAction.CLAWBACK_PROPOSED, target=award,
                     to_state=clawback.status, reason=clawback.reason, data={"amount": amount})
        managers_notify_clawback_proposed(clawback)
        return clawback


def _locked_as_shown(clawback: Clawback, proposed_at: datetime, acting_user: User) -> Clawback:
    clawback = Clawback.objects.select_for_update(of=("self",)).select_related("award").get(pk=clawback.pk)
    if clawback.status != Clawback.Status.PROPOSED:
        raise GrantError(f"This clawback was checked after you opened the page: it is now "
                         f"{clawback.get_status_display().lower()}.")
    if clawback.proposed_at != proposed_at:
        raise GrantError("This clawback was changed after you opened the page: check it again.")
    if refusal := clawback_check_refusal(acting_user, clawback):
        raise GrantError(refusal)
    return clawback


def clawback_confirm(*, clawback: Clawback, proposed_at: datetime, acting_user: User) -> Clawback:
    """A second programme manager confirms: from now the grantee owes the amount."""
    with transaction.atomic():
        clawback = _locked_as_shown(clawback, proposed_at, acting_user)
        previous = clawback.transition_to(Clawback.Status.OWED)
        clawback.checked_by, clawback.checked_at = acting_user, timezone.now()
        clawback.save(update_fields=["status", "checked_by", "checked_at"])
        audit_record(acting_user=acting_user, action=AuditAction.CLAWBACK_CONFIRMED, target=clawback.award,
                     from_state=previous, to_state=clawback.status, data={"amount": clawback.amount})
        people_notify_money_owed(clawback)
        return clawback


def clawback_refuse(*, clawback: Clawback, proposed_at: datetime, reason: str, acting_user: User) -> Clawback:
    """A second programme manager does not agree: nothing is owed, and the reason stays on the clawback."""
    if not reason.strip():
        raise GrantError("Say why you are not confirming the clawback.")
    with transaction.atomic():
        clawback = _locked_as_shown(clawback, proposed_at, acting_user)
        previous = clawback.transition_to(Clawback.Status.REFUSED)
        clawback.checked_by, clawback.checked_at, clawback.refusal_reason = acting_user, timezone.now(), reason.strip()
        clawback.save(update_fields=["status", "checked_by", "checked_at", "refusal_reason"])
        audit_record(acting_user=acting_user, action=AuditAction.CLAWBACK_REFUSED, target=clawback.award,
                     from_state=previous, to_state=clawback.status, reason=clawback.refusal_reason,
                     data={"amount": clawback.amount})
        return clawback


def repaid_on(clawback: Clawback) -> Decimal:
    return clawback.repayments.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def repayment_record(
    *, clawback: Clawback, amount: Decimal, received_on: date, bank_reference: str, acting_user: User
) -> Repayment:
    """Finance records money the grantee paid back; once repayments add up to the clawback it is repaid."""
    if amount <= 0:
        raise GrantError("Enter the amount received, above £0.")
    if received_on > timezone.localdate():
        raise GrantError("The date received cannot be in the future.")
    with transaction.atomic():
        clawback = Clawback.objects.select_for_update(of=("self",)).select_related("award").get(pk=clawback.pk)
        if clawback.status != Clawback.Status.OWED:
            raise GrantError(f"Nothing is owed on this clawback: it is {clawback.get_status_display().lower()}.")
        if received_on < timezone.localdate(clawback.checked_at):
            raise GrantError(f"The date received cannot be before the clawback was confirmed, on "
                             f"{timezone.localdate(clawback.checked_at):%-d %B %Y}.")
        left = clawback.amount - repaid_on(clawback)
        if amount > left:
            raise GrantError(f"Only {pounds(left)} is still owed on this clawback.")
        repayment = Repayment.objects.create(clawback=clawback, amount=amount, received_on=received_on,
                                             bank_reference=bank_reference.strip(), recorded_by=acting_user)
        previous = clawback.status
        if amount == left:
            previous = clawback.transition_to(Clawback.Status.REPAID)
            clawback.save(update_fields=["status"])
        audit_record(acting_user=acting_user, action=AuditAction.REPAYMENT_RECORDED, target=clawback.award,
                     from_state=previous, to_state=clawback.status, reason=f"Bank reference {repayment.bank_reference}",
                     data={"amount": amount})
        return repayment
