"""Reasonable adjustments: a deadline extended for one organisation, and the adjustments applicants ask for."""

from django.conf import settings
from django.db import models

from applications.models.applications import Application
from applications.models.organisations import Organisation
from applications.models.rounds import Round
from core.state import StatusMachine


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


class AdjustmentRequest(StatusMachine):
    """An applicant's request for a reasonable adjustment, and the funder's answer."""

    class Kind(models.TextChoices):
        EXTRA_TIME = "extra_time", "More time to apply"
        ALTERNATIVE_FORMAT = "alternative_format", "Answer in BSL video or audio instead of writing"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for a reply"
        AGREED = "agreed", "Agreed"
        DECLINED = "declined", "Not agreed"

    # Answered once: the applicant has been told, so an answer is never changed.
    TRANSITIONS = {
        Status.REQUESTED: {Status.AGREED, Status.DECLINED},
    }

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
