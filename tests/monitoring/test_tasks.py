"""Reminders as background tasks: the cron job writes each reminder and queues its task, the real database worker
sends it once however often either runs, and a reminder whose emails failed goes when its task is queued again."""

import socket
import threading
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from monitoring.models import Reminder, Return
from monitoring.tasks import send_reminder
from monitoring.services import (
    reminder_send,
    reminders_queue,
    return_submit,
    returns_mark_due,
    unsent_reminders_requeue,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def remind(django_capture_on_commit_callbacks, run_worker):
    """Runs the reminder job's writing of reminders as on the given day, then the worker; gives how many it wrote."""

    def run(today: date) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            queued = reminders_queue(today=today)
        run_worker()
        return queued

    return run


@pytest.fixture
def mail_server_down(settings):
    """The real SMTP backend, pointed at a port where nothing listens."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    return settings


def test_reminders_go_once_before_the_due_date_and_once_when_overdue(award, remind):
    first = award.returns.get(quarter=1)
    assert remind(first.due_on - timedelta(days=30)) == 0
    assert remind(first.due_on - timedelta(days=3)) == 1
    assert remind(first.due_on - timedelta(days=2)) == 0
    assert remind(first.due_on + timedelta(days=1)) == 1
    assert remind(first.due_on + timedelta(days=5)) == 0
    assert [message.subject.split(":")[0] for message in mail.outbox] == ["Due soon", "Overdue"]
    assert list(DBTaskResult.objects.values_list("task_path", "status", "return_value")) == [
        ("monitoring.tasks.send_reminder", TaskResultStatus.SUCCESSFUL, "sent")
    ] * 2


def test_the_reminder_command_is_safe_to_run_twice(award):
    for _ in range(2):
        call_command("send_return_reminders", stdout=StringIO())
    assert returns_mark_due(today=date.today()) == 0


def test_the_command_writes_each_reminder_and_the_worker_emails_every_member(
    award, organisation, applicant, django_capture_on_commit_callbacks, run_worker
):
    colleague = MembershipFactory(organisation=organisation).user
    first = award.returns.get(quarter=1)
    Return.objects.filter(pk=first.pk).update(due_on=timezone.localdate() + timedelta(days=3))
    output = StringIO()
    with django_capture_on_commit_callbacks() as queued:
        call_command("send_return_reminders", stdout=output)
    # Quarter 1 ended yesterday, so its return is now due as well as reminded.
    assert output.getvalue().strip() == "1 returns now due; 1 reminders queued; 0 unsent reminders queued again."
    reminder = Reminder.objects.get()
    assert (reminder.monitoring_return, reminder.kind, reminder.sent_at) == (first, Reminder.Kind.UPCOMING, None)
    assert not DBTaskResult.objects.exists(), "the task is queued once the reminder is committed"
    for callback in queued:
        callback()
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    assert not mail.outbox, "the command sends nothing itself"
    run_worker()
    assert sorted(message.to[0] for message in mail.outbox) == sorted([applicant.email, colleague.email])
    assert {message.subject for message in mail.outbox} == {f"Due soon: {first}"}
    reminder.refresh_from_db()
    assert reminder.sent_at is not None


def test_a_reminder_task_run_again_sends_nothing_twice(award, remind, run_worker):
    first = award.returns.get(quarter=1)
    remind(first.due_on)
    reminder = Reminder.objects.get()
    sent_at = reminder.sent_at
    assert reminder_send(reminder_pk=reminder.pk) == "already sent"
    send_reminder.enqueue(reminder_pk=reminder.pk)
    run_worker()
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.sent_at == sent_at
    assert list(DBTaskResult.objects.order_by("enqueued_at").values_list("return_value", flat=True)) == [
        "sent", "already sent"
    ]


def test_a_reminder_whose_emails_failed_is_sent_when_queued_again_an_hour_later(
    award, remind, mail_server_down, django_capture_on_commit_callbacks, run_worker
):
    first = award.returns.get(quarter=1)
    assert remind(first.due_on + timedelta(days=1)) == 1
    failed = DBTaskResult.objects.get()
    assert failed.status == TaskResultStatus.FAILED, "the queue records the failure"
    reminder = Reminder.objects.get()
    assert reminder.sent_at is None
    assert unsent_reminders_requeue() == 0, "not before an hour has passed"

    Reminder.objects.filter(pk=reminder.pk).update(queued_at=timezone.now() - timedelta(hours=2))
    mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        output = StringIO()
        call_command("send_return_reminders", stdout=output)
    assert "0 reminders queued; 1 unsent reminders queued again." in output.getvalue()
    run_worker()
    assert [message.subject for message in mail.outbox] == [f"Overdue: {first}"]
    reminder.refresh_from_db()
    assert reminder.sent_at is not None
    assert DBTaskResult.objects.exclude(pk=failed.pk).get().status == TaskResultStatus.SUCCESSFUL

    Reminder.objects.filter(pk=reminder.pk).update(queued_at=timezone.now() - timedelta(hours=2))
    assert unsent_reminders_requeue() == 0, "a sent reminder is never queued again"
    assert remind(first.due_on + timedelta(days=2)) == 0
    assert len(mail.outbox) == 1


def test_a_reminder_for_a_return_sent_before_its_task_ran_is_not_sent(
    award, applicant, django_capture_on_commit_callbacks, run_worker
):
    first = award.returns.get(quarter=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_queue(today=first.due_on) == 1
    return_submit(monitoring_return=first, declarant_name="Amara", acting_user=applicant)
    run_worker()
    assert not mail.outbox
    assert DBTaskResult.objects.get().return_value == "no longer owed"
    Reminder.objects.update(queued_at=timezone.now() - timedelta(hours=2))
    assert unsent_reminders_requeue() == 0


class CountingBackend(locmem.EmailBackend):
    """Keeps emails as the test backend does, and counts the connections it opens, as the SMTP backend makes them:
    one for each sending unless it is already open."""

    opened = 0
    connected = False

    def open(self) -> bool:
        if self.connected:
            return False
        self.connected = True
        CountingBackend.opened += 1
        return True

    def close(self) -> None:
        self.connected = False

    def send_messages(self, messages) -> int:
        new = self.open()
        try:
            return super().send_messages(messages)
        finally:
            if new:
                self.close()


def test_a_reminder_to_several_members_connects_to_the_mail_server_once(award, organisation, remind, settings):
    """So a mail server that is down refuses before any member has had the reminder, rather than after some."""
    MembershipFactory.create_batch(2, organisation=organisation)
    settings.EMAIL_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.opened = 0
    remind(award.returns.get(quarter=1).due_on)
    assert (len(mail.outbox), CountingBackend.opened) == (3, 1)


class SlowBackend(locmem.EmailBackend):
    """A mail server that takes its time: each sending waits until the test lets it go."""

    sending, let_go = threading.Event(), threading.Event()

    def send_messages(self, messages) -> int:
        SlowBackend.sending.set()
        SlowBackend.let_go.wait(timeout=30)
        return super().send_messages(messages)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Row locks (select_for_update) only prove anything on "
                                                               "PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_reminder_being_sent_is_left_to_its_task_and_not_queued_again(award, settings):
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    SlowBackend.sending.clear()
    SlowBackend.let_go.clear()
    reminder = Reminder.objects.create(monitoring_return=award.returns.get(quarter=1), kind=Reminder.Kind.OVERDUE)
    Reminder.objects.filter(pk=reminder.pk).update(queued_at=timezone.now() - timedelta(hours=2))
    outcomes = []

    def send():
        try:
            outcomes.append(reminder_send(reminder_pk=reminder.pk))
        finally:
            connection.close()

    task = threading.Thread(target=send)
    task.start()
    try:
        assert SlowBackend.sending.wait(timeout=30)
        assert unsent_reminders_requeue() == 0
        assert task.is_alive(), "queuing again waited for the task to finish"
    finally:
        SlowBackend.let_go.set()
        task.join()
    assert outcomes == ["sent"]
    assert not DBTaskResult.objects.exists()
