from django.db import migrations, models

REMOVED_AWARD_STATUSES = ["completed", "suspended", "clawed_back"]


def move_rows_from_removed_statuses(apps, schema_editor):
    """No service, page or import ever set these statuses, so no row should hold one; this makes sure.

    A tranche marked failed would have been offered to finance to pay again, so it goes back to due. An award
    marked completed, suspended or clawed back has no status left that means the same, and guessing one would
    change what the ringfence counts as promised, so the migration stops and names it instead.
    """
    Tranche = apps.get_model("grants", "Tranche")
    Award = apps.get_model("grants", "Award")
    Tranche.objects.filter(status="failed").update(status="due")
    stranded = list(Award.objects.filter(status__in=REMOVED_AWARD_STATUSES).values_list("pk", "status"))
    if stranded:
        raise RuntimeError(
            "These awards have a status the service no longer has; decide what each should be and set it before "
            f"migrating: {', '.join(f'award {pk} ({status})' for pk, status in stranded)}."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('grants', '0002_tranche_paid_one_way_only'),
    ]

    operations = [
        migrations.RunPython(move_rows_from_removed_statuses, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='award',
            name='status',
            field=models.CharField(choices=[('offered', 'Offered'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('lapsed', 'Lapsed'), ('active', 'Active')], default='offered', max_length=20),
        ),
        migrations.AlterField(
            model_name='tranche',
            name='status',
            field=models.CharField(choices=[('scheduled', 'Scheduled'), ('due', 'Due'), ('released', 'Released'), ('paid', 'Paid'), ('reversed', 'Reversed')], default='scheduled', max_length=20),
        ),
    ]
