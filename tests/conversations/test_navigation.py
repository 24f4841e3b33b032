import pytest

from conversations.navigation import links
from tests.factories import MessageFactory

pytestmark = pytest.mark.django_db


def test_the_header_says_how_many_messages_are_unread_in_words(application, applicant):
    assert links(applicant) == [("Messages", "conversations:inbox")]
    MessageFactory(application=application)
    MessageFactory(application=application)
    fresh = type(applicant).objects.get(pk=applicant.pk)
    assert links(fresh) == [("Messages (2 unread)", "conversations:inbox")]


def test_programme_managers_have_the_link_and_other_staff_and_the_operator_do_not(
    programme_manager, assessor, finance_officer, superuser
):
    assert links(programme_manager) == [("Messages", "conversations:inbox")]
    assert links(assessor) == links(finance_officer) == links(superuser) == []
