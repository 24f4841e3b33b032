"""What the audit trail records about messages: each code, and the sentence shown for it, filled from the event's
data. Never a message's words: they may be sensitive, and the trail is read by every programme manager."""

from django.db import models


class AuditAction(models.TextChoices):
    MESSAGE_SENT = "message.sent", "sent a message"
    NOTE_ADDED = "message.note_added", "added a note for staff only"
    BULK_MESSAGE_STARTED = "message.bulk_started", "started a message to {count:count organisation}"
    BULK_MESSAGE_RETRIED = "message.bulk_retried", "queued a message again to {count:count organisation} it failed to reach"
