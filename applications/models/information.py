"""A programme manager's request for more information on a sent application: named sections of the round's own
questions reopen for the organisation's team until they send their changes, and both versions of the answers are kept.
Until then the application's answers stay as they were sent.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from applications.models.applications import Application
from applications.models.questions import Section


class InformationRequest(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="information_requests")
    sections = models.ManyToManyField(Section, related_name="+")
    message = models.TextField()
    respond_by = models.DateTimeField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    # The reopened sections' answers when asked and when sent back: {question code: [words asked, kept value]}.
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    # The team's changes until they send them, so that no one reads a half-made answer as the application's:
    # {section slug: {question code: kept value}} for each reopened section saved so far.
    pending = models.JSONField(default=dict)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["application"], condition=Q(answered_at__isnull=True),
                                    name="one_open_information_request_per_application",
                                    violation_error_message="This application already has a request waiting for an "
                                                            "answer."),
        ]

    def __str__(self) -> str:
        return f"More information on {self.application}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None

    @property
    def reopened_steps(self) -> set[str]:
        """The steps of the application the organisation's team may change until they send the changes."""
        return {section.slug for section in self.sections.all()}
