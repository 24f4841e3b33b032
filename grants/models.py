"""Decisions within the ringfence, awards and their letters, tranches and the payments that settle them."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from applications.models import Application, Organisation, Round
from core.state import StatusMachine
from grants.querysets import AwardQuerySet


class Decision(StatusMachine):
    """A programme manager's decision on one application, which a second programme manager must confirm or send
    back with a reason; the proposer then revises it and proposes it again."""

    class Outcome(models.TextChoices):
        FUND = "fund", "Fund"
        NOT_FUND = "not_fund", "Do not fund"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for confirmation"
        SENT_BACK = "sent_back", "Sent back"
        CONFIRMED = "confirmed", "Confirmed"

    # A confirmed decision not to fund is proposed again when money returns to the pot (a declined or lapsed offer).
    TRANSITIONS = {
        Status.PROPOSED: {Status.CONFIRMED, Status.SENT_BACK},
        Status.SENT_BACK: {Status.PROPOSED},
        Status.CONFIRMED: {Status.PROPOSED},
    }

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    proposed_outcome = models.CharField(max_length=10, choices=Outcome.choices)
    proposed_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Needed when the decision differs from what the ranking proposed.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    # The last time a second manager sent it back, kept when it is proposed again so the next checker sees why.
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_back_at = models.DateTimeField(null=True, blank=True)
    sent_back_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["application__reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="confirmed", confirmed_at__isnull=False)
                | (~Q(status="confirmed") & Q(confirmed_at__isnull=True)),
                name="decision_confirmed_has_its_moment",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent_back") | (Q(sent_back_at__isnull=False) & ~Q(sent_back_reason="")),
                name="decision_sent_back_with_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(outcome="not_fund", amount__isnull=True) | Q(outcome="fund", amount__gt=0),
                name="decision_funds_a_positive_amount",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=F("decided_by")),
                name="decision_confirmed_by_someone_else",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_outcome_display()}"

    @property
    def departs_from_proposal(self) -> bool:
        return self.outcome != self.proposed_outcome or self.amount != self.proposed_amount


class Award(StatusMachine):
    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        LAPSED = "lapsed", "Lapsed"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        COMPLETED = "completed", "Completed"

    # A suspended grant goes back to where it was: active once anything has been paid, accepted before that.
    TRANSITIONS = {
        Status.OFFERED: {Status.ACCEPTED, Status.DECLINED, Status.LAPSED},
        Status.ACCEPTED: {Status.ACTIVE, Status.SUSPENDED, Status.COMPLETED},
        Status.ACTIVE: {Status.SUSPENDED, Status.COMPLETED},
        Status.SUSPENDED: {Status.ACCEPTED, Status.ACTIVE},
    }
    # Money the ringfence has promised: declined and lapsed offers return to the pot.
    COMMITTED = [Status.OFFERED, Status.ACCEPTED, Status.ACTIVE, Status.SUSPENDED, Status.COMPLETED]
    # Grants the organisation has taken on, running or completed.
    ACCEPTED_ONES = [Status.ACCEPTED, Status.ACTIVE, Status.SUSPENDED, Status.COMPLETED]
    RUNNING = [Status.ACCEPTED, Status.ACTIVE, Status.SUSPENDED]

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="awards")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OFFERED)
    amount = models.DecimalField(max_digits=10, decimal_places=2, help_text="What the grant is now, after any variations.")
    accepted_amount = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True,
        help_text="What the grant was when it was accepted: the ledger counts any difference from it as varied.",
    )
    underspent = models.DecimalField(
        max_digits=10, decimal_places=2, default=0,
        help_text="What was never paid of the grant because it was not needed: it went back to the ringfence when "
                  "the grant was completed.",
    )
    completed_on = models.DateField(null=True, blank=True)
    offered_at = models.DateTimeField()
    # Set when the offer letter is issued: the grantee has whole days from the letter, not from the confirmation.
    accept_by = models.DateTimeField(
        null=True, blank=True, help_text="The offer lapses after this moment if not accepted. Set when its letter is issued."
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    acceptor_name = models.CharField(max_length=150, blank=True)
    acceptor_role = models.CharField(max_length=100, blank=True)
    declined_reason = models.TextField(blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["application__reference"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_positive"),
            models.CheckConstraint(condition=Q(underspent__gte=0, underspent__lte=F("amount")),
                                   name="award_underspent_within_the_grant"),
            models.CheckConstraint(condition=Q(status="completed", completed_on__isnull=False)
                                   | (~Q(status="completed") & Q(completed_on__isnull=True)),
                                   name="award_completed_has_its_day"),
        ]

    def __str__(self) -> str:
        return f"Award {self.application.reference}"

    @property
    def reference(self) -> str:
        return self.application.reference


class Tranche(StatusMachine):
    """One part of an award's payment. It is paid once and only once, whichever way it is paid."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        DUE = "due", "Due"
        RELEASED = "released", "Released"
        PAID = "paid", "Paid"
        REVERSED = "reversed", "Reversed"
        CANCELLED = "cancelled", "Not needed"

    class Rail(models.TextChoices):
        BACS = "bacs", "Bank transfer (BACS)"
        STRIPE = "stripe", "Stripe Connect"

    # A bank transfer goes from due to paid; a Stripe transfer is released, then confirmed paid by Stripe. Stripe's
    # events can come before our own record of the release is committed, so a due tranche may be paid or reversed
    # straight away.
    # A part not needed when its grant is completed, as the grantee spent less, is never paid: its money goes back
    # to the ringfence.
    TRANSITIONS = {
        Status.SCHEDULED: {Status.DUE, Status.CANCELLED},
        Status.DUE: {Status.RELEASED, Status.PAID, Status.REVERSED, Status.CANCELLED},
        Status.RELEASED: {Status.PAID, Status.REVERSED},
        Status.PAID: {Status.REVERSED},
    }

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="tranches")
    number = models.PositiveSmallIntegerField()
    share = models.DecimalField("share (%)", max_digits=5, decimal_places=2)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    after = models.CharField(max_length=20,
                             help_text='What releases it: "acceptance", "return" or "end_report".')
    after_quarter = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    due_at = models.DateTimeField(null=True, blank=True)
    # The route is recorded when its payment begins, and from then on it is the only way this tranche is paid.
    rail = models.CharField(max_length=10, choices=Rail.choices, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    stripe_transfer_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    bank_reference = models.CharField("bank payment reference", max_length=50, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["award", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="one_tranche_per_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
            models.CheckConstraint(
                condition=Q(bank_reference="") | Q(stripe_transfer_id__isnull=True), name="tranche_paid_one_way_only"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award.reference} part {self.number}"

    @property
    def waits_for_end_report(self) -> bool:
        return self.after == "end_report"

    def paid_too_early(self, paid_on: date) -> str | None:
        """Why a payment cannot be dated `paid_on`: no grant is paid before it was accepted. None if it can."""
        accepted_on = timezone.localdate(self.award.accepted_at) if self.award.accepted_at else None
        if accepted_on and paid_on < accepted_on:
            return f"The date paid cannot be before the grant was accepted, on {accepted_on:%-d %B %Y}"
        return None


def letter_path(instance, filename: str) -> str:
    return f"letters/{instance.application_id}/{filename}"


class Letter(models.Model):
    """An issued letter. Its file never changes once issued: a correction is a new version beside it."""

    class Kind(models.TextChoices):
        OFFER = "offer", "Offer of a grant"
        NOT_FUNDED = "not_funded", "Decision not to fund"
        COMPLETION = "completion", "Completion of the grant"
        VARIATION = "variation", "Variation of the grant"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(default=1)
    large_print = models.BooleanField(default=False)
    file = models.FileField(upload_to=letter_path)
    checksum = models.CharField("SHA-256 checksum", max_length=64)
    correction_reason = models.TextField(blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "kind", "-version", "large_print"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "version", "large_print"], name="one_letter_per_version_and_print"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.application} (version {self.version})"


class LetterBatch(models.Model):
    """Letters for a whole round, one background task for each, while the programme manager watches the progress."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="letter_batches")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Letters for {self.round}, started {self.started_at:%d %B %Y %H:%M}"


class LetterBatchItem(models.Model):
    """One application's letter in a batch. Its outcome is set in the same transaction as the letter is issued, so
    a task run again after its worker was killed finds it settled and issues nothing twice."""

    class Outcome(models.TextChoices):
        WAITING = "waiting", "Waiting"
        ISSUED = "issued", "Issued"
        ALREADY_ISSUED = "already_issued", "Issued already, by another batch"
        FAILED = "failed", "Could not be made"

    batch = models.ForeignKey(LetterBatch, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.WAITING)
    failure = models.TextField(blank=True, help_text="Why the letter could not be made, in words for the manager.")
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "application"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "application"], name="one_item_per_application_per_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.application} in {self.batch}: {self.get_outcome_display()}"


class ConnectedAccount(models.Model):
    """A grantee's Stripe Connect account, where transfers go. No bank details are ever stored here."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="connected_account")
    stripe_account_id = models.CharField(max_length=100, unique=True)
    transfers_enabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.organisation}: {self.stripe_account_id}"


class WebhookEvent(models.Model):
    """Each Stripe event is handled once: its id is stored before anything else is done with it."""

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class Suspension(models.Model):
    """A time a programme manager stopped a grant's payments, and when and why it was lifted. While a suspension is
    open no tranche is paid; the returns carry on."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="suspensions")
    reason = models.TextField()
    suspended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    suspended_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["award", "-suspended_at"]
        constraints = [
            models.UniqueConstraint(fields=["award"], condition=Q(lifted_at__isnull=True),
                                    name="one_open_suspension_per_grant"),
            models.CheckConstraint(condition=~Q(reason=""), name="suspension_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"Suspension of {self.award.reference} from {self.suspended_at:%d %B %Y}"


class Clawback(StatusMachine):
    """Money paid on a grant that the funder asks back. A programme manager proposes it; a second one confirms it,
    and from then it is owed until finance has recorded repayments that add up to it. What is repaid goes back to
    the ringfence."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Waiting for confirmation"
        REFUSED = "refused", "Not confirmed"
        OWED = "owed", "Owed"
        REPAID = "repaid", "Repaid"

    TRANSITIONS = {
        Status.PROPOSED: {Status.OWED, Status.REFUSED},
        Status.OWED: {Status.REPAID},
    }
    # Money asked back that has not been refused: it cannot be asked back twice.
    ASKED = [Status.PROPOSED, Status.OWED, Status.REPAID]

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="clawbacks")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["award", "-proposed_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="clawback_amount_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="clawback_has_a_reason"),
            models.CheckConstraint(condition=Q(checked_by__isnull=True) | ~Q(checked_by=F("proposed_by")),
                                   name="clawback_checked_by_someone_else"),
            models.CheckConstraint(condition=~Q(status="refused") | ~Q(refusal_reason=""),
                                   name="clawback_refused_with_a_reason"),
        ]

    def __str__(self) -> str:
        return f"Clawback of {self.amount} from {self.award.reference}"


class Repayment(models.Model):
    """Money a grantee has paid back against a clawback, as finance saw it arrive."""

    clawback = models.ForeignKey(Clawback, on_delete=models.PROTECT, related_name="repayments")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    received_on = models.DateField()
    bank_reference = models.CharField("bank payment reference", max_length=50)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["clawback", "received_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive")]

    def __str__(self) -> str:
        return f"Repayment of {self.amount} on {self.clawback}"
