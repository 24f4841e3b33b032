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
    PersonalDataFound,
    ReturnError,
    return_review,
    return_save,
    return_submit,
    returns_mark_due,
)
from tests.factories import IndicatorFactory

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
