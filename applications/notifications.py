"""The emails applications sends the applicant's organisation, named for the account page's list of what each person
is sent. They go straight from applications.services, with what the applicant needs to read in them."""

from accounts.models import Role
from core.notifications import NotificationKind

APPLICATION_RECEIVED = NotificationKind(
    "applications.received", "When your organisation sends an application, to say we have received it",
    (Role.APPLICANT.value,), choosable=False,
)
MORE_TIME = NotificationKind(
    "applications.more_time", "When we give your organisation more time to apply", (Role.APPLICANT.value,),
    choosable=False,
)
ADJUSTMENT_ANSWERED = NotificationKind(
    "applications.adjustment_answered", "When we answer your request for an adjustment", (Role.APPLICANT.value,),
    choosable=False,
)
MORE_INFORMATION = NotificationKind(
    "applications.more_information", "When we ask your organisation for more information about an application",
    (Role.APPLICANT.value,), always_sent=True,
)
MORE_INFORMATION_SENT = NotificationKind(
    "applications.more_information_sent", "When an organisation sends the more information you asked for",
    (Role.PROGRAMME_MANAGER.value,),
)
KINDS = (APPLICATION_RECEIVED, MORE_TIME, ADJUSTMENT_ANSWERED, MORE_INFORMATION, MORE_INFORMATION_SENT)
