import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from accounts.models import Role
from accounts.services import user_role_change
from tests.factories import CriterionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_programme_managers_search_the_history_of_configuration_edits_by_name(client_for):
    manager = user_role_change(user=UserFactory(full_name="Erin Walsh"), role=Role.PROGRAMME_MANAGER,
                               acting_user=None, reason="Appointed")
    criterion = CriterionFactory(name="Reach into Deaf communities")
    LogEntry.objects.log_create(criterion, action=LogEntry.Action.UPDATE, changes={"weight": ["25", "40"]},
                                actor=manager)
    response = client_for(manager).get(reverse("admin:auditlog_logentry_changelist"), {"q": "Erin"})
    assert response.status_code == 200
    assert "Reach into Deaf communities" in response.content.decode()


def test_nobody_edits_or_deletes_the_history_of_configuration_edits(client_for, superuser):
    entry = LogEntry.objects.log_create(CriterionFactory(), action=LogEntry.Action.CREATE, changes={}, force_log=True)
    client = client_for(superuser)
    assert client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()
