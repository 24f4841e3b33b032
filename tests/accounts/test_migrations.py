from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.audit import AuditAction
from accounts.models import RoleGrant, User
from core.models import AuditEvent

BEFORE = [("accounts", "0002_role_grants")]
AFTER = [("accounts", "0003_record_current_roles")]


@pytest.mark.django_db(transaction=True)
def test_existing_people_are_recorded_as_holding_their_role_since_they_joined():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_user = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
    joined = timezone.now() - timedelta(days=400)
    manager = old_user.objects.create(email="manager@example.org", full_name="Erin Walsh", role="programme_manager",
                                      date_joined=joined)
    applicant = old_user.objects.create(email="applicant@example.org", full_name="Amara Okafor", role="applicant",
                                        date_joined=joined + timedelta(days=1))
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        grants = {grant.user_id: grant for grant in RoleGrant.objects.all()}
        assert (grants[manager.pk].role, grants[manager.pk].granted_at) == ("programme_manager", joined)
        assert (grants[applicant.pk].role, grants[applicant.pk].granted_at) == ("applicant", applicant.date_joined)
        assert all(grant.ended_at is None and grant.granted_by_id is None for grant in grants.values())
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_programme_managers_who_were_superusers_keep_the_admin_site_through_their_group_and_it_is_audited():
    before, after = [("accounts", "0003_record_current_roles")], [("accounts", "0005_programme_managers_are_never_superusers")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_user = executor.loader.project_state(before).apps.get_model("accounts", "User")
    manager = old_user.objects.create(email="manager@example.org", full_name="Erin Walsh", role="programme_manager",
                                      is_superuser=True, is_staff=True)
    operator = old_user.objects.create(email="operator@example.org", full_name="Ola Operator", is_superuser=True,
                                       is_staff=True)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        manager, operator = User.objects.get(pk=manager.pk), User.objects.get(pk=operator.pk)
        assert (manager.is_superuser, manager.is_staff) == (False, True)
        assert manager.groups.filter(name="Programme managers").exists()
        assert manager.has_perm("applications.change_round")
        assert operator.is_superuser
        event = AuditEvent.objects.get(target_id=str(manager.pk))
        assert (event.action, event.from_state, event.to_state) == (AuditAction.SUPERUSER_ACCESS_CHANGED, "superuser",
                                                                    "not superuser")
        assert event.sentence == "changed superuser access"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
