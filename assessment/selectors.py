"""Reads for screening, allocation, conflicts, scoring, moderation and the ranking, shaped for the pages that show them."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Case, Count, F, Max, Min, Prefetch, QuerySet, Sum, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.db.models.functions import Round as Rounded
from django.db.models.expressions import RowRange
from django.core.paginator import Page, Paginator
from django.shortcuts import get_object_or_404

from applications.models import Application, Round
from assessment.models import (
    Allocation,
    Assessment,
    ConflictDeclaration,
    Interests,
    ModeratedScore,
    Score,
    ScoresImport,
)
from assessment.scoring import ONE_PLACE, CriterionScores, Ranked, ranking_flags


def allocations_for_assessor(user) -> list:
    """The assessor's dashboard: each allocation with its declaration and current assessment, in four queries."""
    allocations = list(
        Allocation.objects.filter(assessor=user)
        .select_related("application__round", "application__organisation")
        .order_by("application__round__closes_at", "application__reference")
    )
    declarations = {
        declaration.application_id: declaration
        for declaration in ConflictDeclaration.objects.filter(assessor=user)
    }
    assessments = {}
    for assessment in Assessment.objects.filter(allocation__assessor=user).exclude(status=Assessment.Status.SUPERSEDED):
        # A draft of a new version is what the assessor is working on; show it over the submitted one.
        if assessment.allocation_id not in assessments or assessment.status == Assessment.Status.DRAFT:
            assessments[assessment.allocation_id] = assessment
    for allocation in allocations:
        allocation.interests = Interests.of(declarations.get(allocation.application_id))
        allocation.current = assessments.get(allocation.pk)
    return allocations


def allocation_for_assessor_or_404(user, pk: int):
    return get_object_or_404(
        Allocation.objects.filter(assessor=user).select_related("application__round", "application__organisation"), pk=pk
    )


def scores_import_for_assessor_or_404(user, pk: int) -> ScoresImport:
    """An uploaded scoring sheet is its assessor's own: to anyone else it is not found."""
    return get_object_or_404(ScoresImport.objects.filter(assessor=user), pk=pk)


def applications_for_screening(round_: Round) -> QuerySet[Application]:
    return (
        round_.applications.exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
        .select_related("organisation", "eligibility_check", "screening")
        .prefetch_related("documents")
        .order_by("reference")
    )


def round_allocations(round_: Round) -> QuerySet[Application]:
    return (
        round_.applications.scoreable()
        .select_related("organisation")
        .prefetch_related(
            Prefetch("allocations", queryset=Allocation.objects.select_related("assessor")),
            Prefetch("conflict_declarations", ConflictDeclaration.objects.conflicts().select_related("assessor"),
                     to_attr="conflicts"),
        )
        .order_by("reference")
    )


@dataclass(frozen=True)
class Shortfall:
    """An application that cannot get the round's number of assessors from its panel as it stands."""

    application: Application
    possible: int
    needed: int


def assessor_shortfalls(round_: Round, applications, panel) -> list[Shortfall]:
    """Which applications have too few possible assessors: those already given it and the panel's members, less
    anyone who declared a conflict with it (given it or not). Reads what round_allocations() prefetched, so it adds
    no query."""
    panel_ids = {assessor.pk for assessor in panel}
    shortfalls = []
    for application in applications:
        allocated = {allocation.assessor_id for allocation in application.allocations.all()}
        conflicted = {declaration.assessor_id for declaration in application.conflicts}
        possible = len((allocated | panel_ids) - conflicted)
        if possible < round_.assessors_per_application:
            shortfalls.append(Shortfall(application, possible, round_.assessors_per_application))
    return shortfalls


def conflict_register(round_: Round):
    return (
        ConflictDeclaration.objects.filter(application__round=round_)
        .select_related("application__organisation", "assessor")
        .order_by("-has_conflict", "-declared_at")
    )


NOTHING_GIVEN: dict = {}
NOTHING_SCORED = (0, 0, None, None, None)


def criterion_scores_for(round_: Round, application_ids=None) -> dict[int, dict]:
    """Submitted scores summed per application and criterion, with moderated scores: two queries in all."""
    if application_ids is not None and not application_ids:
        return {}
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

    @property
    def status_label(self) -> str:
        return Application.Status(self.status).label


RANKED_STATUSES = [
    Application.Status.ELIGIBLE, Application.Status.SCORED, Application.Status.AWARDED, Application.Status.NOT_FUNDED
]

# Each tie-break rule as the database orders by it, and whether higher ranks first; a missing amount or score counts
# as nought, as in `assessment.scoring.rank`.
TIE_BREAKS = {
    Round.TieBreak.SMALLER_REQUEST: (Coalesce("amount_requested", Value(Decimal(0))), False),
    Round.TieBreak.EARLIER_SUBMISSION: (F("submitted_at"), False),
    Round.TieBreak.HEAVIEST_CRITERION: (Coalesce("score_summary__heaviest_used", Value(Decimal(0))), True),
}

@dataclass(frozen=True)
class RankingFigures:
    """The whole round's ranking in a few numbers, whatever the filters show."""

    ranked: int
    unranked: int
    within: int  # how many ranked applications fit within the ringfence
    requested_within: Decimal  # what those ask for in all
    matched: int  # how many applications the filters show


class Ranking:
    """The round ranked by the database: total highest first, the round's tie-break, then the oldest application;
    applications without a complete total last, unranked. Rank and running total are the whole round's, worked out
    before any filter, so narrowing the view does not move the funding line.

    Read a page at a time (`page`), or whole (iterating, for the download and the decisions). Each read ranks the
    round once, in one query that also gives the round's figures; the entries' per-criterion scores are read only
    for the rows read, and only with `scores`.
    """

    def __init__(self, round_: Round, *, borough: str = "", status: str = "", scores: bool = True):
        self.round, self.budget, self.scores = round_, Decimal(round_.budget), scores
        self.criteria = list(round_.criteria.order_by("position", "id"))
        key, higher_first = TIE_BREAKS[round_.tie_break]
        # Unranked applications tie on everything but their id, as they do in `rank`.
        tie = Case(When(score_summary__total__isnull=False, then=key), default=None)
        ordering = [
            F("score_summary__total").desc(nulls_last=True),
            tie.desc(nulls_last=True) if higher_first else tie.asc(nulls_first=True),
            F("pk").asc(),
        ]
        whole_round = (
            Application.objects.filter(round=round_, status__in=RANKED_STATUSES)
            .annotate(
                place=Window(RowNumber(), order_by=ordering),
                # In pence, whole numbers on every database, so the funding line is drawn exactly.
                running_pence=Window(Sum(Rounded(Coalesce("amount_requested", Value(Decimal(0))) * 100)),
                                     order_by=ordering, frame=RowRange(start=None, end=0)),
            )
            .values_list("pk", "status", "score_summary__total", "place", "running_pence")
            .order_by()
        )
        self._sql, self._params = whole_round.query.sql_with_params()
        conditions, self._filter_params = [], []
        if status:
            conditions.append("ranked.status = %s")
            self._filter_params.append(status)
        if borough:
            in_borough, in_borough_params = (
                Application.boroughs.through.objects.filter(borough_id=borough).values("application_id")
                .query.sql_with_params()
            )
            conditions.append(f"ranked.id IN ({in_borough})")
            self._filter_params.extend(in_borough_params)
        self._where = " AND ".join(conditions) or "1 = 1"
        self.figures: RankingFigures | None = None  # the round's, as the last read found them

    def _read(self, *, offset: int = 0, limit: int | None = None) -> tuple[RankingFigures, list[tuple]]:
        """The round's figures and the rows the filters show from `offset`, in one query. The ORM writes the ranking
        (a window over the whole round); a plain cursor runs it wrapped, as the ORM filters only before a window."""
        budget_pence = int(self.budget * 100)
        page = "" if limit is None else f" LIMIT {limit:d} OFFSET {offset:d}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH ranked (id, status, total, place, running_pence) AS MATERIALIZED ({self._sql}), "
                "figures AS (SELECT COUNT(ranked.total) AS ranked_count, COUNT(*) - COUNT(ranked.total) AS unranked, "
                "SUM(CASE WHEN ranked.total IS NOT NULL AND ranked.running_pence <= %s THEN 1 ELSE 0 END) AS within, "
                "MAX(CASE WHEN ranked.total IS NOT NULL AND ranked.running_pence <= %s "
                "THEN ranked.running_pence END) AS requested, "
                f"SUM(CASE WHEN {self._where} THEN 1 ELSE 0 END) AS matched FROM ranked), "
                f"shown AS (SELECT * FROM ranked WHERE {self._where} ORDER BY ranked.place{page}) "
                "SELECT figures.*, shown.id, shown.total, shown.place, shown.running_pence "
                "FROM figures LEFT JOIN shown ON 1 = 1 ORDER BY shown.place",
                [*self._params, budget_pence, budget_pence, *self._filter_params, *self._filter_params],
            )
            rows = cursor.fetchall()
        ranked, unranked, within, requested_pence, matched = rows[0][:5]
        figures = RankingFigures(ranked=ranked, unranked=unranked, within=within or 0, matched=matched or 0,
                                 requested_within=_pounds(requested_pence or 0))
        return figures, [row[5:] for row in rows if row[5] is not None]

    def page(self, number, per_page: int) -> Page:
        """One page of the ranking as the pagination component shows it; a page past the end shows the last."""
        try:
            asked = max(int(number), 1)
        except (TypeError, ValueError):
            asked = 1
        self.figures, rows = self._read(offset=(asked - 1) * per_page, limit=per_page)
        paginator = Paginator(range(self.figures.matched), per_page)
        number = paginator.get_page(asked).number
        if number != asked:
            self.figures, rows = self._read(offset=(number - 1) * per_page, limit=per_page)
        return Page(self._entries(rows, whole=False), number, paginator)

    def __iter__(self):
        self.figures, rows = self._read()
        return iter(self._entries(rows, whole=True))

    def _entries(self, rows: list[tuple], *, whole: bool) -> list[Ranked]:
        if not rows:
            return []
        shown = (
            Application.objects.filter(round=self.round, status__in=RANKED_STATUSES) if whole
            else Application.objects.filter(pk__in=[row[0] for row in rows])
        ).order_by()
        details = {
            pk: rest for pk, *rest in shown.values_list(
                "pk", "reference", "title", "status", "amount_requested", "organisation__name",
                "score_summary__assessments", "score_summary__moderation",
            )
        }
        given = {}
        if self.scores:
            # A whole round is read in two queries however large; a page reads its own rows only.
            given = criterion_scores_for(self.round, application_ids=None if whole else list(details))
        names = {criterion.pk: str(criterion) for criterion in self.criteria}
        needed = self.round.assessors_per_application
        entries = []
        for pk, total, place, running_pence in rows:
            reference, title, status, amount, organisation_name, assessments, moderation = details[pk]
            ranked = total is not None
            running_total = _pounds(running_pence) if ranked else None
            entries.append(Ranked(
                application_id=pk,
                amount_requested=amount or Decimal(0),
                submitted_order=0,
                criteria=criterion_scores_of(self.criteria, given.get(pk, NOTHING_GIVEN)) if self.scores else [],
                total=Decimal(str(total)).quantize(ONE_PLACE) if ranked else None,
                assessments=assessments or 0,
                flags=ranking_flags(assessments=assessments or 0, needed=needed,
                                    moderation_names=[names[c] for c in moderation or [] if c in names]),
                rank=place if ranked else None,
                running_total=running_total,
                within_ringfence=ranked and running_total <= self.budget,
                application=RankedApplication(pk=pk, reference=reference, title=title, status=status,
                                              organisation_name=organisation_name),
            ))
        return entries


def _pounds(pence) -> Decimal:
    return (Decimal(int(pence)) / 100).quantize(Decimal("0.01"))


def ranking_for(round_: Round, *, borough: str = "", status: str = "", scores: bool = True) -> Ranking:
    """The round ranked by the database, narrowed by the ranking page's filters."""
    return Ranking(round_, borough=borough, status=status, scores=scores)


def assessments_for_moderation(application: Application) -> dict:
    """Each assessor's submitted scores for the application: assessor -> {criterion id: Score}."""
    sheets: dict = {}
    for score in Score.objects.filter(
        assessment__allocation__application=application, assessment__status=Assessment.Status.SUBMITTED
    ).select_related("assessment__allocation__assessor"):
        sheets.setdefault(score.assessment.allocation.assessor, {})[score.criterion_id] = score
    return sheets
