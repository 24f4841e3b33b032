"""What the audit trail records about messages: each code, and the sentence shown for it, filled from the event's
data. Never a message's words: they may be sensitive, and the trail is read by every programme manager."""

from django.db import models


class AuditAction(models.TextChoices):
    MESSAGE_SENT = "message.sent", "sent a message"
    NOTE_ADDED = "message.note_added", "added a note for staff only"
    BULK_MESSAGE_STARTED = "message.bulk_started", "started a message to {count:count organisation}"
