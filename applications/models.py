"""Rounds of funding, the organisations that apply, their eligibility checks and their staged applications."""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from applications.querysets import ApplicationQuerySet
from core.state import StatusMachine


class Borough(models.Model):
    """A London borough, with the police Basic Command Unit that covers it (reference data)."""

    gss_code = models.CharField("GSS code", max_length=9, primary_key=True)
    name = models.CharField(max_length=100, unique=True)
    police_force = models.CharField(max_length=100)
    bcu_code = models.CharField("BCU code", max_length=4, blank=True)
    bcu_name = models.CharField("BCU name", max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DocumentKind(models.TextChoices):
    GOVERNING_DOCUMENT = "governing_document", "Governing document"
    ACCOUNTS = "accounts", "Latest accounts"
    SAFEGUARDING_POLICY = "safeguarding_policy", "Safeguarding policy"
    EQUALITY_POLICY = "equality_policy", "Equality policy"


def all_document_kinds() -> list[str]:
    return list(DocumentKind.values)


def default_tranche_schedule() -> list[dict]:
    """50% on acceptance, 25% when the quarter 2 return is accepted, 25% when the quarter 4 return is."""
    return [
        {"share": "50", "after": "acceptance"},
        {"share": "25", "after": "return", "quarter": 2},
        {"share": "25", "after": "return", "quarter": 4},
    ]


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
    offer_acceptance_days = models.PositiveSmallIntegerField(
        default=28, help_text="How many days a grantee has to accept an offer before it lapses."
    )
    tranche_schedule = models.JSONField(
        default=default_tranche_schedule,
        help_text=(
            'Each part of the grant: its share in % and what releases it, "acceptance" or a quarter\'s return, '
            'for example [{"share": "50", "after": "acceptance"}, {"share": "25", "after": "return", "quarter": 2}].'
        ),
    )
    return_due_days = models.PositiveSmallIntegerField(
        default=30, help_text="How many days after a quarter ends its monitoring return is due."
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
    required_documents = models.JSONField(
        default=all_document_kinds, help_text="Which documents every application must include."
    )

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="round_closes_after_it_opens"),
            models.CheckConstraint(condition=Q(budget__gt=0), name="round_budget_positive"),
            models.CheckConstraint(condition=Q(minimum_award__gt=0), name="round_minimum_award_positive"),
            models.CheckConstraint(
                condition=Q(maximum_award__gte=F("minimum_award")), name="round_maximum_award_not_below_minimum"
            ),
            models.CheckConstraint(condition=Q(maximum_award__lte=F("budget")), name="round_maximum_award_within_budget"),
            models.CheckConstraint(condition=Q(income_cap__gt=0), name="round_income_cap_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open_at(self, moment) -> bool:
        return self.status == self.Status.OPEN and self.opens_at <= moment


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
    """Something a grantee counts each quarter. Applicants set quarterly targets for those that have them."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(max_length=50)
    name = models.CharField(max_length=200)
    guidance = models.CharField(max_length=300, blank=True)
    has_target = models.BooleanField(default=True, help_text="Applicants promise a number for each quarter.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="indicator_code_unique_in_round")]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class LegalForm(models.TextChoices):
        REGISTERED_CHARITY = "registered_charity", "Registered charity"
        CIO = "cio", "Charitable incorporated organisation (CIO)"
        CIC = "cic", "Community interest company (CIC)"
        COMPANY_LIMITED_BY_GUARANTEE = "clg", "Company limited by guarantee"
        COMMUNITY_BENEFIT_SOCIETY = "cbs", "Community benefit society"
        UNINCORPORATED_ASSOCIATION = "unincorporated", "Unincorporated association"

    name = models.CharField(max_length=200)
    legal_form = models.CharField(max_length=20, choices=LegalForm.choices, blank=True)
    charity_number = models.CharField(max_length=10, blank=True)
    company_number = models.CharField(max_length=8, blank=True)
    society_number = models.CharField("society registration number", max_length=10, blank=True)
    address_line_1 = models.CharField(max_length=100, blank=True)
    address_line_2 = models.CharField(max_length=100, blank=True)
    town = models.CharField("town or city", max_length=60, blank=True, default="London")
    postcode = models.CharField(max_length=8, blank=True)
    boroughs = models.ManyToManyField(Borough, blank=True, related_name="organisations")
    annual_income = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    board_size = models.PositiveSmallIntegerField(null=True, blank=True)
    disabled_board_members = models.PositiveSmallIntegerField(null=True, blank=True)
    leader_is_disabled = models.BooleanField(null=True, blank=True)
    staff_count = models.PositiveSmallIntegerField(null=True, blank=True)
    disabled_staff_count = models.PositiveSmallIntegerField(null=True, blank=True)
    has_safeguarding_policy = models.BooleanField(null=True, blank=True)
    has_governing_document = models.BooleanField(null=True, blank=True)
    contact_name = models.CharField("main contact's name", max_length=150, blank=True)
    contact_email = models.EmailField("main contact's email address", blank=True)
    contact_phone = models.CharField("main contact's phone number", max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disabled_board_members__lte=F("board_size")) | Q(board_size__isnull=True),
                name="organisation_disabled_board_within_board",
            ),
            models.CheckConstraint(
                condition=Q(disabled_staff_count__lte=F("staff_count")) | Q(staff_count__isnull=True),
                name="organisation_disabled_staff_within_staff",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return "\n".join(part for part in [self.address_line_1, self.address_line_2, self.town, self.postcode] if part)

    @property
    def registration_numbers(self) -> str:
        numbers = [
            f"{label} {number}"
            for label, number in [("Charity", self.charity_number), ("Company", self.company_number),
                                  ("Society", self.society_number)]
            if number
        ]
        return ", ".join(numbers) or "Not registered"

    @property
    def main_contact(self) -> str:
        return ", ".join(part for part in [self.contact_name, self.contact_email, self.contact_phone] if part)


class Membership(models.Model):
    """A person acting for an organisation: owners can also invite colleagues."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        EDITOR = "editor", "Editor"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_person_per_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.organisation}"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """An owner's invitation to a colleague, by email, to work on the organisation's applications."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Membership.Role.choices, default=Membership.Role.EDITOR)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to join {self.organisation}"

    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


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

    # The project
    title = models.CharField(max_length=120, blank=True)
    summary = models.TextField(blank=True)
    need = models.TextField("the need", blank=True)
    activities = models.TextField(blank=True)
    beneficiaries = models.TextField("who benefits", blank=True)
    partnership = models.TextField("links with CATCH, police and local services", blank=True)
    boroughs = models.ManyToManyField(Borough, blank=True, related_name="applications")
    amount_requested = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    # Declarations
    declarant_name = models.CharField(max_length=150, blank=True)
    declarant_role = models.CharField(max_length=100, blank=True)
    declared_on = models.DateField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
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
    return f"applications/{instance.application_id}/{instance.kind}-{secrets.token_hex(8)}{_suffix(filename)}"


def _suffix(filename: str) -> str:
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


class DeadlineExtension(models.Model):
    """More time for one organisation, given by a programme manager as a reasonable adjustment."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="extensions")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="extensions")
    closes_at = models.DateTimeField("new deadline")
    reason = models.TextField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    granted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["round", "organisation"], name="one_extension_per_organisation")]

    def __str__(self) -> str:
        return f"{self.organisation}: until {self.closes_at:%d %b %Y %H:%M}"


class AdjustmentRequest(models.Model):
    """An applicant's request for a reasonable adjustment, and the funder's answer."""

    class Kind(models.TextChoices):
        EXTRA_TIME = "extra_time", "More time to apply"
        ALTERNATIVE_FORMAT = "alternative_format", "Answer in BSL video or audio instead of writing"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for a reply"
        AGREED = "agreed", "Agreed"
        DECLINED = "declined", "Not agreed"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    details = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    response = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.application}"


def media_answer_path(instance, filename: str) -> str:
    return f"applications/{instance.application_id}/answer-{instance.question}-{secrets.token_hex(8)}{_suffix(filename)}"


class MediaAnswer(UploadedFile):
    """A BSL video or audio recording given instead of a written answer."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="media_answers")
    question = models.CharField(max_length=30)
    file = models.FileField(upload_to=media_answer_path)

    class Meta:
        ordering = ["application", "question"]
        constraints = [models.UniqueConstraint(fields=["application", "question"], name="one_media_answer_per_question")]


# Assessment -------------------------------------------------------------------------------------------------------


class Allocation(models.Model):
    """An application given to an assessor to score."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="allocations")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations")
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    allocated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "assessor__full_name"]
        constraints = [models.UniqueConstraint(fields=["application", "assessor"], name="one_allocation_per_assessor")]

    def __str__(self) -> str:
        return f"{self.application} to {self.assessor}"


class ConflictDeclaration(models.Model):
    """An assessor's answer, before they see an application, to whether they have a conflict of interest."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflict_declarations")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflict_declarations")
    has_conflict = models.BooleanField()
    nature = models.TextField(blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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

    def __str__(self) -> str:
        return f"{self.application}: {'eligible' if self.eligible else 'not eligible'}"
