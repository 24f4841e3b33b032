import pytest

from monitoring.models import Return

pytestmark = pytest.mark.django_db


def test_open_returns_are_those_still_with_the_grantee(award):
    returns = list(award.returns.order_by("quarter"))
    for monitoring_return, status in zip(returns, [Return.Status.DUE, Return.Status.SUBMITTED,
                                                    Return.Status.CHANGES_REQUESTED, Return.Status.ACCEPTED]):
        Return.objects.filter(pk=monitoring_return.pk).update(status=status)
    assert set(award.returns.open()) == {returns[0], returns[2]}


def test_reminders_are_owed_for_open_returns_of_grants_under_way(award):
    first, second = award.returns.order_by("quarter")[:2]
    Return.objects.filter(pk=second.pk).update(status=Return.Status.SUBMITTED)
    assert set(Return.objects.owed_reminders()) == set(award.returns.open())
    assert first in Return.objects.owed_reminders() and second not in Return.objects.owed_reminders()
    type(award).objects.filter(pk=award.pk).update(status="declined")
    assert not Return.objects.owed_reminders().exists()
