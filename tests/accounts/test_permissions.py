import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from accounts.permissions import can_read_audit_trail, has_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_only_programme_managers_read_the_audit_trail():
    assert can_read_audit_trail(UserFactory(role=Role.PROGRAMME_MANAGER))
    for role in (Role.APPLICANT, Role.ASSESSOR, Role.FINANCE_OFFICER):
        assert not can_read_audit_trail(UserFactory(role=role))
    assert not can_read_audit_trail(AnonymousUser())


def test_a_deactivated_account_has_no_role():
    assert not has_role(UserFactory(role=Role.PROGRAMME_MANAGER, is_active=False), Role.PROGRAMME_MANAGER)
