"""Spreadsheets with django-import-export: the round's applications and scores out, assessors' scores in."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from applications.models import Answer, Application, Criterion, Question, Round
from applications.questions import answer_in_words
from applications.selectors import round_questions
from applications.querysets import SCOREABLE
from applications.validators import MaxWordsValidator
from assessment.forms import REASON_WORD_LIMIT
from assessment.models import Allocation, Assessment, ConflictDeclaration, Score
from assessment.permissions import interests_in
from assessment.scoring import funding_line
from core.spreadsheets import ImportProblem, export_file, sheet_check
from core.templatetags.govuk import plain_number

# The round's applications with their answers and scores -------------------------------------------------------------


class RankingResource(resources.Resource):
    """One row per application in rank order: answers, per-criterion averages and the weighted total."""

    rank = fields.Field(attribute="rank", column_name="Rank")
    reference = fields.Field(attribute="application__reference", column_name="Reference")
    organisation = fields.Field(attribute="application__organisation_name", column_name="Organisation")
    title = fields.Field(attribute="application__title", column_name="Project")
    status = fields.Field(attribute="application__status_label", column_name="Status")
    boroughs = fields.Field(column_name="Boroughs")
    amount = fields.Field(attribute="amount_requested", column_name="Amount requested (£)", widget=widgets.DecimalWidget())
    total = fields.Field(attribute="total", column_name="Weighted total (%)", widget=widgets.DecimalWidget())
    running = fields.Field(attribute="running_total", column_name="Running total (£)", widget=widgets.DecimalWidget())
    funding_line = fields.Field(column_name="Funding line")
    flags = fields.Field(column_name="Flags")

    def __init__(self, criteria: list[Criterion], assessors_needed: int, questions: list[Question]):
        super().__init__()
        self.assessors_needed = assessors_needed
        for question in questions:
            self.fields[f"question_{question.code}"] = fields.Field(
                column_name=question.label,
                dehydrate_method=lambda entry, question=question: answer_in_words(
                    question, entry.answers.answer_values.get(question.pk)
                ),
            )
        for position, criterion in enumerate(criteria):
            self.fields[f"criterion_{criterion.pk}"] = fields.Field(
                column_name=f"{criterion} (average)",
                dehydrate_method=lambda entry, position=position: _used_score(entry.criteria[position]),
            )

    def get_export_order(self):
        return list(self.fields)

    def dehydrate_boroughs(self, entry) -> str:
        return ", ".join(borough.name for borough in entry.answers.boroughs.all())

    def dehydrate_funding_line(self, entry) -> str:
        return funding_line(entry, self.assessors_needed)

    def dehydrate_flags(self, entry) -> str:
        return "; ".join(entry.flags)


def _used_score(scores) -> str:
    return "" if scores.used is None else plain_number(scores.used.quantize(Decimal("0.01")))


# Assessors' scoring sheets ------------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    """One criterion of one allocated application, as it appears in an assessor's sheet."""

    reference: str
    organisation: str
    criterion: str
    score: int | None
    justification: str


def scoring_sheet_rows(assessor) -> list[SheetRow]:
    """Every criterion of every application the assessor may score, filled with what they have given so far."""
    cleared = ConflictDeclaration.objects.cleared().filter(assessor=assessor).values("application_id")
    allocations = (
        Allocation.objects.filter(assessor=assessor, application_id__in=cleared, application__status__in=SCOREABLE)
        .select_related("application__organisation", "application__round")
        .order_by("application__reference")
    )
    given = {
        (score.assessment.allocation_id, score.criterion_id): score
        for score in Score.objects.filter(assessment__allocation__assessor=assessor)
        .exclude(assessment__status=Assessment.Status.SUPERSEDED)
        .select_related("assessment")
        .order_by("assessment__version")  # a newer draft overwrites the submitted version it revises
    }
    criteria = {}
    rows = []
    for allocation in allocations:
        round_ = allocation.application.round
        if round_.pk not in criteria:
            criteria[round_.pk] = list(round_.criteria.order_by("position", "id"))
        for criterion in criteria[round_.pk]:
            score = given.get((allocation.pk, criterion.pk))
            rows.append(SheetRow(
                reference=allocation.application.reference, organisation=allocation.application.organisation.name,
                criterion=criterion.name, score=score.score if score else None,
                justification=score.justification if score else "",
            ))
    return rows


class ScoringSheetResource(resources.Resource):
    """Reads an assessor's sheet row by row: each row names an application, a criterion, a score and a reason.
    Rows are checked against lookups loaded once, so a sheet of thousands of rows costs a few queries."""

    reference = fields.Field(attribute="reference", column_name="Reference")
    organisation = fields.Field(attribute="organisation", column_name="Organisation")
    criterion = fields.Field(attribute="criterion", column_name="Criterion")
    score = fields.Field(attribute="score", column_name="Score")
    justification = fields.Field(attribute="justification", column_name="Reason for the score")

    class Meta:
        skip_diff = True
        # Rows are not model instances, so nothing is loaded from the database by row: import_instance does it.
        instance_loader_class = BaseInstanceLoader
        # Rows are only collected, never saved one by one, so no row needs a savepoint of its own.
        use_bulk = True

    def __init__(self, assessor):
        super().__init__()
        self.assessor = assessor
        self.collected: dict[Allocation, dict[int, tuple[int | None, str]]] = {}

    def get_export_order(self):
        return list(self.fields)

    def before_import(self, dataset, **kwargs):
        """Loads what every row is checked against: the assessor's allocations by reference, their interests in
        each, and each round's criteria by name (the first by position where two share a name)."""
        allocations = list(Allocation.objects.filter(assessor=self.assessor).select_related("application"))
        # Each round loaded once, not once per allocation: a sheet of thousands of rows has one or two rounds.
        rounds = Round.objects.in_bulk({allocation.application.round_id for allocation in allocations})
        for allocation in allocations:
            allocation.application.round = rounds[allocation.application.round_id]
        self.allocations = {allocation.application.reference: allocation for allocation in allocations}
        self.interests = interests_in(self.assessor, [allocation.application for allocation in allocations])
        self.criteria: dict[tuple[int, str], Criterion] = {}
        for criterion in Criterion.objects.filter(round_id__in=list(rounds)):
            self.criteria.setdefault((criterion.round_id, criterion.name), criterion)

    def get_or_init_instance(self, instance_loader, row):
        return SheetRow(reference="", organisation="", criterion="", score=None, justification=""), True

    def import_instance(self, instance, row, **kwargs):
        reference = str(row.get("Reference") or "").strip()
        criterion_name = str(row.get("Criterion") or "").strip()
        allocation = self.allocations.get(reference)
        if allocation is None:
            raise ValidationError(f"{reference or 'A blank reference'} is not an application you have been given to score.")
        if not self.interests[allocation.application_id].cleared:
            raise ValidationError(f"Declare your interests in {reference} on the website before scoring it.")
        if allocation.application.status not in SCOREABLE:
            raise ValidationError(f"{reference} can no longer be scored.")
        round_: Round = allocation.application.round
        criterion = self.criteria.get((round_.pk, criterion_name))
        if criterion is None:
            raise ValidationError(f"'{criterion_name}' is not one of the criteria for {reference}.")
        score = _score_from(row.get("Score"), round_.score_scale_max)
        justification = str(row.get("Reason for the score") or "").strip()
        if score is not None and not justification:
            raise ValidationError(f"Give a reason for the score for '{criterion_name}' on {reference}.")
        MaxWordsValidator(REASON_WORD_LIMIT, f"The reason for '{criterion_name}' on {reference}")(justification)
        scores = self.collected.setdefault(allocation, {})
        if criterion.pk in scores:
            raise ValidationError(f"'{criterion_name}' for {reference} appears more than once.")
        scores[criterion.pk] = (score, justification)
        instance.reference, instance.criterion, instance.score, instance.justification = (
            reference, criterion_name, score, justification
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        """Rows are only collected here; `scores_record` saves them through the scoring service."""


def _score_from(value, scale_max: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ValidationError(f"The score must be a whole number from 0 to {scale_max}. This row has '{value}'.")
    if not number.is_integer() or not 0 <= number <= scale_max:
        raise ValidationError(f"The score must be a whole number from 0 to {scale_max}. This row has '{value}'.")
    return int(number)


def scores_read(upload, assessor) -> tuple[ScoringSheetResource, list[ImportProblem]]:
    """Reads and checks every row without saving anything; returns the problems, each with its row number."""
    resource = ScoringSheetResource(assessor)
    return resource, sheet_check(upload, resource, ["Reference", "Criterion", "Score", "Reason for the score"])


def scoring_sheet(assessor, file_format: str):
    return export_file(ScoringSheetResource(assessor), scoring_sheet_rows(assessor), file_format, title="Scores")


def ranking_sheet(ranking, file_format: str):
    """The ranking (`assessment.selectors.ranking_for`) with each application's written answers, which the ranking
    page itself does not load."""
    ranked = list(ranking)
    applications = Application.objects.filter(pk__in=[entry.application_id for entry in ranked]).prefetch_related(
        "boroughs", Prefetch("answers", queryset=Answer.objects.only("application_id", "question_id", "value"))
    )
    by_pk = {}
    for application in applications:
        application.answer_values = {answer.question_id: answer.value for answer in application.answers.all()}
        by_pk[application.pk] = application
    for entry in ranked:
        entry.answers = by_pk[entry.application_id]
    resource = RankingResource(ranking.criteria, assessors_needed=ranking.round.assessors_per_application,
                               questions=round_questions(ranking.round))
    return export_file(resource, ranked, file_format, title="Ranking")

