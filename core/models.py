"""The audit trail (one row for every change of status, who made it, and why), files made for download, what the
service told each person, and what people had typed but not yet saved."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_sentence


class AuditEvent(models.Model):
    # The person may later be removed; their events stay, and so does the name they acted under.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    # A code such as "award.offered", declared by the app that records it; the figures the sentence needs are in data.
    action = models.CharField(max_length=100)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    target_label = models.CharField(max_length=255)
    from_state = models.CharField(max_length=50, blank=True)
    to_state = models.CharField(max_length=50, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name or 'System'}: {self.sentence} {self.target_label}"

    @property
    def sentence(self) -> str:
        """What happened, in plain English: "offered a grant of £6,500"."""
        return audit_sentence(self.action, self.data)

    @property
    def from_label(self) -> str:
        return self._state_label(self.from_state)

    @property
    def to_label(self) -> str:
        return self._state_label(self.to_state)

    def _state_label(self, value: str) -> str:
        """A status as its own model names it ("Due for payment", not "due"); other states with their underscores
        read as spaces."""
        choices = getattr(self.target_type.model_class(), "Status", None)
        if choices is not None and value in choices.values:
            return choices(value).label
        return value.replace("_", " ")


class Export(models.Model):
    """A file someone asked for, made by a background task from the builder registered under `name` with these
    `parameters`, and kept for them to download until `remove_old_exports` clears it away."""

    class Outcome(models.TextChoices):
        WAITING = "waiting", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be made"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100, help_text="The registered export that makes the file.")
    parameters = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=255)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.WAITING)
    message = models.TextField(blank=True, help_text="Why the file could not be made, for the person who asked.")
    file = models.FileField(upload_to="exports/", blank=True)
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.title}: {self.get_outcome_display()}"

    def get_absolute_url(self) -> str:
        return reverse("core:export", kwargs={"pk": self.pk})


class Notification(models.Model):
    """Something the service told a person, by email and on their notifications page: what happened (`subject`) and
    the page in the service where they can read about it and act (`link`, a path). The details stay behind the
    sign-in; the email carries only the subject and the link."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=100, help_text="A kind registered by the app that sends it.")
    subject = models.CharField(max_length=255)
    link = models.CharField(max_length=500, help_text="The path in the service the notification leads to.")
    # Set for a notification that must go at most once (a daily reminder): a second attempt finds this row.
    once_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_newest_first"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "once_key"], condition=~models.Q(once_key=""), name="notification_sent_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"


class EmailOptOut(models.Model):
    """A kind of notification the person has asked not to be emailed about. It is still listed on their
    notifications page and counted on their dashboard; emails that keep an account safe cannot be turned off."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs")
    kind = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "kind"], name="one_opt_out_per_kind")]

    def __str__(self) -> str:
        return f"{self.recipient}: no emails for {self.kind}"


class TypedDraft(models.Model):
    """What one person had typed into a long form, kept as they type so that a timeout or a closed tab loses nothing.

    It is theirs alone and changes nothing until they save the form: `key` names the form ("application:12:project",
    "return:7"), and the app that owns the form checks who may keep a draft of it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    data = models.JSONField(default=dict, help_text="Each field's name and the values typed into it.")
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_typed_draft_per_form")]

    def __str__(self) -> str:
        return f"{self.key} ({self.user})"
