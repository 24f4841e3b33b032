from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import AuditEvent
from grants.completion import award_complete, completion_blocker, underspend_split
from grants.models import Award, Letter, Tranche
from grants.payments import tranche_record_bacs
from grants.selectors import committed_in
from grants.services import GrantError, tranche_make_due
from grants.suspensions import award_suspend
from tests.factories import AwardFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def half_paid(accepted_award, finance_officer):
    """£8,000 accepted: part 1 (£4,000) paid; parts 2 and 3 (£2,000 each) not yet."""
    tranche_record_bacs(tranche=accepted_award.tranches.get(number=1), bank_reference="BACS-1",
                        paid_on=timezone.localdate(), acting_user=finance_officer)
    accepted_award.refresh_from_db()
    return accepted_award


def complete(award, manager, underspend, returned=False):
    return award_complete(award=award, underspend=Decimal(underspend), underspend_returned=returned,
                          acting_user=manager, site_url="https://grants.example.org")


def amounts(award) -> dict[int, tuple[str, Decimal]]:
    return {tranche.number: (tranche.status, tranche.amount) for tranche in award.tranches.order_by("number")}


def test_an_underspend_cuts_the_parts_not_yet_paid_last_first_and_goes_back_to_the_ringfence(
    half_paid, programme_manager, mailoutbox, django_capture_on_commit_callbacks
):
    MembershipFactory(organisation=half_paid.application.organisation)
    before = committed_in(half_paid.round)
    with django_capture_on_commit_callbacks(execute=True):
        completed = complete(half_paid, programme_manager, "2500.00")
    assert (completed.not_needed, completed.held_underspend) == (Decimal("2500.00"), Decimal(0))
    assert amounts(half_paid) == {1: ("paid", Decimal("4000.00")), 2: ("scheduled", Decimal("1500.00")),
                                  3: ("cancelled", Decimal("2000.00"))}
    half_paid.refresh_from_db()
    assert (half_paid.status, half_paid.underspent, half_paid.completed_on) == (
        Award.Status.COMPLETED, Decimal("2500.00"), timezone.localdate())
    assert committed_in(half_paid.round) == before - Decimal("2500.00")
    assert set(Letter.objects.filter(application=half_paid.application, kind="completion").values_list(
        "kind", "large_print")) == {
        ("completion", False), ("completion", True)}
    assert AuditEvent.objects.filter(action="tranche.not_needed").count() == 1
    assert "is complete" in mailoutbox[-1].subject and "2,500" not in mailoutbox[-1].body


def test_an_underspend_larger_than_what_is_unpaid_leaves_the_rest_held_by_the_grantee(half_paid, programme_manager):
    completed = complete(half_paid, programme_manager, "5000.00", returned=True)
    assert (completed.not_needed, completed.held_underspend) == (Decimal("4000.00"), Decimal("1000.00"))
    assert [status for status, _ in amounts(half_paid).values()] == ["paid", "cancelled", "cancelled"]


def test_no_underspend_leaves_every_part_to_pay(half_paid, programme_manager):
    complete(half_paid, programme_manager, "0")
    assert amounts(half_paid) == {1: ("paid", Decimal("4000.00")), 2: ("scheduled", Decimal("2000.00")),
                                  3: ("scheduled", Decimal("2000.00"))}


def test_a_part_that_waits_on_the_end_of_grant_report_falls_due_when_the_grant_is_completed(
    programme_manager, finance_officer
):
    award = AwardFactory(amount=Decimal("6000.00"),
                         application__round__tranche_schedule=[{"share": "50", "after": "acceptance"},
                                                               {"share": "50", "after": "end_report"}])
    from grants.services import award_accept

    award_accept(award=award, name="Amara", role="Chair", acting_user=programme_manager)
    assert amounts(award)[2] == ("scheduled", Decimal("3000.00"))
    complete(award, programme_manager, "500.00")
    tranche = award.tranches.get(number=2)
    assert (tranche.status, tranche.amount) == (Tranche.Status.DUE, Decimal("2500.00"))
    tranche_record_bacs(tranche=tranche, bank_reference="BACS-2", paid_on=timezone.localdate(),
                        acting_user=finance_officer)  # a completed grant's last part is still paid


@pytest.mark.parametrize("status", ["offered", "declined", "lapsed", "completed"])
def test_only_a_running_grant_can_be_completed(status, programme_manager):
    award = AwardFactory(status=status)
    with pytest.raises(GrantError, match="cannot be completed"):
        complete(award, programme_manager, "0")


def test_a_suspended_grant_or_one_with_a_stripe_payment_on_its_way_cannot_be_completed(half_paid, programme_manager,
                                                                                        finance_officer):
    award_suspend(award=half_paid, reason="A concern", acting_user=programme_manager)
    with pytest.raises(GrantError, match="lift the suspension"):
        complete(half_paid, programme_manager, "0")
    other = AwardFactory(status=Award.Status.ACTIVE)
    Tranche.objects.create(award=other, number=1, share=100, amount=other.amount, after="acceptance",
                           status=Tranche.Status.RELEASED, rail="stripe", idempotency_key="released-1")
    assert "Stripe" in completion_blocker(other)


@pytest.mark.parametrize("underspend", ["-1", "8000.01"])
def test_an_underspend_below_nothing_or_above_the_grant_is_refused(half_paid, programme_manager, underspend):
    with pytest.raises(GrantError):
        complete(half_paid, programme_manager, underspend)
    half_paid.refresh_from_db()
    assert half_paid.status == Award.Status.ACTIVE


def test_the_split_of_an_underspend_reads_the_parts_not_yet_paid(half_paid, programme_manager):
    tranche_make_due(award=half_paid, quarter=half_paid.tranches.get(number=2).after_quarter,
                     acting_user=programme_manager)
    assert underspend_split(half_paid, Decimal("1000.00")) == (Decimal("1000.00"), Decimal(0))
    assert underspend_split(half_paid, Decimal("4500.00")) == (Decimal("4000.00"), Decimal("500.00"))
