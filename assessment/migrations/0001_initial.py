import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('applications', '0005_uploaded_file_sizes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where applications made them (each model names its db_table): only Django's state moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Allocation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('allocated_at', models.DateTimeField(auto_now_add=True)),
                        ('allocated_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='allocations', to='applications.application')),
                        ('assessor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='allocations', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'applications_allocation',
                        'ordering': ['application', 'assessor__full_name'],
                    },
                ),
                migrations.CreateModel(
                    name='Assessment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveSmallIntegerField(default=1)),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('superseded', 'Replaced by a later version')], default='draft', max_length=20)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('submitted_at', models.DateTimeField(blank=True, null=True)),
                        ('allocation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessments', to='assessment.allocation')),
                    ],
                    options={
                        'db_table': 'applications_assessment',
                        'ordering': ['allocation', '-version'],
                    },
                ),
                migrations.CreateModel(
                    name='ConflictDeclaration',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('has_conflict', models.BooleanField()),
                        ('nature', models.TextField(blank=True)),
                        ('declared_at', models.DateTimeField(auto_now_add=True)),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='conflict_declarations', to='applications.application')),
                        ('assessor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='conflict_declarations', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'applications_conflictdeclaration',
                        'ordering': ['-declared_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ModeratedScore',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('score', models.PositiveSmallIntegerField()),
                        ('reason', models.TextField()),
                        ('moderated_at', models.DateTimeField(auto_now=True)),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='moderated_scores', to='applications.application')),
                        ('criterion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='moderated_scores', to='applications.criterion')),
                        ('moderated_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'applications_moderatedscore',
                        'ordering': ['criterion__position'],
                    },
                ),
                migrations.CreateModel(
                    name='Score',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('score', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('justification', models.TextField(blank=True)),
                        ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='assessment.assessment')),
                        ('criterion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='scores', to='applications.criterion')),
                    ],
                    options={
                        'db_table': 'applications_score',
                        'ordering': ['criterion__position'],
                    },
                ),
                migrations.CreateModel(
                    name='ScreeningDecision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('eligible', models.BooleanField()),
                        ('reason', models.TextField(blank=True)),
                        ('decided_at', models.DateTimeField(auto_now_add=True)),
                        ('application', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='screening', to='applications.application')),
                        ('decided_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'applications_screeningdecision',
                    },
                ),
                migrations.AddConstraint(
                    model_name='allocation',
                    constraint=models.UniqueConstraint(fields=('application', 'assessor'), name='one_allocation_per_assessor'),
                ),
                migrations.AddConstraint(
                    model_name='assessment',
                    constraint=models.UniqueConstraint(fields=('allocation', 'version'), name='one_assessment_per_version'),
                ),
                migrations.AddConstraint(
                    model_name='assessment',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'draft')), fields=('allocation',), name='one_draft_assessment_per_allocation'),
                ),
                migrations.AddConstraint(
                    model_name='assessment',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'submitted')), fields=('allocation',), name='one_submitted_assessment_per_allocation'),
                ),
                migrations.AddConstraint(
                    model_name='conflictdeclaration',
                    constraint=models.UniqueConstraint(fields=('application', 'assessor'), name='one_declaration_per_assessor'),
                ),
                migrations.AddConstraint(
                    model_name='conflictdeclaration',
                    constraint=models.CheckConstraint(condition=models.Q(('has_conflict', False), models.Q(('nature', ''), _negated=True), _connector='OR'), name='a_conflict_says_what_it_is'),
                ),
                migrations.AddConstraint(
                    model_name='moderatedscore',
                    constraint=models.UniqueConstraint(fields=('application', 'criterion'), name='one_moderated_score_per_criterion'),
                ),
                migrations.AddConstraint(
                    model_name='score',
                    constraint=models.UniqueConstraint(fields=('assessment', 'criterion'), name='one_score_per_criterion'),
                ),
            ],
        ),
    ]
