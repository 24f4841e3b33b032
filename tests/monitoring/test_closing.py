from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import AuditEvent, Notification
from grants.models import Award, Clawback, Letter, Tranche
from grants.payments import tranche_record_bacs
from grants.services import tranche_make_due
from monitoring.closing import end_report_problems, end_report_review, end_report_save, end_report_submit
from monitoring.models import EndReport, IndicatorCount, Return
from monitoring.services import PersonalDataFound, ReturnError
from tests.factories import UserFactory, award_started_months_ago

pytestmark = pytest.mark.django_db

ANSWERS = {"achievements": "We supported 70 people against a promise of 80", "spent": Decimal("7000.00"),
           "underspend_reason": "Our volunteer coordinator left in quarter 3", "lessons": "Recruit two coordinators",
           "story": "A Deaf man reported abuse on his estate with our help and it stopped"}


@pytest.fixture
def ended(award, applicant, programme_manager, finance_officer):
    """The £8,000 grant a year on, its part 1 paid and every return accepted, so its parts 2 and 3 are due."""
    award = award_started_months_ago(award, 12)
    tranche_record_bacs(tranche=award.tranches.get(number=1), bank_reference="BACS-1",
                        paid_on=timezone.localdate(), acting_user=finance_officer)
    Return.objects.filter(award=award).update(status=Return.Status.ACCEPTED)
    for tranche in award.tranches.filter(status=Tranche.Status.SCHEDULED):
        tranche_make_due(award=award, quarter=tranche.after_quarter, acting_user=programme_manager)
    award.refresh_from_db()
    return award


def sent(award, applicant, answers=ANSWERS) -> EndReport:
    report = end_report_save(award=award, fields=answers, acting_user=applicant)
    return end_report_submit(report=report, declarant_name="Amara Okafor", acting_user=applicant)


def review(report, manager, accept=True, comments="", outcome=""):
    return end_report_review(report=report, accept=accept, comments=comments, underspend_outcome=outcome,
                             acting_user=manager, site_url="https://grants.example.org")


def test_a_report_is_saved_as_it_is_written_and_sent_once_the_grant_has_ended(ended, applicant, mailoutbox,
                                                                             django_capture_on_commit_callbacks):
    report = end_report_save(award=ended, fields={"achievements": "  Most of what we promised  "},
                             acting_user=applicant)
    assert (report.status, report.achievements) == (EndReport.Status.DRAFT, "Most of what we promised")
    with pytest.raises(ReturnError, match="Tell us how much of the grant you spent, what you learned and a story"):
        end_report_submit(report=report, declarant_name="Amara", acting_user=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        report = sent(ended, applicant)
    assert (report.status, report.declarant_name, report.underspend) == (
        EndReport.Status.SUBMITTED, "Amara Okafor", Decimal("1000.00"))
    assert AuditEvent.objects.filter(action="end_report.sent").exists()
    assert "End-of-grant report to review" in mailoutbox[-1].subject
    with pytest.raises(ReturnError, match="already been sent"):
        end_report_submit(report=report, declarant_name="Amara", acting_user=applicant)
    with pytest.raises(ReturnError, match="cannot be changed"):
        end_report_save(award=ended, fields={"lessons": "More"}, acting_user=applicant)


def test_a_report_cannot_be_sent_before_the_last_quarter_ends(award, applicant):
    report = end_report_save(award=award, fields=ANSWERS, acting_user=applicant)
    assert end_report_problems(report)[0].startswith("The grant's last quarter ends on")
    with pytest.raises(ReturnError, match="last quarter ends"):
        end_report_submit(report=report, declarant_name="Amara", acting_user=applicant)


def test_an_underspend_needs_a_reason_and_no_more_can_be_spent_than_the_grant(ended, applicant):
    report = end_report_save(award=ended, fields={**ANSWERS, "underspend_reason": ""}, acting_user=applicant)
    assert end_report_problems(report) == ["Say why some of the grant was not spent."]
    report = end_report_save(award=ended, fields={"spent": Decimal("8000.01")}, acting_user=applicant)
    assert end_report_problems(report) == ["You cannot have spent more of the grant than the grant: £8,000."]
    report = end_report_save(award=ended, fields={"spent": Decimal("8000.00")}, acting_user=applicant)
    assert end_report_problems(report) == []


def test_personal_data_in_the_report_is_pointed_out_until_the_grantee_confirms_it(ended, applicant):
    report = end_report_save(award=ended, fields={**ANSWERS, "story": "Call Jo on 07700 900123"},
                             acting_user=applicant)
    with pytest.raises(PersonalDataFound) as found:
        end_report_submit(report=report, declarant_name="Amara", acting_user=applicant)
    assert [finding.field for finding in found.value.findings] == ["story"]
    report = end_report_submit(report=report, declarant_name="Amara", acting_user=applicant,
                               personal_data_checked=True)
    assert report.status == EndReport.Status.SUBMITTED


def test_accepting_completes_the_grant_cuts_the_parts_not_needed_and_issues_the_completion_letter(
    ended, applicant, programme_manager
):
    report = review(sent(ended, applicant), programme_manager)
    assert report.status == EndReport.Status.ACCEPTED
    ended.refresh_from_db()
    assert (ended.status, ended.underspent) == (Award.Status.COMPLETED, Decimal("1000.00"))
    # Parts 2 and 3 were £2,000 each: the last is cut by the £1,000 not spent, and is still paid.
    assert list(ended.tranches.order_by("number").values_list("status", "amount")) == [
        ("paid", Decimal("4000.00")), ("due", Decimal("2000.00")), ("due", Decimal("1000.00"))]
    assert Letter.objects.filter(application=ended.application, kind="completion").count() == 2
    assert Notification.objects.filter(recipient=applicant, kind="monitoring.end_report_reviewed").exists()
    assert not Clawback.objects.exists()


def test_money_paid_and_not_spent_is_asked_back_as_a_clawback_for_a_second_manager_or_written_off(
    ended, applicant, programme_manager, finance_officer
):
    for tranche in ended.tranches.filter(status=Tranche.Status.DUE):
        tranche_record_bacs(tranche=tranche, bank_reference=f"BACS-{tranche.number}", paid_on=timezone.localdate(),
                            acting_user=finance_officer)
    report = sent(ended, applicant)
    with pytest.raises(ReturnError, match="ask for the money paid and not spent back, or write it off"):
        review(report, programme_manager)
    review(report, programme_manager, outcome=EndReport.Underspend.RETURNED)
    clawback = Clawback.objects.get()
    assert (clawback.status, clawback.amount, clawback.proposed_by) == (
        Clawback.Status.PROPOSED, Decimal("1000.00"), programme_manager)
    assert "Our volunteer coordinator left" in clawback.reason
    ended.refresh_from_db()
    assert (ended.status, ended.underspent) == (Award.Status.COMPLETED, Decimal(0))


def test_written_off_money_is_not_asked_back(ended, applicant, programme_manager, finance_officer):
    for tranche in ended.tranches.filter(status=Tranche.Status.DUE):
        tranche_record_bacs(tranche=tranche, bank_reference=f"BACS-{tranche.number}", paid_on=timezone.localdate(),
                            acting_user=finance_officer)
    report = review(sent(ended, applicant), programme_manager, outcome=EndReport.Underspend.WRITTEN_OFF)
    assert report.underspend_outcome == EndReport.Underspend.WRITTEN_OFF
    assert not Clawback.objects.exists()


def test_a_report_is_not_accepted_while_a_return_waits_and_changes_need_a_reason(ended, applicant,
                                                                              programme_manager):
    report = sent(ended, applicant)
    Return.objects.filter(award=ended, quarter=4).update(status=Return.Status.SUBMITTED)
    with pytest.raises(ReturnError, match="quarter 4 still waiting"):
        review(report, programme_manager)
    with pytest.raises(ReturnError, match="Say what needs changing"):
        review(report, programme_manager, accept=False, comments=" ")
    report = review(report, programme_manager, accept=False, comments="Say more about what you learned")
    assert report.status == EndReport.Status.CHANGES_REQUESTED
    report = end_report_save(award=ended, fields={"lessons": "Recruit two coordinators and train them early"},
                             acting_user=applicant)
    assert end_report_submit(report=report, declarant_name="Amara", acting_user=applicant).status == "submitted"
    ended.refresh_from_db()
    assert ended.status == Award.Status.ACTIVE


def test_only_a_programme_manager_reviews_and_a_second_review_is_refused(ended, applicant, programme_manager):
    report = sent(ended, applicant)
    with pytest.raises(ReturnError, match="Only a programme manager"):
        review(report, UserFactory(role="finance_officer"))
    review(report, programme_manager)
    with pytest.raises(ReturnError, match="already been reviewed"):
        review(report, programme_manager)
    assert Letter.objects.filter(kind="completion").count() == 2


def test_a_suspended_grant_is_not_completed(ended, applicant, programme_manager):
    from grants.suspensions import award_suspend

    report = sent(ended, applicant)
    award_suspend(award=ended, reason="A concern", acting_user=programme_manager)
    with pytest.raises(ReturnError, match="lift the suspension"):
        review(report, programme_manager)
    report.refresh_from_db()
    assert report.status == EndReport.Status.SUBMITTED


def test_the_report_shows_each_target_against_what_the_accepted_returns_counted(ended, supported):
    from monitoring.selectors import promised_and_achieved

    for quarter, value in ((1, 15), (2, 25), (3, 20)):
        IndicatorCount.objects.create(monitoring_return=ended.returns.get(quarter=quarter), indicator=supported,
                                      value=value)
    Return.objects.filter(award=ended, quarter=3).update(status=Return.Status.SUBMITTED)
    row = next(row for row in promised_and_achieved(ended) if row.indicator == "Disabled victims supported")
    assert (row.promised, row.achieved, row.under_target) == (80, 40, True)
