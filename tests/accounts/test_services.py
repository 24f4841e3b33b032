from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import AuditAction
from accounts.models import Role, RoleGrant
from accounts.services import AccountError, user_role_change, user_superuser_change
from core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_superuser_makes_someone_a_programme_manager_with_the_admin_group_and_a_dated_grant(superuser):
    person = UserFactory()
    user_role_change(user=person, role=Role.PROGRAMME_MANAGER, acting_user=superuser, reason="New grants officer")
    person.refresh_from_db()
    assert person.role == Role.PROGRAMME_MANAGER
    assert person.is_staff and not person.is_superuser
    assert list(person.groups.values_list("name", flat=True)) == ["Programme managers"]
    assert person.has_perm("applications.change_round")
    assert not person.has_perm("accounts.change_user")
    grant = RoleGrant.objects.get(user=person, ended_at__isnull=True)
    assert (grant.role, grant.granted_by) == (Role.PROGRAMME_MANAGER, superuser)
    event = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGED)
    assert (event.actor, event.from_state, event.to_state, event.reason) == (
        superuser, Role.APPLICANT, Role.PROGRAMME_MANAGER, "New grants officer"
    )


def test_a_new_role_ends_the_previous_grant_and_the_admin_access_that_went_with_it(superuser):
    person = UserFactory()
    user_role_change(user=person, role=Role.PROGRAMME_MANAGER, acting_user=superuser, reason="Appointed")
    user_role_change(user=person, role=Role.ASSESSOR, acting_user=superuser, reason="Moved to the panel")
    person.refresh_from_db()
    assert not person.is_staff
    assert not person.groups.exists()
    assert list(RoleGrant.objects.filter(user=person, ended_at__isnull=True).values_list("role", flat=True)) == [
        Role.ASSESSOR
    ]
    assert RoleGrant.objects.filter(user=person, role=Role.PROGRAMME_MANAGER, ended_at__isnull=False).exists()


def test_a_programme_manager_cannot_make_another_programme_manager(programme_manager):
    person = UserFactory()
    with pytest.raises(AccountError, match="Only a superuser"):
        user_role_change(user=person, role=Role.PROGRAMME_MANAGER, acting_user=programme_manager, reason="Help")
    person.refresh_from_db()
    assert person.role == Role.APPLICANT
    assert not AuditEvent.objects.exists()


def test_nobody_changes_their_own_role_or_superuser_access(superuser):
    with pytest.raises(AccountError, match="your own"):
        user_role_change(user=superuser, role=Role.PROGRAMME_MANAGER, acting_user=superuser, reason="Busy week")
    with pytest.raises(AccountError, match="your own"):
        user_superuser_change(user=superuser, is_superuser=False, acting_user=superuser, reason="Stepping down")


def test_a_role_change_needs_a_reason_and_a_different_role(superuser):
    person = UserFactory()
    with pytest.raises(AccountError, match="reason"):
        user_role_change(user=person, role=Role.ASSESSOR, acting_user=superuser, reason=" ")
    with pytest.raises(AccountError, match="already"):
        user_role_change(user=person, role=Role.APPLICANT, acting_user=superuser, reason="No change")


def test_a_superuser_grants_and_removes_superuser_access_with_an_audit_event(superuser):
    person = UserFactory()
    user_superuser_change(user=person, is_superuser=True, acting_user=superuser, reason="Second operator")
    person.refresh_from_db()
    assert person.is_superuser and person.is_staff
    user_superuser_change(user=person, is_superuser=False, acting_user=superuser, reason="Left the team")
    person.refresh_from_db()
    assert not person.is_superuser and not person.is_staff
    events = AuditEvent.objects.filter(action=AuditAction.SUPERUSER_ACCESS_CHANGED).order_by("id")
    assert [(event.from_state, event.to_state, event.actor) for event in events] == [
        ("not superuser", "superuser", superuser), ("superuser", "not superuser", superuser)
    ]


def test_a_programme_manager_cannot_grant_superuser_access(programme_manager):
    with pytest.raises(AccountError, match="Only a superuser"):
        user_superuser_change(user=UserFactory(), is_superuser=True, acting_user=programme_manager, reason="Help")


def test_a_programme_manager_is_never_made_a_superuser_nor_a_superuser_a_programme_manager(superuser):
    manager = user_role_change(user=UserFactory(), role=Role.PROGRAMME_MANAGER, acting_user=superuser, reason="In")
    with pytest.raises(AccountError, match="Programme managers are never superusers"):
        user_superuser_change(user=manager, is_superuser=True, acting_user=superuser, reason="Cover")
    operator = user_superuser_change(user=UserFactory(), is_superuser=True, acting_user=superuser, reason="Operator")
    with pytest.raises(AccountError, match="Take their superuser access away first"):
        user_role_change(user=operator, role=Role.PROGRAMME_MANAGER, acting_user=superuser, reason="Also grants")
    manager.refresh_from_db()
    operator.refresh_from_db()
    assert (manager.is_superuser, operator.role) == (False, Role.APPLICANT)


def test_the_database_refuses_a_programme_manager_who_is_a_superuser(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=Role.PROGRAMME_MANAGER, is_superuser=True, is_staff=True)


def test_the_demo_data_gives_roles_without_a_person(db):
    person = UserFactory(date_joined=timezone.now() - timedelta(days=1))
    user_role_change(user=person, role=Role.FINANCE_OFFICER, acting_user=None, reason="Demo data")
    assert RoleGrant.objects.get(user=person, ended_at__isnull=True).granted_by is None


def test_a_role_change_says_an_assessor_and_leaves_no_history_of_groups_never_joined(superuser):
    from auditlog.models import LogEntry

    person = UserFactory()
    user_role_change(user=person, role=Role.ASSESSOR, acting_user=superuser, reason="Panel")
    assert not any("Programme managers" in str(entry.changes) for entry in LogEntry.objects.filter(
        object_pk=str(person.pk)))
    with pytest.raises(AccountError, match="is already an assessor"):
        user_role_change(user=person, role=Role.ASSESSOR, acting_user=superuser, reason="Again")
