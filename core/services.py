"""Writes shared by every app: recording an audit event, telling people what happened, making files for download
in the background, and keeping what people type as drafts."""

import json
import logging
import tempfile
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.core.files.base import File
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core import tasks
from core.exports import EXPORT_KINDS
from core.models import AuditEvent, EmailOptOut, Export, Notification, TypedDraft
from core.notifications import NOTIFICATION_KINDS, email_choices_for
from core.refusals import ServiceError
from core.text import without_nul

logger = logging.getLogger(__name__)


def audit_record(
    *,
    acting_user,
    action: models.TextChoices,
    target: models.Model,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Records who did what to which object, from and to which state, and why.

    `action` is a member of an app's AuditAction, and `data` holds the figures its sentence names (an amount, a
    quarter, a version), never a sentence with them inside. Every status change calls this inside its own
    transaction, so the event exists exactly when the change does. `acting_user` is None only for changes the system
    makes by itself, such as an offer lapsing at its deadline.
    """
    event = _event(acting_user, action, target, data, from_state=str(from_state), to_state=str(to_state), reason=reason)
    event.save()
    return event


def audit_record_each(
    *, acting_user, action: models.TextChoices, targets: list[models.Model], data: dict | None = None
) -> None:
    """Records the same action on many objects at once, such as figures imported into many returns."""
    AuditEvent.objects.bulk_create(_event(acting_user, action, target, data) for target in targets)


def _event(acting_user, action: models.TextChoices, target: models.Model, data: dict | None, **details) -> AuditEvent:
    if not isinstance(action, models.Choices):
        # A sentence passed here would be stored where a code belongs, and never be found by code again.
        raise TypeError(f"An audit action must be a member of an AuditAction, not {action!r}")
    return AuditEvent(
        actor=acting_user,
        actor_name=acting_user.get_full_name() if acting_user else "",
        action=action.value,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_label=str(target)[:255],
        data=data or {},
        **details,
    )


def notify(
    *,
    recipients: Iterable,
    kind: str,
    subject: str,
    link: str,
    template: str = "core/emails/notification.txt",
    context: dict | None = None,
    once_key: str = "",
    unless_unread: bool = False,
) -> list[Notification]:
    """Records a notification for each recipient and emails each of them, once the transaction commits, a plain-text
    message that links into the service at `link` (a path). Returns the notifications recorded.

    The email says what happened and where to read about it, never the details (scores, reasons, amounts, comments):
    an email can be read by anyone who sees the inbox, the service only by the person signed in. A failed email is
    logged and does not undo what the person did. Someone who turned off emails of this kind is not emailed, but the
    notification is still recorded for their notifications page. With a `once_key`, a recipient who already has a
    notification with that key is not notified again, however often this runs. With `unless_unread`, nor is a recipient who has not yet
    seen the last notification of this kind about the same page: one notification for many changes made one by one.
    """
    registered = NOTIFICATION_KINDS.get(kind)
    if registered is None:
        raise ValueError(f"No app has registered the notification kind {kind!r}")
    people = {person.pk: person for person in recipients if person.is_active and person.email}
    if unless_unread:
        for recipient_id in Notification.objects.filter(
            recipient_id__in=list(people), kind=kind, link=link, read_at__isnull=True
        ).values_list("recipient_id", flat=True):
            people.pop(recipient_id, None)
    if once_key:
        notifications = []
        for person in people.values():
            try:
                with transaction.atomic():
                    notifications.append(Notification.objects.create(
                        recipient=person, kind=kind, subject=subject, link=link, once_key=once_key))
            except IntegrityError:
                continue  # notified before
    else:
        notifications = Notification.objects.bulk_create(
            Notification(recipient=person, kind=kind, subject=subject, link=link) for person in people.values()
        )
    muted = set() if registered.always_sent else set(EmailOptOut.objects.filter(
        kind=kind, recipient_id__in=[notification.recipient_id for notification in notifications]
    ).values_list("recipient_id", flat=True))
    url = settings.SITE_URL.rstrip("/") + link
    for notification in notifications:
        if notification.recipient_id in muted:
            continue
        person = people[notification.recipient_id]
        body = render_to_string(template, {
            **(context or {}), "person": person, "subject": subject, "url": url,
            "service_name": settings.SERVICE_NAME, "funder_name": settings.FUNDER_NAME,
        })
        _send_on_commit(subject, body, person.email)
    return notifications


def _send_on_commit(subject: str, body: str, to: str) -> None:
    # Robust: a mail server that refuses is logged, and the change the email tells of stays made. Django names the
    # callback in its log, so it is a function with a name, not a partial.
    def send_notification_email():
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])

    transaction.on_commit(send_notification_email, robust=True)


def email_choices_save(*, person, emailed: set[str]) -> list[str]:
    """Keeps the person's choice of emails: those of their kinds in `emailed` are sent, the others not. Kinds that
    keep an account safe, and those an app sends itself, are always sent, whatever was asked. Returns the codes of the kinds now turned off."""
    choosable = {kind.code for kind in email_choices_for(person)}
    off = choosable - set(emailed)
    with transaction.atomic():
        EmailOptOut.objects.filter(recipient=person).exclude(kind__in=off).delete()
        EmailOptOut.objects.bulk_create([EmailOptOut(recipient=person, kind=code) for code in sorted(off)],
                                        ignore_conflicts=True)
    return sorted(off)


def notifications_mark_read(*, recipient, notification_ids: Iterable[int]) -> int:
    """Marks the person's own notifications read, once they have seen them listed. Returns how many."""
    return Notification.objects.filter(
        recipient=recipient, pk__in=list(notification_ids), read_at__isnull=True
    ).update(read_at=timezone.now())


class ExportRefused(ServiceError):
    pass


def export_start(*, name: str, parameters: dict, acting_user) -> Export:
    """Records what was asked for and queues the task that makes the file once this commits."""
    kind = EXPORT_KINDS[name]
    if not acting_user.has_perm(kind.permission):
        raise ExportRefused("You cannot download this file.")
    with transaction.atomic():
        export = Export.objects.create(requested_by=acting_user, name=name, parameters=parameters,
                                       title=kind.title(**parameters))
        transaction.on_commit(partial(tasks.make_export.enqueue, export_pk=export.pk))
        return export


def export_make(*, export_pk: int) -> Export:
    """Makes the file with the builder registered under the export's name. The builder only reads, so it runs
    outside any transaction: on SQLite a transaction holds the one write lock, and a big round's file takes seconds.
    What it makes is written to a temporary file as it comes, so a builder that hands back its file in pieces never
    has the whole of it in memory. A task run again, after its worker was killed, finds the export settled and makes
    nothing twice; two runs at once both build, and the second to finish keeps nothing."""
    export = Export.objects.get(pk=export_pk)
    if export.outcome != Export.Outcome.WAITING:
        return export
    with tempfile.TemporaryFile() as written:
        made, message = None, ""
        try:
            made = EXPORT_KINDS[export.name].build(**export.parameters)
            for chunk in [made.content] if isinstance(made.content, str | bytes) else made.content:
                written.write(chunk.encode() if isinstance(chunk, str) else chunk)
        except ServiceError as error:
            made, message = None, str(error)
        except Exception:  # noqa: BLE001 - whatever went wrong, the person who asked hears that there is no file
            logger.exception("Could not make %s (%s %s)", export, export.name, export.parameters)
            made = None
            message = "The file could not be made. Ask for it again; if this keeps happening, ask your technical team."
        with transaction.atomic():
            export = Export.objects.select_for_update().get(pk=export_pk)
            if export.outcome != Export.Outcome.WAITING:
                return export
            if made is None:
                export.outcome, export.message = Export.Outcome.FAILED, message
            else:
                export.file.save(made.filename, File(written), save=False)
                export.outcome, export.filename, export.content_type = (
                    Export.Outcome.READY, made.filename, made.content_type
                )
            export.settled_at = timezone.now()
            export.save(update_fields=["outcome", "message", "file", "filename", "content_type", "settled_at"])
            return export


def exports_remove_old(*, older_than: timedelta) -> int:
    """Removes exports asked for more than `older_than` ago, with their files: what they hold (applicants' answers,
    bank references) is downloaded once and need not stay on the server. Returns how many were removed."""
    old = list(Export.objects.filter(requested_at__lt=timezone.now() - older_than))
    for export in old:
        if export.file:
            export.file.delete(save=False)
    Export.objects.filter(pk__in=[export.pk for export in old]).delete()
    return len(old)


# A long answer may run past its word limit while it is being written, so a draft keeps more than a form accepts;
# but never without bound: a field with a length limit keeps that many characters, and a whole draft is capped.
DRAFT_VALUE_CHARACTERS = 20_000
DRAFT_VALUES_PER_FIELD = 20
DRAFT_TOTAL_CHARACTERS = 200_000


class DraftRefused(ServiceError):
    pass


def draft_keep(*, user, key: str, data: dict[str, list], max_lengths: dict[str, int | None]) -> TypedDraft:
    """Keeps what `user` has typed into the form named `key`, replacing their earlier draft of it.

    Only the fields in `max_lengths` (those the form reads) are kept, each cut to its length limit. No audit event:
    a draft changes nothing anyone else sees until its owner saves the form, which is audited then.
    """
    kept = {}
    for name, values in data.items():
        if name not in max_lengths:
            continue
        limit = min(max_lengths[name] or DRAFT_VALUE_CHARACTERS, DRAFT_VALUE_CHARACTERS)
        kept[name] = [value[:limit] for value in without_nul(values[:DRAFT_VALUES_PER_FIELD]) if isinstance(value, str)]
    if len(json.dumps(kept)) > DRAFT_TOTAL_CHARACTERS:
        raise DraftRefused("This is too long to keep as a draft.")
    draft, _ = TypedDraft.objects.update_or_create(user=user, key=key,
                                                   defaults={"data": kept, "saved_at": timezone.now()})
    return draft


def draft_discard(*, user, key: str) -> None:
    """Once the form itself is saved, its draft has done its work."""
    TypedDraft.objects.filter(user=user, key=key).delete()
