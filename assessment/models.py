"""Screening, allocation to assessors, conflicts of interest, scores and moderation. The tables kept the
names they had when these lived in applications, so moving them moved no data."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from applications.models import Application, Criterion, Round
from core.state import StatusMachine


class Allocation(models.Model):
    """An application given to an assessor to score."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="allocations")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations")
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    allocated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "applications_allocation"
        ordering = ["application", "assessor__full_name"]
        constraints = [models.UniqueConstraint(fields=["application", "assessor"], name="one_allocation_per_assessor")]

    def __str__(self) -> str:
        return f"{self.application} to {self.assessor}"


class Interests(models.TextChoices):
    """Where an assessor stands with an application they were given. The rule every page, service and spreadsheet
    follows: an application's answers stay hidden, and it cannot be scored, until the assessor has declared no
    conflict of interest with it."""

    UNDECLARED = "undeclared", "Declare your interests"
    CONFLICT = "conflict", "Conflict declared"
    NO_CONFLICT = "no_conflict", "No conflict"

    @classmethod
    def of(cls, declaration: "ConflictDeclaration | None") -> "Interests":
        if declaration is None:
            return cls.UNDECLARED
        return cls.CONFLICT if declaration.has_conflict else cls.NO_CONFLICT

    @property
    def declared(self) -> bool:
        return self is not Interests.UNDECLARED

    @property
    def conflicted(self) -> bool:
        return self is Interests.CONFLICT

    @property
    def cleared(self) -> bool:
        return self is Interests.NO_CONFLICT


class ConflictDeclarationQuerySet(models.QuerySet):
    def conflicts(self):
        return self.filter(has_conflict=True)

    def cleared(self):
        return self.filter(has_conflict=False)


class ConflictDeclaration(models.Model):
    """An assessor's answer, before they see an application, to whether they have a conflict of interest."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflict_declarations")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflict_declarations")
    has_conflict = models.BooleanField()
    nature = models.TextField(blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    objects = ConflictDeclarationQuerySet.as_manager()

    class Meta:
        db_table = "applications_conflictdeclaration"
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "assessor"], name="one_declaration_per_assessor"),
            models.CheckConstraint(
                condition=Q(has_conflict=False) | ~Q(nature=""), name="a_conflict_says_what_it_is"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessor} on {self.application}: {'conflict' if self.has_conflict else 'no conflict'}"


class Assessment(StatusMachine):
    """One version of an assessor's scores for an application. A submitted version is never changed: a change is a
    new version, and the one it replaces is kept as superseded."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        SUPERSEDED = "superseded", "Replaced by a later version"

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.SUPERSEDED},
    }

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="assessments")
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "applications_assessment"
        ordering = ["allocation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "version"], name="one_assessment_per_version"),
            # While a new version is drafted, the submitted one it will replace still counts.
            models.UniqueConstraint(
                fields=["allocation"], condition=Q(status="draft"), name="one_draft_assessment_per_allocation"
            ),
            models.UniqueConstraint(
                fields=["allocation"], condition=Q(status="submitted"), name="one_submitted_assessment_per_allocation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.allocation} (version {self.version})"


class Score(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    justification = models.TextField(blank=True)

    class Meta:
        db_table = "applications_score"
        ordering = ["criterion__position"]
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="one_score_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class ModeratedScore(models.Model):
    """The agreed score for a criterion where assessors differed, kept beside their original scores."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="moderated_scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="moderated_scores")
    score = models.PositiveSmallIntegerField()
    reason = models.TextField()
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    moderated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "applications_moderatedscore"
        ordering = ["criterion__position"]
        constraints = [models.UniqueConstraint(fields=["application", "criterion"], name="one_moderated_score_per_criterion")]

    def __str__(self) -> str:
        return f"{self.application}: {self.criterion} moderated to {self.score}"


class ScreeningDecision(models.Model):
    """The programme manager's eligibility screening of a sent application, with the reason."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="screening")
    eligible = models.BooleanField()
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "applications_screeningdecision"

    def __str__(self) -> str:
        return f"{self.application}: {'eligible' if self.eligible else 'not eligible'}"


class ScoresImport(models.Model):
    """An assessor's scoring spreadsheet, checked and saved by a background task: all its scores are saved as
    drafts, or none and the problems found, row by row. Only the assessor who uploaded it sees it. The file is
    removed once it has been read."""

    class Outcome(models.TextChoices):
        WAITING = "waiting", "Being checked"
        SAVED = "saved", "Saved"
        REFUSED = "refused", "Nothing saved"

    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    spreadsheet = models.FileField(upload_to="imports/scores/")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.WAITING)
    problems = models.JSONField(default=list, blank=True, help_text="Each a row number (0 for the whole file) and a message.")
    saved = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Scoring spreadsheet from {self.assessor}: {self.get_outcome_display()}"


class ScoreSummary(models.Model):
    """What the ranking reads of an application's submitted and moderated scores, worked out by
    `assessment.scoring.summarise` and kept up to date in the same transaction as every change that moves it, so
    the database ranks a round by an index, however many applications it has."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, primary_key=True, related_name="score_summary"
    )
    # The application's own round, here too so that one index holds the round's rank order.
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    total = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, help_text="The weighted total in %, empty until every criterion has a score."
    )
    tie_key = models.DecimalField(
        max_digits=18, decimal_places=6, null=True,
        help_text="Between equal totals the lower ranks higher, by the round's tie-break (`assessment.scoring.tie_key`).",
    )
    assessments = models.PositiveSmallIntegerField(default=0, help_text="How many assessors' scores are in.")
    moderation = models.JSONField(default=list, help_text="The criteria, by id, whose scores are too far apart.")

    class Meta:
        # The rank order itself, so ranking a round reads the index in order and a page stops after its own rows.
        indexes = [models.Index(fields=["round", "-total", "tie_key", "application"], name="score_summary_rank_order")]

    def __str__(self) -> str:
        return f"{self.application}: {self.total if self.total is not None else 'not complete'}"
