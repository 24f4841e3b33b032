"""Every change to threads: sending a message or adding a staff-only note, marking a thread read, and sending one
message to many organisations through the task queue. Each runs in one transaction with its audit event."""

import logging
from dataclasses import dataclass
from functools import partial

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_programme_manager
from applications.models import Application, Round
from conversations import tasks
from conversations.audit import AuditAction
from conversations.models import BulkMessage, BulkMessageItem, Message, MessageFile, Reading
from conversations.notifications import managers_notify_message, team_notify_message
from conversations.permissions import can_add_note, can_send_bulk_message, can_write_message
from conversations.selectors import bulk_audience
from core.generations import THREADS, generation_move_on
from core.refusals import ServiceError
from core.services import audit_record
from monitoring.privacy import Finding, personal_data_in

logger = logging.getLogger(__name__)

PERSONAL_DATA_CHECKED = "Personal-data warning checked by the writer"


class MessageError(ServiceError):
    """A request the rules refuse; its message is written for the person who asked."""


class PersonalDataFound(MessageError):
    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("The message seems to include personal data. Take it out, or confirm it is not personal data.")


@dataclass(frozen=True)
class Upload:
    """A file that passed its checks, with the content type its bytes showed."""

    file: UploadedFile
    content_type: str


def _checked_words(body: str, personal_data_checked: bool) -> list[Finding]:
    findings = personal_data_in({"body": body})
    if findings and not personal_data_checked:
        raise PersonalDataFound(findings)
    return findings


def message_send(
    *, application: Application, body: str, acting_user: User, note: bool = False, attachment: Upload | None = None,
    recording: Upload | None = None, personal_data_checked: bool = False, seen_up_to: int | None = None,
) -> Message:
    """Adds a message (or, for staff, a note only staff see) to the application's thread, and emails the other side
    a link to it once it is committed. The words are checked for personal data first, as a return's are.
    `seen_up_to` is the newest message the writer's page showed: the same words from the same person since then are
    this message sent twice (a second click), and are not sent again."""
    body = body.strip()
    if note and not can_add_note(acting_user, application):
        raise MessageError("Only the funder's staff can add a note for staff.")
    if not can_write_message(acting_user, application):
        raise MessageError("You cannot send messages about this application.")
    if not body and recording is None:
        raise MessageError("Write your message, or upload a video or audio recording")
    with transaction.atomic():
        findings = _checked_words(body, personal_data_checked)
        if seen_up_to is not None:
            # The thread's row is locked so that two presses at once find each other's message.
            Application.objects.select_for_update().filter(pk=application.pk).exists()
            sent_twice = application.messages.filter(
                pk__gt=seen_up_to, author=acting_user, kind=Message.Kind.NOTE if note else Message.Kind.MESSAGE,
                body=body).first()
            if sent_twice is not None:
                return sent_twice
        message = _message_add(application=application, body=body, author=acting_user, note=note,
                               from_staff=is_programme_manager(acting_user))
        for kind, upload in ((MessageFile.Kind.ATTACHMENT, attachment), (MessageFile.Kind.RECORDING, recording)):
            if upload is not None:
                MessageFile.objects.create(
                    message=message, kind=kind, file=upload.file, original_name=upload.file.name[:200],
                    content_type=upload.content_type, size=upload.file.size, uploaded_by=acting_user)
        audit_record(acting_user=acting_user, action=AuditAction.NOTE_ADDED if note else AuditAction.MESSAGE_SENT,
                     target=application, reason=PERSONAL_DATA_CHECKED if findings else "",
                     data={"message": message.pk, "attachment": attachment is not None,
                           "recording": recording is not None})
        if not note:
            (team_notify_message if message.from_staff else managers_notify_message)(message)
        # The writer has read their own thread up to what they wrote.
        thread_mark_read(application=application, person=acting_user, up_to=message.pk)
        return message


def _message_add(*, application: Application, body: str, author: User | None, note: bool, from_staff: bool,
                 bulk_message: BulkMessage | None = None) -> Message:
    message = Message.objects.create(
        application=application, kind=Message.Kind.NOTE if note else Message.Kind.MESSAGE, from_staff=from_staff,
        author=author, author_name=author.full_name if author else "", body=body, bulk_message=bulk_message,
    )
    generation_move_on(THREADS)  # after the message is made: at once, outside a transaction
    return message


def thread_mark_read(*, application: Application, person: User, up_to: int) -> None:
    """Records that the person has seen the thread up to message `up_to`; never moves back, so a page opened
    earlier and shown later cannot mark newer messages unread again. Not audited: reading changes nothing."""
    if not up_to:
        return
    reading, created = Reading.objects.get_or_create(person=person, application=application,
                                                     defaults={"read_up_to": up_to})
    moved_on = created or reading.read_up_to < up_to and Reading.objects.filter(
        pk=reading.pk, read_up_to__lt=up_to).update(read_up_to=up_to, read_at=timezone.now())
    if moved_on:
        generation_move_on(THREADS)


def bulk_message_start(
    *, round_: Round, audience: str, body: str, acting_user: User, personal_data_checked: bool = False,
    seen_up_to: int | None = None,
) -> BulkMessage:
    """Takes the organisations in the round that `audience` names into a bulk message, and queues one task for each
    once it is committed: any number of workers share them out, and `bulk_message_item_send` does each.
    `seen_up_to` is the newest bulk message the round had when the writer's page was shown: the same message to the
    same group from the same person since then is this one sent twice, and is not started again."""
    body = body.strip()
    if not can_send_bulk_message(acting_user):
        raise MessageError("Only programme managers can send a message to many organisations.")
    if audience not in BulkMessage.Audience.values:
        raise MessageError("Choose who to send the message to")
    if not body:
        raise MessageError("Write your message")
    with transaction.atomic():
        findings = _checked_words(body, personal_data_checked)
        if seen_up_to is not None:
            Round.objects.select_for_update().filter(pk=round_.pk).exists()
            sent_twice = BulkMessage.objects.filter(round=round_, pk__gt=seen_up_to, started_by=acting_user,
                                                    audience=audience, body=body).first()
            if sent_twice is not None:
                return sent_twice
        applications = list(bulk_audience(round_, audience))
        if not applications:
            raise MessageError("There is nobody to send this message to: no organisation in the round is in the "
                               "group you chose.")
        bulk_message = BulkMessage.objects.create(round=round_, audience=audience, body=body, started_by=acting_user)
        items = BulkMessageItem.objects.bulk_create(
            BulkMessageItem(bulk_message=bulk_message, application=application) for application in applications
        )
        audit_record(acting_user=acting_user, action=AuditAction.BULK_MESSAGE_STARTED, target=round_,
                     reason=PERSONAL_DATA_CHECKED if findings else "",
                     data={"count": len(items), "audience": audience, "bulk_message": bulk_message.pk})
        for item in items:
            transaction.on_commit(partial(tasks.send_bulk_message_item.enqueue, item_pk=item.pk))
        return bulk_message


def bulk_message_retry_failed(*, bulk_message: BulkMessage, acting_user: User) -> int:
    """Queues the message again for each organisation it could not be sent to, each through the task queue as
    before; returns how many."""
    if not can_send_bulk_message(acting_user):
        raise MessageError("Only programme managers can send a message to many organisations.")
    with transaction.atomic():
        failed = list(BulkMessageItem.objects.select_for_update().filter(
            bulk_message=bulk_message, outcome=BulkMessageItem.Outcome.FAILED))
        if not failed:
            raise MessageError("There are no failed messages to send again: they may have been sent again already.")
        for item in failed:
            item.outcome, item.failure, item.settled_at = BulkMessageItem.Outcome.WAITING, "", None
            item.save(update_fields=["outcome", "failure", "settled_at"])
            transaction.on_commit(partial(tasks.send_bulk_message_item.enqueue, item_pk=item.pk))
        audit_record(acting_user=acting_user, action=AuditAction.BULK_MESSAGE_RETRIED, target=bulk_message.round,
                     data={"count": len(failed), "bulk_message": bulk_message.pk})
        return len(failed)


def bulk_message_item_send(*, item_pk: int) -> BulkMessageItem:
    """Adds one organisation's copy of a bulk message to its thread and settles the item in the same transaction.
    Safe to run again: a task whose worker was killed is queued again, and finds its item settled."""
    with transaction.atomic():
        item = BulkMessageItem.objects.select_for_update().select_related("bulk_message").get(pk=item_pk)
        if item.outcome != BulkMessageItem.Outcome.WAITING:
            return item
        bulk_message = item.bulk_message
        try:
            with transaction.atomic():
                application = Application.objects.select_related("organisation").get(pk=item.application_id)
                message = _message_add(application=application, body=bulk_message.body,
                                       author=bulk_message.started_by, note=False, from_staff=True,
                                       bulk_message=bulk_message)
                audit_record(acting_user=bulk_message.started_by, action=AuditAction.MESSAGE_SENT,
                             target=application, data={"message": message.pk, "bulk_message": bulk_message.pk})
                team_notify_message(message)
            item.outcome, item.message = BulkMessageItem.Outcome.SENT, message
        except Exception:  # noqa: BLE001 - one organisation's failure must not stop the rest; it is counted and logged
            logger.exception("Could not send bulk message %s to %s", bulk_message.pk, item.application_id)
            item.outcome = BulkMessageItem.Outcome.FAILED
            item.failure = ("Something went wrong in the service while sending this message. Nothing was sent. If "
                            "it happens again, ask your technical team to look in the service's log.")
        item.settled_at = timezone.now()
        item.save(update_fields=["outcome", "message", "failure", "settled_at"])
        return item
