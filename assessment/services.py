"""Every change in assessment: screening, allocation, conflicts of interest, scoring and moderation.

Each function runs in one transaction and writes its audit event.
"""

from collections import Counter, defaultdict
from datetime import date
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_assessor
from applications.models import Application, Criterion, Round
from applications.querysets import SCOREABLE
from applications.selectors import panel_of
from applications.services import ApplicationError
from assessment import tasks
from assessment.audit import AuditAction
from assessment.notifications import (
    applicants_notify_screened,
    assessor_notify_overdue,
    assessors_notify_allocated,
)
from assessment.models import (
    Allocation,
    Assessment,
    ConflictDeclaration,
    Interests,
    ModeratedScore,
    Score,
    ScoreSummary,
    ScoresImport,
    ScreeningDecision,
)
from assessment.permissions import interests_in, interests_of, why_cannot_take
from assessment.scoring import heaviest_criterion, submitted_order, summarise, tie_key
from assessment.selectors import criterion_scores_for, criterion_scores_of
from assessment.spreadsheets import scores_read
from core.services import audit_record, audit_record_each
from core.spreadsheets import sheet_import_settle


# Screening ---------------------------------------------------------------------------------------------------------


def application_screen(*, application: Application, eligible: bool, reason: str, acting_user: User) -> Application:
    """Marks a sent application eligible or not, and tells the applicant. An ineligible applicant reads why, in plain
    English, on their application's page."""
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("round", "organisation").get(pk=application.pk)
        previous = application.transition_to(Application.Status.ELIGIBLE if eligible else Application.Status.INELIGIBLE)
        application.save(update_fields=["status", "updated_at"])
        ScreeningDecision.objects.create(application=application, eligible=eligible, reason=reason, decided_by=acting_user)
        audit_record(acting_user=acting_user, action=AuditAction.SCREENED, target=application,
                     from_state=previous, to_state=application.status, reason=reason)
        applicants_notify_screened(application)
        return application


# Allocation and conflicts ------------------------------------------------------------------------------------------


def allocation_add(*, application: Application, assessor: User, acting_user: User) -> Allocation:
    with transaction.atomic():
        if application.status not in SCOREABLE:
            raise ApplicationError(f"{application} is not ready to be scored: it must be screened as eligible first.")
        reason = why_cannot_take(assessor, application)
        if reason:
            raise ApplicationError(reason)
        try:
            with transaction.atomic():
                allocation = Allocation.objects.create(application=application, assessor=assessor, allocated_by=acting_user)
        except IntegrityError:
            raise ApplicationError(f"{application} is already with {assessor}.")
        audit_record(acting_user=acting_user, action=AuditAction.ALLOCATED, target=application,
                     data={"assessor": str(assessor), "assessor_id": assessor.pk})
        assessors_notify_allocated(Counter([assessor]))
        return allocation


def allocation_remove(*, allocation: Allocation, acting_user: User) -> None:
    """Takes an application back from an assessor, for example after a conflict. Submitted scores stay: refused."""
    with transaction.atomic():
        if allocation.assessments.exclude(status=Assessment.Status.DRAFT).exists():
            raise ApplicationError(f"{allocation.assessor} has already sent scores for {allocation.application}.")
        audit_record(acting_user=acting_user, action=AuditAction.ALLOCATION_REMOVED,
                     target=allocation.application,
                     data={"assessor": str(allocation.assessor), "assessor_id": allocation.assessor_id})
        allocation.delete()


def allocation_auto(*, round_: Round, acting_user: User) -> int:
    """Gives every eligible application the round's number of assessors, spreading the work evenly and never
    to someone who has declared a conflict with it. Returns how many allocations it made."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        panel = list(panel_of(round_).order_by("pk"))
        if not panel:
            raise ApplicationError("The round has no assessors on its panel yet.")
        load = {
            row["assessor"]: row["count"]
            for row in Allocation.objects.filter(application__round=round_).values("assessor").annotate(count=Count("id"))
        }
        applications = (
            round_.applications.scoreable()
            .prefetch_related(
                "allocations", Prefetch("conflict_declarations", ConflictDeclaration.objects.conflicts(), "conflicts")
            )
            .order_by("reference")
        )
        made = []
        for application in applications:
            allocated = {allocation.assessor_id for allocation in application.allocations.all()}
            conflicted = {declaration.assessor_id for declaration in application.conflicts}
            needed = round_.assessors_per_application - len(allocated)
            candidates = sorted(
                (assessor for assessor in panel if assessor.pk not in allocated | conflicted),
                key=lambda assessor: (load.get(assessor.pk, 0), assessor.pk),
            )
            for assessor in candidates[: max(needed, 0)]:
                made.append(Allocation(application=application, assessor=assessor, allocated_by=acting_user))
                load[assessor.pk] = load.get(assessor.pk, 0) + 1
        Allocation.objects.bulk_create(made)
        assessors_notify_allocated(Counter(allocation.assessor for allocation in made))
        audit_record(acting_user=acting_user, action=AuditAction.SHARED_OUT, target=round_,
                     data={"allocations": len(made)})
        return len(made)


def round_panel_add(*, round_: Round, assessor: User, acting_user: User) -> Round:
    """Adds an assessor to the round's panel, for example when conflicts leave an application too few to score it."""
    if not acting_user.has_perm("assessment.add_panel_member"):
        raise ApplicationError("Only a programme manager can add someone to a round's panel.")
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if not is_assessor(assessor):
            raise ApplicationError(f"{assessor} does not have an assessor's account, so cannot join the panel.")
        if round_.assessors.filter(pk=assessor.pk).exists():
            raise ApplicationError(f"{assessor} is already on the panel for {round_}.")
        round_.assessors.add(assessor)
        audit_record(acting_user=acting_user, action=AuditAction.PANEL_MEMBER_ADDED, target=round_,
                     data={"assessor": str(assessor), "assessor_id": assessor.pk})
        return round_


def round_panel_remove(*, round_: Round, assessor: User, acting_user: User) -> Round:
    """Takes an assessor off the round's panel, as long as none of its applications is theirs to score."""
    if not acting_user.has_perm("assessment.add_panel_member"):
        raise ApplicationError("Only a programme manager can change a round's panel.")
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if not round_.assessors.filter(pk=assessor.pk).exists():
            raise ApplicationError(f"{assessor} is not on the panel for {round_}: they may have been taken off "
                                   "since the page was opened.")
        if Allocation.objects.filter(application__round=round_, assessor=assessor).exists():
            raise ApplicationError(f"{assessor} has applications to score in {round_}: take them back first.")
        round_.assessors.remove(assessor)
        audit_record(acting_user=acting_user, action=AuditAction.PANEL_MEMBER_REMOVED, target=round_,
                     data={"assessor": str(assessor), "assessor_id": assessor.pk})
        return round_


def conflict_declare(*, allocation: Allocation, has_conflict: bool, nature: str, acting_user: User) -> ConflictDeclaration:
    if acting_user != allocation.assessor:
        raise ApplicationError("Only the assessor can declare their own interests.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                declaration = ConflictDeclaration.objects.create(
                    application=allocation.application, assessor=acting_user, has_conflict=has_conflict,
                    nature=nature if has_conflict else "",
                )
        except IntegrityError:
            raise ApplicationError("You have already declared your interests for this application.")
        audit_record(
            acting_user=acting_user, action=AuditAction.INTERESTS_DECLARED, target=allocation.application,
            to_state="conflict" if has_conflict else "no conflict", reason=nature if has_conflict else "",
        )
        return declaration


# Scoring -----------------------------------------------------------------------------------------------------------


def _current_draft(allocation: Allocation) -> Assessment:
    draft = allocation.assessments.filter(status=Assessment.Status.DRAFT).first()
    if draft:
        return draft
    if allocation.assessments.filter(status=Assessment.Status.SUBMITTED).exists():
        raise ApplicationError("You have sent your scores. To change them, start a new version.")
    return Assessment.objects.create(allocation=allocation, version=1)


def _check_can_score(allocation: Allocation, acting_user: User, interests: Interests) -> None:
    """`interests` is where the assessor stands with the application (`interests_of`), loaded by the caller so that a
    sheet of many applications loads them all at once."""
    if allocation.assessor_id != acting_user.pk:
        raise ApplicationError("Only the assessor it was given to can score this application.")
    if not interests.declared:
        raise ApplicationError("Declare whether you have a conflict of interest before you score.")
    if interests.conflicted:
        raise ApplicationError("You have declared a conflict of interest with this application, so you cannot score it.")
    if allocation.application.status not in SCOREABLE:
        raise ApplicationError("This application can no longer be scored.")


def assessment_save(
    *, allocation: Allocation, scores: dict[int, tuple[int | None, str]], acting_user: User, submit: bool
) -> Assessment:
    """Saves the assessor's draft scores (criterion id -> (score, justification)) and, if asked, submits them.

    Submitting needs every criterion scored with a justification. It replaces the assessor's earlier submitted
    version, which is kept, marked as superseded.
    """
    with transaction.atomic():
        allocation = Allocation.objects.select_for_update().select_related("application__round").get(pk=allocation.pk)
        _check_can_score(allocation, acting_user, interests_of(acting_user, allocation.application))
        assessment = _current_draft(allocation)
        criteria = {criterion.pk: criterion for criterion in allocation.application.round.criteria.all()}
        for criterion_id, (score, justification) in scores.items():
            if criterion_id not in criteria:
                raise ApplicationError("That criterion is not part of this round.")
            Score.objects.update_or_create(
                assessment=assessment, criterion_id=criterion_id,
                defaults={"score": score, "justification": justification.strip()},
            )
        if submit:
            _submit(assessment, criteria, acting_user)
        return assessment


def _submit(assessment: Assessment, criteria: dict[int, Criterion], acting_user: User) -> None:
    given = {score.criterion_id: score for score in assessment.scores.all()}
    missing = [
        str(criterion) for pk, criterion in criteria.items()
        if pk not in given or given[pk].score is None or not given[pk].justification
    ]
    if missing:
        raise ApplicationError(f"Give a score and a reason for every criterion before you send: {', '.join(missing)}.")
    allocation = assessment.allocation
    replaced = allocation.assessments.filter(status=Assessment.Status.SUBMITTED).first()
    if replaced:
        replaced.transition_to(Assessment.Status.SUPERSEDED)
        replaced.save(update_fields=["status"])
    previous = assessment.transition_to(Assessment.Status.SUBMITTED)
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_at"])
    audit_record(
        acting_user=acting_user, action=AuditAction.SCORES_SENT, target=allocation.application,
        from_state=previous, to_state=assessment.status, data={"version": assessment.version},
        reason=f"Replaces version {replaced.version}" if replaced else "",
    )
    score_summaries_refresh(application_ids=[allocation.application_id])
    _mark_scored_when_complete(allocation.application, acting_user)


def _mark_scored_when_complete(application: Application, acting_user: User) -> None:
    application = Application.objects.select_for_update().select_related("round").get(pk=application.pk)
    sent = Assessment.objects.filter(allocation__application=application, status=Assessment.Status.SUBMITTED).count()
    if application.status == Application.Status.ELIGIBLE and sent >= application.round.assessors_per_application:
        previous = application.transition_to(Application.Status.SCORED)
        application.save(update_fields=["status", "updated_at"])
        audit_record(acting_user=acting_user, action=AuditAction.ALL_SCORES_IN, target=application,
                     from_state=previous, to_state=application.status)


def assessment_revise(*, allocation: Allocation, acting_user: User) -> Assessment:
    """Starts a new draft version from the submitted scores; the submitted version stays until the new one is sent."""
    with transaction.atomic():
        allocation = Allocation.objects.select_for_update().select_related("application").get(pk=allocation.pk)
        _check_can_score(allocation, acting_user, interests_of(acting_user, allocation.application))
        existing = allocation.assessments.filter(status=Assessment.Status.DRAFT).first()
        if existing:
            return existing
        submitted = allocation.assessments.filter(status=Assessment.Status.SUBMITTED).first()
        if submitted is None:
            return _current_draft(allocation)
        draft = Assessment.objects.create(allocation=allocation, version=submitted.version + 1)
        Score.objects.bulk_create(
            Score(assessment=draft, criterion_id=score.criterion_id, score=score.score, justification=score.justification)
            for score in submitted.scores.all()
        )
        audit_record(acting_user=acting_user, action=AuditAction.REVISION_STARTED,
                     target=allocation.application, data={"version": draft.version})
        return draft


def scores_record(*, scores: dict[Allocation, dict[int, tuple[int | None, str]]], acting_user: User) -> int:
    """Saves a clean scoring sheet's scores as drafts, all or nothing. A sent version gets a new draft version,
    never changes; rows that repeat what was sent leave it sent. Returns how many scores it saved.

    The rules of `assessment_save` and `assessment_revise`, applied to every application in the sheet at once, so that
    a sheet of thousands of rows costs a few queries."""
    with transaction.atomic():
        allocations = _allocations_to_score(scores, acting_user)
        current = {Assessment.Status.DRAFT: {}, Assessment.Status.SUBMITTED: {}}
        for assessment in Assessment.objects.filter(allocation__in=allocations, status__in=list(current)):
            current[assessment.status][assessment.allocation_id] = assessment
        drafts, sent = current[Assessment.Status.DRAFT], current[Assessment.Status.SUBMITTED]
        # What was sent, as (score, justification) by criterion: only compared and copied, so not loaded as models.
        sent_scores: dict[int, dict[int, tuple[int | None, str]]] = defaultdict(dict)
        for assessment_id, criterion_id, score, justification in Score.objects.filter(
            assessment_id__in=[assessment.pk for allocation_id, assessment in sent.items() if allocation_id not in drafts]
        ).values_list("assessment_id", "criterion_id", "score", "justification"):
            sent_scores[assessment_id][criterion_id] = (score, justification)

        new_drafts: list[Assessment] = []
        revisions: dict[int, list[Application]] = defaultdict(list)  # each new version, and the applications given it
        written: dict[Allocation, dict[int, tuple[int | None, str]]] = {}  # what each draft will hold, by criterion
        for allocation in allocations:
            given = scores[allocation]
            answers = {criterion_id: (score, justification.strip()) for criterion_id, (score, justification) in given.items()}
            draft, submitted = drafts.get(allocation.pk), sent.get(allocation.pk)
            if draft is None and submitted is not None:
                if _repeats(sent_scores[submitted.pk], given):
                    continue  # the sheet gives back the scores already sent: nothing to revise
                # As `assessment_revise` does: the new version starts from the sent scores.
                draft = Assessment(allocation=allocation, version=submitted.version + 1)
                answers = sent_scores[submitted.pk] | answers
                revisions[draft.version].append(allocation.application)
            elif draft is None:
                draft = Assessment(allocation=allocation, version=1)
            if draft.pk is None:
                new_drafts.append(draft)
            drafts[allocation.pk] = draft
            written[allocation] = answers

        Assessment.objects.bulk_create(new_drafts)
        Score.objects.bulk_create(
            [Score(assessment=drafts[allocation.pk], criterion_id=criterion_id, score=score, justification=justification)
             for allocation, answers in written.items() for criterion_id, (score, justification) in answers.items()],
            update_conflicts=True, unique_fields=["assessment", "criterion"], update_fields=["score", "justification"],
            batch_size=1000,
        )
        for version, applications in revisions.items():
            audit_record_each(acting_user=acting_user, action=AuditAction.REVISION_STARTED, targets=applications,
                              data={"version": version})
        return sum(len(scores[allocation]) for allocation in written)


def _allocations_to_score(scores: dict[Allocation, dict[int, tuple[int | None, str]]], acting_user: User) -> list[Allocation]:
    """The allocations a sheet scores, locked, once each has passed `_check_can_score` and names only its round's
    criteria. The sheet was checked row by row before, but an allocation taken back, or an application withdrawn,
    since then must still stop it."""
    allocations = list(
        Allocation.objects.select_for_update(of=("self", "application"))
        .filter(pk__in=[allocation.pk for allocation in scores]).select_related("application").order_by("pk")
    )
    still_given = set(allocations)
    taken_back = [allocation for allocation in scores if allocation not in still_given]
    if taken_back:
        raise ApplicationError(f"Nothing was saved: {taken_back[0].application} was taken back from you while the "
                               "sheet was being checked.")
    interests = interests_in(acting_user, [allocation.application for allocation in allocations])
    criteria = set(Criterion.objects.filter(
        round__in={allocation.application.round_id for allocation in allocations}
    ).values_list("round_id", "pk"))
    for allocation in allocations:
        _check_can_score(allocation, acting_user, interests[allocation.application_id])
        if any((allocation.application.round_id, criterion_id) not in criteria for criterion_id in scores[allocation]):
            raise ApplicationError("That criterion is not part of this round.")
    return allocations


def _repeats(sent: dict[int, tuple[int | None, str]], given: dict[int, tuple[int | None, str]]) -> bool:
    return all(sent.get(criterion_id) == answer for criterion_id, answer in given.items())


def scores_import_start(*, spreadsheet, acting_user: User) -> ScoresImport:
    """Keeps an assessor's uploaded scoring sheet and queues the task that checks and saves it once this commits."""
    with transaction.atomic():
        scores_import = ScoresImport.objects.create(assessor=acting_user, spreadsheet=spreadsheet)
        transaction.on_commit(partial(tasks.import_scores.enqueue, import_pk=scores_import.pk))
        return scores_import


def scores_import_run(*, import_pk: int) -> ScoresImport:
    """Checks every row of an uploaded scoring sheet and saves its scores if none has a problem, in the same
    transaction as the outcome, so a task run again after its worker was killed saves nothing twice."""
    with transaction.atomic():
        scores_import = ScoresImport.objects.select_for_update().select_related("assessor").get(pk=import_pk)
        if scores_import.outcome != ScoresImport.Outcome.WAITING:
            return scores_import

        def check_and_save(upload) -> tuple[int, list]:
            resource, problems = scores_read(upload, scores_import.assessor)
            if problems:
                return 0, problems
            return scores_record(scores=resource.collected, acting_user=scores_import.assessor), []

        sheet_import_settle(scores_import, check_and_save=check_and_save)
        return scores_import


# Moderation --------------------------------------------------------------------------------------------------------


def moderation_record(
    *, application: Application, criterion: Criterion, score: int, reason: str, acting_user: User
) -> ModeratedScore:
    """Records the agreed score for a criterion beside the assessors' own, which are never changed."""
    with transaction.atomic():
        round_ = application.round
        if criterion.round_id != round_.pk:
            raise ApplicationError("That criterion is not part of this application's round.")
        if not 0 <= score <= round_.score_scale_max:
            raise ApplicationError(f"The agreed score must be from 0 to {round_.score_scale_max}.")
        moderated, created = ModeratedScore.objects.update_or_create(
            application=application, criterion=criterion,
            defaults={"score": score, "reason": reason, "moderated_by": acting_user},
        )
        score_summaries_refresh(application_ids=[application.pk])
        audit_record(acting_user=acting_user, action=AuditAction.MODERATED, target=application,
                     to_state=str(score), reason=reason,
                     data={"criterion": str(criterion), "criterion_id": criterion.pk})
        return moderated


# What the ranking reads ---------------------------------------------------------------------------------------------


def score_summaries_refresh(*, application_ids) -> None:
    """Works out again what the ranking reads of these applications' scores and stores it: a few queries for each
    round they are in, however many applications. Called inside the transaction that changed the scores."""
    rounds: dict[int, list[int]] = {}
    for application_id, round_id in Application.objects.filter(pk__in=set(application_ids)).values_list("pk", "round_id"):
        rounds.setdefault(round_id, []).append(application_id)
    for round_ in Round.objects.filter(pk__in=rounds):
        _score_summaries_write(round_, rounds[round_.pk])


def round_score_summaries_refresh(*, round_: Round) -> None:
    """Works out again what the ranking reads of every application in the round, after its criteria, their weights,
    its score scale, its moderation threshold or its tie-break changed."""
    _score_summaries_write(round_, list(round_.applications.values_list("pk", flat=True)))


# Applications written at a time: keeps each statement's parameters within what SQLite allows.
SUMMARIES_BATCH = 2000


def _score_summaries_write(round_: Round, application_ids: list[int]) -> None:
    criteria = list(round_.criteria.order_by("position", "id"))
    heaviest = heaviest_criterion(criteria)
    for start in range(0, len(application_ids), SUMMARIES_BATCH):
        batch = application_ids[start:start + SUMMARIES_BATCH]
        given = criterion_scores_for(round_, application_ids=batch)
        rows = []
        for application_id, amount_requested, submitted_at in Application.objects.filter(pk__in=batch).values_list(
            "pk", "amount_requested", "submitted_at"
        ):
            summary = summarise(
                criterion_scores_of(criteria, given.get(application_id, {})), scale_max=round_.score_scale_max,
                threshold=round_.moderation_threshold, heaviest_criterion_id=heaviest.pk if heaviest else None,
            )
            rows.append(ScoreSummary(
                application_id=application_id, round=round_, total=summary.total, assessments=summary.assessments,
                moderation=summary.moderation,
                tie_key=None if summary.total is None else tie_key(
                    round_.tie_break, amount_requested=amount_requested, submitted_order=submitted_order(submitted_at),
                    heaviest_used=summary.heaviest_used,
                ),
            ))
        ScoreSummary.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["application"],
            update_fields=["round", "total", "tie_key", "assessments", "moderation"],
        )


# Reminders ---------------------------------------------------------------------------------------------------------


def scores_overdue_notify(*, now=None) -> int:
    """Reminds each assessor with scores still to send in a round whose scores are overdue (`Round.scores_due_at` has
    passed, and the round is closed or being assessed): one reminder per assessor per round, at most once a day,
    however often this runs. An application the assessor declared a conflict with is not theirs to score. Returns
    how many reminders were sent."""
    now = now or timezone.now()
    today: date = timezone.localdate(now)
    outstanding = (
        Allocation.objects.filter(
            application__status__in=SCOREABLE, assessor__is_active=True,
            application__round__status__in=[Round.Status.CLOSED, Round.Status.ASSESSING],
        )
        .exclude(assessments__status=Assessment.Status.SUBMITTED)
        .exclude(Exists(ConflictDeclaration.objects.conflicts().filter(
            application=OuterRef("application"), assessor=OuterRef("assessor"))))
        .select_related("application__round", "assessor")
    )
    owed = Counter(
        (allocation.application.round, allocation.assessor) for allocation in outstanding
        if allocation.application.round.scores_due_at < now
    )
    with transaction.atomic():
        return sum(
            assessor_notify_overdue(assessor=assessor, round_=round_, outstanding=count, today=today)
            for (round_, assessor), count in owed.items()
        )
