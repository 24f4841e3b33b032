from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from grants.models import Tranche

BEFORE = [("grants", "0002_tranche_paid_one_way_only")]
AFTER = [("grants", "0003_lifecycle_without_unreached_statuses")]


def old_award(apps, status: str):
    """An award and its first tranche, made with the tables as they were before the statuses were removed."""
    now = timezone.now()
    round_ = apps.get_model("applications", "Round").objects.create(
        name="Round", reference_prefix="OLD", summary="Old round", opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30), budget=Decimal("10000.00"),
    )
    organisation = apps.get_model("applications", "Organisation").objects.create(name="Old group")
    check = apps.get_model("applications", "EligibilityCheck").objects.create(
        round=round_, organisation=organisation, answers={}, failures=[]
    )
    application = apps.get_model("applications", "Application").objects.create(
        round=round_, organisation=organisation, eligibility_check=check, status="awarded", reference="OLD-0001"
    )
    return apps.get_model("grants", "Award").objects.create(
        application=application, round=round_, status=status, amount=Decimal("5000.00"), offered_at=now,
        accept_by=now + timedelta(days=28),
    )


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_a_tranche_marked_failed_is_due_again():
    old = migrate(BEFORE).loader.project_state(BEFORE).apps
    award = old_award(old, "active")
    tranche = old.get_model("grants", "Tranche").objects.create(
        award=award, number=1, share=Decimal("50"), amount=Decimal("2500.00"), after="acceptance", status="failed",
        idempotency_key="tranche-OLD-0001-1",
    )
    try:
        migrate(AFTER)
        assert Tranche.objects.get(pk=tranche.pk).status == Tranche.Status.DUE
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_an_award_in_a_removed_status_stops_the_migration_rather_than_be_guessed():
    old = migrate(BEFORE).loader.project_state(BEFORE).apps
    award = old_award(old, "suspended")
    try:
        with pytest.raises(RuntimeError, match=f"award {award.pk} \\(suspended\\)"):
            migrate(AFTER)
        old.get_model("grants", "Award").objects.filter(pk=award.pk).update(status="active")
        migrate(AFTER)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
