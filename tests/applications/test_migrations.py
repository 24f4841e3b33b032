from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from applications.models import Indicator
from tests.grants.test_migrations import migrate

BEFORE = [("applications", "0007_application_decision_sent")]
AFTER = [("applications", "0008_indicator_units_and_parts")]
# The standard indicators as the earlier version made them: code and name, nothing saying what is part of what.
OLD_STANDARD = [
    ("victims_supported", "Disabled victims supported"),
    ("reports_with_support", "Hate incidents and crimes reported to the police with your support"),
    ("crime_references", "Crime reference numbers obtained"),
    ("police_report_taken", "Police took the report"),
    ("police_report_declined", "Police declined to take the report"),
    ("police_response_poor", "Police response judged poor"),
]


def old_round(apps, prefix: str, codes: list[str]):
    now = timezone.now()
    round_ = apps.get_model("applications", "Round").objects.create(
        name=f"Round {prefix}", reference_prefix=prefix, summary="Old round", opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30), budget=Decimal("10000.00"),
    )
    for position, (code, name) in enumerate(OLD_STANDARD):
        if code in codes:
            apps.get_model("applications", "Indicator").objects.create(round=round_, code=code, name=name,
                                                                       position=position)
    return round_


@pytest.mark.django_db(transaction=True)
def test_existing_rounds_standard_indicators_learn_which_is_part_of_which():
    old = migrate(BEFORE).loader.project_state(BEFORE).apps
    every = old_round(old, "OLD", [code for code, _ in OLD_STANDARD])
    # A round that never had the reports indicator: its police responses are part of nothing.
    without_reports = old_round(old, "FEW", ["victims_supported", "police_report_taken", "crime_references"])
    try:
        migrate(AFTER)
        assert dict(Indicator.objects.filter(round_id=every.pk, part_of__isnull=False)
                    .values_list("code", "part_of__code")) == {
            "police_report_taken": "reports_with_support",
            "police_report_declined": "reports_with_support",
            "police_response_poor": "reports_with_support",
            "crime_references": "police_report_taken",
        }
        assert set(Indicator.objects.filter(part_of__isnull=False).values_list("part_of__round", "round")) == {
            (every.pk, every.pk), (without_reports.pk, without_reports.pk)}
        assert dict(Indicator.objects.filter(round_id=without_reports.pk, part_of__isnull=False)
                    .values_list("code", "part_of__code")) == {"crime_references": "police_report_taken"}
        assert set(Indicator.objects.values_list("unit", flat=True)) == {Indicator.Unit.NUMBER}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_going_back_forgets_the_relationships_and_keeps_the_indicators():
    old = migrate(BEFORE).loader.project_state(BEFORE).apps
    every = old_round(old, "OLD", [code for code, _ in OLD_STANDARD])
    try:
        migrate(AFTER)
        old = migrate(BEFORE).loader.project_state(BEFORE).apps
        assert old.get_model("applications", "Indicator").objects.filter(round_id=every.pk).count() == len(OLD_STANDARD)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
