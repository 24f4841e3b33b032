"""Decisions get a status, so a second programme manager can send one back with a reason. A decision confirmed
before this migration is confirmed; every other one is still waiting for confirmation."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def status_from_confirmation(apps, schema_editor):
    Decision = apps.get_model("grants", "Decision")
    Decision.objects.filter(confirmed_at__isnull=False).update(status="confirmed")


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0006_assessment_moved_to_its_own_app'),
        ('grants', '0005_deadline_from_the_letter'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='decision',
            name='sent_back_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='decision',
            name='sent_back_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='decision',
            name='sent_back_reason',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='decision',
            name='status',
            field=models.CharField(choices=[('proposed', 'Waiting for confirmation'), ('sent_back', 'Sent back'), ('confirmed', 'Confirmed')], default='proposed', max_length=20),
        ),
        migrations.RunPython(status_from_confirmation, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('confirmed_at__isnull', False), ('status', 'confirmed')), models.Q(models.Q(('status', 'confirmed'), _negated=True), ('confirmed_at__isnull', True)), _connector='OR'), name='decision_confirmed_has_its_moment'),
        ),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'sent_back'), _negated=True), models.Q(('sent_back_at__isnull', False), models.Q(('sent_back_reason', ''), _negated=True)), _connector='OR'), name='decision_sent_back_with_a_reason'),
        ),
    ]
