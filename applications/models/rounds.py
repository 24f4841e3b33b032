"""A round of funding with its criteria, score descriptors and monitoring indicators: the round's set-up."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Now
from django.db.models import F, Q

from core.state import StatusMachine


class DocumentKind(models.TextChoices):
    GOVERNING_DOCUMENT = "governing_document", "Governing document"
    ACCOUNTS = "accounts", "Latest accounts"
    SAFEGUARDING_POLICY = "safeguarding_policy", "Safeguarding policy"
    EQUALITY_POLICY = "equality_policy", "Equality policy"


def all_document_kinds() -> list[str]:
    return list(DocumentKind.values)


def default_tranche_schedule(quarters: int = 4) -> list[dict]:
    """50% on acceptance, 25% when the return halfway through is accepted, 25% when the last one is: for a year's
    grant, after quarters 2 and 4."""
    return [
        {"share": "50", "after": "acceptance"},
        {"share": "25", "after": "return", "quarter": max(quarters // 2, 1)},
        {"share": "25", "after": "return", "quarter": quarters},
    ] if quarters > 1 else [{"share": "50", "after": "acceptance"}, {"share": "50", "after": "return", "quarter": 1}]


def tranche_schedule_problems(schedule, quarters: int) -> list[str]:
    """What is wrong with a tranche schedule, in words for the programme manager setting it, or nothing.

    Each part has a share of the grant above 0% and is paid on acceptance, when one quarter's return within the
    grant period is accepted, or when the end-of-grant report is; no two parts wait on the same thing; the shares add
    up to exactly 100%."""
    if not isinstance(schedule, list) or not schedule:
        return ["Set out at least one part of the grant and when it is paid."]
    problems, total, triggers = [], Decimal(0), set()
    for number, part in enumerate(schedule, start=1):
        if not isinstance(part, dict):
            problems.append(f"Part {number} is not a share and when it is paid.")
            continue
        try:
            share = Decimal(str(part.get("share")))
        except InvalidOperation:
            share = None
        if share is None or not share.is_finite() or share <= 0:
            problems.append(f"Part {number} needs a share of the grant above 0%.")
        else:
            total += share
        after = part.get("after")
        if after == "acceptance":
            trigger = "acceptance"
        elif after == "end_report":
            trigger = "the end-of-grant report"
        elif after == "return":
            quarter = part.get("quarter")
            if not isinstance(quarter, int) or isinstance(quarter, bool) or not 1 <= quarter <= quarters:
                problems.append(f"Part {number} waits on a quarter's return: choose a quarter from 1 to {quarters}.")
                continue
            trigger = f"the quarter {quarter} return"
        else:
            problems.append(f"Part {number} needs to be paid on acceptance, when a quarter's return is accepted, or "
                            "when the end-of-grant report is.")
            continue
        if trigger in triggers:
            problems.append(f"Two parts are paid on {trigger}: make them one part.")
        triggers.add(trigger)
    if not problems and total != 100:
        problems.append(f"The parts add up to {total.normalize():f}% of the grant: they must add up to 100%.")
    return problems


class Round(StatusMachine):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        ASSESSING = "assessing", "Assessing"
        DECIDED = "decided", "Decided"
        MONITORING = "monitoring", "Monitoring"
        COMPLETED = "completed", "Completed"

    # Forward only, one step at a time: a round that went back to open after closing would take applications
    # that others were told were too late.
    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN},
        Status.OPEN: {Status.CLOSED},
        Status.CLOSED: {Status.ASSESSING},
        Status.ASSESSING: {Status.DECIDED},
        Status.DECIDED: {Status.MONITORING},
        Status.MONITORING: {Status.COMPLETED},
    }

    name = models.CharField(max_length=200)
    reference_prefix = models.CharField(
        max_length=10, unique=True, help_text="Starts every application reference in this round, for example DHC27."
    )
    summary = models.TextField(help_text="One paragraph in plain English: what the round funds and who can apply.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    budget = models.DecimalField(
        "ringfenced budget", max_digits=12, decimal_places=2, help_text="In pounds. Awards can never add up to more."
    )
    minimum_award = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("1000.00"))
    maximum_award = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("10000.00"))
    quarters = models.PositiveSmallIntegerField(
        "grant period in quarters", default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    last_reference_number = models.PositiveIntegerField(default=0, editable=False)

    # Assessment
    class TieBreak(models.TextChoices):
        SMALLER_REQUEST = "smaller_request", "The smaller amount requested ranks higher"
        EARLIER_SUBMISSION = "earlier_submission", "The application sent earlier ranks higher"
        HEAVIEST_CRITERION = "heaviest_criterion", "The higher score on the most heavily weighted criterion ranks higher"

    score_scale_max = models.PositiveSmallIntegerField(
        "highest score", default=5, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Assessors score each criterion from 0 to this number.",
    )
    assessors_per_application = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    moderation_threshold = models.PositiveSmallIntegerField(
        default=2, help_text="Assessors' scores for a criterion this far apart, or further, need moderating."
    )
    tie_break = models.CharField(max_length=20, choices=TieBreak.choices, default=TieBreak.SMALLER_REQUEST)
    # A database default too, so rows written by code that predates the field (a migration's own) still get one.
    scores_due_days = models.PositiveSmallIntegerField(
        default=21, db_default=21, validators=[MinValueValidator(1)],
        help_text="How many days after the round closes assessors have to send their scores. After that, each "
        "assessor with scores still to send is reminded, at most once a day.",
    )
    offer_acceptance_days = models.PositiveSmallIntegerField(
        default=28, help_text="How many days a grantee has to accept an offer before it lapses."
    )
    tranche_schedule = models.JSONField(
        default=default_tranche_schedule,
        help_text=(
            'Each part of the grant: its share in % and what releases it, "acceptance", a quarter\'s return or '
            '"end_report", for example [{"share": "50", "after": "acceptance"}, {"share": "25", "after": "return", "quarter": 2}].'
        ),
    )
    return_due_days = models.PositiveSmallIntegerField(
        default=30, help_text="How many days after a quarter ends its monitoring return is due."
    )
    # Variations of a grant once it runs: one programme manager approves a small change; a second must confirm a
    # larger one. Set per round, as the money and its risks are.
    variation_threshold = models.PositiveSmallIntegerField(
        "variations needing a second programme manager (% of the grant)", default=10, db_default=10,
        validators=[MaxValueValidator(100)],
        help_text="A variation that moves or changes more than this share of the grant needs a second programme "
                  "manager to confirm it.",
    )
    variation_later_end_needs_second = models.BooleanField(
        "a later end date needs a second programme manager", default=True, db_default=True,
    )
    three_sixty_giving_prefix = models.CharField(
        "360Giving identifier prefix", max_length=30, default="360G-LDHCF",
        help_text="The funder's registered 360Giving prefix, used in published grant identifiers.",
    )
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assessor_rounds", limit_choices_to={"role": "assessor"},
        help_text="The panel: people who may be given applications in this round to score.",
    )

    # Eligibility rules: data, so each round can set its own without a code change.
    minimum_disabled_board_share = models.PositiveSmallIntegerField(
        "minimum share of the board who are Disabled people (%)", default=75, validators=[MaxValueValidator(100)]
    )
    requires_disabled_leader = models.BooleanField("chair or chief officer must be a Disabled person", default=True)
    minimum_disabled_staff_share = models.PositiveSmallIntegerField(
        "minimum share of staff who are Disabled people (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Leave empty to not ask about staff. Trust for London's DDPO definition uses 50%.",
    )
    income_cap = models.DecimalField(
        "annual income must be under (£)", max_digits=12, decimal_places=2, default=Decimal("500000.00")
    )
    requires_safeguarding_policy = models.BooleanField(default=True)
    requires_governing_document = models.BooleanField(default=True)
    # Moves whenever the round is saved, as the admin does when its indicators change: a sent application's page keeps
    # its answers, which name the round's indicators, until it does.
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())
    required_documents = models.JSONField(
        default=all_document_kinds, help_text="Which documents every application must include."
    )

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="round_closes_after_it_opens",
                                   violation_error_message="The round must close after it opens."),
            models.CheckConstraint(condition=Q(budget__gt=0), name="round_budget_positive",
                                   violation_error_message="The budget must be more than £0."),
            models.CheckConstraint(condition=Q(minimum_award__gt=0), name="round_minimum_award_positive",
                                   violation_error_message="The smallest award must be more than £0."),
            models.CheckConstraint(
                condition=Q(maximum_award__gte=F("minimum_award")), name="round_maximum_award_not_below_minimum",
                violation_error_message="The largest award must be at least the smallest award.",
            ),
            models.CheckConstraint(condition=Q(maximum_award__lte=F("budget")), name="round_maximum_award_within_budget",
                                   violation_error_message="The largest award cannot be more than the budget."),
            models.CheckConstraint(condition=Q(income_cap__gt=0), name="round_income_cap_positive",
                                   violation_error_message="The income limit must be more than £0."),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scores_due_at(self):
        return self.closes_at + timedelta(days=self.scores_due_days)

    @property
    def is_being_set_up(self) -> bool:
        """A draft's whole set-up can change; once a round opens, organisations apply by the rules it opened with."""
        return self.status == self.Status.DRAFT

    @property
    def next_status(self) -> str | None:
        """The stage the round moves on to next; None once it is completed. Each stage has one next."""
        return next(iter(self.TRANSITIONS.get(self.status, ())), None)

    def is_open_at(self, moment) -> bool:
        return self.status == self.Status.OPEN and self.opens_at <= moment

    def clean(self):
        super().clean()
        if problems := tranche_schedule_problems(self.tranche_schedule, self.quarters):
            raise ValidationError({"tranche_schedule": problems})


class Criterion(models.Model):
    """What assessors score applications against, with its weight in the total."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    guidance = models.TextField(blank=True, help_text="What assessors look for.")
    weight = models.DecimalField(
        "weight (%)", max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "id"]
        verbose_name_plural = "criteria"
        constraints = [models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=100), name="criterion_weight_in_range")]

    def __str__(self) -> str:
        return self.name


class ScoreDescriptor(models.Model):
    """What a score means for one criterion, so that assessors score alike."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="descriptors")
    score = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=300)

    class Meta:
        ordering = ["criterion", "score"]
        constraints = [models.UniqueConstraint(fields=["criterion", "score"], name="one_descriptor_per_score")]

    def __str__(self) -> str:
        return f"{self.score}: {self.description}"


class Indicator(models.Model):
    """Something a grantee counts each quarter. Applicants set quarterly targets for those that have them.

    An indicator can be part of another of the same round (police took the report, of the reports made), so that a
    return can never give more of the part than of the whole; a percentage is never more than 100.

    Besides one number, a count can be split by the boroughs a grant works in or by categories (where incidents
    happened, say), its total the sum of its parts; or it can be a survey's result: how many were asked, and how many
    gave each answer (its total is how many answered)."""

    class Unit(models.TextChoices):
        NUMBER = "number", "A number of people or things"
        PERCENTAGE = "percentage", "A percentage, 0 to 100"

    class Kind(models.TextChoices):
        COUNT = "count", "One number"
        BY_BOROUGH = "by_borough", "A number for each borough the grant works in"
        BY_CATEGORY = "by_category", "A number for each category"
        SURVEY = "survey", "A survey's result: how many were asked, and how many gave each answer"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(max_length=50)
    name = models.CharField(max_length=200)
    guidance = models.CharField(max_length=300, blank=True)
    has_target = models.BooleanField(default=True, help_text="Applicants promise a number for each quarter.")
    position = models.PositiveSmallIntegerField(default=0)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.NUMBER)
    part_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="parts",
        help_text="The indicator of the same round this one counts part of: a return cannot give more of this one.",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COUNT)
    options = models.JSONField("categories or answers", default=list, blank=True,
                               help_text="For a count by category, its categories; for a survey, its answers. In order.")

    class Meta:
        ordering = ["round", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="indicator_code_unique_in_round"),
            models.CheckConstraint(condition=Q(kind="count") | Q(unit="number"), name="indicator_split_counts_numbers",
                                   violation_error_message="Only a single number can be a percentage."),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_percentage(self) -> bool:
        return self.unit == self.Unit.PERCENTAGE

    @property
    def is_split(self) -> bool:
        """Whether a return gives it in parts (boroughs, categories or a survey's answers) rather than one number."""
        return self.kind != self.Kind.COUNT

    @property
    def is_survey(self) -> bool:
        return self.kind == self.Kind.SURVEY

    def clean(self):
        super().clean()
        if self.kind in (self.Kind.BY_CATEGORY, self.Kind.SURVEY) and len(set(self.options)) < 2:
            raise ValidationError({"options": "Give at least two different categories or answers."})
        if self.pk and self.parts.exclude(unit=self.unit).exists():
            raise ValidationError({"unit": "Its parts are counted in another unit: change theirs first."})
        if self.part_of_id is None:
            return
        if self.part_of.round_id != self.round_id:
            raise ValidationError({"part_of": "Choose an indicator of the same round."})
        whole, seen = self.part_of, {self.pk}
        while whole is not None:
            if whole.pk in seen:
                raise ValidationError({"part_of": "An indicator cannot be part of itself, or of one of its parts."})
            if whole.unit != self.unit:
                raise ValidationError({"part_of": "Choose an indicator counted in the same unit."})
            seen.add(whole.pk)
            whole = whole.part_of
