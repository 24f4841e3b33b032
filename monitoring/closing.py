"""Closing a grant: after its last quarter the grantee writes an end-of-grant report, and a programme manager
accepts it (which completes the grant) or asks for changes. What the grantee did not spend and was not yet paid is
never paid; what was paid and not spent is asked back, with the clawback's four eyes, or written off."""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_programme_manager
from core.emails import email_send_on_commit
from core.services import audit_record
from core.text import listed
from core.templatetags.govuk import pounds
from grants.clawbacks import clawable_from, clawback_propose
from grants.completion import award_complete, completion_blocker, underspend_split
from grants.models import Award
from monitoring.audit import AuditAction
from monitoring.models import EndReport, Return
from monitoring.notifications import grantee_notify_end_report_reviewed
from monitoring.privacy import personal_data_in
from monitoring.services import PersonalDataFound, ReturnError

# The report's words, each checked for personal data as a return's story is.
WRITTEN = ("achievements", "underspend_reason", "lessons", "story")
FIELDS = (*WRITTEN, "spent")
QUESTIONS = {
    "achievements": "what the project achieved",
    "spent": "how much of the grant you spent",
    "lessons": "what you learned",
    "story": "a story of change",
}


def end_report_opens_on(award: Award):
    """The first day the report can be sent: the day after the grant's last quarter ends."""
    return award.ends_on + timezone.timedelta(days=1)


def end_report_save(*, award: Award, fields: dict, acting_user: User) -> EndReport:
    """Keeps what the grantee has written so far; nothing is checked until it is sent."""
    with transaction.atomic():
        award = Award.objects.select_for_update().get(pk=award.pk)
        if award.status not in Award.RUNNING:
            raise ReturnError(f"The grant is {award.get_status_display().lower()}: its end-of-grant report cannot be "
                              "changed.")
        report, _ = EndReport.objects.select_for_update().get_or_create(award=award)
        if not report.is_editable:
            raise ReturnError("The report has been sent: it cannot be changed unless changes are asked for.")
        for name in FIELDS:
            if name in fields:
                value = fields[name]
                setattr(report, name, value.strip() if isinstance(value, str) else value)
        report.save()
        return report


def end_report_problems(report: EndReport) -> list[str]:
    """What stops the report being sent, in words for the grantee; empty when it can be."""
    award = report.award
    problems = []
    if timezone.localdate() < end_report_opens_on(award):
        problems.append(f"The grant's last quarter ends on {award.ends_on:%-d %B %Y}: you can send the report from the "
                        "day after.")
    missing = [question for name, question in QUESTIONS.items() if getattr(report, name) in ("", None)]
    if missing:
        problems.append(f"Tell us {listed(missing)}.")
    if report.spent is not None and report.spent > award.amount:
        problems.append(f"You cannot have spent more of the grant than the grant: {pounds(award.amount)}.")
    elif report.spent is not None and report.underspend and not report.underspend_reason:
        problems.append("Say why some of the grant was not spent.")
    return problems


def end_report_submit(*, report: EndReport, declarant_name: str, acting_user: User,
                      personal_data_checked: bool = False) -> EndReport:
    with transaction.atomic():
        report = EndReport.objects.select_for_update().select_related("award").get(pk=report.pk)
        if not report.is_editable:
            raise ReturnError("The report has already been sent.")
        problems = end_report_problems(report)
        if not declarant_name.strip():
            problems.append("Enter your full name to confirm the report is true.")
        if problems:
            raise ReturnError(" ".join(problems))
        findings = personal_data_in({name: getattr(report, name) for name in WRITTEN})
        if findings and not personal_data_checked:
            raise PersonalDataFound(findings)
        previous = report.transition_to(EndReport.Status.SUBMITTED)
        report.declarant_name = declarant_name.strip()
        report.submitted_at, report.submitted_by = timezone.now(), acting_user
        report.save()
        audit_record(acting_user=acting_user, action=AuditAction.END_REPORT_SENT, target=report.award,
                     from_state=previous, to_state=report.status,
                     reason="Personal-data warning checked by the grantee" if findings else "")
        email_send_on_commit(to=settings.FUNDER_EMAIL, subject=f"End-of-grant report to review: {report.award.reference}",
                             template="monitoring/emails/end_report_sent.txt", context={"report": report})
        return report


def end_report_review(*, report: EndReport, accept: bool, comments: str, underspend_outcome: str, acting_user: User,
                      site_url: str) -> EndReport:
    """Accepting completes the grant (`grants.completion.award_complete`): money not yet paid and not needed is never
    paid, a part waiting on the report falls due, and money paid and not spent is asked back or written off, as the
    programme manager chooses. Asking for changes needs a reason."""
    if not is_programme_manager(acting_user):
        raise ReturnError("Only a programme manager can review an end-of-grant report.")
    if not accept and not comments.strip():
        raise ReturnError("Say what needs changing.")
    with transaction.atomic():
        report = EndReport.objects.select_for_update().select_related("award").get(pk=report.pk)
        if report.status != EndReport.Status.SUBMITTED:
            raise ReturnError("This report has already been reviewed, or has not been sent yet.")
        award = report.award
        held = Decimal(0)
        if accept:
            waiting = award.returns.exclude(status=Return.Status.ACCEPTED).values_list("quarter", flat=True)
            if waiting:
                raise ReturnError("Accept every quarterly return first: " + ", ".join(
                    f"quarter {quarter}" for quarter in waiting) + " still waiting.")
            if blocker := completion_blocker(award):
                raise ReturnError(blocker)
            _, held = underspend_split(award, report.underspend)
            if held and underspend_outcome not in EndReport.Underspend.values:
                raise ReturnError("Choose whether to ask for the money paid and not spent back, or write it off.")
        previous = report.transition_to(EndReport.Status.ACCEPTED if accept else EndReport.Status.CHANGES_REQUESTED)
        report.review_comments = comments.strip()
        report.reviewed_by, report.reviewed_at = acting_user, timezone.now()
        report.underspend_outcome = underspend_outcome if held else ""
        report.save()
        audit_record(acting_user=acting_user, action=AuditAction.END_REPORT_REVIEWED, target=award,
                     from_state=previous, to_state=report.status, reason=comments.strip())
        if accept:
            returned = report.underspend_outcome == EndReport.Underspend.RETURNED
            completed = award_complete(award=award, underspend=report.underspend, underspend_returned=returned,
                                       acting_user=acting_user, site_url=site_url)
            asked = min(completed.held_underspend, clawable_from(completed.award))
            if returned and asked > 0:
                clawback_propose(award=completed.award, amount=asked, acting_user=acting_user,
                                 reason=f"Paid and not spent, as the end-of-grant report says: {report.underspend_reason}")
        grantee_notify_end_report_reviewed(report)
        return report
