"""The admin site for people: roles and superuser access change only through the audited services."""

import pytest
from django.urls import reverse

from accounts.audit import AuditAction
from accounts.models import Role, RoleGrant, User
from accounts.services import user_role_change
from core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return user_role_change(user=UserFactory(), role=Role.PROGRAMME_MANAGER, acting_user=None, reason="Appointed")


def test_the_plain_change_form_cannot_promote_anyone(client_for, superuser, form_data):
    person = UserFactory(full_name="Ben Hughes")
    url = reverse("admin:accounts_user_change", args=[person.pk])
    client = client_for(superuser)
    data = form_data(client.get(url))
    data.update(full_name=["Ben Hughes-Smith"], role=["programme_manager"], is_staff=["on"], is_superuser=["on"])
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Ben Hughes-Smith"
    assert (person.role, person.is_staff, person.is_superuser) == (Role.APPLICANT, False, False)


def test_a_superuser_changes_a_role_on_its_own_form_with_an_audit_event(client_for, superuser):
    person = UserFactory()
    url = reverse("admin:accounts_user_role", args=[person.pk])
    response = client_for(superuser).post(url, {"role": "programme_manager", "reason": "New grants officer"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.role == Role.PROGRAMME_MANAGER and person.is_staff
    assert RoleGrant.objects.get(user=person, ended_at__isnull=True).granted_by == superuser
    assert AuditEvent.objects.get(action=AuditAction.ROLE_CHANGED).actor == superuser


def test_a_superuser_cannot_change_their_own_role_and_is_told_why(client_for, superuser):
    url = reverse("admin:accounts_user_role", args=[superuser.pk])
    response = client_for(superuser).post(url, {"role": "programme_manager", "reason": "Short-staffed"})
    assert response.status_code == 200
    assert "You cannot change your own role" in response.content.decode()
    superuser.refresh_from_db()
    assert superuser.role == Role.APPLICANT


def test_a_superuser_grants_superuser_access_on_its_own_form(client_for, superuser):
    person = UserFactory()
    url = reverse("admin:accounts_user_superuser", args=[person.pk])
    assert client_for(superuser).post(url, {"is_superuser": "on", "reason": "Second operator"}).status_code == 302
    person.refresh_from_db()
    assert person.is_superuser and person.is_staff


def test_a_programme_manager_can_read_people_but_not_change_their_role_access_or_password(client_for, manager):
    person = UserFactory()
    client = client_for(manager)
    assert client.get(reverse("admin:accounts_user_change", args=[person.pk])).status_code == 200
    for name in ("accounts_user_role", "accounts_user_superuser", "auth_user_password_change"):
        assert client.get(reverse(f"admin:{name}", args=[person.pk])).status_code == 403
    response = client.post(reverse("admin:accounts_user_role", args=[manager.pk]), {"role": "finance_officer",
                                                                                      "reason": "Both hats"})
    assert response.status_code == 403


def test_people_added_in_the_admin_start_as_applicants(client_for, superuser):
    response = client_for(superuser).post(reverse("admin:accounts_user_add"), {
        "email": "new.officer@example.org", "full_name": "New Officer", "role": "programme_manager",
        "password1": "a-long-enough-password-2027", "password2": "a-long-enough-password-2027",
    })
    assert response.status_code == 302
    assert User.objects.get(email="new.officer@example.org").role == Role.APPLICANT
