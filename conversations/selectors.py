"""Reads of threads: one application's messages as its reader may see them, what each person has not read yet,
their inbox, who a bulk message goes to, and a bulk message's progress."""

from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.permissions import is_applicant, is_operator, is_programme_manager
from applications.models import Application, Round
from applications.permissions import membership_role_known
from conversations.models import BulkMessage, BulkMessageItem, Message, MessageFile, Reading
from conversations.permissions import can_read_notes
from core.generations import THREADS, kept_figure
from grants.models import Award
from monitoring.models import Return


def thread_for_reader_or_404(user, pk: int) -> Application:
    """The application whose thread the person opens. Another organisation's is not found, never forbidden, so its
    existence is not revealed; a draft has no thread for anyone. Staff's permission is checked by the view."""
    applications = Application.objects.exclude(status=Application.Status.DRAFT).select_related(
        "organisation", "round", "award").defer("summary")
    if is_programme_manager(user):
        return get_object_or_404(applications, pk=pk)
    application = get_object_or_404(
        applications.filter(organisation__memberships__user=user).annotate(
            member_role=F("organisation__memberships__role")),
        pk=pk,
    )
    membership_role_known(user, application.organisation, application.member_role)
    return application


def visible_messages(user) -> QuerySet[Message]:
    """Every message the person may see the kind of: notes only for staff."""
    messages = Message.objects.all()
    return messages if can_read_notes(user) else messages.filter(kind=Message.Kind.MESSAGE)


def thread_messages(user, application: Application) -> QuerySet[Message]:
    """The thread as this person may read it, oldest first, with each message's files."""
    return visible_messages(user).filter(application=application).prefetch_related(
        Prefetch("files", queryset=MessageFile.objects.only(
            "message_id", "kind", "original_name", "content_type", "size"))
    ).order_by("sent_at", "pk")


def _from_the_other_side(user) -> Q:
    """The messages that wait for a person: to the team, staff's messages (never notes); to staff, the team's.
    Colleagues' own messages are not counted as waiting: a bulk message one manager sends to a round would otherwise
    count as dozens of unread messages for every other."""
    if is_programme_manager(user):
        return Q(from_staff=False)
    return Q(from_staff=True, kind=Message.Kind.MESSAGE)


def unread_messages(user) -> QuerySet[Message]:
    """Messages in the person's threads, from the other side, sent after the last one they saw in that thread."""
    read = Reading.objects.filter(person=user, application=OuterRef("application"), read_up_to__gte=OuterRef("pk"))
    messages = Message.objects.filter(_from_the_other_side(user)).exclude(Exists(read))
    if not is_programme_manager(user):
        messages = messages.filter(application__organisation__memberships__user=user)
    return messages


def has_threads(user) -> bool:
    return is_programme_manager(user) or (is_applicant(user) and not is_operator(user))


def unread_count(user) -> int:
    """How many messages the person has not read: asked once for each request's user object (the header and the
    page both show it), and counted again only after a message is sent, a thread read or an organisation joined."""
    if not has_threads(user):
        return 0
    count = getattr(user, "_unread_messages", None)
    if count is None:
        count = user._unread_messages = kept_figure(
            THREADS, f"unread:{user.pk}:{user.role}", lambda: unread_messages(user).count())
    return count


def unread_count_forget(user) -> None:
    """After the person reads a thread, the count kept for this request is out of date."""
    user.__dict__.pop("_unread_messages", None)


def inbox_for(user) -> QuerySet[Application]:
    """The person's threads with how many messages each has (`message_count`), how many they have not read
    (`unread`), and when the last was sent (`last_sent_at`). The team's: every sent application of their
    organisations, newest message first and those without after; staff's: every thread with a message in it."""
    visible = Q(messages__kind=Message.Kind.MESSAGE) if not can_read_notes(user) else Q()
    unread = unread_messages(user).filter(application=OuterRef("pk")).order_by().values("application").annotate(
        count=Count("pk")).values("count")
    applications = Application.objects.exclude(status=Application.Status.DRAFT)
    if is_programme_manager(user):
        applications = applications.filter(Exists(Message.objects.filter(application=OuterRef("pk"))))
    else:
        applications = applications.filter(organisation__memberships__user=user)
    return (
        applications.select_related("organisation", "round")
        .only("reference", "title", "status", "organisation__name", "round__name")
        .annotate(
            message_count=Count("messages", filter=visible),
            last_sent_at=Max("messages__sent_at", filter=visible),
            unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
        )
        .order_by(F("last_sent_at").desc(nulls_last=True), "-pk")
    )


def bulk_audience(round_: Round, audience: str) -> QuerySet[Application]:
    """The applications (one for each organisation) in a round that a bulk message to `audience` goes to."""
    status, awards = Application.Status, Award.Status
    applications = Application.objects.filter(round=round_).exclude(
        status__in=[status.DRAFT, status.WITHDRAWN])
    choices = BulkMessage.Audience
    if audience == choices.BEING_ASSESSED:
        applications = applications.filter(status__in=[status.SUBMITTED, status.ELIGIBLE, status.SCORED])
    elif audience == choices.AWARDED:
        applications = applications.filter(status=status.AWARDED)
    elif audience == choices.NOT_FUNDED:
        applications = applications.filter(status=status.NOT_FUNDED)
    elif audience == choices.GRANT_UNDER_WAY:
        applications = applications.filter(award__status__in=[awards.ACCEPTED, awards.ACTIVE])
    elif audience == choices.LATE_RETURN:
        # Late as the returns list counts it: still with the grantee after its due date.
        late = Return.objects.open().filter(award__application=OuterRef("pk"), due_on__lt=timezone.localdate())
        applications = applications.filter(Exists(late))
    elif audience != choices.EVERYONE:
        return applications.none()
    return applications.order_by("reference")


def bulk_messages_with_progress() -> QuerySet[BulkMessage]:
    """Bulk messages with how many organisations each goes to (`total`), sent to (`done`), failed and still
    `waiting` for their task."""
    outcome = BulkMessageItem.Outcome
    return BulkMessage.objects.select_related("round").annotate(
        total=Count("items"),
        done=Count("items", filter=Q(items__outcome=outcome.SENT)),
        failed=Count("items", filter=Q(items__outcome=outcome.FAILED)),
        waiting=Count("items", filter=Q(items__outcome=outcome.WAITING)),
    )


def bulk_message_failures(bulk_message: BulkMessage) -> QuerySet[BulkMessageItem]:
    return (
        bulk_message.items.filter(outcome=BulkMessageItem.Outcome.FAILED)
        .select_related("application__organisation")
        .only("bulk_message", "failure", "application__reference", "application__organisation__name")
        .order_by("application__reference")
    )
