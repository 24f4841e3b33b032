from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from monitoring.models import Reminder
from monitoring.services import reminder_send, unsent_reminders_requeue
from tests.grants.test_migrations import ANSWERS_IN_COLUMNS, migrate, old_award

BEFORE = [("monitoring", "0002_figures_import"), ANSWERS_IN_COLUMNS]
AFTER = [("monitoring", "0003_reminders_sent_by_the_worker"), ANSWERS_IN_COLUMNS]


def old_reminder(apps):
    """An overdue reminder of a grant under way, written by the version that sent each as it wrote it."""
    award = old_award(apps, "active")
    monitoring_return = apps.get_model("monitoring", "Return").objects.create(
        award=award, quarter=1, period_start=award.offered_at.date() - timedelta(days=120),
        period_end=award.offered_at.date() - timedelta(days=30), due_on=award.offered_at.date() - timedelta(days=2),
        status="due",
    )
    return apps.get_model("monitoring", "Reminder").objects.create(monitoring_return=monitoring_return, kind="overdue")


@pytest.mark.django_db(transaction=True)
def test_reminders_written_before_the_worker_sent_them_are_sent_and_never_go_again(mailoutbox):
    old = migrate(BEFORE).loader.project_state(BEFORE).apps
    before = old_reminder(old)
    try:
        migrate(AFTER)
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # for today's services to work on it
        reminder = Reminder.objects.get(pk=before.pk)
        assert (reminder.sent_at, reminder.queued_at) == (before.sent_at, before.sent_at)
        assert reminder_send(reminder_pk=reminder.pk) == "already sent"
        assert unsent_reminders_requeue(older_than=timedelta(0)) == 0
        assert not mailoutbox
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_going_back_forgets_unsent_reminders_for_the_earlier_version_to_write_and_send_again():
    old = migrate(BEFORE).loader.project_state(BEFORE).apps
    sent = old_reminder(old)
    try:
        migrate(AFTER)
        unsent = Reminder.objects.create(monitoring_return_id=sent.monitoring_return_id, kind="upcoming")
        assert unsent.sent_at is None
        old = migrate(BEFORE).loader.project_state(BEFORE).apps
        assert list(old.get_model("monitoring", "Reminder").objects.values_list("pk", flat=True)) == [sent.pk]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
