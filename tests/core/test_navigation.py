import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts.models import Role
from core.navigation import home_for, navigation_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_signed_out_visitors_are_offered_sign_in_and_registration():
    texts = [item.text for item in navigation_for(AnonymousUser(), "/")]
    assert texts == ["Start", "Sign in", "Create an account"]


def test_programme_managers_see_the_audit_trail_and_applicants_do_not():
    manager_links = [item.text for item in navigation_for(UserFactory(role=Role.PROGRAMME_MANAGER), "/")]
    applicant_links = [item.text for item in navigation_for(UserFactory(role=Role.APPLICANT), "/")]
    assert "Audit trail" in manager_links
    assert "Audit trail" not in applicant_links


def test_the_link_for_the_current_section_is_marked_current():
    items = navigation_for(UserFactory(role=Role.PROGRAMME_MANAGER), "/audit/applications/round/1/")
    assert [item.text for item in items if item.current] == ["Audit trail"]


def test_a_superuser_without_a_funding_role_lands_in_the_admin_site_not_the_applicants_journey(superuser):
    assert home_for(superuser) == reverse("admin:index")
    assert [item.text for item in navigation_for(superuser, "/")] == ["Admin site", "Your account"]


def test_each_app_adds_its_own_links_in_the_order_settings_lists_them(settings):
    settings.NAVIGATION = ["accounts.navigation.links", "applications.navigation.links"]
    assert [item.text for item in navigation_for(AnonymousUser(), "/")] == ["Sign in", "Create an account", "Start"]
    assert home_for(UserFactory(role=Role.APPLICANT)) == reverse("accounts:home")


def test_the_operator_has_no_funding_role_so_neither_the_audit_trail_nor_its_link(client_for, superuser):
    assert client_for(superuser).get(reverse("core:audit_list")).status_code == 403
    assert "Audit trail" not in [item.text for item in navigation_for(superuser, "/")]
