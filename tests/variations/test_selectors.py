import pytest

from tests.factories import UserFactory
from tests.variations.test_services import ask, move
from variations.models import Variation
from variations.selectors import grant_state, grant_version_number, variations_waiting
from variations.services import variation_approve, variation_refuse

pytestmark = pytest.mark.django_db


def test_waiting_holds_requests_and_approvals_waiting_for_a_second_manager(grant, applicant, programme_manager):
    first = ask(grant, applicant, move(grant, "1000.00"))
    assert list(variations_waiting()) == [first]
    variation_approve(variation=first, acting_user=programme_manager)
    assert list(variations_waiting()) == [first]
    variation_refuse(variation=first, reason="No.", acting_user=UserFactory(role="programme_manager"))
    assert list(variations_waiting()) == []


def test_the_version_in_force_counts_the_variations_made(grant, applicant, programme_manager):
    assert grant_version_number(grant) == 1
    variation_approve(variation=ask(grant, applicant, move(grant)), acting_user=programme_manager)
    assert grant_version_number(grant) == 2
    assert Variation.objects.filter(award=grant).varied() == 0


def test_the_grant_as_it_stands_has_every_row_a_variation_changes(grant):
    state = grant_state(grant)
    assert (len(state.lines), len(state.targets), len(state.tranches), len(state.returns)) == (3, 4, 3, 4)
    assert state.budget_total == grant.amount and state.paid == 0

