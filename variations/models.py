"""Variations of a running grant: what the grantee asked to change, who approved or refused it, and the earlier
versions of the grant that each approved variation replaced."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.state import StatusMachine
from grants.models import Award
from variations.querysets import VariationQuerySet


class Variation(StatusMachine):
    """A grantee's request to change their grant: budget lines, end date, targets, unpaid tranches and its total, in
    any mix. A programme manager approves or refuses it; above the round's threshold a second programme manager must
    confirm the approval. It takes effect (`applied_at`) when approved below the threshold, or when confirmed."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        CONFIRMED = "confirmed", "Approved and confirmed"
        REFUSED = "refused", "Refused"

    # An approval that needs a second programme manager waits at approved until confirmed or refused; one that does
    # not takes effect at once and stays approved.
    TRANSITIONS = {
        Status.REQUESTED: {Status.APPROVED, Status.REFUSED},
        Status.APPROVED: {Status.CONFIRMED, Status.REFUSED},
    }

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="variations")
    number = models.PositiveSmallIntegerField(help_text="Counts the grant's variations from 1.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    reason = models.TextField(help_text="Why the grantee asks for the change, in their words.")
    # What is asked, each as the new value: only what changes is kept.
    budget = models.JSONField(default=dict, blank=True, help_text="Budget line id: its new amount.")
    ends_on = models.DateField(null=True, blank=True, help_text="The new end date, if it changes.")
    targets = models.JSONField(default=dict, blank=True, help_text="Outcome target id: its new number.")
    tranches = models.JSONField(
        default=list, blank=True,
        help_text="Each unpaid part that changes, or a new one: its number, amount and the quarter whose return "
                  "releases it.",
    )
    # Another ledger sums the amount_change of variations in force as the money "varied".
    amount_change = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    money_moved = models.DecimalField(
        max_digits=10, decimal_places=2, default=0,
        help_text="Money moved between budget lines plus the change to the total: what the threshold measures.",
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    needs_second = models.BooleanField(
        default=False, help_text="Set on approval: whether a second programme manager must confirm it."
    )
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    refused_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    refused_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True)
    applied_at = models.DateTimeField(null=True, blank=True, help_text="When the grant's new version took effect.")
    version = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The grant's version it made.")
    letter_version = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The version of the grant's variation letter that tells of it."
    )
    # Each change as [what, before, after], in words: as asked, then as made.
    described = models.JSONField(default=list, blank=True)

    objects = VariationQuerySet.as_manager()

    class Meta:
        ordering = ["award", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="one_variation_per_number"),
            # Each request is made against the grant as it stands, so one waits at a time.
            models.UniqueConstraint(
                fields=["award"], condition=Q(status="requested") | Q(status="approved", applied_at__isnull=True),
                name="one_variation_waiting_per_grant",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("approved_by")),
                name="variation_confirmed_by_someone_else",
            ),
            models.CheckConstraint(
                condition=Q(status="confirmed", confirmed_at__isnull=False, needs_second=True)
                | (~Q(status="confirmed") & Q(confirmed_at__isnull=True)),
                name="variation_confirmed_has_its_moment",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | (Q(refused_at__isnull=False) & ~Q(refusal_reason="")),
                name="variation_refused_with_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(applied_at__isnull=True) | Q(status__in=["approved", "confirmed"], version__isnull=False),
                name="variation_applied_only_once_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"Variation {self.number} of {self.award.reference}"

    @property
    def in_force(self) -> bool:
        return self.applied_at is not None

    @property
    def waits_for_second(self) -> bool:
        return self.status == self.Status.APPROVED and self.applied_at is None

    @property
    def status_label(self) -> str:
        """The status in words that tell an approval still waiting for its second programme manager apart."""
        if self.waits_for_second:
            return "Approved, waiting for a second programme manager"
        return self.get_status_display()

    @property
    def status_key(self) -> str:
        return "waiting_second" if self.waits_for_second else self.status


class GrantVersion(models.Model):
    """The grant as it stood before a variation replaced it: its total, end date, budget, targets, payment parts and
    returns. The first version is the grant as accepted; the version in force is one more than the last kept."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    snapshot = models.JSONField()
    replaced_by = models.OneToOneField(Variation, on_delete=models.PROTECT, related_name="replaced")
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["award", "-number"]
        constraints = [models.UniqueConstraint(fields=["award", "number"], name="one_grant_version_per_number")]

    def __str__(self) -> str:
        return f"{self.award.reference} version {self.number}"
