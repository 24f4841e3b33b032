"""Messages between an organisation's team and the funder's staff, one thread on each application (and so on its
grant), with staff-only notes, where each person has read up to, and messages sent to many organisations at once."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from applications.models import Application, Round
from applications.models.applications import UploadedFile, file_suffix


class Message(models.Model):
    """One message in an application's thread. A note is for the funder's staff only: the organisation's team never
    sees one, on any page, in any count or email."""

    class Kind(models.TextChoices):
        MESSAGE = "message", "Message"
        NOTE = "note", "Note for staff only"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MESSAGE)
    # Which side wrote it: the funder's staff, or the organisation's team. Kept, not worked out from the author's
    # role, which can change after the message is sent.
    from_staff = models.BooleanField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    author_name = models.CharField(max_length=150)
    body = models.TextField(blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    bulk_message = models.ForeignKey("BulkMessage", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="messages")

    class Meta:
        ordering = ["application", "sent_at", "pk"]
        indexes = [models.Index(fields=["application", "sent_at"], name="message_thread_order")]
        constraints = [
            models.CheckConstraint(condition=Q(kind="message") | Q(from_staff=True), name="only_staff_write_notes"),
        ]

    def __str__(self) -> str:
        # Never the body: this is what the audit trail and the admin site show.
        return f"{self.get_kind_display()} {self.pk} on {self.application}"

    @property
    def is_note(self) -> bool:
        return self.kind == self.Kind.NOTE


def message_file_path(instance, filename: str) -> str:
    # The stored name never comes from the uploader: it cannot collide, traverse folders or leak a person's name.
    return (f"messages/{instance.message.application_id}/{instance.kind}-{secrets.token_hex(8)}"
            f"{file_suffix(filename)}")


class MessageFile(UploadedFile):
    """A document sent with a message, or a BSL video or audio recording given with (or instead of) its words."""

    class Kind(models.TextChoices):
        ATTACHMENT = "attachment", "Attachment"
        RECORDING = "recording", "Video or audio recording"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=message_file_path)

    class Meta:
        ordering = ["message", "kind"]
        constraints = [models.UniqueConstraint(fields=["message", "kind"], name="one_file_of_each_kind_per_message")]

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")


class Reading(models.Model):
    """How far one person has read one thread: every message up to `read_up_to` (a message's id) they have seen."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    read_up_to = models.PositiveBigIntegerField(default=0)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "application"], name="one_reading_per_person_per_thread"),
        ]

    def __str__(self) -> str:
        return f"{self.person} read {self.application} up to message {self.read_up_to}"


class BulkMessage(models.Model):
    """One message from a programme manager to every organisation in a round, or in one part of it: one background
    task for each organisation, while the programme manager watches the progress."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", "Every organisation that sent an application"
        BEING_ASSESSED = "being_assessed", "Organisations whose applications are still being assessed"
        AWARDED = "awarded", "Organisations awarded a grant"
        NOT_FUNDED = "not_funded", "Organisations not funded"
        GRANT_UNDER_WAY = "grant_under_way", "Grantees whose grant is accepted or under way"
        LATE_RETURN = "late_return", "Grantees with a late quarterly return"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="bulk_messages")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    body = models.TextField()
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Message to {self.get_audience_display().lower()} in {self.round}, started {self.started_at:%d %B %Y %H:%M}"


class BulkMessageItem(models.Model):
    """One organisation's copy of a bulk message. Its outcome is set in the same transaction as the message is added
    to the thread, so a task run again after its worker was killed finds it settled and sends nothing twice."""

    class Outcome(models.TextChoices):
        WAITING = "waiting", "Waiting"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"

    bulk_message = models.ForeignKey(BulkMessage, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.WAITING)
    message = models.OneToOneField(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    failure = models.TextField(blank=True, help_text="Why the message could not be sent, in words for the manager.")
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["bulk_message", "application"]
        constraints = [
            models.UniqueConstraint(fields=["bulk_message", "application"],
                                    name="one_item_per_application_per_bulk_message"),
        ]

    def __str__(self) -> str:
        return f"{self.application} in {self.bulk_message}: {self.get_outcome_display()}"
