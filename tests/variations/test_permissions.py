import pytest

from tests.factories import AwardFactory
from tests.variations.test_services import ask, move
from variations.permissions import can_ask_for_variation, can_decide_variation, can_read_variation, confirm_refusal
from variations.services import variation_approve

pytestmark = pytest.mark.django_db


def test_a_member_may_ask_once_the_grant_is_accepted(grant, applicant, stranger, programme_manager):
    assert can_ask_for_variation(applicant, grant)
    assert not can_ask_for_variation(stranger, grant)
    assert not can_ask_for_variation(programme_manager, grant)
    offered = AwardFactory(application__organisation=applicant.memberships.get().organisation)
    assert not can_ask_for_variation(applicant, offered)


def test_the_organisation_and_programme_managers_read_a_variation(grant, applicant, stranger, programme_manager,
                                                                 finance_officer):
    variation = ask(grant, applicant, move(grant))
    assert can_read_variation(applicant, variation) and can_read_variation(programme_manager, variation)
    assert not can_read_variation(stranger, variation) and not can_read_variation(finance_officer, variation)


def test_a_second_programme_manager_confirms_never_the_one_who_approved(grant, applicant, programme_manager,
                                                                       second_manager):
    variation = ask(grant, applicant, move(grant, "1000.00"))
    assert can_decide_variation(programme_manager, variation) and not can_decide_variation(applicant, variation)
    assert "not waiting for a second" in confirm_refusal(second_manager, variation)
    variation = variation_approve(variation=variation, acting_user=programme_manager)
    assert not can_decide_variation(second_manager, variation)
    assert confirm_refusal(programme_manager, variation) == "Another programme manager must confirm the change you approved."
    assert confirm_refusal(second_manager, variation) is None
    assert confirm_refusal(applicant, variation) == "Only a programme manager can confirm a change to a grant."
