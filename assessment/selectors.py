"""Reads for screening, allocation, conflicts, scoring, moderation and the ranking, shaped for the pages that show them."""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RowRange
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.db.models.functions import Round as Rounded
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
    ScoreSummary,
)
from assessment.scoring import ONE_PLACE, CriterionScores, Ranked, ranking_flags


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
UNRANKED_STATUSES = [status for status in Application.Status if status not in RANKED_STATUSES]


@dataclass(frozen=True)
class RankingFigures:
    """The whole round's ranking in a few numbers, whatever the filters show."""

    ranked: int
    unranked: int
    within: int  # how many ranked applications the running total counts fit within the ringfence
    requested_within: Decimal  # what those ask for in all
    matched_ranked: int  # how many of each the filters show
    matched_unranked: int

    @property
    def matched(self) -> int:
        return self.matched_ranked + self.matched_unranked


# The rank order, as the stored summaries' index holds it: total highest first, then the round's tie-break (its key
# worked out when the scores were stored), then the oldest application.
RANK_ORDER = [F("total").desc(), F("tie_key").asc(), F("application_id").asc()]
AMOUNT_PENCE = Rounded(Coalesce("application__amount_requested", Value(Decimal(0))) * 100)


class Ranking:
    """The round ranked by the database from the stored score summaries; applications without a complete total come
    last, unranked, oldest first. Rank and running total are the whole round's, worked out before any filter, so
    narrowing the view does not move the funding line. The running total counts only applications whose ranking is
    final, with every score in and nothing to moderate: the others keep their place but have none, as their total
    may still move, and the decisions leave them out of the money too.

    Read a page at a time (`page`), or whole (iterating, for the download and the decisions). The rank order is read
    from an index, in order, so a page stops after its own rows however large the round. The entries' per-criterion
    scores are read only for the rows read, and only with `scores`.
    """

    def __init__(self, round_: Round, *, borough: str = "", status: str = "", scores: bool = True):
        self.round, self.budget, self.scores = round_, Decimal(round_.budget), scores
        self.criteria = list(round_.criteria.order_by("position", "id"))
        self.filtered = bool(borough or status)
        shown = Q()
        if status:
            shown &= Q(application__status=status)
        if borough:
            shown &= Q(Exists(Application.boroughs.through.objects.filter(
                application_id=OuterRef("application_id"), borough_id=borough,
            )))
        self._ranked_all = ScoreSummary.objects.filter(
            round=round_, total__isnull=False, application__status__in=RANKED_STATUSES
        )
        self._ranked_shown = self._ranked_all.filter(shown)
        # Counted in the running total: every score in and nothing to moderate, so `ranking_flags` has no flag for it.
        counted = Q(assessments__gte=round_.assessors_per_application, moderation=[])
        self._counted = self._ranked_all.filter(counted)
        counted_pence = Case(When(counted, then=AMOUNT_PENCE), default=Value(Decimal(0)))
        up_to_here = {"order_by": RANK_ORDER, "frame": RowRange(start=None, end=0)}
        # Each ranked application with its place and the running total of the amounts asked for by the counted ones
        # up to it, in pence so that the funding line is drawn in whole numbers on every database, and how many
        # counted ones that is; whether the filters show it is a column, as filtering before the window would move
        # the places.
        self._ranked = (
            self._ranked_all.annotate(
                place=Window(RowNumber(), order_by=RANK_ORDER),
                amount_pence=AMOUNT_PENCE,
                counted=ExpressionWrapper(counted, output_field=BooleanField()),
                running_pence=Window(Sum(counted_pence), **up_to_here),
                counted_place=Window(Sum(Case(When(counted, then=Value(1)), default=Value(0))), **up_to_here),
                shown=ExpressionWrapper(shown, output_field=BooleanField()) if shown else Value(True),
            )
            .order_by(*RANK_ORDER)
        )
        unranked = Application.objects.filter(round=round_, status__in=RANKED_STATUSES).filter(
            Q(score_summary__isnull=True) | Q(score_summary__total__isnull=True)
        )
        self._unranked_shown = unranked.filter(
            **({"status": status} if status else {}), **({"boroughs": borough} if borough else {})
        )
        self.figures: RankingFigures | None = None  # the round's, as the last read found them

    def _rows(self, sql: str, params) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _ranked_sql(self) -> tuple[str, list]:
        """The ranked applications the filters show, in rank order: (id, total, place, running pence, empty for one
        not counted). Read in the window's own order, never sorted again (an outer ORDER BY would make SQLite rank the
        whole round before the first row), so a LIMIT stops the reading early; the filter is a column, so nothing
        joined can reorder it."""
        sql, params = self._ranked.values_list(
            "application_id", "total", "place", "running_pence", "counted", "shown"
        ).query.sql_with_params()
        shown_sql = (f"WITH ranked (id, total, place, running_pence, counted, shown) AS NOT MATERIALIZED ({sql}) "
                     "SELECT id, total, place, CASE WHEN counted THEN running_pence END FROM ranked WHERE shown")
        return shown_sql, list(params)

    def _read_figures(self) -> RankingFigures:
        """The round's figures in one query: counts, and where the running total first passes the ringfence."""
        ranked_sql, ranked_params = self._ranked.values_list(
            "counted_place", "running_pence", "amount_pence", "counted"
        ).query.sql_with_params()
        budget_pence = int(self.budget * 100)

        def first_over(column: str) -> tuple[str, list]:
            # Read in rank order until the running total passes the ringfence, not further.
            sql = (f"(WITH ranked (counted_place, running_pence, amount_pence, counted) AS NOT MATERIALIZED "
                   f"({ranked_sql}) SELECT {column} FROM ranked WHERE counted AND running_pence > %s LIMIT 1)")
            return sql, [*ranked_params, budget_pence]

        def count(queryset) -> tuple[str, list]:
            sql, params = queryset.values("pk").order_by().query.sql_with_params()
            return f"(SELECT COUNT(*) FROM ({sql}) AS counted)", list(params)

        # Counted from indexes rather than by joining each summary to its application, which grew with the round:
        # the summaries with a total, less those of applications no longer in a ranked stage (a few at most); the
        # unranked are the rest of the applications in a ranked stage.
        with_total, with_total_params = count(ScoreSummary.objects.filter(round=self.round, total__isnull=False))
        set_aside, set_aside_params = count(Application.objects.filter(
            round=self.round, status__in=UNRANKED_STATUSES, score_summary__total__isnull=False
        ))
        in_ranked_stages, in_ranked_stages_params = count(
            Application.objects.filter(round=self.round, status__in=RANKED_STATUSES)
        )
        ranked_count, ranked_params_ = f"({with_total} - {set_aside})", [*with_total_params, *set_aside_params]
        unranked_count = (f"({in_ranked_stages} - {ranked_count})", [*in_ranked_stages_params, *ranked_params_])
        total_sql, total_params = self._counted.annotate(amount_pence=AMOUNT_PENCE).values("amount_pence").order_by(
        ).query.sql_with_params()
        counted_count, counted_params = count(self._counted)
        over_place, over_place_params = first_over("counted_place")
        over_requested, over_requested_params = first_over("running_pence - amount_pence")
        parts = [
            (ranked_count, ranked_params_), unranked_count,
            # When nothing passes the ringfence, every counted application fits: COALESCE reads the rest only then.
            (f"COALESCE({over_place} - 1, {counted_count})", [*over_place_params, *counted_params]),
            (f"COALESCE({over_requested}, (SELECT SUM(amount_pence) FROM ({total_sql}) AS amounts))",
             [*over_requested_params, *total_params]),
        ]
        if self.filtered:
            parts += [count(self._ranked_shown), count(self._unranked_shown)]
        figures = self._rows(
            "SELECT " + ", ".join(sql for sql, _ in parts), [param for _, params in parts for param in params]
        )[0]
        # Unfiltered, the filters show the whole round: it is not counted twice.
        ranked, unranked, within, requested_pence, matched_ranked, matched_unranked = (
            figures if self.filtered else (*figures, figures[0], figures[1])
        )
        return RankingFigures(ranked=ranked, unranked=unranked, within=within,
                              requested_within=_pounds(requested_pence or 0),
                              matched_ranked=matched_ranked, matched_unranked=matched_unranked)

    def _read(self, *, offset: int = 0, limit: int | None = None) -> list[tuple]:
        """The rows the filters show from `offset`, in one query: the ranked ones in rank order (id, total, place,
        running pence), then the unranked ones, oldest first."""
        ranked_sql, params = self._ranked_sql()
        sql = f"SELECT * FROM ({ranked_sql}{'' if limit is None else f' LIMIT {limit:d} OFFSET {offset:d}'}) AS ranked_rows"
        shown_ranked = self.figures.matched_ranked
        if limit is None or offset + limit > shown_ranked:
            start = max(offset - shown_ranked, 0)
            unranked = self._unranked_shown.order_by("pk").annotate(
                # Typed, as a union needs its columns to agree on every database.
                total=Cast(Value(None), DecimalField(max_digits=4, decimal_places=1)), place=Cast(Value(None), BigIntegerField()),
                running_pence=Cast(Value(None), DecimalField(max_digits=20, decimal_places=0)),
            ).values_list("pk", "total", "place", "running_pence")
            unranked = unranked[start:] if limit is None else unranked[start:offset + limit - shown_ranked]
            unranked_sql, unranked_params = unranked.query.sql_with_params()
            sql += f" UNION ALL SELECT * FROM ({unranked_sql}) AS unranked_rows"
            params = [*params, *unranked_params]
        details_sql, details_params = Application.objects.filter(round=self.round).values_list(
            "pk", "reference", "title", "status", "amount_requested", "organisation__name",
            "score_summary__assessments", "score_summary__moderation",
        ).order_by().query.sql_with_params()
        rows = self._rows(
            f"WITH shown (id, total, place, running_pence) AS NOT MATERIALIZED ({sql}), "
            "details (id, reference, title, status, amount_requested, organisation_name, assessments, moderation) "
            f"AS NOT MATERIALIZED ({details_sql}) "
            "SELECT shown.id, shown.total, shown.place, shown.running_pence, details.reference, details.title, "
            "details.status, details.amount_requested, details.organisation_name, details.assessments, "
            "details.moderation FROM shown INNER JOIN details ON details.id = shown.id",
            [*params, *details_params],
        )
        # The join may return them in any order: the ranked first by place, then the unranked oldest first.
        return sorted(rows, key=lambda row: (row[2] is None, row[2] or 0, row[0]))

    def page(self, number, per_page: int) -> Page:
        """One page of the ranking as the pagination component shows it; a page past the end shows the last."""
        self.figures = self._read_figures()
        paginator = Paginator(range(self.figures.matched), per_page)
        page = paginator.get_page(number)
        return Page(self._entries(self._read(offset=(page.number - 1) * per_page, limit=per_page), whole=False),
                    page.number, paginator)

    def __iter__(self):
        self.figures = self._read_figures()
        return iter(self._entries(self._read(), whole=True))

    def _entries(self, rows: list[tuple], *, whole: bool) -> list[Ranked]:
        given = {}
        if self.scores and rows:
            # A whole round is read in two queries however large; a page reads its own rows only.
            given = criterion_scores_for(self.round, application_ids=None if whole else [row[0] for row in rows])
        names = {criterion.pk: str(criterion) for criterion in self.criteria}
        needed = self.round.assessors_per_application
        entries = []
        # Read with a plain cursor, so each value comes as the database gives it: converted here.
        for (pk, total, place, running_pence, reference, title, status, amount, organisation_name, assessments,
             moderation) in rows:
            ranked = total is not None
            running_total = _pounds(running_pence) if running_pence is not None else None
            moderation = json.loads(moderation) if isinstance(moderation, str) else moderation or []
            entries.append(Ranked(
                application_id=pk,
                amount_requested=Decimal(str(amount)).quantize(PENNIES) if amount is not None else Decimal(0),
                submitted_order=0,
                criteria=criterion_scores_of(self.criteria, given.get(pk, NOTHING_GIVEN)) if self.scores else [],
                total=Decimal(str(total)).quantize(ONE_PLACE) if ranked else None,
                assessments=assessments or 0,
                flags=ranking_flags(assessments=assessments or 0, needed=needed,
                                    moderation_names=[names[c] for c in moderation if c in names]),
                rank=place if ranked else None,
                running_total=running_total,
                within_ringfence=running_total is not None and running_total <= self.budget,
                application=RankedApplication(pk=pk, reference=reference, title=title, status=status,
                                              organisation_name=organisation_name),
            ))
        return entries


PENNIES = Decimal("0.01")


def _pounds(pence) -> Decimal:
    return (Decimal(int(pence)) / 100).quantize(PENNIES)


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


def round_assessment_unfinished(round_: Round, status: str) -> list[str]:
    """What stops a round being decided on assessment's side: sent applications not screened yet, and eligible ones
    still waiting for their scores."""
    if status != Round.Status.DECIDED:
        return []
    waiting = round_.applications.aggregate(
        unscreened=Count("pk", filter=Q(status=Application.Status.SUBMITTED)),
        unscored=Count("pk", filter=Q(status=Application.Status.ELIGIBLE)),
    )
    return [sentence.format(count) for sentence, count in (
        ("Sent applications still to be screened: {}.", waiting["unscreened"]),
        ("Eligible applications still waiting for their scores: {}.", waiting["unscored"]),
    ) if count]
