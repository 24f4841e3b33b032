"""Stores what the ranking reads of each application's scores, worked out for every application already scored."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Max, Min, Sum

from assessment.scoring import CriterionScores, heaviest_criterion, submitted_order, summarise, tie_key


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
        for application_id, amount_requested, submitted_at in round_.applications.values_list(
            "pk", "amount_requested", "submitted_at"
        ):
            scores = given.get(application_id, {})
            summary = summarise(
                [CriterionScores(criterion_id=criterion.pk, weight=criterion.weight,
                                 **dict(zip(("total", "count", "lowest", "highest", "moderated"),
                                            scores.get(criterion.pk, (0, 0, None, None, None)))))
                 for criterion in criteria],
                scale_max=round_.score_scale_max, threshold=round_.moderation_threshold,
                heaviest_criterion_id=heaviest.pk if heaviest else None,
            )
            rows.append(ScoreSummary(
                application_id=application_id, round=round_, total=summary.total, assessments=summary.assessments,
                moderation=summary.moderation,
                tie_key=None if summary.total is None else tie_key(
                    round_.tie_break, amount_requested=amount_requested, submitted_order=submitted_order(submitted_at),
                    heaviest_used=summary.heaviest_used,
                ),
            ))
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
                ('tie_key', models.DecimalField(decimal_places=6, help_text="Between equal totals the lower ranks higher, by the round's tie-break (`assessment.scoring.tie_key`).", max_digits=18, null=True)),
                ('assessments', models.PositiveSmallIntegerField(default=0, help_text="How many assessors' scores are in.")),
                ('moderation', models.JSONField(default=list, help_text='The criteria, by id, whose scores are too far apart.')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='applications.round')),
            ],
            options={
                'indexes': [models.Index(fields=['round', '-total', 'tie_key', 'application'], name='score_summary_rank_order')],
            },
        ),
        migrations.RunPython(summaries_fill, migrations.RunPython.noop),
    ]
