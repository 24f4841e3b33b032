from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from applications.models import BudgetLine
from core.models import AuditEvent
from grants.audit import AuditAction as GrantAuditAction
from grants.models import Tranche
from monitoring.audit import AuditAction
from monitoring.models import IndicatorCount, Return
from monitoring.services import (
    FiguresImpossible,
    PersonalDataFound,
    ReturnError,
    figures_record,
    return_allow_early,
    return_review,
    return_save,
    return_submit,
    returns_mark_due,
)
from accounts.models import Role
from tests.factories import IndicatorFactory, UserFactory, award_started_months_ago

pytestmark = pytest.mark.django_db


def test_accepting_an_offer_schedules_a_return_for_each_quarter(award):
    returns = list(award.returns.all())
    assert [r.quarter for r in returns] == [1, 2, 3, 4]
    first = returns[0]
    assert first.period_start == award.starts_on
    assert first.due_on == first.period_end + timedelta(days=award.round.return_due_days)
    assert returns[1].period_start == first.period_end + timedelta(days=1)


def test_a_return_is_saved_as_a_draft_then_sent(award, applicant):
    indicator = IndicatorFactory(round=award.round)
    line = BudgetLine.objects.create(application=award.application, category="staff", description="Caseworker",
                                     amount=Decimal("4000"))
    first = award.returns.get(quarter=1)
    return_save(monitoring_return=first, counts={indicator.pk: 12}, spending={line.pk: Decimal("900")},
                narrative={"what_changed": "We supported 12 people."}, acting_user=applicant)
    assert IndicatorCount.objects.get(monitoring_return=first).value == 12
    sent = return_submit(monitoring_return=first, declarant_name="Amara", acting_user=applicant)
    assert sent.status == Return.Status.SUBMITTED
    with pytest.raises(ReturnError):
        return_save(monitoring_return=first, counts={}, spending={}, narrative={"what_changed": "x"}, acting_user=applicant)


def test_personal_data_in_the_narrative_stops_sending_until_checked(award, applicant):
    first = award.returns.get(quarter=1)
    return_save(monitoring_return=first, counts={}, spending={},
                narrative={"case_study": "Call Jo on 07700 900982 at E8 1HR"}, acting_user=applicant)
    with pytest.raises(PersonalDataFound) as found:
        return_submit(monitoring_return=first, declarant_name="Amara", acting_user=applicant)
    assert {finding.kind for finding in found.value.findings} == {"a phone number", "a postcode"}
    assert return_submit(monitoring_return=first, declarant_name="Amara", acting_user=applicant,
                         personal_data_checked=True).status == Return.Status.SUBMITTED


def test_changes_asked_for_then_resent_then_accepted(award, applicant, programme_manager, django_capture_on_commit_callbacks):
    first = award.returns.get(quarter=1)
    return_submit(monitoring_return=first, declarant_name="Amara", acting_user=applicant)
    with pytest.raises(ReturnError, match="Say what needs changing"):
        return_review(monitoring_return=first, accept=False, comments="", acting_user=programme_manager)
    with django_capture_on_commit_callbacks(execute=True):
        return_review(monitoring_return=first, accept=False, comments="Add spend on venues", acting_user=programme_manager)
    assert mail.outbox[-1].subject.startswith("Changes needed to your return for quarter 1")
    return_submit(monitoring_return=first, declarant_name="Amara", acting_user=applicant)
    assert return_review(monitoring_return=first, accept=True, comments="", acting_user=programme_manager).status == "accepted"


def test_accepting_the_quarter_2_return_makes_the_second_tranche_due(award, applicant, programme_manager):
    award_started_months_ago(award)  # six months in: quarter 2 has ended too
    second_tranche = award.tranches.get(number=2)
    assert second_tranche.status == Tranche.Status.SCHEDULED
    for quarter in (1, 2):
        monitoring_return = award.returns.get(quarter=quarter)
        return_submit(monitoring_return=monitoring_return, declarant_name="Amara", acting_user=applicant)
        return_review(monitoring_return=monitoring_return, accept=True, comments="", acting_user=programme_manager)
        second_tranche.refresh_from_db()
        assert second_tranche.status == (Tranche.Status.DUE if quarter == 2 else Tranche.Status.SCHEDULED)
    assert award.tranches.get(number=3).status == Tranche.Status.SCHEDULED
    event = AuditEvent.objects.get(action=GrantAuditAction.TRANCHE_DUE)
    assert (event.target, event.data) == (second_tranche, {"quarter": 2})
    reviews = AuditEvent.objects.filter(action=AuditAction.RETURN_REVIEWED).order_by("id")
    assert [event.data for event in reviews] == [{"quarter": 1}, {"quarter": 2}]


@pytest.mark.parametrize(
    ("from_status", "allowed"),
    [
        ("not_due", {"due", "submitted"}), ("due", {"submitted"}), ("submitted", {"accepted", "changes_requested"}),
        ("changes_requested", {"submitted"}), ("accepted", set()),
    ],
)
def test_the_return_lifecycle_allows_only_its_own_moves(from_status, allowed):
    monitoring_return = Return(status=from_status)
    assert {status for status in Return.Status.values if monitoring_return.can_transition_to(status)} == allowed


def test_an_accepted_return_cannot_be_reviewed_again(award, applicant, programme_manager):
    first = award.returns.get(quarter=1)
    return_submit(monitoring_return=first, declarant_name="Amara", acting_user=applicant)
    return_review(monitoring_return=first, accept=True, comments="", acting_user=programme_manager)
    with pytest.raises(ReturnError, match="already been reviewed"):
        return_review(monitoring_return=first, accept=False, comments="Again", acting_user=programme_manager)


def test_marking_returns_due_writes_an_audit_event_by_the_system(award):
    first = award.returns.get(quarter=1)
    assert returns_mark_due(today=first.period_end + timedelta(days=1)) == 1
    event = AuditEvent.objects.get(target_id=str(first.pk), to_state=Return.Status.DUE)
    assert (event.actor, event.from_state) == (None, Return.Status.NOT_DUE)
    assert (event.action, event.data, event.sentence) == (AuditAction.RETURN_DUE, {"quarter": 1},
                                                          "quarter 1 ended: return due")


def test_a_return_sent_while_returns_are_marked_due_stays_sent(award, applicant, supported, caseworker):
    """The cron job reads the returns whose quarter has ended; the grantee sends one before it gets to it."""
    first = award.returns.get(quarter=1)
    return_save(monitoring_return=first, counts={supported.pk: 3}, spending={caseworker.pk: Decimal("100")},
                narrative={}, acting_user=applicant)
    sent_meanwhile = []

    def send_after_the_stale_read(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not sent_meanwhile and sql.startswith("SELECT") and Return._meta.db_table in sql:
            sent_meanwhile.append(first)
            return_submit(monitoring_return=first, declarant_name="Amara", acting_user=applicant)
        return result

    with connection.execute_wrapper(send_after_the_stale_read):
        marked = returns_mark_due(today=first.period_end + timedelta(days=1))
    first.refresh_from_db()
    assert sent_meanwhile and first.status == Return.Status.SUBMITTED
    assert marked == 0 and not AuditEvent.objects.filter(to_state=Return.Status.DUE).exists()


def test_a_return_cannot_be_sent_with_numbers_missing(award, applicant, supported, caseworker):
    first = award.returns.get(quarter=1)
    return_save(monitoring_return=first, counts={supported.pk: 3}, spending={caseworker.pk: None}, narrative={},
                acting_user=applicant)
    with pytest.raises(ReturnError, match="spending on caseworker"):
        return_submit(monitoring_return=first, declarant_name="Amara", acting_user=applicant)


# Sending before the quarter ends ---------------------------------------------------------------------------------


def test_a_return_cannot_be_sent_before_its_quarter_ends_but_its_draft_can_be_saved(award, applicant, supported):
    second = award.returns.get(quarter=2)
    return_save(monitoring_return=second, counts={supported.pk: 4}, spending={}, narrative={}, acting_user=applicant)
    assert second.counts.get().value == 4
    with pytest.raises(ReturnError) as refused:
        return_submit(monitoring_return=second, declarant_name="Amara", acting_user=applicant)
    assert str(refused.value) == (f"You can send this return from {second.sendable_from.day} "
                                  f"{second.sendable_from:%B %Y}, after the quarter ends on "
                                  f"{second.period_end.day} {second.period_end:%B %Y}.")
    second.refresh_from_db()
    assert (second.status, second.submitted_at) == (Return.Status.NOT_DUE, None)
    assert not AuditEvent.objects.filter(action=AuditAction.RETURN_SENT).exists()


def test_a_programme_manager_allows_one_return_early_with_a_reason_recorded(award, applicant, programme_manager,
                                                                             supported):
    second, third = award.returns.get(quarter=2), award.returns.get(quarter=3)
    return_allow_early(monitoring_return=second, reason="  The caseworker leaves in May; we agreed a final report.  ",
                       acting_user=programme_manager)
    second.refresh_from_db()
    assert second.allowed_early
    assert (second.early_reason, second.early_allowed_by) == (
        "The caseworker leaves in May; we agreed a final report.", programme_manager)
    event = AuditEvent.objects.get(action=AuditAction.RETURN_EARLY_ALLOWED)
    assert (event.target, event.actor, event.reason, event.data) == (
        second, programme_manager, "The caseworker leaves in May; we agreed a final report.", {"quarter": 2})
    return_save(monitoring_return=second, counts={supported.pk: 4}, spending={}, narrative={}, acting_user=applicant)
    assert return_submit(monitoring_return=second, declarant_name="Amara", acting_user=applicant).status == (
        Return.Status.SUBMITTED)
    return_save(monitoring_return=third, counts={supported.pk: 4}, spending={}, narrative={}, acting_user=applicant)
    with pytest.raises(ReturnError, match="You can send this return from"):
        return_submit(monitoring_return=third, declarant_name="Amara", acting_user=applicant)


def test_allowing_early_needs_a_reason(award, programme_manager):
    with pytest.raises(ReturnError, match="Say why this return can be sent before its quarter ends"):
        return_allow_early(monitoring_return=award.returns.get(quarter=2), reason=" ", acting_user=programme_manager)
    assert not award.returns.get(quarter=2).allowed_early


@pytest.mark.parametrize("who", [Role.APPLICANT, Role.ASSESSOR, Role.FINANCE_OFFICER])
def test_only_a_programme_manager_may_allow_a_return_early(award, who):
    with pytest.raises(ReturnError, match="Only a programme manager can allow a return early"):
        return_allow_early(monitoring_return=award.returns.get(quarter=2), reason="Grant ends early",
                           acting_user=UserFactory(role=who))
    assert not AuditEvent.objects.filter(action=AuditAction.RETURN_EARLY_ALLOWED).exists()


def test_a_return_whose_quarter_ended_or_already_allowed_is_not_allowed_early(award, programme_manager):
    with pytest.raises(ReturnError):
        return_allow_early(monitoring_return=award.returns.get(quarter=1), reason="No need", acting_user=programme_manager)
    second = award.returns.get(quarter=2)
    return_allow_early(monitoring_return=second, reason="Grant ends early", acting_user=programme_manager)
    with pytest.raises(ReturnError):
        return_allow_early(monitoring_return=second, reason="Again", acting_user=programme_manager)
    assert AuditEvent.objects.filter(action=AuditAction.RETURN_EARLY_ALLOWED).count() == 1


# Figures that cannot be true -------------------------------------------------------------------------------------


def test_a_part_larger_than_its_whole_is_refused_even_in_a_draft(award, applicant, reports):
    made, taken = reports
    first = award.returns.get(quarter=1)
    with pytest.raises(FiguresImpossible) as refused:
        return_save(monitoring_return=first, counts={made.pk: 3, taken.pk: 6}, spending={}, narrative={},
                    acting_user=applicant)
    assert str(refused.value) == "Reports the police took (6) cannot be more than hate crime reports made (3)."
    assert refused.value.problems == {taken.pk: str(refused.value)[:-1]}
    assert not first.counts.exists()


def test_a_part_is_checked_against_the_whole_saved_before(award, applicant, reports):
    made, taken = reports
    first = award.returns.get(quarter=1)
    return_save(monitoring_return=first, counts={made.pk: 3}, spending={}, narrative={}, acting_user=applicant)
    with pytest.raises(FiguresImpossible):
        return_save(monitoring_return=first, counts={taken.pk: 6}, spending={}, narrative={}, acting_user=applicant)
    return_save(monitoring_return=first, counts={taken.pk: 3}, spending={}, narrative={}, acting_user=applicant)
    return_save(monitoring_return=first, counts={made.pk: None, taken.pk: 6}, spending={}, narrative={},
                acting_user=applicant)
    assert dict(first.counts.values_list("indicator_id", "value")) == {taken.pk: 6}


def test_a_percentage_over_100_is_refused(award, applicant, satisfied):
    with pytest.raises(FiguresImpossible, match=r"Victims satisfied with the support \(120%\) must be between"):
        return_save(monitoring_return=award.returns.get(quarter=1), counts={satisfied.pk: 120}, spending={},
                    narrative={}, acting_user=applicant)


def test_figures_from_a_spreadsheet_that_cannot_be_true_with_those_saved_are_all_refused(
    award, applicant, programme_manager, supported, reports
):
    made, taken = reports
    first = award.returns.get(quarter=1)
    return_save(monitoring_return=first, counts={made.pk: 3}, spending={}, narrative={}, acting_user=applicant)
    with pytest.raises(ReturnError, match=r"Nothing was saved: in .* quarter 1, Reports the police took \(6\)"):
        figures_record(counts={(first.pk, supported.pk): 9, (first.pk, taken.pk): 6}, spending={},
                       acting_user=programme_manager)
    assert dict(first.counts.values_list("indicator_id", "value")) == {made.pk: 3}


def test_a_figure_given_in_parts_is_kept_with_its_total_and_sent_only_when_every_part_is_given(
    award, applicant, hotspots, satisfaction
):
    from monitoring.figures import SplitFigure

    camden, islington = award.application.boroughs.order_by("name").values_list("gss_code", flat=True)
    first = award.returns.get(quarter=1)
    return_save(monitoring_return=first, acting_user=applicant, spending={}, narrative={}, counts={
        hotspots.pk: SplitFigure({camden: 4, islington: None}),
        satisfaction.pk: SplitFigure({"Satisfied": 5, "Neither": 2, "Dissatisfied": 1}, asked=12),
    })
    by_borough = first.counts.get(indicator=hotspots)
    assert (by_borough.value, dict(by_borough.parts.values_list("part", "value"))) == (4, {camden: 4})
    survey = first.counts.get(indicator=satisfaction)
    assert (survey.value, survey.asked) == (8, 12)
    with pytest.raises(ReturnError, match="Give a number for incidents by borough before sending"):
        return_submit(monitoring_return=first, declarant_name="Amara", acting_user=applicant)
    with pytest.raises(FiguresImpossible, match=r"cannot be more than the people asked \(7\)"):
        return_save(monitoring_return=first, acting_user=applicant, spending={}, narrative={}, counts={
            satisfaction.pk: SplitFigure({"Satisfied": 5, "Neither": 2, "Dissatisfied": 1}, asked=7)})
    return_save(monitoring_return=first, acting_user=applicant, spending={}, narrative={}, counts={
        hotspots.pk: SplitFigure({camden: 4, islington: 0})})
    assert return_submit(monitoring_return=first, declarant_name="Amara", acting_user=applicant).status == "submitted"
    # Blank in every part, a figure given before is removed, with its parts.
    second = award.returns.get(quarter=2)
    return_save(monitoring_return=second, acting_user=applicant, spending={}, narrative={},
                counts={hotspots.pk: SplitFigure({camden: 2, islington: 1})})
    return_save(monitoring_return=second, acting_user=applicant, spending={}, narrative={},
                counts={hotspots.pk: SplitFigure({camden: None, islington: None})})
    assert not second.counts.exists()


def poor_response_fields(**changes) -> dict:
    from datetime import date

    return {"police_area": "Central East BCU", "month": date(2026, 1, 1), "problems": ["report_refused"],
            "details": "", "complaint_made": False, "escalated": True, **changes}


def test_a_poor_police_response_keeps_only_the_area_and_month_and_is_checked_for_personal_data(award, applicant):
    from monitoring.models import PoorResponse
    from monitoring.services import poor_response_remove, poor_response_save

    first = award.returns.get(quarter=1)
    month = award.starts_on.replace(day=14)
    saved = poor_response_save(monitoring_return=first, poor_response=None, acting_user=applicant,
                               fields=poor_response_fields(month=month, problems=["other", "no_follow_up", "sold"]))
    assert (saved.month, saved.problems) == (month.replace(day=1), ["no_follow_up", "other"])
    for fields, refusal in [
        (poor_response_fields(police_area="Hackney Police"), "Choose the police area"),
        (poor_response_fields(month=award.starts_on - timedelta(days=40)), "Choose a month from when the grant"),
        (poor_response_fields(month=first.period_end + timedelta(days=40)), "Choose a month from when the grant"),
        (poor_response_fields(month=month, problems=[]), "Choose at least one thing that went wrong"),
    ]:
        with pytest.raises(ReturnError, match=refusal):
            poor_response_save(monitoring_return=first, poor_response=None, fields=fields, acting_user=applicant)
    worded = poor_response_fields(month=month, details="The officer told Jo Bloggs at E8 1HR to stop wasting time.")
    with pytest.raises(PersonalDataFound):
        poor_response_save(monitoring_return=first, poor_response=saved, fields=worded, acting_user=applicant)
    changed = poor_response_save(monitoring_return=first, poor_response=saved, fields=worded, acting_user=applicant,
                                 personal_data_checked=True)
    assert changed.pk == saved.pk and changed.details.startswith("The officer") and PoorResponse.objects.count() == 1
    assert [event.action for event in AuditEvent.objects.filter(action__startswith="return.poor").order_by("id")] == [
        AuditAction.POOR_RESPONSE_RECORDED, AuditAction.POOR_RESPONSE_CHANGED]
    return_submit(monitoring_return=first, declarant_name="Amara", acting_user=applicant)
    with pytest.raises(ReturnError, match="can no longer be changed"):
        poor_response_save(monitoring_return=first, poor_response=None, acting_user=applicant,
                           fields=poor_response_fields(month=month))
    with pytest.raises(ReturnError, match="can no longer be changed"):
        poor_response_remove(poor_response=saved, acting_user=applicant)
    assert PoorResponse.objects.count() == 1
