"""Reads for screening, allocation, conflicts, scoring, moderation and the ranking, shaped for the pages that show them."""

from dataclasses import dataclass

from django.db import connection, models
from django.db.models import Count, Exists, F, Func, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from applications.models import Application, ApplicationDocument, Round
from assessment.models import (
    Allocation,
    Assessment,
    ConflictDeclaration,
    Interests,
    ModeratedScore,
    Score,
    ScoresImport,
)
from assessment.scoring import CriterionScores, Ranked, rank, weighted_total


def allocations_for_assessor(user) -> QuerySet[Allocation]:
    """The assessor's dashboard: their allocations with, for each, what assessor_progress() needs, in a fixed number of
    queries whatever page is read."""
    return (
        Allocation.objects.filter(assessor=user)
        .select_related("application__round", "application__organisation")
        .prefetch_related(
            Prefetch("application__conflict_declarations", ConflictDeclaration.objects.filter(assessor=user),
                     to_attr="declared_by_assessor"),
            Prefetch("assessments", Assessment.objects.exclude(status=Assessment.Status.SUPERSEDED),
                     to_attr="live_assessments"),
        )
        .order_by("application__round__closes_at", "application__reference", "pk")
    )


def assessor_progress(allocations) -> list[Allocation]:
    """Each allocation (from allocations_for_assessor) with `interests`, what its assessor declared, and `current`,
    the version they are working on."""
    allocations = list(allocations)
    for allocation in allocations:
        allocation.interests = Interests.of(next(iter(allocation.application.declared_by_assessor), None))
        # A draft of a new version is what the assessor is working on; show it over the submitted one.
        live = sorted(allocation.live_assessments, key=lambda assessment: assessment.status != Assessment.Status.DRAFT)
        allocation.current = live[0] if live else None
    return allocations


def allocation_for_assessor_or_404(user, pk: int):
    return get_object_or_404(
        Allocation.objects.filter(assessor=user).select_related("application__round", "application__organisation"), pk=pk
    )


def assessment_current(allocation: Allocation) -> Assessment | None:
    """The version of the allocation's scores being drafted or last sent, with its scores and their criteria."""
    return (
        allocation.assessments.exclude(status=Assessment.Status.SUPERSEDED)
        .prefetch_related(Prefetch("scores", Score.objects.select_related("criterion")))
        .order_by("-version")
        .first()
    )


def scores_import_for_assessor_or_404(user, pk: int) -> ScoresImport:
    """An uploaded scoring sheet is its assessor's own: to anyone else it is not found."""
    return get_object_or_404(ScoresImport.objects.filter(assessor=user), pk=pk)


def _counted(queryset) -> Coalesce:
    """How many rows `queryset` (correlated by OuterRef) has, as a subquery: COUNT without a GROUP BY."""
    return Coalesce(Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")), 0)


def applications_for_screening(round_: Round, *, status: str = "") -> QuerySet[Application]:
    applications = round_.applications.exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
    if status:
        applications = applications.filter(status=status)
    return (
        applications.without_answers()
        .select_related("organisation", "eligibility_check", "screening")
        .annotate(document_count=_counted(ApplicationDocument.objects.filter(application=OuterRef("pk"))))
        .order_by("reference", "pk")
    )


def applications_with_possible_assessors(round_: Round, panel) -> QuerySet[Application]:
    """The round's scoreable applications, each with `given`, how many assessors it has been given, and `possible`,
    how many could score it: those given it and the panel's members, less anyone who declared a conflict with it
    (given it or not). Counted in the database, so that figures for the whole round cost one query."""
    panel_ids = [assessor.pk for assessor in panel]
    given = Allocation.objects.filter(application=OuterRef("pk"))
    given_from_outside_panel = given.exclude(assessor__in=panel_ids)
    conflicts_among_possible = ConflictDeclaration.objects.conflicts().filter(application=OuterRef("pk")).filter(
        Q(assessor__in=panel_ids)
        | Exists(Allocation.objects.filter(application=OuterRef("application"), assessor=OuterRef("assessor")))
    )
    return round_.applications.scoreable().annotate(
        given=_counted(given),
        possible=Value(len(panel_ids)) + _counted(given_from_outside_panel) - _counted(conflicts_among_possible),
    )


def assessor_shortfalls(round_: Round, panel) -> QuerySet[Application]:
    """The round's applications that cannot get its number of assessors from the panel as it stands, each with
    `possible`."""
    return (
        applications_with_possible_assessors(round_, panel)
        .filter(possible__lt=round_.assessors_per_application)
        .without_answers()
        .select_related("organisation")
        .order_by("reference", "pk")
    )


class AllocationsShown(models.TextChoices):
    """Which of a round's applications the allocation page lists."""

    ALL = "", "All eligible applications"
    NEEDING_ASSESSORS = "needing", "Still needing assessors"
    TOO_FEW_POSSIBLE = "short", "Too few possible assessors"


def round_allocations(round_: Round, panel, *, shown: str = AllocationsShown.ALL) -> QuerySet[Application]:
    if shown == AllocationsShown.NEEDING_ASSESSORS:
        applications = applications_with_possible_assessors(round_, panel).filter(
            given__lt=round_.assessors_per_application
        )
    elif shown == AllocationsShown.TOO_FEW_POSSIBLE:
        applications = assessor_shortfalls(round_, panel)
    else:
        applications = round_.applications.scoreable()
    return (
        applications.without_answers()
        .select_related("organisation")
        .prefetch_related(
            Prefetch("allocations", queryset=Allocation.objects.select_related("assessor")),
            Prefetch("conflict_declarations", ConflictDeclaration.objects.conflicts().select_related("assessor"),
                     to_attr="conflicts"),
        )
        .order_by("reference", "pk")
    )


def conflict_register(round_: Round, *, conflicts_only: bool = False) -> QuerySet[ConflictDeclaration]:
    declarations = ConflictDeclaration.objects.filter(application__round=round_)
    if conflicts_only:
        declarations = declarations.conflicts()
    return declarations.select_related("application__organisation", "assessor").order_by(
        "-has_conflict", "-declared_at", "-pk"
    )


NOTHING_GIVEN: dict = {}
NOTHING_SCORED = (0, 0, None, None, None)


def criterion_scores_for(round_: Round, application_ids=None) -> dict[int, dict]:
    """Submitted scores summed per application and criterion, with moderated scores: two queries in all."""
    scores = Score.objects.filter(
        assessment__status=Assessment.Status.SUBMITTED, assessment__allocation__application__round=round_,
        score__isnull=False,
    )
    moderated = ModeratedScore.objects.filter(application__round=round_)
    if application_ids is not None:
        scores = scores.filter(assessment__allocation__application_id__in=application_ids)
        moderated = moderated.filter(application_id__in=application_ids)
    grouped = (
        scores.values("assessment__allocation__application_id", "criterion_id")
        .annotate(total=Sum("score"), count=Count("id"), lowest=Min("score"), highest=Max("score"))
        .order_by()
        .values_list("assessment__allocation__application_id", "criterion_id", "total", "count", "lowest", "highest")
    )
    # The ORM writes the query; running it on a plain cursor skips per-value converters, which cost more than the
    # query itself on a large round. Every column here is an integer on every database.
    sql, params = grouped.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        grouped_rows = cursor.fetchall()
    # application id -> criterion id -> (total, count, lowest, highest, moderated); tuples keep the collector idle.
    summary: dict[int, dict] = {}
    for application_id, criterion_id, total, count, lowest, highest in grouped_rows:
        summary.setdefault(application_id, {})[criterion_id] = (total, count, lowest, highest, None)
    for application_id, criterion_id, score in moderated.values_list("application_id", "criterion_id", "score"):
        given = summary.setdefault(application_id, {})
        total, count, lowest, highest, _ = given.get(criterion_id, NOTHING_SCORED)
        given[criterion_id] = (total, count, lowest, highest, score)
    return summary


def criterion_scores_of(criteria, given: dict) -> list[CriterionScores]:
    """One application's summary rows (from criterion_scores_for) as the scoring module's values, in criterion order.

    `criteria` may be Criterion objects or, for speed over a whole round, (id, weight) pairs.
    """
    result = []
    for criterion_id, weight in [(c.pk, c.weight) if hasattr(c, "pk") else c for c in criteria]:
        total, count, lowest, highest, moderated = given.get(criterion_id, NOTHING_SCORED)
        result.append(CriterionScores(
            criterion_id=criterion_id, weight=weight, total=total, count=count, lowest=lowest, highest=highest,
            moderated=moderated,
        ))
    return result


@dataclass(slots=True)
class RankedApplication:
    """Just what the ranking shows of an application: loading whole rows for thousands of them is too slow."""

    pk: int
    reference: str
    title: str
    status: str
    organisation_name: str
    borough_codes: frozenset

    @property
    def status_label(self) -> str:
        return Application.Status(self.status).label


RANKED_STATUSES = [
    Application.Status.ELIGIBLE, Application.Status.SCORED, Application.Status.AWARDED, Application.Status.NOT_FUNDED
]


def ranking_for(round_: Round):
    """The whole round ranked, with the funding line drawn at the ringfence, in a fixed number of queries."""
    criteria = list(round_.criteria.order_by("position", "id"))
    rows = list(
        round_.applications.filter(status__in=RANKED_STATUSES).values_list(
            "pk", "reference", "title", "status", "amount_requested", "submitted_at", "organisation__name"
        )
    )
    boroughs: dict[int, set] = {}
    for application_id, gss_code in Application.boroughs.through.objects.filter(
        application__round=round_, application__status__in=RANKED_STATUSES
    ).values_list("application_id", "borough_id"):
        boroughs.setdefault(application_id, set()).add(gss_code)
    summary = criterion_scores_for(round_)
    weights = [(criterion.pk, criterion.weight) for criterion in criteria]
    scale, needed, threshold = round_.score_scale_max, round_.assessors_per_application, round_.moderation_threshold
    entries = []
    for pk, reference, title, status, amount, submitted_at, organisation_name in rows:
        per_criterion = criterion_scores_of(weights, summary.get(pk, NOTHING_GIVEN))
        assessments = max((scores.count for scores in per_criterion), default=0)
        entry = Ranked(
            application_id=pk,
            amount_requested=amount or 0,
            submitted_order=submitted_at.timestamp() if submitted_at else 0,
            criteria=per_criterion,
            total=weighted_total(per_criterion, scale),
            assessments=assessments,
        )
        if assessments < needed:
            entry.flags.append(f"{assessments} of {needed} scores in")
        moderation = [c for c, s in zip(criteria, per_criterion) if s.needs_moderation(threshold)]
        if moderation:
            entry.flags.append("Needs moderation: " + ", ".join(str(c) for c in moderation))
        entry.application = RankedApplication(
            pk=pk, reference=reference, title=title, status=status, organisation_name=organisation_name,
            borough_codes=frozenset(boroughs.get(pk, ())),
        )
        entries.append(entry)
    heaviest = max(criteria, key=lambda criterion: criterion.weight, default=None)
    ranked = rank(entries, tie_break=round_.tie_break, heaviest_criterion_id=heaviest.pk if heaviest else None,
                  budget=round_.budget)
    return criteria, ranked


def ranking_narrowed(ranked: list[Ranked], *, borough: str = "", status: str = "") -> list[Ranked]:
    """The ranking as its filters narrow it, on the page and in its download alike. The rank and the running total
    stay those of the whole round: narrowing the view does not move the funding line."""
    return [
        entry for entry in ranked
        if (not borough or borough in entry.application.borough_codes)
        and (not status or entry.application.status == status)
    ]


def assessments_for_moderation(application: Application) -> dict:
    """Each assessor's submitted scores for the application: assessor -> {criterion id: Score}."""
    sheets: dict = {}
    for score in Score.objects.filter(
        assessment__allocation__application=application, assessment__status=Assessment.Status.SUBMITTED
    ).select_related("assessment__allocation__assessor"):
        sheets.setdefault(score.assessment.allocation.assessor, {})[score.criterion_id] = score
    return sheets
