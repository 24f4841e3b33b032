"""What the audit trail records about organisations, applications and rounds: each code, and the sentence shown for
it, filled from the event's data."""

from django.db import models


class AuditAction(models.TextChoices):
    ORGANISATION_CREATED = "organisation.created", "created organisation"
    ORGANISATION_UPDATED = "organisation.updated", "updated organisation details"
    MEMBER_INVITED = "organisation.member_invited", "invited {email}"
    STAFF_JOIN_REFUSED = "organisation.staff_join_refused", "refused: staff cannot join an applicant organisation"
    MEMBER_JOINED = "organisation.member_joined", "joined organisation"
    ELIGIBILITY_CHECKED = "organisation.eligibility_checked", "checked eligibility"
    DEADLINE_EXTENDED = "organisation.deadline_extended", "gave more time"
    APPLICATION_STARTED = "application.started", "started application"
    MEDIA_ANSWER_UPLOADED = "application.media_answer_uploaded", "uploaded a video or audio answer ({question})"
    MEDIA_ANSWER_TRANSCRIBED = "application.media_answer_transcribed", "wrote the transcript of a recorded answer ({question})"
    DOCUMENT_UPLOADED = "application.document_uploaded", "uploaded {document}"
    APPLICATION_SUBMITTED = "application.submitted", "sent application"
    APPLICATION_WITHDRAWN = "application.withdrawn", "withdrew application"
    ADJUSTMENT_REQUESTED = "application.adjustment_requested", "asked for an adjustment: {kind}"
    ADJUSTMENT_ANSWERED = "application.adjustment_answered", "answered an adjustment request: {kind}"
    STANDARD_INDICATORS_ADDED = "round.standard_indicators_added", "added {count:count standard indicator}"
    STANDARD_QUESTIONS_ADDED = "round.standard_questions_added", "added the standard questions"
    ROUND_CREATED = "round.created", "set up a new round"
    ROUND_SET_UP_CHANGED = "round.set_up_changed", "changed {changes:changes}"
    ROUND_COPIED = "round.copied", "copied from {source}"
    CRITERION_ADDED = "round.criterion_added", "added the criterion {name}"
    CRITERION_CHANGED = "round.criterion_changed", "changed the criterion {name}: {changes:changes}"
    CRITERION_REMOVED = "round.criterion_removed", "removed the criterion {name}"
    INDICATOR_ADDED = "round.indicator_added", "added the indicator {name}"
    INDICATOR_CHANGED = "round.indicator_changed", "changed the indicator {name}: {changes:changes}"
    INDICATOR_REMOVED = "round.indicator_removed", "removed the indicator {name}"
    BUDGET_CHANGED = "round.budget_changed", "changed the budget"
    ROUND_STATUS_CHANGED = "round.status_changed", "changed the round's status"

