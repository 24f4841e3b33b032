import pytest

from accounts.models import Role
from monitoring.models import Return
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_programme_manager_may_review_a_return_only_once_it_is_sent(award):
    manager, finance = UserFactory(role=Role.PROGRAMME_MANAGER), UserFactory(role=Role.FINANCE_OFFICER)
    monitoring_return = award.returns.get(quarter=1)
    assert not manager.has_perm("monitoring.review_return", monitoring_return)
    monitoring_return.status = Return.Status.SUBMITTED
    assert manager.has_perm("monitoring.review_return", monitoring_return)
    assert not finance.has_perm("monitoring.review_return", monitoring_return)


def test_the_review_form_shows_only_for_a_sent_return(client_for, award):
    from django.urls import reverse

    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    monitoring_return = award.returns.get(quarter=1)
    url = reverse("monitoring:review", kwargs={"pk": monitoring_return.pk})
    client = client_for(manager)
    assert 'name="outcome"' not in client.get(url).content.decode()
    Return.objects.filter(pk=monitoring_return.pk).update(status=Return.Status.SUBMITTED)
    assert 'name="outcome"' in client.get(url).content.decode()


def test_a_programme_manager_may_allow_an_open_return_early_only_before_its_quarter_ends(award):
    manager, finance = UserFactory(role=Role.PROGRAMME_MANAGER), UserFactory(role=Role.FINANCE_OFFICER)
    first, second = award.returns.get(quarter=1), award.returns.get(quarter=2)
    assert manager.has_perm("monitoring.allow_early_return", second)
    assert not finance.has_perm("monitoring.allow_early_return", second)
    assert not manager.has_perm("monitoring.allow_early_return", first), "its quarter has ended"
    second.status = Return.Status.SUBMITTED
    assert not manager.has_perm("monitoring.allow_early_return", second), "it has been sent"
    second.status, second.early_allowed_at = Return.Status.NOT_DUE, second.period_start
    assert not manager.has_perm("monitoring.allow_early_return", second), "it is allowed already"
