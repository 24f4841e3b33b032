import pytest

from conversations.selectors import (
    bulk_audience,
    inbox_for,
    thread_messages,
    unread_count,
    unread_messages,
)
from applications.services import invitation_accept
from conversations.services import message_send, thread_mark_read
from monitoring.models import Return
from tests.factories import ApplicationFactory, AwardFactory, InvitationFactory, MessageFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    """The same person as a new request would see them, without the count kept on this object."""
    return type(user).objects.get(pk=user.pk)


def test_the_team_counts_staffs_messages_they_have_not_read_and_never_notes(application, applicant):
    MessageFactory(application=application)
    second = MessageFactory(application=application)
    MessageFactory(application=application, kind="note")
    MessageFactory(application=application, from_staff=False, author=applicant)
    assert unread_count(fresh(applicant)) == 2
    thread_mark_read(application=application, person=applicant, up_to=second.pk)
    assert unread_count(fresh(applicant)) == 0
    MessageFactory(application=application)
    assert unread_count(fresh(applicant)) == 1


def test_another_organisations_messages_are_not_counted(application, other_applicant):
    MessageFactory(application=application)
    assert unread_count(fresh(other_applicant)) == 0


def test_staff_count_the_teams_messages_not_colleagues(application, applicant, programme_manager):
    MessageFactory(application=application)  # a colleague's message
    MessageFactory(application=application, kind="note")
    MessageFactory(application=application, from_staff=False, author=applicant)
    assert unread_count(fresh(programme_manager)) == 1


def test_the_count_is_one_query_and_read_once_for_a_request(application, applicant, django_assert_num_queries):
    MessageFactory(application=application)
    person = fresh(applicant)
    with django_assert_num_queries(1):
        assert unread_count(person) == 1
        assert unread_count(person) == 1


def test_assessors_have_no_threads_and_no_count(assessor, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert unread_count(assessor) == 0


def test_the_team_never_reads_notes_in_a_thread_and_staff_do(application, applicant, programme_manager):
    message = MessageFactory(application=application)
    note = MessageFactory(application=application, kind="note")
    assert list(thread_messages(applicant, application)) == [message]
    assert list(thread_messages(programme_manager, application)) == [message, note]


def test_the_teams_inbox_lists_their_sent_applications_with_counts_leaving_notes_out(
    application, organisation, applicant
):
    ApplicationFactory(organisation=organisation)  # a draft: no thread
    quiet = ApplicationFactory(organisation=organisation, status="submitted", reference="A-0200")
    ApplicationFactory(status="submitted", reference="A-0300")  # another organisation's
    MessageFactory(application=application)
    MessageFactory(application=application, kind="note")
    rows = list(inbox_for(applicant))
    assert rows == [application, quiet]
    assert (rows[0].message_count, rows[0].unread) == (1, 1)
    assert (rows[1].message_count, rows[1].unread, rows[1].last_sent_at) == (0, 0, None)


def test_staffs_inbox_lists_threads_with_messages_newest_first(application, applicant, programme_manager):
    ApplicationFactory(status="submitted", reference="A-0200")  # no messages
    other = ApplicationFactory(status="submitted", reference="A-0300")
    MessageFactory(application=application, from_staff=False, author=applicant)
    MessageFactory(application=other, kind="note")
    rows = list(inbox_for(programme_manager))
    assert rows == [other, application]
    assert [(row.message_count, row.unread) for row in rows] == [(1, 0), (1, 1)]


def test_a_bulk_message_goes_to_the_group_chosen(open_round):
    def made(status, **kwargs):
        return ApplicationFactory(round=open_round, status=status, reference=f"B-{made.count}", **kwargs)
    made.count = 0

    def next_ref():
        made.count += 1

    applications = {}
    for status in ("draft", "withdrawn", "submitted", "eligible", "scored", "not_funded"):
        next_ref()
        applications[status] = made(status)
    offered = AwardFactory(application__round=open_round, status="offered")
    running = AwardFactory(application__round=open_round, status="active")
    late = AwardFactory(application__round=open_round, status="active")
    Return.objects.create(award=late, quarter=1, period_start="2020-01-01", period_end="2020-03-31",
                          due_on="2020-04-30", status="due")
    Return.objects.create(award=running, quarter=1, period_start="2020-01-01", period_end="2020-03-31",
                          due_on="2020-04-30", status="accepted")

    def sent_to(audience):
        return set(bulk_audience(open_round, audience))

    awarded = {offered.application, running.application, late.application}
    assert sent_to("everyone") == {applications[s] for s in ("submitted", "eligible", "scored", "not_funded")} | awarded
    assert sent_to("being_assessed") == {applications[s] for s in ("submitted", "eligible", "scored")}
    assert sent_to("awarded") == awarded
    assert sent_to("not_funded") == {applications["not_funded"]}
    assert sent_to("grant_under_way") == {running.application, late.application}
    assert sent_to("late_return") == {late.application}
    assert sent_to("nobody") == set()


def test_unread_messages_leave_out_threads_read_past_them(application, applicant):
    first = MessageFactory(application=application)
    thread_mark_read(application=application, person=applicant, up_to=first.pk)
    later = MessageFactory(application=application)
    assert list(unread_messages(applicant)) == [later]


@pytest.mark.django_db(transaction=True)
class TestTheCountKeptBetweenRequests:
    """Outside the test's transaction, as pages run: the count is kept, and counted again after any change to it."""

    def test_a_second_request_reads_the_count_without_counting(self, application, applicant,
                                                                django_assert_num_queries):
        MessageFactory(application=application)
        assert unread_count(fresh(applicant)) == 1
        with django_assert_num_queries(0):
            assert unread_count(applicant) == 1

    def test_a_message_sent_or_a_thread_read_is_counted_at_once(self, application, applicant, programme_manager):
        assert unread_count(fresh(applicant)) == 0
        message = message_send(application=application, body="Could you send your safeguarding policy?",
                               acting_user=programme_manager)
        assert unread_count(fresh(applicant)) == 1
        thread_mark_read(application=application, person=applicant, up_to=message.pk)
        assert unread_count(fresh(applicant)) == 0

    def test_joining_an_organisation_counts_its_threads_at_once(self, application, other_applicant):
        MessageFactory(application=application)
        assert unread_count(fresh(other_applicant)) == 0
        invitation = InvitationFactory(organisation=application.organisation, email=other_applicant.email)
        invitation_accept(invitation=invitation, acting_user=other_applicant)
        assert unread_count(fresh(other_applicant)) == 1

    def test_a_person_given_another_role_is_counted_for_it(self, application, applicant, programme_manager):
        MessageFactory(application=application, from_staff=False, author=applicant)
        assert unread_count(fresh(applicant)) == 0
        type(applicant).objects.filter(pk=applicant.pk).update(role=programme_manager.role)
        assert unread_count(fresh(applicant)) == 1
