"""Demo messages: a grantee asks about moving a quarter's spend, the programme manager agrees, with a note for staff,
and the round's grantees are reminded of their next return in one message to them all."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from applications.models import Application
from conversations.models import BulkMessage, Message, Reading
from conversations.services import bulk_message_item_send, bulk_message_start, message_send
from core.generations import THREADS, generation_move_on

DEMO_REFERENCE = "DHC26-0001"
EXCHANGE = [
    # (who, a note for staff only, days ago, words)
    ("applicant@example.org", False, 12,
     "Two of our BSL interpreter bookings in quarter 2 moved online and cost less than we planned. Can we move "
     "£600 of that spend to quarter 3, to pay for the awareness sessions at the community centre?"),
    ("manager@example.org", False, 11,
     "Thank you for asking before you spend it. Yes, you can move £600 to quarter 3 for the awareness sessions. "
     "Please show it against the same budget line in your quarter 3 return, with a sentence on why it moved."),
    ("manager@example.org", True, 11,
     "Agreed without changing the offer: the move is within the 10% the grant conditions allow between quarters. "
     "Check the quarter 3 return shows it."),
    ("applicant@example.org", False, 2,
     "Thank you. The sessions are booked for the first two weeks of the quarter and we will report them then."),
]
REMINDER = (
    "A reminder that each quarterly return is due one month after its quarter ends. If something makes a return "
    "hard to send on time, write to us here before the date and we will agree what to do."
)


def seed(stdout) -> None:
    application = Application.objects.filter(reference=DEMO_REFERENCE).first()
    if application is None or Message.objects.filter(application=application).exists():
        return
    now = timezone.now()
    for email, note, days_ago, words in EXCHANGE:
        message = message_send(application=application, body=words, acting_user=User.objects.get(email=email),
                               note=note)
        Message.objects.filter(pk=message.pk).update(sent_at=now - timedelta(days=days_ago, hours=-note))
    # The manager read the thread when replying; the grantee's thanks since waits for them.
    manager = User.objects.get(email="manager@example.org")
    Reading.objects.filter(person=manager, application=application).update(
        read_up_to=Message.objects.filter(application=application, author=manager).latest("pk").pk)
    generation_move_on(THREADS)
    bulk = bulk_message_start(round_=application.round, audience=BulkMessage.Audience.GRANT_UNDER_WAY, body=REMINDER,
                              acting_user=manager)
    # Sent here as the worker would: the tasks queued for them will find them sent.
    for item in bulk.items.all():
        bulk_message_item_send(item_pk=item.pk)
    Message.objects.filter(bulk_message=bulk).update(sent_at=now - timedelta(days=20))
    BulkMessage.objects.filter(pk=bulk.pk).update(started_at=now - timedelta(days=20))
    stdout.write(f"Demo messages: an exchange about {DEMO_REFERENCE} and a reminder to {bulk.items.count()} grantees")
