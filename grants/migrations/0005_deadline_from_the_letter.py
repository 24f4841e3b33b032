"""Offers run from their letter: the acceptance deadline is set when the offer letter is issued, and the applicant
sees a decision only once its letter is issued. A failed letter keeps its reason.

Existing rows are brought into line: an open offer with a letter gets its deadline from that letter's issue date
(whole days, ending at 23:59 London time, never earlier than the deadline it had), an open offer without a letter
has no deadline until its letter is issued, and each application with a letter shows the decision in its latest one.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations, models

LONDON = ZoneInfo("Europe/London")


def deadline(issued_at: datetime, days: int) -> datetime:
    day = issued_at.astimezone(LONDON).date() + timedelta(days=days)
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON)


def from_the_letters(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    Award = apps.get_model("grants", "Award")
    Letter = apps.get_model("grants", "Letter")
    latest = {}
    for application_id, kind in Letter.objects.order_by("application_id", "issued_at", "version").values_list(
        "application_id", "kind"
    ):
        latest[application_id] = kind
    for application_id, kind in latest.items():
        Application.objects.filter(pk=application_id).update(
            decision_sent="awarded" if kind == "offer" else "not_funded"
        )
    for award in Award.objects.filter(status="offered").select_related("round"):
        first = Letter.objects.filter(application_id=award.application_id, kind="offer").order_by("issued_at").first()
        if first is None:
            award.accept_by = None
        else:
            award.accept_by = max(deadline(first.issued_at, award.round.offer_acceptance_days), award.accept_by)
        award.save(update_fields=["accept_by"])


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0007_application_decision_sent"),
        ("grants", "0004_letters_one_task_each"),
    ]

    operations = [
        migrations.AddField(
            model_name="letterbatchitem",
            name="failure",
            field=models.TextField(blank=True, help_text="Why the letter could not be made, in words for the manager."),
        ),
        migrations.AlterField(
            model_name="award",
            name="accept_by",
            field=models.DateTimeField(
                blank=True, null=True,
                help_text="The offer lapses after this moment if not accepted. Set when its letter is issued.",
            ),
        ),
        migrations.RunPython(from_the_letters, migrations.RunPython.noop),
    ]
