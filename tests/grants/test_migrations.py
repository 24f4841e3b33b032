from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from grants.models import Decision, Tranche

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


@pytest.mark.django_db(transaction=True)
def test_decisions_made_before_sending_back_existed_keep_whether_they_were_confirmed():
    before, after = [("grants", "0004_letters_one_task_each")], [("grants", "0005_decision_sent_back")]
    old = migrate(before).loader.project_state(before).apps
    user_model = old.get_model("accounts", "User")
    proposer = user_model.objects.create(email="proposer@example.org", full_name="Proposer")
    checker = user_model.objects.create(email="checker@example.org", full_name="Checker")
    confirmed_award = old_award(old, "offered")
    organisation = old.get_model("applications", "Organisation").objects.create(name="Another old group")
    check = old.get_model("applications", "EligibilityCheck").objects.create(
        round=confirmed_award.round, organisation=organisation, answers={}, failures=[]
    )
    waiting_application = old.get_model("applications", "Application").objects.create(
        round=confirmed_award.round, organisation=organisation, eligibility_check=check, status="scored",
        reference="OLD-0002",
    )
    decisions = old.get_model("grants", "Decision").objects
    confirmed = decisions.create(
        application=confirmed_award.application, outcome="fund", amount=Decimal("5000.00"), proposed_outcome="fund",
        proposed_amount=Decimal("5000.00"), decided_by=proposer, confirmed_by=checker, confirmed_at=timezone.now(),
    )
    waiting = decisions.create(application=waiting_application, outcome="not_fund", proposed_outcome="not_fund",
                               decided_by=proposer)
    try:
        migrate(after)
        assert Decision.objects.get(pk=confirmed.pk).status == Decision.Status.CONFIRMED
        migrated = Decision.objects.get(pk=waiting.pk)
        assert (migrated.status, migrated.sent_back_reason, migrated.reason) == (Decision.Status.PROPOSED, "", "")
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
