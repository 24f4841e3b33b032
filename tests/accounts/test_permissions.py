import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from accounts.permissions import can_read_audit_trail, can_reset_second_factor, has_role, needs_second_factor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_only_programme_managers_read_the_audit_trail():
    assert can_read_audit_trail(UserFactory(role=Role.PROGRAMME_MANAGER))
    for role in (Role.APPLICANT, Role.ASSESSOR, Role.FINANCE_OFFICER):
        assert not can_read_audit_trail(UserFactory(role=role))
    assert not can_read_audit_trail(AnonymousUser())


def test_the_audit_trail_is_a_named_permission_core_can_ask_for_without_knowing_roles():
    assert UserFactory(role=Role.PROGRAMME_MANAGER).has_perm("core.view_audit_trail")
    for role in (Role.APPLICANT, Role.ASSESSOR, Role.FINANCE_OFFICER):
        assert not UserFactory(role=role).has_perm("core.view_audit_trail")
    assert not AnonymousUser().has_perm("core.view_audit_trail")


def test_a_deactivated_account_has_no_role():
    assert not has_role(UserFactory(role=Role.PROGRAMME_MANAGER, is_active=False), Role.PROGRAMME_MANAGER)


def test_every_staff_role_and_anyone_using_the_admin_site_needs_a_second_factor():
    for role in (Role.ASSESSOR, Role.PROGRAMME_MANAGER, Role.FINANCE_OFFICER):
        assert needs_second_factor(UserFactory(role=role))
    assert needs_second_factor(UserFactory(role=Role.APPLICANT, is_staff=True))
    assert not needs_second_factor(UserFactory(role=Role.APPLICANT))
    assert not needs_second_factor(AnonymousUser())


def test_programme_managers_and_superusers_reset_a_colleagues_second_factor():
    assert can_reset_second_factor(UserFactory(role=Role.PROGRAMME_MANAGER))
    assert can_reset_second_factor(UserFactory(role=Role.ASSESSOR, is_superuser=True))
    for role in (Role.APPLICANT, Role.ASSESSOR, Role.FINANCE_OFFICER):
        assert not can_reset_second_factor(UserFactory(role=role))
    assert not can_reset_second_factor(AnonymousUser())


def test_templates_ask_the_same_checks_by_name():
    manager, applicant = UserFactory(role=Role.PROGRAMME_MANAGER), UserFactory(role=Role.APPLICANT)
    assert manager.has_perm("core.view_audit_trail") and not applicant.has_perm("core.view_audit_trail")
    assert applicant.has_perm("applications.join_organisation") and not manager.has_perm("applications.join_organisation")


def test_a_superuser_has_no_named_permission_their_role_does_not_give(superuser):
    assert not superuser.has_perm("core.view_audit_trail")
    assert superuser.has_perm("accounts.change_user")  # the admin site's own permissions are theirs


def test_a_superusers_account_page_offers_no_programme_manager_work(client_for, superuser):
    from django.urls import reverse

    page = client_for(superuser).get(reverse("accounts:home")).content.decode()
    assert reverse("core:audit_list") not in page
