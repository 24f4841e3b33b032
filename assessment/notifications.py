"""What assessment tells people: assessors when they are given applications and when their scores are overdue, and
applicants when screening has ended."""

from collections import Counter

from django.urls import reverse

from accounts.models import Role, User
from applications.models import Application, Round
from core.notifications import NotificationKind
from core.services import notify

ALLOCATED = NotificationKind(
    "assessment.allocated", "When you are given applications to assess", (Role.ASSESSOR.value,)
)
SCORES_OVERDUE = NotificationKind(
    "assessment.scores_overdue", "Once a day while scores you were asked for are overdue", (Role.ASSESSOR.value,)
)
SCREENED = NotificationKind(
    "assessment.screened", "When we have checked whether your application can go forward to be scored",
    (Role.APPLICANT.value,),
)
KINDS = (ALLOCATED, SCORES_OVERDUE, SCREENED)


def _applications(count: int) -> str:
    return "1 application" if count == 1 else f"{count:,} applications"


def assessors_notify_allocated(given: Counter) -> None:
    """One notification for each assessor given applications in one go, however many they were given."""
    dashboard = reverse("assessment:assessor_dashboard")
    for assessor, count in given.items():
        notify(recipients=[assessor], kind=ALLOCATED.code, link=dashboard,
               subject=f"You have been given {_applications(count)} to assess")


def assessor_notify_overdue(*, assessor: User, round_: Round, outstanding: int, today) -> bool:
    """Reminds an assessor of their overdue scores in a round, at most once on any day. True if reminded now."""
    return bool(notify(
        recipients=[assessor], kind=SCORES_OVERDUE.code, link=reverse("assessment:assessor_dashboard"),
        subject=f"Your scores for {_applications(outstanding)} in {round_.name} are overdue",
        once_key=f"scores-overdue:{round_.pk}:{today.isoformat()}",
    ))


def applicants_notify_screened(application: Application) -> None:
    """Tells the organisation's members that screening has ended. The reason is on the application's page only."""
    if application.status == Application.Status.INELIGIBLE:
        subject = f"Your application {application.reference or application.title} cannot go forward"
    else:
        subject = f"Your application {application.reference or application.title} has been checked and will now be scored"
    members = [membership.user for membership in application.organisation.memberships.select_related("user")]
    notify(recipients=members, kind=SCREENED.code, subject=subject,
           link=reverse("applications:detail", kwargs={"pk": application.pk}))
