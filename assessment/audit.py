"""What the audit trail records about assessing applications: each code, and the sentence shown for it, filled from
the event's data."""

from django.db import models


class AuditAction(models.TextChoices):
    SCREENED = "assessment.screened", "screened application"
    ALLOCATED = "assessment.allocated", "gave to {assessor} to score"
    ALLOCATION_REMOVED = "assessment.allocation_removed", "took back from {assessor}"
    PANEL_MEMBER_ADDED = "assessment.panel_member_added", "added {assessor} to the panel"
    PANEL_MEMBER_REMOVED = "assessment.panel_member_removed", "took {assessor} off the panel"
    SHARED_OUT = "assessment.shared_out", "shared out applications to score ({allocations:count allocation})"
    INTERESTS_DECLARED = "assessment.interests_declared", "declared interests"
    SCORES_SENT = "assessment.scores_sent", "sent scores (version {version})"
    ALL_SCORES_IN = "assessment.all_scores_in", "all scores in"
    REVISION_STARTED = "assessment.revision_started", "started version {version} of their scores"
    MODERATED = "assessment.moderated", "moderated '{criterion}'"
