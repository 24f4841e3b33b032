"""What conversations tells people: the organisation's team when the funder writes to them, and the programme
managers when a team writes. The email links to the thread and never holds the message: it may be sensitive, and an
email can be read by anyone who sees the inbox."""

from django.urls import reverse

from accounts.models import Role, User
from conversations.models import Message
from core.notifications import NotificationKind
from core.services import notify

MESSAGE_FROM_FUNDER = NotificationKind(
    "conversations.message_from_funder", "When we send your organisation a message", (Role.APPLICANT.value,),
)
MESSAGE_FROM_ORGANISATION = NotificationKind(
    "conversations.message_from_organisation",
    "When an organisation's team sends a message about its application or grant", (Role.PROGRAMME_MANAGER.value,),
)
KINDS = (MESSAGE_FROM_FUNDER, MESSAGE_FROM_ORGANISATION)


def thread_link(application_id: int) -> str:
    return reverse("conversations:thread", kwargs={"pk": application_id})


def team_notify_message(message: Message) -> None:
    """Emails each member of the organisation, but the one who wrote it, that a message waits for them."""
    application = message.application
    members = User.objects.filter(memberships__organisation_id=application.organisation_id).exclude(
        pk=message.author_id)
    notify(recipients=members, kind=MESSAGE_FROM_FUNDER.code, link=thread_link(application.pk),
           subject=f"We have sent you a message about {application.reference}")


def managers_notify_message(message: Message) -> None:
    """Emails every programme manager that a team has written; notes and staff's own messages are not sent."""
    application = message.application
    managers = User.objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True).exclude(pk=message.author_id)
    notify(recipients=managers, kind=MESSAGE_FROM_ORGANISATION.code, link=thread_link(application.pk),
           subject=f"A new message from the team behind {application.reference}")
