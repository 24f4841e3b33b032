from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from core.models import AuditEvent, Notification
from grants.clawbacks import clawable_from, clawback_confirm, clawback_propose, clawback_refuse, repayment_record
from grants.models import Clawback, Tranche
from grants.payments import tranche_record_bacs
from grants.selectors import committed_in
from grants.services import GrantError
from tests.factories import AwardFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_award(accepted_award, finance_officer):
    """£8,000 accepted, of which the first £4,000 is paid."""
    tranche_record_bacs(tranche=accepted_award.tranches.get(number=1), bank_reference="BACS-1",
                        paid_on=timezone.localdate(), acting_user=finance_officer)
    accepted_award.refresh_from_db()
    return accepted_award


def proposed(award, manager, amount="1000.00") -> Clawback:
    return clawback_propose(award=award, amount=Decimal(amount), reason="Spent outside the project",
                            acting_user=manager)


def confirmed(award, manager, checker, amount="1000.00") -> Clawback:
    clawback = proposed(award, manager, amount)
    return clawback_confirm(clawback=clawback, proposed_at=clawback.proposed_at, acting_user=checker)


def test_a_clawback_is_owed_only_once_a_second_manager_confirms_it(
    paid_award, programme_manager, second_manager, finance_officer, django_capture_on_commit_callbacks
):
    member = MembershipFactory(organisation=paid_award.application.organisation).user
    clawback = proposed(paid_award, programme_manager)
    assert clawback.status == Clawback.Status.PROPOSED
    assert Notification.objects.filter(recipient=second_manager, kind="grants.clawback_to_confirm").exists()
    assert not Notification.objects.filter(recipient=member).exists()
    clawback = clawback_confirm(clawback=clawback, proposed_at=clawback.proposed_at, acting_user=second_manager)
    assert (clawback.status, clawback.checked_by) == (Clawback.Status.OWED, second_manager)
    assert Notification.objects.filter(recipient=member, kind="grants.money_owed").exists()
    assert Notification.objects.filter(recipient=finance_officer, kind="grants.repayment_expected").exists()
    assert sorted(AuditEvent.objects.filter(action__startswith="clawback.").values_list("action", "data")) == [
        ("clawback.confirmed", {"amount": "1000.00"}), ("clawback.proposed", {"amount": "1000.00"})]


def test_the_proposer_cannot_confirm_or_refuse_their_own_clawback(paid_award, programme_manager):
    clawback = proposed(paid_award, programme_manager)
    with pytest.raises(GrantError, match="Another programme manager"):
        clawback_confirm(clawback=clawback, proposed_at=clawback.proposed_at, acting_user=programme_manager)
    with pytest.raises(GrantError, match="Another programme manager"):
        clawback_refuse(clawback=clawback, proposed_at=clawback.proposed_at, reason="No", acting_user=programme_manager)
    clawback.refresh_from_db()
    assert clawback.status == Clawback.Status.PROPOSED


def test_only_a_manager_who_held_the_role_before_the_proposal_can_check_it(paid_award, programme_manager,
                                                                          finance_officer):
    clawback = proposed(paid_award, programme_manager)
    appointed_after = UserFactory(role=Role.PROGRAMME_MANAGER)
    with pytest.raises(GrantError, match="before this clawback was proposed"):
        clawback_confirm(clawback=clawback, proposed_at=clawback.proposed_at, acting_user=appointed_after)
    with pytest.raises(GrantError, match="Only a programme manager"):
        clawback_confirm(clawback=clawback, proposed_at=clawback.proposed_at, acting_user=finance_officer)


def test_a_refused_clawback_is_not_owed_and_frees_what_it_asked(paid_award, programme_manager, second_manager):
    clawback = proposed(paid_award, programme_manager, "4000.00")
    assert clawable_from(paid_award) == 0
    clawback = clawback_refuse(clawback=clawback, proposed_at=clawback.proposed_at, reason="It was spent well",
                               acting_user=second_manager)
    assert (clawback.status, clawback.refusal_reason) == (Clawback.Status.REFUSED, "It was spent well")
    assert clawable_from(paid_award) == Decimal("4000.00")
    with pytest.raises(GrantError, match="Say why"):
        clawback_refuse(clawback=proposed(paid_award, programme_manager), proposed_at=timezone.now(), reason=" ",
                        acting_user=second_manager)


def test_a_second_click_or_a_page_left_open_checks_nothing_twice(paid_award, programme_manager, second_manager):
    clawback = proposed(paid_award, programme_manager)
    clawback_confirm(clawback=clawback, proposed_at=clawback.proposed_at, acting_user=second_manager)
    with pytest.raises(GrantError, match="checked after you opened the page"):
        clawback_confirm(clawback=clawback, proposed_at=clawback.proposed_at, acting_user=second_manager)
    with pytest.raises(GrantError, match="checked after you opened the page"):
        clawback_refuse(clawback=clawback, proposed_at=clawback.proposed_at, reason="No", acting_user=second_manager)
    other = proposed(paid_award, programme_manager)
    with pytest.raises(GrantError, match="changed after you opened the page"):
        clawback_confirm(clawback=other, proposed_at=other.proposed_at - timedelta(seconds=1), acting_user=second_manager)
    assert AuditEvent.objects.filter(action="clawback.confirmed").count() == 1


@pytest.mark.parametrize("amount", ["4000.01", "0", "-5"])
def test_no_more_than_was_paid_can_be_clawed_back_and_nothing_at_or_below_nothing(paid_award, programme_manager,
                                                                                  amount):
    with pytest.raises(GrantError):
        proposed(paid_award, programme_manager, amount)
    assert not Clawback.objects.exists()


def test_what_was_asked_back_already_cannot_be_asked_again(paid_award, programme_manager, second_manager):
    confirmed(paid_award, programme_manager, second_manager, "3000.00")
    with pytest.raises(GrantError, match="at most £1,000"):
        proposed(paid_award, programme_manager, "1000.01")
    proposed(paid_award, programme_manager, "1000.00")


@pytest.mark.parametrize("status", ["offered", "declined", "lapsed"])
def test_nothing_can_be_clawed_back_from_a_grant_not_taken_on(programme_manager, status):
    award = AwardFactory(status=status)
    with pytest.raises(GrantError, match="No money can be clawed back"):
        proposed(award, programme_manager)


def test_a_suspended_grant_can_have_money_clawed_back(paid_award, programme_manager):
    from grants.suspensions import award_suspend

    award_suspend(award=paid_award, reason="A concern", acting_user=programme_manager)
    assert proposed(paid_award, programme_manager).status == Clawback.Status.PROPOSED


def test_repayments_return_to_the_ringfence_and_settle_the_clawback_when_they_add_up(
    paid_award, programme_manager, second_manager, finance_officer
):
    clawback = confirmed(paid_award, programme_manager, second_manager)
    before = committed_in(paid_award.round)
    repayment_record(clawback=clawback, amount=Decimal("400.00"), received_on=timezone.localdate(),
                     bank_reference="BACK-1", acting_user=finance_officer)
    clawback.refresh_from_db()
    assert clawback.status == Clawback.Status.OWED
    assert committed_in(paid_award.round) == before - Decimal("400.00")
    with pytest.raises(GrantError, match="Only £600 is still owed"):
        repayment_record(clawback=clawback, amount=Decimal("600.01"), received_on=timezone.localdate(),
                         bank_reference="BACK-2", acting_user=finance_officer)
    repayment_record(clawback=clawback, amount=Decimal("600.00"), received_on=timezone.localdate(),
                     bank_reference="BACK-2", acting_user=finance_officer)
    clawback.refresh_from_db()
    assert clawback.status == Clawback.Status.REPAID
    assert committed_in(paid_award.round) == before - Decimal("1000.00")
    with pytest.raises(GrantError, match="Nothing is owed"):
        repayment_record(clawback=clawback, amount=Decimal("1.00"), received_on=timezone.localdate(),
                         bank_reference="BACK-3", acting_user=finance_officer)
    assert paid_award.tranches.filter(status=Tranche.Status.PAID).count() == 1  # what was paid stays paid


def test_a_repayment_is_refused_before_confirmation_in_the_future_or_before_it_was_asked(
    paid_award, programme_manager, second_manager, finance_officer
):
    clawback = proposed(paid_award, programme_manager)
    with pytest.raises(GrantError, match="Nothing is owed"):
        repayment_record(clawback=clawback, amount=Decimal("1.00"), received_on=timezone.localdate(),
                         bank_reference="BACK-1", acting_user=finance_officer)
    clawback = clawback_confirm(clawback=clawback, proposed_at=clawback.proposed_at, acting_user=second_manager)
    for received_on, message in ((timezone.localdate() + timedelta(days=1), "future"),
                                 (timezone.localdate() - timedelta(days=1), "before the clawback was confirmed")):
        with pytest.raises(GrantError, match=message):
            repayment_record(clawback=clawback, amount=Decimal("1.00"), received_on=received_on,
                             bank_reference="BACK-1", acting_user=finance_officer)
    assert not clawback.repayments.exists()
