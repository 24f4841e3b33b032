import django.db.models.deletion
from django.db import migrations, models


# The standard indicators' relationships as they were when this was written (applications.services.STANDARD_PARTS
# may change later; this migration must not).
STANDARD_PARTS = {
    "police_report_taken": "reports_with_support",
    "police_report_declined": "reports_with_support",
    "police_response_poor": "reports_with_support",
    "crime_references": "police_report_taken",
}


def standard_parts_set(apps, schema_editor):
    """Every existing round with standard indicators says which is part of which, so returns already under way
    are checked like a new round's."""
    Indicator = apps.get_model("applications", "Indicator")
    for part_code, whole_code in STANDARD_PARTS.items():
        for part in Indicator.objects.filter(code=part_code, part_of__isnull=True):
            whole = Indicator.objects.filter(round_id=part.round_id, code=whole_code).first()
            if whole is not None:
                part.part_of = whole
                part.save(update_fields=["part_of"])


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0007_application_decision_sent'),
    ]

    operations = [
        migrations.AddField(
            model_name='indicator',
            name='part_of',
            field=models.ForeignKey(blank=True, help_text='The indicator of the same round this one counts part of: a return cannot give more of this one.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='parts', to='applications.indicator'),
        ),
        migrations.AddField(
            model_name='indicator',
            name='unit',
            field=models.CharField(choices=[('number', 'A number of people or things'), ('percentage', 'A percentage, 0 to 100')], default='number', max_length=10),
        ),
        # Going back drops the column, and the relationships with it.
        migrations.RunPython(standard_parts_set, migrations.RunPython.noop),
    ]
