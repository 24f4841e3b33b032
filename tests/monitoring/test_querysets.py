import pytest

from monitoring.models import Return

pytestmark = pytest.mark.django_db


def test_open_returns_are_those_still_with_the_grantee(award):
    returns = list(award.returns.order_by("quarter"))
    for monitoring_return, status in zip(returns, [Return.Status.DUE, Return.Status.SUBMITTED,
                                                    Return.Status.CHANGES_REQUESTED, Return.Status.ACCEPTED]):
        Return.objects.filter(pk=monitoring_return.pk).update(status=status)
    assert set(award.returns.open()) == {returns[0], returns[2]}
