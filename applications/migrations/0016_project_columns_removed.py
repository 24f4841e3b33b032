"""The project's answers now live in Answer rows (0015 moved them), so their columns go."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("applications", "0015_project_answers_become_question_answers")]

    operations = [
        migrations.RemoveField(model_name="application", name=name)
        for name in ("need", "activities", "beneficiaries", "partnership")
    ]
