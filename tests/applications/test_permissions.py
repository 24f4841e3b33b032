from applications import selectors
from applications.permissions import can_transcribe_media_answer, can_withdraw_application, is_member, is_owner
from tests.factories import ApplicationFactory


def test_a_persons_role_in_an_organisation_is_read_once_however_many_questions_are_asked_of_it(
    applicant, organisation, other_applicant, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert is_member(applicant, organisation)
        assert is_owner(applicant, organisation)
    with django_assert_num_queries(1):
        assert not is_member(other_applicant, organisation)
        assert not is_owner(other_applicant, organisation)


def test_the_members_application_brings_their_role_so_asking_what_they_may_do_reads_nothing_more(
    applicant, organisation, django_assert_num_queries
):
    sent = ApplicationFactory(organisation=organisation, status="submitted", reference="SENT-0001")
    application = selectors.application_for_member_or_404(applicant, sent.pk)
    with django_assert_num_queries(0):
        assert can_withdraw_application(applicant, application)
        assert can_transcribe_media_answer(applicant, application)
