"""Who may answer an offer (the organisation's owners, while the offer is open and once its letter exists), and who
may check a proposed decision."""

from decimal import Decimal

import pytest

from grants.models import Award
from grants.permissions import OFFER_LETTER_PENDING, can_respond_to_offer, offer_closed_reason, offer_letter_issued
from grants.services import decision_record
from tests.factories import AwardFactory, MembershipFactory, letter_issued

pytestmark = pytest.mark.django_db


def owner_of(award):
    return MembershipFactory(organisation=award.application.organisation, role="owner").user


def test_nobody_may_answer_an_offer_before_its_letter_is_issued():
    award = AwardFactory(letter_issued=False)
    owner = owner_of(award)
    assert offer_closed_reason(award) == OFFER_LETTER_PENDING
    assert not can_respond_to_offer(owner, award)
    assert not owner.has_perm("grants.respond_to_offer", award)


def test_an_owner_may_answer_once_the_offer_letter_is_issued():
    award = AwardFactory(letter_issued=False)
    owner = owner_of(award)
    letter_issued(award.application)
    award.refresh_from_db()
    assert offer_closed_reason(award) is None
    assert owner.has_perm("grants.respond_to_offer", award)


def test_the_offer_letter_is_issued_by_the_same_rule_for_one_award_and_in_a_query():
    waiting, told = AwardFactory(letter_issued=False), AwardFactory(letter_issued=False)
    letter_issued(told.application)
    for award in (waiting, told):
        award.refresh_from_db()
        assert offer_letter_issued(award) == Award.objects.told().filter(pk=award.pk).exists()
    assert [offer_letter_issued(waiting), offer_letter_issued(told)] == [False, True]


def test_a_member_who_is_not_an_owner_may_not_answer_even_with_the_letter():
    award = AwardFactory()
    member = MembershipFactory(organisation=award.application.organisation, role="editor").user
    assert not member.has_perm("grants.respond_to_offer", award)


def test_an_answered_offer_says_it_is_no_longer_open():
    award = AwardFactory(status=Award.Status.DECLINED)
    assert offer_closed_reason(award) == "This offer is no longer open: the grant is declined."
    assert not can_respond_to_offer(owner_of(award), award)
def test_a_decision_is_checked_by_a_programme_manager_other_than_its_proposer(
    scored_round, programme_manager, second_manager, finance_officer
):
    _, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                               acting_user=programme_manager)
    assert second_manager.has_perm("grants.check_decision", decision)
    assert not programme_manager.has_perm("grants.check_decision", decision)
    assert not finance_officer.has_perm("grants.check_decision", decision)


def test_members_may_read_a_grant_only_once_its_offer_letter_has_told_them_of_it():
    award = AwardFactory(letter_issued=False)
    member = MembershipFactory(organisation=award.application.organisation, role="editor").user
    assert not member.has_perm("grants.read_award", award)
    letter_issued(award.application)
    award.refresh_from_db()
    assert member.has_perm("grants.read_award", award)
