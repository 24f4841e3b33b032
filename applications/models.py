"""Rounds of funding and the organisations that apply to them."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Round(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        ASSESSING = "assessing", "Assessing"
        DECIDED = "decided", "Decided"
        MONITORING = "monitoring", "Monitoring"
        COMPLETED = "completed", "Completed"

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
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
