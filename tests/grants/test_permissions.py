from decimal import Decimal

import pytest

from grants.services import decision_record

pytestmark = pytest.mark.django_db


def test_a_decision_is_checked_by_a_programme_manager_other_than_its_proposer(
    scored_round, programme_manager, second_manager, finance_officer
):
    _, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                               acting_user=programme_manager)
    assert second_manager.has_perm("grants.check_decision", decision)
    assert not programme_manager.has_perm("grants.check_decision", decision)
    assert not finance_officer.has_perm("grants.check_decision", decision)
