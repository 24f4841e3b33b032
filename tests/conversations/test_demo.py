import pytest
from django.core.management import call_command

from accounts.models import User
from conversations.models import BulkMessage, Message
from conversations.selectors import thread_messages, unread_count

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_exchange_about_moving_spend_with_a_note_and_a_reminder_to_the_round(capsys):
    call_command("seed_demo")
    call_command("seed_demo")  # a second run adds nothing
    manager, grantee = User.objects.get(email="manager@example.org"), User.objects.get(email="applicant@example.org")
    exchange = Message.objects.filter(application__reference="DHC26-0001", bulk_message__isnull=True)
    assert [(message.from_staff, message.kind) for message in exchange.order_by("pk")] == [
        (False, "message"), (True, "message"), (True, "note"), (False, "message")]
    bulk = BulkMessage.objects.get()
    assert {item.outcome for item in bulk.items.all()} == {"sent"} and bulk.items.count() >= 1
    application = exchange.first().application
    assert "note" not in {message.kind for message in thread_messages(grantee, application)}
    assert unread_count(manager) == 1  # the grantee's thanks
    assert "Demo messages" in capsys.readouterr().out
