"""What the audit trail records about variations of a grant: each code, and the sentence shown for it, filled from
the event's data."""

from django.db import models


class AuditAction(models.TextChoices):
    REQUESTED = "variation.requested", "asked for variation {number} of the grant"
    APPROVED = "variation.approved", "approved variation {number} of the grant"
    CONFIRMED = "variation.confirmed", "confirmed variation {number} of the grant"
    REFUSED = "variation.refused", "refused variation {number} of the grant"
    APPLIED = "variation.applied", "varied the grant to version {version}: {changes:changes}"
    LETTER_ISSUED = "variation.letter_issued", "issued the letter for variation {number}, version {version}"
