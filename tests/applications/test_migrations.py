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


ANSWERS_IN_COLUMNS = [("applications", "0014_round_questions")]
LATEST = [("applications", "0016_project_columns_removed")]
OLD_ANSWERS = {
    "title": "Reporting centre", "summary": "We help people report.", "need": "Few report.",
    "activities": "Drop-ins.", "beneficiaries": "Disabled adults.", "partnership": "",
}


def old_application(apps, round_, name: str, answers: dict, *, completed: bool):
    organisation = apps.get_model("applications", "Organisation").objects.create(name=name)
    check = apps.get_model("applications", "EligibilityCheck").objects.create(
        round=round_, organisation=organisation, answers={}, failures=[]
    )
    application = apps.get_model("applications", "Application").objects.create(
        round=round_, organisation=organisation, eligibility_check=check, amount_requested=Decimal("5000.00"),
        **answers,
    )
    apps.get_model("applications", "ApplicationSection").objects.create(
        application=application, step="project", completed_at=timezone.now() if completed else None,
        data={**{f"project-{code}": [value] for code, value in answers.items()},
              "project-boroughs": ["E09000012"], "project-amount_requested": ["5,000"]},
    )
    return application


@pytest.mark.django_db(transaction=True)
def test_the_project_questions_become_each_rounds_own_and_every_answer_a_row_with_the_words_it_answered():
    from applications.models import Answer, Application, ApplicationSection, Section

    old = migrate(ANSWERS_IN_COLUMNS).loader.project_state(ANSWERS_IN_COLUMNS).apps
    round_ = old_round(old, "OLD", [])
    sent = old_application(old, round_, "Sent group", OLD_ANSWERS, completed=True)
    half = old_application(old, round_, "Half-way group", {"title": "Half"}, completed=False)
    try:
        migrate(LATEST)
        section = Section.objects.get(round=round_.pk)
        assert (section.slug, section.title) == ("project", "Your project")
        assert list(section.questions.values_list("code", flat=True)) == list(OLD_ANSWERS)
        given = {answer.question.code: (answer.label, answer.value)
                 for answer in Answer.objects.filter(application=sent.pk).select_related("question")}
        assert given == {
            "title": ("Project name", "Reporting centre"),
            "summary": ("Summarise your project", "We help people report."),
            "need": ("What need will your project meet?", "Few report."),
            "activities": ("What will you do?", "Drop-ins."),
            "beneficiaries": ("Who will benefit, and how will you reach them?", "Disabled adults."),
        }  # an empty answer is no answer
        assert Application.objects.get(pk=sent.pk).title == "Reporting centre"
        assert list(Answer.objects.filter(application=half.pk).values_list("value", flat=True)) == ["Half"]
        # Boroughs and amount are a step of their own now, in the state the project step was in.
        request = ApplicationSection.objects.get(application=sent.pk, step="request")
        assert request.completed_at is not None
        assert request.data == {"request-boroughs": ["E09000012"], "request-amount_requested": ["5,000"]}
        assert "project-boroughs" not in ApplicationSection.objects.get(application=sent.pk, step="project").data
        assert ApplicationSection.objects.get(application=half.pk, step="request").completed_at is None
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_going_back_puts_the_answers_in_their_columns_again():
    old = migrate(ANSWERS_IN_COLUMNS).loader.project_state(ANSWERS_IN_COLUMNS).apps
    round_ = old_round(old, "OLD", [])
    sent = old_application(old, round_, "Sent group", OLD_ANSWERS, completed=True)
    try:
        migrate(LATEST)
        back = migrate(ANSWERS_IN_COLUMNS).loader.project_state(ANSWERS_IN_COLUMNS).apps
        application = back.get_model("applications", "Application").objects.get(pk=sent.pk)
        assert {code: getattr(application, code) for code in OLD_ANSWERS} == OLD_ANSWERS
        project = back.get_model("applications", "ApplicationSection").objects.get(application=sent.pk)
        assert project.step == "project" and project.data["project-amount_requested"] == ["5,000"]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
