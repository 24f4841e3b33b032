"""Suspending a grant: a programme manager stops its payments, with a reason the grantee reads, and lifts the
suspension later. The returns carry on while it is suspended; `refuse_if_suspended` is what the payment routes ask."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.services import audit_record
from grants.audit import AuditAction
from grants.models import Award, Suspension, Tranche
from grants.notifications import grantee_notify_suspension
from grants.services import GrantError

SUSPENDABLE = [Award.Status.ACCEPTED, Award.Status.ACTIVE]


def _locked_award(award: Award) -> Award:
    return Award.objects.select_for_update(of=("self",)).select_related("application__organisation").get(pk=award.pk)


def award_suspend(*, award: Award, reason: str, acting_user: User) -> Suspension:
    """Stops the grant's payments until the suspension is lifted. Finance is refused any payment on it meanwhile,
    also one begun before: each payment route locks the grant's row and looks again."""
    if not reason.strip():
        raise GrantError("Say why you are suspending the grant: the grantee will read it.")
    with transaction.atomic():
        award = _locked_award(award)
        if award.status not in SUSPENDABLE:
            raise GrantError(f"Grant {award.reference} cannot be suspended: it is {award.get_status_display().lower()}.")
        previous = award.transition_to(Award.Status.SUSPENDED)
        award.save(update_fields=["status"])
        suspension = Suspension.objects.create(award=award, reason=reason.strip(), suspended_by=acting_user,
                                               suspended_at=timezone.now())
        audit_record(acting_user=acting_user, action=AuditAction.SUSPENDED, target=award, from_state=previous,
                     to_state=award.status, reason=suspension.reason)
        grantee_notify_suspension(award, lifted=False)
        return suspension


def award_resume(*, award: Award, reason: str, acting_user: User) -> Award:
    """Lifts the suspension: the grant is active again once anything has been paid on it, accepted before that, and
    its due payments can be made."""
    if not reason.strip():
        raise GrantError("Say why you are lifting the suspension.")
    with transaction.atomic():
        award = _locked_award(award)
        suspension = Suspension.objects.select_for_update().filter(award=award, lifted_at__isnull=True).first()
        if award.status != Award.Status.SUSPENDED or suspension is None:
            raise GrantError(f"Grant {award.reference} is not suspended: it is {award.get_status_display().lower()}.")
        paid = award.tranches.filter(status=Tranche.Status.PAID).exists()
        previous = award.transition_to(Award.Status.ACTIVE if paid else Award.Status.ACCEPTED)
        award.save(update_fields=["status"])
        suspension.lifted_by, suspension.lifted_at, suspension.lift_reason = acting_user, timezone.now(), reason.strip()
        suspension.save(update_fields=["lifted_by", "lifted_at", "lift_reason"])
        audit_record(acting_user=acting_user, action=AuditAction.SUSPENSION_LIFTED, target=award, from_state=previous,
                     to_state=award.status, reason=suspension.lift_reason)
        grantee_notify_suspension(award, lifted=True)
        return award


def refuse_if_suspended(tranche: Tranche) -> None:
    """Called by each payment route under the tranche's row lock: takes the grant's row lock too, so a suspension
    being saved at the same moment is either seen here or waits until this payment is done."""
    award = Award.objects.select_for_update().get(pk=tranche.award_id)
    if award.status == Award.Status.SUSPENDED:
        raise GrantError(f"Grant {award.reference} is suspended, so {tranche} cannot be paid until the suspension is "
                         "lifted.")
