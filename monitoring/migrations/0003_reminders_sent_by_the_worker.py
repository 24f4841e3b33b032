import django.utils.timezone
from django.db import migrations, models


def date_reminders_sent_before(apps, schema_editor):
    """Until now each reminder's row was written as its emails went, so every existing one was sent then: its task
    is taken as queued at that moment too."""
    apps.get_model("monitoring", "Reminder").objects.update(queued_at=models.F("sent_at"))


def forget_unsent_reminders(apps, schema_editor):
    """The earlier version has no unsent reminder: it writes each again and sends it there and then."""
    apps.get_model("monitoring", "Reminder").objects.filter(sent_at__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0002_figures_import'),
    ]

    operations = [
        migrations.AddField(
            model_name='reminder',
            name='queued_at',
            field=models.DateTimeField(default=django.utils.timezone.now, help_text='When its task was last queued.'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='sent_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(date_reminders_sent_before, forget_unsent_reminders),
    ]
