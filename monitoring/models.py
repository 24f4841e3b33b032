"""Quarterly outcome returns against an award: counts only, never a victim's identity."""

import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from applications.models import BudgetLine, Indicator, Round
from core.state import StatusMachine
from grants.models import Award
from monitoring.querysets import ReturnQuerySet


class SentForReview(StatusMachine):
    """What a grantee sends and a programme manager reviews, a quarterly return or an end-of-grant report: who
    declared it true and sent it when, and who reviewed it when, saying what."""

    declarant_name = models.CharField(max_length=150, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    review_comments = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Return(SentForReview):
    class Status(models.TextChoices):
        NOT_DUE = "not_due", "Not due yet"
        DUE = "due", "Due"
        SUBMITTED = "submitted", "Sent"
        CHANGES_REQUESTED = "changes_requested", "Changes asked for"
        ACCEPTED = "accepted", "Accepted"

    # Still with the grantee: they can change and send it.
    OPEN = [Status.NOT_DUE, Status.DUE, Status.CHANGES_REQUESTED]
    TRANSITIONS = {
        Status.NOT_DUE: {Status.DUE, Status.SUBMITTED},
        Status.DUE: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.ACCEPTED, Status.CHANGES_REQUESTED},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED},
    }

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="returns")
    quarter = models.PositiveSmallIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_DUE)
    what_changed = models.TextField(blank=True)
    challenges = models.TextField(blank=True)
    case_study = models.TextField(blank=True)
    # A return is sent after its quarter ends, unless a programme manager allows this one early, with a reason.
    early_reason = models.TextField(blank=True)
    early_allowed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="+")
    early_allowed_at = models.DateTimeField(null=True, blank=True)

    objects = ReturnQuerySet.as_manager()

    class Meta:
        ordering = ["award", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["award", "quarter"], name="one_return_per_quarter"),
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")), name="return_period_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.award.reference} quarter {self.quarter}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_late(self) -> bool:
        """Still with the grantee after its due date, as `returns_late` finds them. Late is not a status: a return
        keeps its own (due, or changes asked for) once the date has passed, so the tables of returns work it out."""
        return self.is_editable and self.due_on < timezone.localdate()

    @property
    def sendable_from(self) -> date:
        """The first day the return can be sent: the day after its quarter ends."""
        return self.period_end + timedelta(days=1)

    @property
    def allowed_early(self) -> bool:
        return self.early_allowed_at is not None


class IndicatorCount(models.Model):
    """How many, for one indicator in one return. A count of people or events: never who they were.

    For an indicator given in parts, `value` is the sum of its parts, and for a survey how many answered."""

    monitoring_return = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="counts")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="counts")
    value = models.PositiveIntegerField()
    asked = models.PositiveIntegerField(null=True, blank=True, help_text="For a survey: how many were asked.")

    class Meta:
        ordering = ["indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["monitoring_return", "indicator"], name="one_count_per_indicator"),
            models.CheckConstraint(condition=Q(asked__isnull=True) | Q(value__lte=F("asked")),
                                   name="survey_answered_at_most_asked",
                                   violation_error_message="More cannot answer a survey than were asked."),
        ]


class IndicatorCountPart(models.Model):
    """One part of a count split by borough or by category, or how many gave one of a survey's answers."""

    count = models.ForeignKey(IndicatorCount, on_delete=models.CASCADE, related_name="parts")
    part = models.CharField(max_length=200, help_text="A borough's GSS code, a category or an answer.")
    value = models.PositiveIntegerField()

    class Meta:
        ordering = ["count", "id"]
        constraints = [models.UniqueConstraint(fields=["count", "part"], name="one_figure_per_part")]


class Spend(models.Model):
    """Money spent so far against one budget line of the application, as of this return."""

    monitoring_return = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="spending")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="spending")
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["budget_line__position"]
        constraints = [
            models.UniqueConstraint(fields=["monitoring_return", "budget_line"], name="one_spend_per_budget_line"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="spend_not_negative"),
        ]


class Reminder(models.Model):
    """A reminder about a return, one of each kind however often the reminder job runs. The job writes it and queues
    a task that emails it; it is sent when `sent_at` is set, in the same transaction as its emails go."""

    class Kind(models.TextChoices):
        UPCOMING = "upcoming", "Due soon"
        OVERDUE = "overdue", "Overdue"

    monitoring_return = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    queued_at = models.DateTimeField(default=timezone.now, help_text="When its task was last queued.")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["monitoring_return", "kind"], name="one_reminder_of_each_kind")]


class FiguresImport(models.Model):
    """A returns spreadsheet uploaded by a programme manager, checked and saved by a background task: all its
    figures are saved, or none and the problems found, row by row. The file is removed once it has been read."""

    class Outcome(models.TextChoices):
        WAITING = "waiting", "Being checked"
        SAVED = "saved", "Saved"
        REFUSED = "refused", "Nothing saved"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    spreadsheet = models.FileField(upload_to="imports/returns/")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.WAITING)
    problems = models.JSONField(default=list, blank=True, help_text="Each a row number (0 for the whole file) and a message.")
    saved = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Returns spreadsheet for {self.round}: {self.get_outcome_display()}"


class PoorResponse(models.Model):
    """One incident where the police responded badly, as a grantee records it with a return: where (the police area,
    never an address), the month (never the day), what went wrong and what was done about it. Never who."""

    class Problem(models.TextChoices):
        REPORT_REFUSED = "report_refused", "The police refused to take the report"
        NO_CRIME_REFERENCE = "no_crime_reference", "No crime reference number was given"
        NO_FOLLOW_UP = "no_follow_up", "No one followed it up"
        DISABLIST_ATTITUDE = "disablist_attitude", "A disablist attitude"
        NOT_HATE_CRIME = "not_hate_crime", "It was not recorded as a hate crime"
        OTHER = "other", "Something else"

    monitoring_return = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="poor_responses")
    police_area = models.CharField(max_length=100, help_text="The police BCU, or the force where there is none.")
    month = models.DateField(help_text="The first day of the month it happened in: never the day.")
    problems = models.JSONField(default=list, help_text="What went wrong, from Problem.")
    details = models.TextField(blank=True, help_text="What happened, without anything that identifies anyone.")
    complaint_made = models.BooleanField(default=False)
    escalated = models.BooleanField(default=False, help_text="Whether the group took it up with the police.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["monitoring_return", "month", "id"]

    def __str__(self) -> str:
        return f"Poor police response in {self.police_area}, {self.month:%B %Y}"

    def problems_in_words(self) -> list[str]:
        labels = dict(self.Problem.choices)
        return [labels[problem] for problem in self.problems if problem in labels]


def programme_report_path(instance, filename: str) -> str:
    return f"reports/{instance.round_id}/quarter-{instance.quarter}-{secrets.token_hex(8)}-{filename}"


class ProgrammeReport(models.Model):
    """A quarterly report on a round for its oversight committee, as it was issued: its files are made once, kept,
    and never change, even as later returns are accepted."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="programme_reports")
    quarter = models.PositiveSmallIntegerField(help_text="The grants' quarter it reports on.")
    stories = models.JSONField(default=list, help_text="The stories of change a programme manager chose.")
    pdf = models.FileField(upload_to=programme_report_path)
    large_print_pdf = models.FileField(upload_to=programme_report_path)
    csv = models.FileField(upload_to=programme_report_path)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.round} quarter {self.quarter} report"


class EndReport(SentForReview):
    """The grantee's report at the end of the grant: what it achieved against what it promised, what it did not
    spend, what it learned and a story of change. Accepting it completes the grant."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Not sent yet"
        SUBMITTED = "submitted", "Sent"
        CHANGES_REQUESTED = "changes_requested", "Changes asked for"
        ACCEPTED = "accepted", "Accepted"

    class Underspend(models.TextChoices):
        RETURNED = "returned", "Ask for it back"
        WRITTEN_OFF = "written_off", "Write it off: the group keeps it"

    OPEN = [Status.DRAFT, Status.CHANGES_REQUESTED]
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.ACCEPTED, Status.CHANGES_REQUESTED},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED},
    }

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="end_report")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    achievements = models.TextField(blank=True)
    spent = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True,
                                help_text="How much of the grant the group spent on the project.")
    underspend_reason = models.TextField(blank=True)
    lessons = models.TextField(blank=True)
    story = models.TextField(blank=True)
    underspend_outcome = models.CharField(max_length=20, choices=Underspend.choices, blank=True,
                                          help_text="What happens to money paid and not spent, once accepted.")

    class Meta:
        ordering = ["award"]
        constraints = [
            models.CheckConstraint(condition=Q(spent__isnull=True) | Q(spent__gte=0), name="end_report_spent_not_negative"),
        ]

    def __str__(self) -> str:
        return f"End-of-grant report for {self.award.reference}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.OPEN

    @property
    def underspend(self) -> Decimal:
        return self.award.amount - (self.spent or Decimal(0))
