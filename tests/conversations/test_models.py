import pytest
from django.db import IntegrityError

from conversations.models import Message
from tests.factories import MessageFactory, MessageFileFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_note_from_the_organisations_team():
    with pytest.raises(IntegrityError):
        MessageFactory(kind=Message.Kind.NOTE, from_staff=False)


def test_a_message_names_itself_without_its_words():
    message = MessageFactory(body="Our caseworker is unwell.")
    assert "caseworker" not in str(message)
    assert str(message) == f"Message {message.pk} on {message.application.reference}"


def test_a_message_keeps_one_file_of_each_kind():
    stored = MessageFileFactory()
    with pytest.raises(IntegrityError):
        MessageFileFactory(message=stored.message)
