import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Role
from assessment.models import (
    Allocation,
    Assessment,
    ConflictDeclaration,
    ModeratedScore,
    Score,
    ScoreSummary,
    ScreeningDecision,
)
from core.models import AuditEvent
from tests.assessment.test_services import assert_stored_as_fresh
from tests.factories import ApplicationFactory, RoundFactory, UserFactory, described_criteria

MOVED = [Allocation, ConflictDeclaration, Assessment, Score, ModeratedScore, ScreeningDecision]


def nodes_before_the_move(executor) -> list[tuple[str, str | None]]:
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in ("applications", "assessment")]
    return [*others, ("applications", "0005_uploaded_file_sizes")]


@pytest.mark.django_db(transaction=True)
def test_moving_assessment_out_of_applications_keeps_its_rows_and_what_points_at_them():
    round_ = RoundFactory()
    criterion = described_criteria(round_)[0]
    application = ApplicationFactory(round=round_, status="eligible")
    assessor = UserFactory(role=Role.ASSESSOR)
    allocation = Allocation.objects.create(application=application, assessor=assessor)
    ConflictDeclaration.objects.create(application=application, assessor=assessor, has_conflict=False)
    assessment = Assessment.objects.create(allocation=allocation, status="submitted")
    Score.objects.create(assessment=assessment, criterion=criterion, score=4, justification="Clear need")
    ModeratedScore.objects.create(application=application, criterion=criterion, score=3, reason="Agreed")
    ScreeningDecision.objects.create(application=application, eligible=True)
    rows = {model: set(model.objects.values_list("pk", flat=True)) for model in MOVED}

    executor = MigrationExecutor(connection)
    before = nodes_before_the_move(executor)
    executor.migrate([*before, ("assessment", None)])
    ContentType.objects.clear_cache()
    try:
        old = executor.loader.project_state(before).apps
        old_type = old.get_model("contenttypes", "ContentType").objects.get(app_label="applications", model="allocation")
        old.get_model("core", "AuditEvent").objects.create(
            action="allocated", target_type=old_type, target_id=str(allocation.pk), target_label="An allocation"
        )
        old.get_model("auditlog", "LogEntry").objects.create(
            content_type=old_type, object_pk=str(allocation.pk), object_id=allocation.pk, object_repr="An allocation",
            action=0, changes={},
        )
        permission_pk = old.get_model("auth", "Permission").objects.get(
            content_type=old_type, codename="view_allocation"
        ).pk

        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        ContentType.objects.clear_cache()

        assert {model: set(model.objects.values_list("pk", flat=True)) for model in MOVED} == rows
        assert ContentType.objects.get_for_model(Allocation).pk == old_type.pk
        assert not ContentType.objects.filter(app_label="applications", model__in=[m._meta.model_name for m in MOVED])
        assert AuditEvent.objects.get(action="allocated").target == allocation
        assert LogEntry.objects.get_for_object(allocation).get().object_repr == "An allocation"
        assert Permission.objects.get(pk=permission_pk).content_type.app_label == "assessment"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        ContentType.objects.clear_cache()


@pytest.mark.django_db(transaction=True)
def test_storing_score_summaries_works_them_out_for_applications_scored_before():
    round_ = RoundFactory(tie_break="heaviest_criterion")
    criteria = described_criteria(round_)
    split = ApplicationFactory(round=round_, status="scored")
    waiting = ApplicationFactory(round=round_, status="eligible")
    executor = MigrationExecutor(connection)
    executor.migrate([("assessment", "0003_scores_import")])
    try:
        # Scores as they were sent before the summaries existed: written straight to their tables.
        for assessor_score in (1, 5):
            allocation = Allocation.objects.create(application=split, assessor=UserFactory(role=Role.ASSESSOR))
            assessment = Assessment.objects.create(allocation=allocation, status="submitted")
            for criterion in criteria:
                Score.objects.create(assessment=assessment, criterion=criterion, score=assessor_score, justification="R")
        ModeratedScore.objects.create(application=split, criterion=criteria[0], score=4, reason="Agreed")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert_stored_as_fresh(round_)
    assert ScoreSummary.objects.get(application=split).moderation == [criteria[1].pk]
    assert ScoreSummary.objects.get(application=waiting).total is None
