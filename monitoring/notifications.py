"""What monitoring tells the grantee: that their return or end-of-grant report was accepted, or that changes are asked
for."""

from django.urls import reverse

from accounts.models import Role
from core.notifications import NotificationKind
from core.services import notify
from monitoring.models import EndReport, Return

RETURN_ACCEPTED = NotificationKind(
    "monitoring.return_accepted", "When we accept your organisation's quarterly return", (Role.APPLICANT.value,)
)
RETURN_CHANGES_ASKED = NotificationKind(
    "monitoring.return_changes_asked", "When we ask for changes to your organisation's quarterly return",
    (Role.APPLICANT.value,),
)
RETURN_REMINDER = NotificationKind(
    "monitoring.return_reminder", "A week before a quarterly return is due, and when it is overdue",
    (Role.APPLICANT.value,), choosable=False,
)
END_REPORT_REVIEWED = NotificationKind(
    "monitoring.end_report_reviewed", "When we accept your end-of-grant report or ask for changes to it",
    (Role.APPLICANT.value,),
)
KINDS = (RETURN_ACCEPTED, RETURN_CHANGES_ASKED, RETURN_REMINDER, END_REPORT_REVIEWED)


def grantee_notify_reviewed(monitoring_return: Return) -> None:
    """Tells the grantee's members how their return was reviewed; what to change is on the return's page only."""
    award = monitoring_return.award
    members = [membership.user for membership in award.application.organisation.memberships.select_related("user")]
    if monitoring_return.status == Return.Status.ACCEPTED:
        kind, subject = RETURN_ACCEPTED, f"We have accepted your return for quarter {monitoring_return.quarter} of grant {award.reference}"
    else:
        kind, subject = RETURN_CHANGES_ASKED, f"Changes needed to your return for quarter {monitoring_return.quarter} of grant {award.reference}"
    notify(recipients=members, kind=kind.code, subject=subject,
           link=reverse("monitoring:return", kwargs={"pk": award.pk, "quarter": monitoring_return.quarter}))


def grantee_notify_end_report_reviewed(report: EndReport) -> None:
    """Tells the grantee's members how their end-of-grant report was reviewed; what to change is on its page only."""
    award = report.award
    members = [membership.user for membership in award.application.organisation.memberships.select_related("user")]
    subject = (f"We have accepted your end-of-grant report: grant {award.reference} is complete"
               if report.status == EndReport.Status.ACCEPTED
               else f"Changes needed to your end-of-grant report for grant {award.reference}")
    notify(recipients=members, kind=END_REPORT_REVIEWED.code, subject=subject,
           link=reverse("monitoring:end_report", kwargs={"pk": award.pk}))
