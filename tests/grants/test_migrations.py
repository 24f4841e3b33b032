from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from grants.models import Decision, Tranche

# Applications as they were before a round's questions became rows, when their answers were columns.
ANSWERS_IN_COLUMNS = ("applications", "0014_round_questions")
BEFORE = [("grants", "0002_tranche_paid_one_way_only"), ANSWERS_IN_COLUMNS]
AFTER = [("grants", "0003_lifecycle_without_unreached_statuses"), ANSWERS_IN_COLUMNS]


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


BEFORE_LETTERS_SET_THE_DEADLINE = [
    ("grants", "0004_letters_one_task_each"), ("applications", "0006_assessment_moved_to_its_own_app"),
]
LETTERS_SET_THE_DEADLINE = [("grants", "0005_deadline_from_the_letter")]


@pytest.mark.django_db(transaction=True)
def test_open_offers_take_their_deadline_from_their_letter_and_applicants_see_the_decision_their_letter_gave():
    from zoneinfo import ZoneInfo

    from applications.models import Application

    london = ZoneInfo("Europe/London")
    old = migrate(BEFORE_LETTERS_SET_THE_DEADLINE).loader.project_state(BEFORE_LETTERS_SET_THE_DEADLINE).apps
    with_letter = old_award(old, "offered")  # offered now, with 28 days counted from the confirmation
    round_ = with_letter.round
    Letter = old.get_model("grants", "Letter")
    letter = Letter.objects.create(application=with_letter.application, kind="offer", file="letters/1/offer.pdf",
                                   checksum="0" * 64)
    issued = timezone.now() + timedelta(days=3)  # issued three days after the confirmation
    Letter.objects.filter(pk=letter.pk).update(issued_at=issued)
    OldApplication = old.get_model("applications", "Application")
    organisation = old.get_model("applications", "Organisation").objects.create(name="Second group")
    check = old.get_model("applications", "EligibilityCheck").objects.create(
        round=round_, organisation=organisation, answers={}, failures=[]
    )
    unwritten = OldApplication.objects.create(round=round_, organisation=organisation, eligibility_check=check,
                                              status="awarded", reference="OLD-0002")
    without_letter = old.get_model("grants", "Award").objects.create(
        application=unwritten, round=round_, status="offered", amount=Decimal("500.00"), offered_at=timezone.now(),
        accept_by=timezone.now() + timedelta(days=28),
    )
    organisation = old.get_model("applications", "Organisation").objects.create(name="Third group")
    check = old.get_model("applications", "EligibilityCheck").objects.create(
        round=round_, organisation=organisation, answers={}, failures=[]
    )
    refused = OldApplication.objects.create(round=round_, organisation=organisation, eligibility_check=check,
                                            status="not_funded", reference="OLD-0003")
    Letter.objects.create(application=refused, kind="not_funded", file="letters/3/not.pdf", checksum="0" * 64)
    try:
        # Read as the tables are at that migration: later ones add columns the model has today.
        Award = migrate(LETTERS_SET_THE_DEADLINE).loader.project_state(LETTERS_SET_THE_DEADLINE).apps.get_model(
            "grants", "Award")
        deadline = Award.objects.get(pk=with_letter.pk).accept_by
        last_day = issued.astimezone(london).date() + timedelta(days=28)
        assert timezone.localtime(deadline).date() == last_day
        assert timezone.localtime(deadline).strftime("%H:%M:%S") == "23:59:59"
        assert Award.objects.get(pk=without_letter.pk).accept_by is None
        assert dict(Application.objects.values_list("reference", "decision_sent")) == {
            "OLD-0001": "awarded", "OLD-0002": "", "OLD-0003": "not_funded",
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_decisions_made_before_sending_back_existed_keep_whether_they_were_confirmed():
    before = [("grants", "0005_deadline_from_the_letter"), ANSWERS_IN_COLUMNS]
    after = [("grants", "0006_decision_sent_back"), ANSWERS_IN_COLUMNS]
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


@pytest.mark.django_db(transaction=True)
def test_grants_accepted_before_variations_existed_were_accepted_at_what_they_are_now_and_offers_not_yet():
    before = [("grants", "0006_decision_sent_back"), ANSWERS_IN_COLUMNS]
    after = [("grants", "0007_suspension_and_clawback"), ANSWERS_IN_COLUMNS]
    old = migrate(before).loader.project_state(before).apps
    accepted = old_award(old, "active")
    organisation = old.get_model("applications", "Organisation").objects.create(name="Another old group")
    check = old.get_model("applications", "EligibilityCheck").objects.create(
        round=accepted.round, organisation=organisation, answers={}, failures=[]
    )
    offered = old.get_model("grants", "Award").objects.create(
        application=old.get_model("applications", "Application").objects.create(
            round=accepted.round, organisation=organisation, eligibility_check=check, status="awarded",
            reference="OLD-0002",
        ),
        round=accepted.round, status="offered", amount=Decimal("700.00"), offered_at=timezone.now(),
    )
    try:
        Award = migrate(after).loader.project_state(after).apps.get_model("grants", "Award")
        award = Award.objects.get(pk=accepted.pk)
        assert (award.amount, award.accepted_amount) == (Decimal("5000.00"), Decimal("5000.00"))
        assert Award.objects.get(pk=offered.pk).accepted_amount is None
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

