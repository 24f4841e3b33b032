"""One message to many organisations: a bulk message with an item for each, one task for each item, each settled
once however often its task runs."""

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from conversations.audit import AuditAction
from conversations.models import BulkMessageItem, Message
from conversations.selectors import bulk_messages_with_progress
from conversations.services import (
    MessageError,
    PersonalDataFound,
    bulk_message_item_send,
    bulk_message_retry_failed,
    bulk_message_start,
)
from core.models import AuditEvent
from tests.factories import ApplicationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

BODY = "Your quarter 2 returns are due on 30 July. Ask us if you need more time."


@pytest.fixture
def round_with_three(open_round):
    for number in range(3):
        membership = MembershipFactory()
        ApplicationFactory(round=open_round, organisation=membership.organisation, status="submitted",
                           reference=f"BM-{number}")
    ApplicationFactory(round=open_round)  # a draft: never sent a message
    return open_round


def test_starting_queues_one_task_an_organisation_once_it_commits_and_is_audited_without_its_words(
    round_with_three, programme_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        bulk = bulk_message_start(round_=round_with_three, audience="everyone", body=BODY,
                                  acting_user=programme_manager)
        assert not DBTaskResult.objects.exists()
    for callback in queued:
        callback()
    assert DBTaskResult.objects.count() == 3
    assert {task.task_path for task in DBTaskResult.objects.all()} == {"conversations.tasks.send_bulk_message_item"}
    event = AuditEvent.objects.get(action=AuditAction.BULK_MESSAGE_STARTED)
    assert event.data == {"count": 3, "audience": "everyone", "bulk_message": bulk.pk}
    assert "quarter 2" not in str(event.data)
    assert not Message.objects.exists()


def test_the_worker_sends_each_and_the_progress_page_reads_it(
    client_for, round_with_three, programme_manager, django_capture_on_commit_callbacks, run_worker
):
    with django_capture_on_commit_callbacks(execute=True):
        bulk = bulk_message_start(round_=round_with_three, audience="everyone", body=BODY,
                                  acting_user=programme_manager)
    page = client_for(programme_manager)
    url = reverse("conversations:bulk_message", kwargs={"pk": bulk.pk})
    assert page.get(url, HTTP_ACCEPT="application/json").json() == {
        "done": 0, "failed": 0, "total": 3, "finished": False, "message": "Sent to 0 of 3 organisations so far.",
    }
    run_worker()
    assert page.get(url, HTTP_ACCEPT="application/json").json()["message"] == "Finished: sent to 3 of 3 organisations."
    assert Message.objects.filter(bulk_message=bulk, from_staff=True, body=BODY).count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.MESSAGE_SENT, data__bulk_message=bulk.pk).count() == 3
    assert len(mail.outbox) == 3 and all(BODY not in email.body for email in mail.outbox)


def test_a_task_run_twice_settles_its_item_once(round_with_three, programme_manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        bulk = bulk_message_start(round_=round_with_three, audience="everyone", body=BODY,
                                  acting_user=programme_manager)
    item = bulk.items.first()
    with django_capture_on_commit_callbacks(execute=True):
        first = bulk_message_item_send(item_pk=item.pk)
        again = bulk_message_item_send(item_pk=item.pk)
    assert first.outcome == again.outcome == BulkMessageItem.Outcome.SENT
    assert first.message_id == again.message_id
    assert Message.objects.filter(application=item.application).count() == 1
    assert len(mail.outbox) == 1
    progress = bulk_messages_with_progress().get(pk=bulk.pk)
    assert (progress.total, progress.done, progress.waiting) == (3, 1, 2)


def test_one_that_cannot_be_sent_is_counted_the_rest_carry_on_and_it_is_sent_again_once_mended(
    round_with_three, programme_manager, monkeypatch, django_capture_on_commit_callbacks, run_worker, client_for
):
    with django_capture_on_commit_callbacks(execute=True):
        bulk = bulk_message_start(round_=round_with_three, audience="everyone", body=BODY,
                                  acting_user=programme_manager)
    failing = bulk.items.order_by("pk").first().application_id
    real = "conversations.services.team_notify_message"
    from conversations import services

    original = services.team_notify_message

    def broken(message):
        if message.application_id == failing:
            raise OSError("mail store full")
        original(message)

    monkeypatch.setattr(real, broken)
    run_worker()
    progress = bulk_messages_with_progress().get(pk=bulk.pk)
    assert (progress.done, progress.failed, progress.waiting) == (2, 1, 0)
    assert not Message.objects.filter(application_id=failing).exists()
    client = client_for(programme_manager)
    page = client.get(reverse("conversations:bulk_message", kwargs={"pk": bulk.pk}))
    assert "Finished: sent to 2 of 3 organisations. 1 could not be sent" in page.content.decode()
    assert "Try again to send it to this organisation" in page.content.decode()
    # The fault is mended, and the programme manager tries again: only the organisation it failed to reach.
    monkeypatch.setattr(real, original)
    retry = reverse("conversations:bulk_message_retry", kwargs={"pk": bulk.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry, follow=True)
    assert "The message is queued to be sent again to 1 organisation." in response.content.decode()
    run_worker()
    progress = bulk_messages_with_progress().get(pk=bulk.pk)
    assert (progress.done, progress.failed, progress.waiting) == (3, 0, 0)
    assert Message.objects.filter(bulk_message=bulk).count() == 3
    event = AuditEvent.objects.get(action=AuditAction.BULK_MESSAGE_RETRIED)
    assert (event.actor_id, event.sentence) == (
        programme_manager.pk, "queued a message again to 1 organisation it failed to reach")
    # A second click finds nothing left to send again, and says so.
    response = client.post(retry, follow=True)
    assert "There are no failed messages to send again" in response.content.decode()
    assert Message.objects.filter(bulk_message=bulk).count() == 3


def test_only_programme_managers_send_a_failed_message_again(round_with_three, applicant, programme_manager):
    bulk = bulk_message_start(round_=round_with_three, audience="everyone", body=BODY, acting_user=programme_manager)
    with pytest.raises(MessageError, match="Only programme managers"):
        bulk_message_retry_failed(bulk_message=bulk, acting_user=applicant)


def test_nothing_is_started_for_a_group_with_nobody_in_it(round_with_three, programme_manager):
    with pytest.raises(MessageError, match="nobody to send"):
        bulk_message_start(round_=round_with_three, audience="awarded", body=BODY, acting_user=programme_manager)


def test_only_programme_managers_start_one(round_with_three, applicant, assessor):
    for person in (applicant, assessor):
        with pytest.raises(MessageError):
            bulk_message_start(round_=round_with_three, audience="everyone", body=BODY, acting_user=person)


def test_an_unknown_group_or_empty_message_is_refused(round_with_three, programme_manager):
    with pytest.raises(MessageError, match="Choose who"):
        bulk_message_start(round_=round_with_three, audience="friends", body=BODY, acting_user=programme_manager)
    with pytest.raises(MessageError, match="Write your message"):
        bulk_message_start(round_=round_with_three, audience="everyone", body=" ", acting_user=programme_manager)


def test_personal_data_needs_confirming_before_a_bulk_message_starts(round_with_three, programme_manager):
    body = "Call Sam on 07700 900123 with questions."
    with pytest.raises(PersonalDataFound):
        bulk_message_start(round_=round_with_three, audience="everyone", body=body, acting_user=programme_manager)
    bulk = bulk_message_start(round_=round_with_three, audience="everyone", body=body, acting_user=programme_manager,
                              personal_data_checked=True)
    assert bulk.items.count() == 3
