"""A round's own application questions, in sections, and the answers given to them.

Each section is a step of the application between the organisation's details and the structured parts the rest of
the service computes on (boroughs and amount, outcome targets, budget, documents, declarations). An answer keeps the
words of the question it answered, so a question reworded after applications started never changes what was asked.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from applications.models.applications import AnswerUpload, Application, file_suffix
from applications.models.rounds import Round

# The pages one step under an application's address that are not steps of it, in any app (a test checks the list is
# whole), the fixed steps, and the end of a round's preview: a section of a round may take none of their names.
APPLICATION_PAGES = frozenset({"sent", "pdf", "withdraw", "changes", "letters", "grant"})
SLUGS_TAKEN = APPLICATION_PAGES | {"organisation", "request", "outcomes", "budget", "declarations", "check", "done", "end"}


class Section(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(max_length=30, help_text="The section's name in its address.")
    title = models.CharField(max_length=100)
    intro = models.CharField(max_length=500, blank=True, help_text="Shown under the section's heading.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "slug"], name="section_slug_unique_in_round",
                                    violation_error_message="The round already has a section with this name."),
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        NUMBER = "number", "Whole number"
        MONEY = "money", "Amount of money"
        YES_NO = "yes_no", "Yes or no"
        ONE_CHOICE = "one_choice", "One choice from a list"
        SEVERAL_CHOICES = "several_choices", "One or more choices from a list"
        DATE = "date", "Date"
        FILE = "file", "A file to upload (PDF, DOCX, ODT, JPG or PNG)"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    # The question's name in forms, spreadsheets and recordings: the service keeps it unique in the round.
    code = models.SlugField(max_length=30)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LONG_TEXT)
    label = models.CharField("question", max_length=300)
    hint = models.CharField(max_length=500, blank=True)
    required = models.BooleanField("must be answered", default=True)
    max_words = models.PositiveIntegerField("word limit", null=True, blank=True)
    max_chars = models.PositiveIntegerField("character limit", null=True, blank=True)
    choices = models.JSONField("options", default=list, blank=True, help_text="The options to choose from, in order.")
    recording_allowed = models.BooleanField(
        "may be answered in a recording", default=False,
        help_text="A BSL video or audio recording may replace the written answer.",
    )
    shown_if = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="dependants",
        verbose_name="asked only for an answer to", help_text="Asked only when this earlier question has the answer below.",
    )
    shown_if_answer = models.CharField("the answer it is asked for", max_length=200, blank=True)
    is_title = models.BooleanField(
        "gives the project's name", default=False, help_text="Its answer is the project's name, in letters and 360Giving."
    )
    is_description = models.BooleanField(
        "gives the published summary", default=False, help_text="Its answer is the project's published description."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["section", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(shown_if__isnull=True) | ~Q(shown_if_answer=""),
                                   name="question_condition_has_answer",
                                   violation_error_message="Say which answer makes this question appear."),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_written(self) -> bool:
        return self.kind in (self.Kind.SHORT_TEXT, self.Kind.LONG_TEXT)


class Answer(models.Model):
    """One question's answer, with the question's words as they were when it was answered."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    label = models.CharField(max_length=300)
    value = models.JSONField(null=True, blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "question"], name="one_answer_per_question"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"


def file_answer_path(instance, filename: str) -> str:
    return f"applications/{instance.application_id}/question-{instance.question_id}-{secrets.token_hex(8)}{file_suffix(filename)}"


class FileAnswer(AnswerUpload):
    """The file uploaded to answer a file question; its answer row holds the file's name, as the applicant gave it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="file_answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=file_answer_path)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "question"], condition=Q(held_for__isnull=True),
                                    name="one_file_per_question"),
            models.UniqueConstraint(fields=["application", "question"], condition=Q(held_for__isnull=False),
                                    name="one_held_file_per_question"),
        ]
