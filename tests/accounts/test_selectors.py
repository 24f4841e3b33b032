from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import held_role_since
from accounts.services import user_role_change
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_someone_holds_the_role_they_were_given_before_the_moment(superuser):
    person = UserFactory()
    user_role_change(user=person, role=Role.PROGRAMME_MANAGER, acting_user=superuser, reason="Appointed")
    assert held_role_since(person, Role.PROGRAMME_MANAGER, timezone.now())
    assert not held_role_since(person, Role.PROGRAMME_MANAGER, timezone.now() - timedelta(minutes=1))


def test_a_role_given_up_and_given_back_counts_only_from_the_second_grant(superuser):
    person = UserFactory(role=Role.PROGRAMME_MANAGER, date_joined=timezone.now() - timedelta(days=30))
    before = timezone.now()
    user_role_change(user=person, role=Role.ASSESSOR, acting_user=superuser, reason="Panel")
    user_role_change(user=person, role=Role.PROGRAMME_MANAGER, acting_user=superuser, reason="Back")
    assert not held_role_since(person, Role.PROGRAMME_MANAGER, before)
    assert held_role_since(person, Role.PROGRAMME_MANAGER, timezone.now())


def test_a_deactivated_account_holds_no_role(db):
    person = UserFactory(role=Role.PROGRAMME_MANAGER, is_active=False)
    assert not held_role_since(person, Role.PROGRAMME_MANAGER, timezone.now())


def test_a_role_set_on_the_account_without_a_grant_does_not_count(db):
    person = UserFactory()
    person.role = Role.PROGRAMME_MANAGER
    person.save()
    assert not held_role_since(person, Role.PROGRAMME_MANAGER, timezone.now())
