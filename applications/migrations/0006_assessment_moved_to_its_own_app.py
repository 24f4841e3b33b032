from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0005_uploaded_file_sizes'),
        ('assessment', '0001_initial'),
    ]

    operations = [
        # The assessment app now holds these models and their tables; the tables are not dropped.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='assessment',
                    name='allocation',
                ),
                migrations.RemoveField(
                    model_name='score',
                    name='assessment',
                ),
                migrations.RemoveField(
                    model_name='conflictdeclaration',
                    name='application',
                ),
                migrations.RemoveField(
                    model_name='conflictdeclaration',
                    name='assessor',
                ),
                migrations.RemoveField(
                    model_name='moderatedscore',
                    name='application',
                ),
                migrations.RemoveField(
                    model_name='moderatedscore',
                    name='criterion',
                ),
                migrations.RemoveField(
                    model_name='moderatedscore',
                    name='moderated_by',
                ),
                migrations.RemoveField(
                    model_name='score',
                    name='criterion',
                ),
                migrations.RemoveField(
                    model_name='screeningdecision',
                    name='application',
                ),
                migrations.RemoveField(
                    model_name='screeningdecision',
                    name='decided_by',
                ),
                migrations.DeleteModel(
                    name='Allocation',
                ),
                migrations.DeleteModel(
                    name='Assessment',
                ),
                migrations.DeleteModel(
                    name='ConflictDeclaration',
                ),
                migrations.DeleteModel(
                    name='ModeratedScore',
                ),
                migrations.DeleteModel(
                    name='Score',
                ),
                migrations.DeleteModel(
                    name='ScreeningDecision',
                ),
            ],
        ),
    ]
