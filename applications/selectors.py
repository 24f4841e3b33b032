"""Reads of rounds, organisations and applications, shaped for the pages that show them."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from applications.models import (
    AdjustmentRequest,
    Allocation,
    Application,
    ApplicationSection,
    Assessment,
    ConflictDeclaration,
    DeadlineExtension,
    Invitation,
    Membership,
    ModeratedScore,
    Organisation,
    Round,
    Score,
)
from applications.scoring import CriterionScores, Ranked, rank, weighted_total


def _open_at(moment: datetime) -> Q:
    """`round_open_for` without an organisation, as a query."""
    return Q(status=Round.Status.OPEN, opens_at__lte=moment, closes_at__gt=moment)


def round_current() -> Round | None:
    """The round applicants should hear about: the open one, else the next to open, else the latest."""
    now = timezone.now()
    published = Round.objects.exclude(status=Round.Status.DRAFT)
    return (
        published.filter(_open_at(now)).order_by("closes_at").first()
        or published.filter(opens_at__gt=now).order_by("opens_at").first()
        or published.order_by("-closes_at").first()
    )


def rounds_open() -> QuerySet[Round]:
    now = timezone.now()
    return Round.objects.filter(_open_at(now)).order_by("closes_at")


def organisations_of(user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user)


def organisation_for_member_or_404(user, pk: int) -> Organisation:
    return get_object_or_404(organisations_of(user), pk=pk)


def membership_of(user, organisation: Organisation) -> Membership | None:
    return Membership.objects.filter(user=user, organisation=organisation).first()


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__full_name")


def invitations_pending(organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


def applications_of(user) -> QuerySet[Application]:
    return (
        Application.objects.filter(organisation__memberships__user=user)
        .select_related("round", "organisation")
        .order_by("-created_at")
    )


def application_for_member_or_404(user, pk: int) -> Application:
    """Another organisation's application is not found, never forbidden: its existence is not revealed."""
    return get_object_or_404(applications_of(user), pk=pk)


def application_for_review(pk: int) -> Application:
    """For the funder's staff: a draft is the applicant's own work in progress, so it is not found until sent."""
    return get_object_or_404(
        Application.objects.exclude(status=Application.Status.DRAFT).select_related("round", "organisation", "eligibility_check"),
        pk=pk,
    )


def application_sections(application: Application) -> dict[str, ApplicationSection]:
    return {section.step: section for section in application.sections.select_related("saved_by")}


def application_with_answers(application: Application) -> Application:
    """The application with everything a summary, a PDF or an assessor needs, in a fixed number of queries."""
    return (
        Application.objects.select_related("round", "organisation", "submitted_by")
        .prefetch_related(
            "boroughs",
            "budget_lines",
            "documents",
            "media_answers",
            Prefetch("targets", queryset=application.targets.model.objects.select_related("indicator")),
        )
        .get(pk=application.pk)
    )


def deadline_for(round_: Round, organisation: Organisation) -> datetime:
    extension = DeadlineExtension.objects.filter(round=round_, organisation=organisation).first()
    return extension.closes_at if extension else round_.closes_at


def round_open_for(round_: Round, organisation: Organisation | None = None, moment: datetime | None = None) -> bool:
    """The deadline rule: a round takes applications from when it opens until its deadline, or until the later one a
    programme manager gave this organisation as a reasonable adjustment. Without an organisation, the round's own."""
    moment = moment or timezone.now()
    deadline = round_.closes_at if organisation is None else deadline_for(round_, organisation)
    return round_.is_open_at(moment) and moment < deadline


def live_application(round_: Round, organisation: Organisation) -> Application | None:
    return (
        Application.objects.filter(round=round_, organisation=organisation)
        .exclude(status=Application.Status.WITHDRAWN)
        .first()
    )


def round_applications(round_: Round) -> QuerySet[Application]:
    return (
        round_.applications.exclude(status=Application.Status.DRAFT)
        .select_related("organisation")
        .order_by("reference", "created_at")
    )


def round_extensions(round_: Round) -> QuerySet[DeadlineExtension]:
    return round_.extensions.select_related("organisation", "granted_by")


def adjustments_waiting(round_: Round) -> QuerySet[AdjustmentRequest]:
    return AdjustmentRequest.objects.filter(application__round=round_).select_related(
        "application__organisation", "requested_by"
    )


def alternative_format_agreed(application: Application) -> bool:
    return application.adjustments.filter(
        kind=AdjustmentRequest.Kind.ALTERNATIVE_FORMAT, status=AdjustmentRequest.Status.AGREED
    ).exists()


# Assessment --------------------------------------------------------------------------------------------------------


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
        allocation.declaration = declarations.get(allocation.application_id)
        allocation.current = assessments.get(allocation.pk)
    return allocations


def allocation_for_assessor_or_404(user, pk: int):
    return get_object_or_404(
        Allocation.objects.filter(assessor=user).select_related("application__round", "application__organisation"), pk=pk
    )


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
            Prefetch("conflict_declarations", queryset=ConflictDeclaration.objects.select_related("assessor")),
        )
        .order_by("reference")
    )


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


def assessments_for_moderation(application: Application) -> dict:
    """Each assessor's submitted scores for the application: assessor -> {criterion id: Score}."""
    sheets: dict = {}
    for score in Score.objects.filter(
        assessment__allocation__application=application, assessment__status=Assessment.Status.SUBMITTED
    ).select_related("assessment__allocation__assessor"):
        sheets.setdefault(score.assessment.allocation.assessor, {})[score.criterion_id] = score
    return sheets
