import pytest

from applications.models import Round
from monitoring.models import Return
from monitoring.selectors import round_returns_unfinished

pytestmark = pytest.mark.django_db


def test_a_round_is_not_completed_while_any_return_of_its_grants_is_not_accepted(award):
    assert round_returns_unfinished(award.round, Round.Status.COMPLETED) == ["Quarterly returns still to be accepted: 4."]
    assert round_returns_unfinished(award.round, Round.Status.MONITORING) == []
    Return.objects.filter(award=award).update(status=Return.Status.ACCEPTED)
    assert round_returns_unfinished(award.round, Round.Status.COMPLETED) == []
