"""Stores what the ranking reads of each application's scores, worked out for every application already scored."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Max, Min, Sum

from assessment.scoring import CriterionScores, heaviest_criterion, summarise


def summaries_fill(apps, schema_editor):
    """The same rule as `assessment.services.score_summaries_refresh`, on the tables as they are at this point."""
    Round = apps.get_model("applications", "Round")
    Score = apps.get_model("assessment", "Score")
    ModeratedScore = apps.get_model("assessment", "ModeratedScore")
    ScoreSummary = apps.get_model("assessment", "ScoreSummary")
    for round_ in Round.objects.all():
        criteria = list(round_.criteria.order_by("position", "id"))
        given: dict[int, dict] = {}
        for application_id, criterion_id, total, count, lowest, highest in (
            Score.objects.filter(assessment__status="submitted", assessment__allocation__application__round=round_,
                                 score__isnull=False)
            .values("assessment__allocation__application_id", "criterion_id")
            .annotate(total=Sum("score"), count=Count("id"), lowest=Min("score"), highest=Max("score"))
            .order_by()
            .values_list("assessment__allocation__application_id", "criterion_id", "total", "count", "lowest", "highest")
        ):
            given.setdefault(application_id, {})[criterion_id] = (total, count, lowest, highest, None)
        for application_id, criterion_id, score in ModeratedScore.objects.filter(application__round=round_).values_list(
            "application_id", "criterion_id", "score"
        ):
            total, count, lowest, highest, _ = given.setdefault(application_id, {}).get(criterion_id, (0, 0, None, None, None))
            given[application_id][criterion_id] = (total, count, lowest, highest, score)
        heaviest = heaviest_criterion(criteria)
        rows = []
        for application_id in round_.applications.values_list("pk", flat=True):
            scores = given.get(application_id, {})
            summary = summarise(
                [CriterionScores(criterion_id=criterion.pk, weight=criterion.weight,
                                 **dict(zip(("total", "count", "lowest", "highest", "moderated"),
                                            scores.get(criterion.pk, (0, 0, None, None, None)))))
                 for criterion in criteria],
                scale_max=round_.score_scale_max, threshold=round_.moderation_threshold,
                heaviest_criterion_id=heaviest.pk if heaviest else None,
            )
            rows.append(ScoreSummary(application_id=application_id, total=summary.total, assessments=summary.assessments,
                                     moderation=summary.moderation, heaviest_used=summary.heaviest_used))
        ScoreSummary.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0010_media_answer_transcript'),
        ('assessment', '0003_scores_import'),
    ]

    operations = [
        migrations.CreateModel(
            name='ScoreSummary',
            fields=[
                ('application', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='score_summary', serialize=False, to='applications.application')),
                ('total', models.DecimalField(decimal_places=1, help_text='The weighted total in %, empty until every criterion has a score.', max_digits=4, null=True)),
                ('assessments', models.PositiveSmallIntegerField(default=0, help_text="How many assessors' scores are in.")),
                ('moderation', models.JSONField(default=list, help_text='The criteria, by id, whose scores are too far apart.')),
                ('heaviest_used', models.DecimalField(decimal_places=6, max_digits=9, null=True)),
            ],
            options={
                'indexes': [models.Index(fields=['-total', '-heaviest_used'], name='score_summary_rank_order')],
            },
        ),
        migrations.RunPython(summaries_fill, migrations.RunPython.noop),
    ]
