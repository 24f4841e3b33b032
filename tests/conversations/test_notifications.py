import pytest
from django.core import mail
from django.urls import reverse

from conversations.notifications import MESSAGE_FROM_FUNDER, MESSAGE_FROM_ORGANISATION
from conversations.services import message_send
from core.models import EmailOptOut, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BODY = "We are worried about our caseworker's health and may need to pause the project."


def test_staffs_message_emails_each_member_a_link_never_the_words(
    application, applicant, colleague, programme_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_send(application=application, body=BODY, acting_user=programme_manager)
    link = reverse("conversations:thread", kwargs={"pk": application.pk})
    assert {email.to[0] for email in mail.outbox} == {applicant.email, colleague.email}
    for email in mail.outbox:
        assert link in email.body
        assert "caseworker" not in email.body and "caseworker" not in email.subject
        assert email.subject == "We have sent you a message about A-0100"
    assert set(Notification.objects.values_list("kind", flat=True)) == {MESSAGE_FROM_FUNDER.code}


def test_the_teams_message_emails_the_programme_managers_not_the_writer(
    application, applicant, colleague, programme_manager, django_capture_on_commit_callbacks
):
    second = UserFactory(role="programme_manager")
    UserFactory(role="programme_manager", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        message_send(application=application, body=BODY, acting_user=applicant)
    assert sorted(email.to[0] for email in mail.outbox) == sorted([programme_manager.email, second.email])
    assert all("caseworker" not in email.body for email in mail.outbox)
    assert mail.outbox[0].subject == "A new message from the team behind A-0100"
    assert Notification.objects.filter(kind=MESSAGE_FROM_ORGANISATION.code).count() == 2


def test_a_note_emails_nobody(application, applicant, programme_manager, django_capture_on_commit_callbacks):
    UserFactory(role="programme_manager")
    with django_capture_on_commit_callbacks(execute=True):
        message_send(application=application, body=BODY, acting_user=programme_manager, note=True)
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_nothing_is_emailed_before_the_message_commits(application, applicant, programme_manager,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message_send(application=application, body=BODY, acting_user=programme_manager)
    assert mail.outbox == [] and callbacks


def test_people_who_turned_these_emails_off_are_not_emailed(application, applicant, programme_manager,
                                                            django_capture_on_commit_callbacks):
    EmailOptOut.objects.create(recipient=applicant, kind=MESSAGE_FROM_FUNDER.code)
    with django_capture_on_commit_callbacks(execute=True):
        message_send(application=application, body=BODY, acting_user=programme_manager)
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=applicant).exists()
