"""An organisation's eligibility check and its staged application: sections, targets, budget lines,
documents and answers in other formats."""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from applications.models.organisations import Borough, Organisation
from applications.models.rounds import DocumentKind, Indicator, Round
from applications.querysets import ApplicationQuerySet
from core.state import StatusMachine


class EligibilityCheck(models.Model):
    """An organisation's answers to the round's eligibility questions, and the result, kept as they were given."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="eligibility_checks")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="eligibility_checks")
    answers = models.JSONField()
    failures = models.JSONField(default=list, help_text="One plain-English reason for each rule not met.")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"Eligibility of {self.organisation} for {self.round}"

    @property
    def passed(self) -> bool:
        return not self.failures


class Application(StatusMachine):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        INELIGIBLE = "ineligible", "Not eligible"
        ELIGIBLE = "eligible", "Eligible"
        SCORED = "scored", "Scored"
        AWARDED = "awarded", "Awarded"
        NOT_FUNDED = "not_funded", "Not funded"
        WITHDRAWN = "withdrawn", "Withdrawn"

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.ELIGIBLE, Status.INELIGIBLE, Status.WITHDRAWN},
        Status.ELIGIBLE: {Status.SCORED, Status.WITHDRAWN},
        Status.SCORED: {Status.AWARDED, Status.NOT_FUNDED, Status.WITHDRAWN},
        # When an offer is declined or lapses, the next application on the ranking can be offered the money.
        Status.NOT_FUNDED: {Status.AWARDED},
    }

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    eligibility_check = models.ForeignKey(EligibilityCheck, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The decision the organisation has been sent a letter about. A decision is confirmed some time before its letter
    # is issued; until then the applicant sees the application as being decided (see `applicant_status`).
    decision_sent = models.CharField(
        max_length=20, choices=[(Status.AWARDED, "Awarded"), (Status.NOT_FUNDED, "Not funded")], blank=True,
        db_default="",  # so that rows written by code that predates it (older migrations' models) are valid
        help_text="The decision in the latest letter issued to the organisation; blank until a letter is issued.",
    )

    # The project: its name and published summary are copied here from the answers to the round's questions that
    # give them (Question.is_title and is_description), for lists, letters and 360Giving.
    title = models.CharField(max_length=120, blank=True)
    summary = models.TextField(blank=True)
    boroughs = models.ManyToManyField(Borough, blank=True, related_name="applications")
    amount_requested = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    # Declarations
    declarant_name = models.CharField(max_length=150, blank=True)
    declarant_role = models.CharField(max_length=100, blank=True)
    declared_on = models.DateField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        # Lists and the ranking's counts read a round's applications by stage: read from the index alone.
        indexes = [models.Index(fields=["round", "status"], name="application_round_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"],
                condition=~Q(status="withdrawn"),
                name="one_live_application_per_organisation_per_round",
            ),
            models.CheckConstraint(
                condition=Q(amount_requested__isnull=True) | Q(amount_requested__gt=0),
                name="application_amount_requested_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or self.title or f"Draft application {self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    # Reading helpers for the answers page; they use prefetched rows (selectors.application_with_answers).

    def targets_by_indicator(self) -> list[tuple]:
        """[(indicator, [target for quarter 1, 2, ...])], for a table with a row per indicator."""
        rows: dict = {}
        for target in self.targets.all():
            rows.setdefault(target.indicator, {})[target.quarter] = target.target
        return [(indicator, [quarters[q] for q in sorted(quarters)]) for indicator, quarters in rows.items()]

    def media_answers_by_question(self) -> dict:
        return {answer.question: answer for answer in self.media_answers.all()}


class ApplicationSection(models.Model):
    """One step of the staged application as last saved: the wizard's storage, shared by the whole organisation."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="sections")
    step = models.CharField(max_length=30)
    data = models.JSONField(default=dict)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="Empty while the section is in progress.")
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["application", "step"]
        constraints = [models.UniqueConstraint(fields=["application", "step"], name="one_section_per_step")]

    def __str__(self) -> str:
        return f"{self.application}: {self.step}"


class OutcomeTarget(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    quarter = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    target = models.PositiveIntegerField()

    class Meta:
        ordering = ["indicator__position", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["application", "indicator", "quarter"], name="one_target_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1), name="target_quarter_from_one"),
        ]


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        STAFF = "staff", "Staff costs"
        VOLUNTEERS = "volunteers", "Volunteer expenses"
        ACCESS = "access", "Access costs (for example BSL interpreters, captioning, easy read)"
        VENUE = "venue", "Venue and room hire"
        TRAINING = "training", "Training"
        MATERIALS = "materials", "Materials and publicity"
        TRAVEL = "travel", "Travel"
        OVERHEADS = "overheads", "Overheads"
        OTHER = "other", "Other"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(max_length=20, choices=Category.choices)
    description = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["application", "position", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description}"


def document_path(instance, filename: str) -> str:
    # The stored name never comes from the uploader: it cannot collide, traverse folders or leak a person's name.
    return f"applications/{instance.application_id}/{instance.kind}-{secrets.token_hex(8)}{file_suffix(filename)}"


def file_suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:6] if dot != -1 else ""


class UploadedFile(models.Model):
    """What is kept about any file an applicant uploads: never the name it is stored under, which we choose."""

    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class ApplicationDocument(UploadedFile):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_path)

    class Meta:
        ordering = ["application", "kind"]
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="one_document_per_kind")]


class SentAnswerUploads(models.Manager):
    """The files and recordings that are an application's answers: not those held for a request for more
    information, which become its answers only when the organisation's team sends their changes."""

    def get_queryset(self):
        return super().get_queryset().filter(held_for__isnull=True)


class AnswerUpload(UploadedFile):
    """A file or recording answering one of the round's questions. One uploaded to a section reopened by a request for
    more information is held for the request, beside the one sent, until the team sends their changes."""

    held_for = models.ForeignKey("applications.InformationRequest", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+")

    objects = SentAnswerUploads()
    with_held = models.Manager()

    class Meta:
        abstract = True


def media_answer_path(instance, filename: str) -> str:
    return f"applications/{instance.application_id}/answer-{instance.question}-{secrets.token_hex(8)}{file_suffix(filename)}"


class MediaAnswer(AnswerUpload):
    """A BSL video or audio recording given instead of a written answer."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="media_answers")
    question = models.CharField(max_length=30)
    file = models.FileField(upload_to=media_answer_path)
    transcript = models.TextField(
        blank=True, help_text="What is said or signed in the recording, for people who cannot watch or hear it."
    )

    class Meta:
        ordering = ["application", "question"]
        constraints = [
            models.UniqueConstraint(fields=["application", "question"], condition=Q(held_for__isnull=True),
                                    name="one_media_answer_per_question"),
            models.UniqueConstraint(fields=["application", "question"], condition=Q(held_for__isnull=False),
                                    name="one_held_media_answer_per_question"),
        ]

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")
