"""Every change to monitoring returns: the schedule, saving, sending with a personal-data check, review, and
reminders. Accepting the return a tranche waits for makes that tranche due for payment."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.mail import get_connection
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from accounts.permissions import is_programme_manager
from applications.models import Indicator, Round
from core.emails import email_send, email_send_on_commit
from core.refusals import ServiceError
from core.services import audit_record, audit_record_each
from core.spreadsheets import sheet_import_settle
from grants.models import Award
from grants.services import tranche_make_due
from monitoring import tasks
from monitoring.audit import AuditAction
from monitoring.checks import figure_problems, send_refusal
from monitoring.figures import SplitFigure, indicator_parts, over_saved_parts, split_figure_of, total_of
from monitoring.notifications import grantee_notify_reviewed
from monitoring.models import (
    FiguresImport,
    IndicatorCount,
    IndicatorCountPart,
    PoorResponse,
    ProgrammeReport,
    Reminder,
    Return,
    Spend,
)
from monitoring.police import months_of, police_areas
from monitoring.report import report_content, report_pdf, report_sheet
from monitoring.privacy import Finding, personal_data_in
from monitoring.spreadsheets import figures_read

UPCOMING_DAYS = 7
# A reminder still unsent this long after its task was queued is queued again: far longer than a task takes.
RETRY_AFTER = timedelta(hours=1)
ALREADY_SENT = "This return has been sent and can no longer be changed."
NARRATIVE = ["what_changed", "challenges", "case_study"]


class ReturnError(ServiceError):
    """A request the rules refuse; its message is written for the person who asked."""


class FiguresImpossible(ReturnError):
    def __init__(self, problems: dict[int, str]):
        self.problems = problems  # indicator id: what cannot be true
        super().__init__(" ".join(f"{problem}." for problem in problems.values()))


class PersonalDataFound(ReturnError):
    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("What you wrote seems to include personal data. Take it out, or confirm it is not personal data.")


def returns_schedule(*, award: Award, acting_user: User | None) -> list[Return]:
    """One return for each quarter of the grant, from the day it starts, each due some days after its quarter."""
    round_ = award.round
    created = []
    for quarter in range(1, round_.quarters + 1):
        start = award.starts_on + relativedelta(months=3 * (quarter - 1))
        end = award.starts_on + relativedelta(months=3 * quarter) - timedelta(days=1)
        created.append(Return.objects.get_or_create(
            award=award, quarter=quarter,
            defaults={"period_start": start, "period_end": end, "due_on": end + timedelta(days=round_.return_due_days)},
        )[0])
    return created


def return_save(
    *, monitoring_return: Return, counts: dict[int, int | SplitFigure | None], spending: dict[int, Decimal],
    narrative: dict[str, str], acting_user: User,
) -> Return:
    """Saves a draft return: each indicator's figure (one number, or its parts), spending so far and the story."""
    with transaction.atomic():
        monitoring_return = Return.objects.select_for_update(of=("self",)).select_related("award__round").get(
            pk=monitoring_return.pk)
        if not monitoring_return.is_editable:
            raise ReturnError(ALREADY_SENT)
        # Figures that cannot be true are refused even in a draft: checked with those saved before, as they will be.
        saved = dict(monitoring_return.counts.values_list("indicator_id", "value"))
        problems = figure_problems(monitoring_return.award.round.indicators.all(), {**saved, **counts})
        if problems:
            raise FiguresImpossible(problems)
        for indicator_id, figure in counts.items():
            _figure_save(monitoring_return.pk, indicator_id, figure)
        for budget_line_id, amount in spending.items():
            _keep_or_clear(Spend, monitoring_return, "budget_line_id", budget_line_id, {"amount": amount})
        for field in NARRATIVE:
            if field in narrative:
                setattr(monitoring_return, field, narrative[field])
        monitoring_return.save()
        return monitoring_return


def _figure_save(return_id: int, indicator_id: int, figure: int | SplitFigure | None) -> None:
    """Saves one indicator's figure in a draft return: a number, or its parts with their total; a blank (None, or
    no part given) removes the figure given before."""
    total = total_of(figure)
    if total is None:
        IndicatorCount.objects.filter(monitoring_return_id=return_id, indicator_id=indicator_id).delete()
        return
    split = isinstance(figure, SplitFigure)
    count, _ = IndicatorCount.objects.update_or_create(
        monitoring_return_id=return_id, indicator_id=indicator_id,
        defaults={"value": total, "asked": figure.asked if split else None},
    )
    count.parts.all().delete()
    if split:
        IndicatorCountPart.objects.bulk_create(IndicatorCountPart(count=count, part=key, value=value)
                                               for key, value in figure.parts.items() if value is not None)


def _keep_or_clear(model, monitoring_return: Return, key: str, key_value: int, values: dict) -> None:
    """Saves a number of a draft return; a blank (None) removes one given before."""
    row = model.objects.filter(monitoring_return=monitoring_return, **{key: key_value})
    if None in values.values():
        row.delete()
    else:
        model.objects.update_or_create(monitoring_return=monitoring_return, **{key: key_value}, defaults=values)


def _unanswered(monitoring_return: Return) -> list[str]:
    """What the return does not give yet: an indicator, one of its parts, or how many a survey asked, or a spend."""
    award = monitoring_return.award
    counts = {count.indicator_id: count for count in monitoring_return.counts.prefetch_related("parts")}
    boroughs = list(award.application.boroughs.all())
    spent = monitoring_return.spending.values("budget_line_id")
    missing = []
    for indicator in award.round.indicators.all():
        count, parts = counts.get(indicator.pk), indicator_parts(indicator, boroughs)
        if indicator.is_split and not parts:
            continue  # by borough, for a grant whose boroughs are not known: not asked
        given = split_figure_of(count)
        if count is None or (indicator.is_survey and given.asked is None) or any(
            part.key not in given.parts for part in parts
        ):
            missing.append(indicator.name)
    return [
        *missing,
        *(f"spending on {description.lower()}" for description in
          award.application.budget_lines.exclude(pk__in=spent).values_list("description", flat=True)),
    ]


def return_submit(
    *, monitoring_return: Return, declarant_name: str, acting_user: User, personal_data_checked: bool = False
) -> Return:
    """Sends the return. If the narrative seems to hold personal data, the grantee must say they have checked it."""
    with transaction.atomic():
        monitoring_return = Return.objects.select_for_update().select_related("award__round").get(pk=monitoring_return.pk)
        if not monitoring_return.is_editable:
            raise ReturnError(ALREADY_SENT)
        too_early = send_refusal(monitoring_return)
        if too_early:
            raise ReturnError(too_early)
        unanswered = _unanswered(monitoring_return)
        if unanswered:
            raise ReturnError(f"Give a number for {', '.join(unanswered).lower()} before sending the return.")
        findings = personal_data_in({field: getattr(monitoring_return, field) for field in NARRATIVE})
        if findings and not personal_data_checked:
            raise PersonalDataFound(findings)
        previous = monitoring_return.transition_to(Return.Status.SUBMITTED)
        monitoring_return.declarant_name = declarant_name
        monitoring_return.submitted_at, monitoring_return.submitted_by = timezone.now(), acting_user
        monitoring_return.save()
        audit_record(acting_user=acting_user, action=AuditAction.RETURN_SENT,
                     target=monitoring_return, from_state=previous, to_state=monitoring_return.status,
                     reason="Personal-data warning checked by the grantee" if findings else "",
                     data={"quarter": monitoring_return.quarter})
        email_send_on_commit(
            to=settings.FUNDER_EMAIL, subject=f"Return to review: {monitoring_return}",
            template="monitoring/emails/return_sent.txt", context={"monitoring_return": monitoring_return},
        )
        return monitoring_return


def poor_response_save(
    *, monitoring_return: Return, poor_response: PoorResponse | None, fields: dict, acting_user: User,
    personal_data_checked: bool = False, seen_up_to: int | None = None,
) -> PoorResponse:
    """Records a poor police response with a draft return, or changes one: the police area, the month, what went
    wrong, and whether a complaint was made or the group took it up. Its words are checked for personal data as the
    return's story is. `seen_up_to` is the newest response the form's page showed: the same response recorded by
    the same person since then is this one sent twice (a second click), and is not recorded again."""
    with transaction.atomic():
        monitoring_return = Return.objects.select_for_update(of=("self",)).select_related("award").get(
            pk=monitoring_return.pk)
        if not monitoring_return.is_editable:
            raise ReturnError(ALREADY_SENT)
        if fields["police_area"] not in police_areas():
            raise ReturnError("Choose the police area from the list.")
        month = fields["month"].replace(day=1)
        if month not in months_of(monitoring_return):
            raise ReturnError("Choose a month from when the grant started to the end of this quarter.")
        problems = [problem for problem in PoorResponse.Problem.values if problem in fields["problems"]]
        if not problems:
            raise ReturnError("Choose at least one thing that went wrong.")
        details = fields["details"].strip()
        findings = personal_data_in({"details": details})
        if findings and not personal_data_checked:
            raise PersonalDataFound(findings)
        if poor_response is None:
            sent_twice = monitoring_return.poor_responses.filter(
                pk__gt=seen_up_to or 0, recorded_by=acting_user, police_area=fields["police_area"], month=month,
                problems=problems, details=details, complaint_made=fields["complaint_made"],
                escalated=fields["escalated"],
            ).first() if seen_up_to is not None else None
            if sent_twice is not None:
                return sent_twice
            poor_response, action = PoorResponse(monitoring_return=monitoring_return, recorded_by=acting_user), \
                AuditAction.POOR_RESPONSE_RECORDED
        else:
            poor_response = monitoring_return.poor_responses.select_for_update().get(pk=poor_response.pk)
            action = AuditAction.POOR_RESPONSE_CHANGED
        poor_response.police_area, poor_response.month, poor_response.problems = fields["police_area"], month, problems
        poor_response.details = details
        poor_response.complaint_made, poor_response.escalated = fields["complaint_made"], fields["escalated"]
        poor_response.save()
        audit_record(acting_user=acting_user, action=action, target=monitoring_return,
                     reason="Personal-data warning checked by the grantee" if findings else "",
                     data={"police_area": poor_response.police_area, "month": f"{month:%B %Y}"})
        return poor_response


def poor_response_remove(*, poor_response: PoorResponse, acting_user: User) -> None:
    with transaction.atomic():
        monitoring_return = Return.objects.select_for_update(of=("self",)).get(pk=poor_response.monitoring_return_id)
        if not monitoring_return.is_editable:
            raise ReturnError(ALREADY_SENT)
        deleted, _ = monitoring_return.poor_responses.filter(pk=poor_response.pk).delete()
        if deleted:
            audit_record(acting_user=acting_user, action=AuditAction.POOR_RESPONSE_REMOVED, target=monitoring_return,
                         data={"police_area": poor_response.police_area, "month": f"{poor_response.month:%B %Y}"})


def story_candidates(round_: Round, quarter: int) -> QuerySet[Return]:
    """The accepted returns of the round's grants for the quarter that tell a story of change, which a programme
    manager may choose for the quarter's programme report."""
    return (Return.objects.filter(award__round=round_, quarter=quarter, status=Return.Status.ACCEPTED)
            .exclude(case_study="").select_related("award__application").order_by("award__application__reference"))


def programme_report_issue(*, round_: Round, quarter: int, story_returns: list[int], acting_user: User,
                           seen_up_to: int | None = None) -> ProgrammeReport:
    """Makes the quarter's programme report for the round's oversight committee, with the stories of change chosen
    from the quarter's accepted returns, and keeps its files as issued: they never change. `seen_up_to` is the
    newest report the page showed: one the same person issued for the quarter since then is this request sent
    twice, and is returned rather than issued again."""
    if seen_up_to is not None:
        sent_twice = round_.programme_reports.filter(quarter=quarter, pk__gt=seen_up_to, issued_by=acting_user).first()
        if sent_twice is not None:
            return sent_twice
    if not 1 <= quarter <= round_.quarters:
        raise ReturnError("Choose one of the round's quarters.")
    candidates = list(story_candidates(round_, quarter))
    if set(story_returns) - {candidate.pk for candidate in candidates}:
        raise ReturnError("Choose stories from the quarter's accepted returns.")
    stories = [candidate.case_study for candidate in candidates if candidate.pk in story_returns]
    content = report_content(round_, quarter, stories, issued_on=timezone.localdate())
    name = slugify(f"{round_.reference_prefix} quarter {quarter} report")
    sheet = report_sheet(content)
    with transaction.atomic():
        report = ProgrammeReport(round=round_, quarter=quarter, stories=stories, issued_by=acting_user)
        report.pdf.save(f"{name}.pdf", ContentFile(report_pdf(content)), save=False)
        report.large_print_pdf.save(f"{name}-large-print.pdf", ContentFile(report_pdf(content, large_print=True)),
                                    save=False)
        report.csv.save(f"{name}.csv", ContentFile(sheet.encode("utf-8-sig") if isinstance(sheet, str) else sheet),
                        save=False)
        report.save()
        audit_record(acting_user=acting_user, action=AuditAction.PROGRAMME_REPORT_ISSUED, target=round_,
                     data={"quarter": quarter})
        return report


def return_allow_early(*, monitoring_return: Return, reason: str, acting_user: User) -> Return:
    """Lets the grantee send this one return before its quarter ends (the grant is ending early, say), with the
    programme manager's reason, which the grantee and staff both see."""
    if not reason.strip():
        raise ReturnError("Say why this return can be sent before its quarter ends.")
    with transaction.atomic():
        monitoring_return = Return.objects.select_for_update().get(pk=monitoring_return.pk)
        if not acting_user.has_perm("monitoring.allow_early_return", monitoring_return):
            raise ReturnError("Only a programme manager can allow a return early, and only an open return whose "
                              "quarter has not ended and that has not been allowed early already.")
        monitoring_return.early_reason = reason.strip()
        monitoring_return.early_allowed_by, monitoring_return.early_allowed_at = acting_user, timezone.now()
        monitoring_return.save(update_fields=["early_reason", "early_allowed_by", "early_allowed_at"])
        audit_record(acting_user=acting_user, action=AuditAction.RETURN_EARLY_ALLOWED, target=monitoring_return,
                     reason=monitoring_return.early_reason, data={"quarter": monitoring_return.quarter})
        return monitoring_return


def return_review(*, monitoring_return: Return, accept: bool, comments: str, acting_user: User) -> Return:
    """Accepts a return, which makes any tranche waiting for it due, or asks the grantee for changes."""
    if not is_programme_manager(acting_user):
        raise ReturnError("Only a programme manager can review a return.")
    if not accept and not comments.strip():
        raise ReturnError("Say what needs changing.")
    with transaction.atomic():
        monitoring_return = Return.objects.select_for_update().select_related("award").get(pk=monitoring_return.pk)
        if monitoring_return.status != Return.Status.SUBMITTED:
            raise ReturnError("This return has already been reviewed, or has not been sent yet.")
        previous = monitoring_return.transition_to(Return.Status.ACCEPTED if accept else Return.Status.CHANGES_REQUESTED)
        monitoring_return.review_comments = comments.strip()
        monitoring_return.reviewed_by, monitoring_return.reviewed_at = acting_user, timezone.now()
        monitoring_return.save()
        audit_record(acting_user=acting_user, action=AuditAction.RETURN_REVIEWED,
                     target=monitoring_return, from_state=previous, to_state=monitoring_return.status, reason=comments,
                     data={"quarter": monitoring_return.quarter})
        if accept:
            tranche_make_due(award=monitoring_return.award, quarter=monitoring_return.quarter, acting_user=acting_user)
        grantee_notify_reviewed(monitoring_return)
        return monitoring_return


def figures_record(
    *, counts: dict[tuple[int, int], int | SplitFigure], spending: dict[tuple[int, int], Decimal], acting_user: User
) -> int:
    """Saves figures from a returns spreadsheet into their returns as drafts, all or nothing. Keys are (return,
    indicator) and (return, budget line); the parts of an indicator given in parts are laid over those saved. Each
    return's history says the figures came from a spreadsheet."""
    return_ids = {key[0] for key in [*counts, *spending]}
    with transaction.atomic():
        returns = list(Return.objects.select_for_update(of=("self",)).filter(pk__in=return_ids)
                       .select_related("award__application"))
        sent = [str(monitoring_return) for monitoring_return in returns if not monitoring_return.is_editable]
        if sent:
            raise ReturnError(f"Nothing was saved: {', '.join(sent)} was sent while the sheet was being checked.")
        counts = over_saved_parts(counts)
        impossible = _impossible_with_saved(returns, counts)
        if impossible:
            raise ReturnError(f"Nothing was saved: {impossible}")
        IndicatorCount.objects.bulk_create(
            [IndicatorCount(monitoring_return_id=return_id, indicator_id=indicator_id, value=value)
             for (return_id, indicator_id), value in counts.items() if not isinstance(value, SplitFigure)],
            update_conflicts=True, unique_fields=["monitoring_return", "indicator"], update_fields=["value"],
        )
        for (return_id, indicator_id), figure in counts.items():
            if isinstance(figure, SplitFigure):
                _figure_save(return_id, indicator_id, figure)
        Spend.objects.bulk_create(
            [Spend(monitoring_return_id=return_id, budget_line_id=line_id, amount=amount)
             for (return_id, line_id), amount in spending.items()],
            update_conflicts=True, unique_fields=["monitoring_return", "budget_line"], update_fields=["amount"],
        )
        audit_record_each(acting_user=acting_user, action=AuditAction.FIGURES_IMPORTED, targets=returns)
    return len(counts) + len(spending)


def _impossible_with_saved(returns: list[Return], counts: dict[tuple[int, int], int | SplitFigure]) -> str:
    """The first return whose figures could not be true once these counts are saved over those saved before (a
    grantee may have saved some while the sheet was being checked)."""
    merged = defaultdict(dict)
    for return_id, indicator_id, value in IndicatorCount.objects.filter(monitoring_return__in=returns).values_list(
        "monitoring_return_id", "indicator_id", "value"
    ):
        merged[return_id][indicator_id] = value
    for (return_id, indicator_id), value in counts.items():
        merged[return_id][indicator_id] = value
    indicators = {}
    for indicator in Indicator.objects.filter(round_id__in={r.award.round_id for r in returns}):
        indicators.setdefault(indicator.round_id, []).append(indicator)
    for monitoring_return in returns:
        of_round = indicators.get(monitoring_return.award.round_id, [])
        wholes = {indicator.pk: indicator.part_of_id for indicator in of_round}
        problems = [
            problem for indicator_id, problem in figure_problems(of_round, merged[monitoring_return.pk]).items()
            # Only figures the sheet gives, or whose whole it gives: older figures are not this sheet's problem.
            if {(monitoring_return.pk, indicator_id), (monitoring_return.pk, wholes[indicator_id])} & counts.keys()
        ]
        if problems:
            return f"in {monitoring_return}, {' '.join(f'{problem}.' for problem in problems)}"
    return ""


def figures_import_start(*, round_: Round, spreadsheet, acting_user: User) -> FiguresImport:
    """Keeps an uploaded returns spreadsheet and queues the task that checks and saves it once this commits."""
    with transaction.atomic():
        figures_import = FiguresImport.objects.create(round=round_, spreadsheet=spreadsheet, started_by=acting_user)
        transaction.on_commit(partial(tasks.import_figures.enqueue, import_pk=figures_import.pk))
        return figures_import


def figures_import_run(*, import_pk: int) -> FiguresImport:
    """Checks every row of an uploaded returns spreadsheet and saves its figures if none has a problem, in the same
    transaction as the outcome, so a task run again after its worker was killed saves nothing twice."""
    with transaction.atomic():
        figures_import = FiguresImport.objects.select_for_update().select_related("round").get(pk=import_pk)
        if figures_import.outcome != FiguresImport.Outcome.WAITING:
            return figures_import

        def check_and_save(upload) -> tuple[int, list]:
            resource, problems = figures_read(upload, figures_import.round)
            if problems:
                return 0, problems
            return figures_record(counts=resource.counts, spending=resource.spending,
                                  acting_user=figures_import.started_by), []

        sheet_import_settle(figures_import, check_and_save=check_and_save)
        return figures_import


def reminders_queue(*, today: date | None = None) -> int:
    """Writes a reminder for each return due within a week and each overdue one, and queues the task that sends it
    once the reminder is committed. Each reminder is written once, however often this runs: a second attempt finds
    its row there. Returns how many were written."""
    today = today or timezone.localdate()
    queued = 0
    for monitoring_return in Return.objects.owed_reminders().filter(due_on__lte=today + timedelta(days=UPCOMING_DAYS)):
        kind = Reminder.Kind.OVERDUE if monitoring_return.due_on < today else Reminder.Kind.UPCOMING
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(monitoring_return=monitoring_return, kind=kind)
        except IntegrityError:
            continue  # written before
        transaction.on_commit(partial(tasks.send_reminder.enqueue, reminder_pk=reminder.pk))
        queued += 1
    return queued


def reminder_send(*, reminder_pk: int) -> str:
    """Emails a reminder to each member of the grantee and marks it sent in the same transaction, so a task run again
    sends nothing twice. If the mail server refuses, the error is raised for the queue to record and the reminder
    stays unsent, for `unsent_reminders_requeue` to queue again. A reminder whose return the grantee sent after it
    was queued is not sent."""
    with transaction.atomic():
        reminder = Reminder.objects.select_for_update(of=("self",)).select_related(
            "monitoring_return__award__application__organisation"
        ).get(pk=reminder_pk)
        if reminder.sent_at:
            return "already sent"
        monitoring_return = reminder.monitoring_return
        if not Return.objects.owed_reminders().filter(pk=monitoring_return.pk).exists():
            return "no longer owed"
        members = monitoring_return.award.application.organisation.memberships.select_related("user")
        # Connecting first means a mail server that is down refuses before any member has had the reminder.
        with get_connection() as connection:
            for membership in members:
                email_send(
                    to=membership.user.email, subject=f"{reminder.get_kind_display()}: {monitoring_return}",
                    template="monitoring/emails/reminder.txt", connection=connection,
                    context={"monitoring_return": monitoring_return, "person": membership.user, "kind": reminder.kind},
                )
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
        return "sent"


def unsent_reminders_requeue(*, older_than: timedelta = RETRY_AFTER) -> int:
    """Queues again the task of each reminder still owed and unsent `older_than` after it was last queued: its
    emails failed, or its worker was lost. A reminder being sent at this moment is left to its task. Returns how
    many were queued again."""
    now = timezone.now()
    with transaction.atomic():
        unsent = list(Reminder.objects.select_for_update(skip_locked=True).filter(
            sent_at__isnull=True, queued_at__lt=now - older_than,
            monitoring_return__in=Return.objects.owed_reminders(),
        ).values_list("pk", flat=True))
        Reminder.objects.filter(pk__in=unsent).update(queued_at=now)
        for pk in unsent:
            transaction.on_commit(partial(tasks.send_reminder.enqueue, reminder_pk=pk))
    return len(unsent)


def returns_mark_due(*, today: date | None = None) -> int:
    """Returns whose quarter has ended are due. Each is locked and checked again before it changes, so a return
    the grantee sends while this runs stays sent."""
    today = today or timezone.localdate()
    due = 0
    for pk in Return.objects.filter(status=Return.Status.NOT_DUE, period_end__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            monitoring_return = Return.objects.select_for_update().get(pk=pk)
            if monitoring_return.status != Return.Status.NOT_DUE:
                continue
            previous = monitoring_return.transition_to(Return.Status.DUE)
            monitoring_return.save(update_fields=["status"])
            audit_record(acting_user=None, action=AuditAction.RETURN_DUE,
                         target=monitoring_return, from_state=previous, to_state=monitoring_return.status,
                         data={"quarter": monitoring_return.quarter})
            due += 1
    return due
