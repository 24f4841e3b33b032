from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import AuditEvent, Notification
from core.state import InvalidTransition
from grants.models import Award, Suspension, Tranche
from grants.payments import tranche_record_bacs, tranche_release_stripe
from grants.services import GrantError, award_accept
from grants.suspensions import award_resume, award_suspend
from tests.factories import AwardFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def due_part(award: Award) -> Tranche:
    return award.tranches.get(status=Tranche.Status.DUE)


def test_suspending_stops_payments_tells_the_grantee_and_is_audited(accepted_award, programme_manager, finance_officer,
                                                                    django_capture_on_commit_callbacks, mailoutbox):
    member = MembershipFactory(organisation=accepted_award.application.organisation).user
    with django_capture_on_commit_callbacks(execute=True):
        suspension = award_suspend(award=accepted_award, reason="  A safeguarding concern  ",
                                   acting_user=programme_manager)
    accepted_award.refresh_from_db()
    assert accepted_award.status == Award.Status.SUSPENDED
    assert suspension.reason == "A safeguarding concern"
    event = AuditEvent.objects.get(action="award.suspended")
    assert (event.from_state, event.to_state, event.reason) == ("accepted", "suspended", "A safeguarding concern")
    assert Notification.objects.filter(recipient=member, kind="grants.grant_suspended").exists()
    assert "safeguarding" not in mailoutbox[0].body  # the reason is on the grant page, not in the email
    with pytest.raises(GrantError, match="is suspended"):
        tranche_record_bacs(tranche=due_part(accepted_award), bank_reference="BACS-1", paid_on=timezone.localdate(),
                            acting_user=finance_officer)
    assert due_part(accepted_award).status == Tranche.Status.DUE


def test_a_stripe_payment_begun_before_the_suspension_is_not_sent_while_it_lasts(
    accepted_award, connected, programme_manager, finance_officer, fake_stripe
):
    tranche = due_part(accepted_award)
    Tranche.objects.filter(pk=tranche.pk).update(rail=Tranche.Rail.STRIPE)  # begun, then stopped before Stripe
    award_suspend(award=accepted_award, reason="A safeguarding concern", acting_user=programme_manager)
    with pytest.raises(GrantError, match="is suspended"):
        tranche_release_stripe(tranche=tranche, acting_user=finance_officer)
    tranche.refresh_from_db()
    assert (tranche.status, tranche.stripe_transfer_id) == (Tranche.Status.DUE, None)


def test_lifting_returns_the_grant_to_accepted_before_any_payment_and_payments_go_again(
    accepted_award, programme_manager, finance_officer
):
    award_suspend(award=accepted_award, reason="A concern", acting_user=programme_manager)
    award_resume(award=accepted_award, reason="Looked into", acting_user=programme_manager)
    accepted_award.refresh_from_db()
    assert accepted_award.status == Award.Status.ACCEPTED
    suspension = Suspension.objects.get()
    assert (suspension.lifted_by, suspension.lift_reason) == (programme_manager, "Looked into")
    tranche_record_bacs(tranche=due_part(accepted_award), bank_reference="BACS-1", paid_on=timezone.localdate(),
                        acting_user=finance_officer)
    accepted_award.refresh_from_db()
    assert accepted_award.status == Award.Status.ACTIVE


def test_lifting_returns_a_grant_paid_in_part_to_active(accepted_award, programme_manager, finance_officer):
    tranche_record_bacs(tranche=due_part(accepted_award), bank_reference="BACS-1", paid_on=timezone.localdate(),
                        acting_user=finance_officer)
    accepted_award.refresh_from_db()
    award_suspend(award=accepted_award, reason="A concern", acting_user=programme_manager)
    award_resume(award=accepted_award, reason="Looked into", acting_user=programme_manager)
    accepted_award.refresh_from_db()
    assert accepted_award.status == Award.Status.ACTIVE
    assert list(AuditEvent.objects.filter(action="award.suspension_lifted").values_list("from_state", "to_state")) == [
        ("suspended", "active")]


@pytest.mark.parametrize("status", ["offered", "declined", "lapsed"])
def test_only_a_grant_taken_on_can_be_suspended(status, programme_manager):
    award = AwardFactory(status=status)
    with pytest.raises(GrantError, match="cannot be suspended"):
        award_suspend(award=award, reason="A concern", acting_user=programme_manager)
    assert not Suspension.objects.exists()


def test_a_second_click_does_not_suspend_twice_and_lifting_twice_is_refused(accepted_award, programme_manager):
    award_suspend(award=accepted_award, reason="A concern", acting_user=programme_manager)
    with pytest.raises(GrantError, match="cannot be suspended: it is suspended"):
        award_suspend(award=accepted_award, reason="A concern", acting_user=programme_manager)
    award_resume(award=accepted_award, reason="Looked into", acting_user=programme_manager)
    with pytest.raises(GrantError, match="is not suspended"):
        award_resume(award=accepted_award, reason="Looked into", acting_user=programme_manager)
    assert Suspension.objects.count() == 1


def test_a_suspended_grant_cannot_be_accepted_again(accepted_award, programme_manager, applicant):
    """Found by the money property test: accepting a suspended grant moved it back to accepted and made its
    payment parts a second time, which the database refused with an error page."""
    award_suspend(award=accepted_award, reason="A safeguarding concern", acting_user=programme_manager)
    with pytest.raises(InvalidTransition, match="Suspended"):
        award_accept(award=accepted_award, name="Amara", role="Chair", acting_user=applicant)
    accepted_award.refresh_from_db()
    assert accepted_award.status == Award.Status.SUSPENDED
    assert accepted_award.tranches.count() == len(accepted_award.round.tranche_schedule)


@pytest.mark.parametrize("reason", ["", "   "])
def test_suspending_and_lifting_need_a_reason(accepted_award, programme_manager, reason):
    with pytest.raises(GrantError, match="Say why"):
        award_suspend(award=accepted_award, reason=reason, acting_user=programme_manager)
    award_suspend(award=accepted_award, reason="A concern", acting_user=programme_manager)
    with pytest.raises(GrantError, match="Say why"):
        award_resume(award=accepted_award, reason=reason, acting_user=programme_manager)


def test_returns_carry_on_while_a_grant_is_suspended(accepted_award, programme_manager):
    from monitoring.services import returns_mark_due

    award_suspend(award=accepted_award, reason="A concern", acting_user=programme_manager)
    returns_mark_due(today=timezone.localdate() + timedelta(days=120))
    assert accepted_award.returns.filter(status="due").exists()
