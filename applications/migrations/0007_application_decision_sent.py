from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0006_assessment_moved_to_its_own_app'),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='decision_sent',
            field=models.CharField(blank=True, choices=[('awarded', 'Awarded'), ('not_funded', 'Not funded')], db_default='', help_text='The decision in the latest letter issued to the organisation; blank until a letter is issued.', max_length=20),
        ),
    ]
