from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from core.models import Notification
from grants import payments
from grants.models import Tranche
from grants.notifications import DECISION_SENT_BACK, DECISIONS_TO_CONFIRM, PAYMENT_DUE, PAYMENT_MADE
from grants.payments import tranche_record_bacs
from grants.services import (
    award_accept,
    decision_record,
    decision_send_back,
    decisions_accept_proposals,
    tranche_make_due,
)
from tests.factories import AwardFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def notified(kind) -> list[tuple]:
    return sorted(Notification.objects.filter(kind=kind.code).values_list("recipient_id", "subject", "link"))


def test_proposing_a_batch_tells_every_other_programme_manager_once(
    scored_round, programme_manager, second_manager, django_capture_on_commit_callbacks
):
    round_, _ = scored_round
    third_manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    UserFactory(role=Role.PROGRAMME_MANAGER, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert decisions_accept_proposals(round_=round_, acting_user=programme_manager).recorded == 3
    confirm = reverse("grants:confirm", kwargs={"pk": round_.pk})
    subject = f"Decisions on {round_.name} are waiting for you to confirm them"
    assert notified(DECISIONS_TO_CONFIRM) == sorted([
        (second_manager.pk, subject, confirm), (third_manager.pk, subject, confirm)])
    assert sorted(email.to[0] for email in mail.outbox) == sorted([second_manager.email, third_manager.email])


def test_decisions_proposed_one_by_one_add_no_notification_while_the_last_is_unread(
    scored_round, programme_manager, second_manager
):
    round_, (first, second, _) = scored_round
    decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="", acting_user=programme_manager)
    decision_record(application=second, outcome="not_fund", amount=None, reason="", acting_user=programme_manager)
    assert len(notified(DECISIONS_TO_CONFIRM)) == 1
    Notification.objects.update(read_at="2027-01-04T10:00Z")
    decision_record(application=second, outcome="fund", amount=Decimal("4000.00"), reason="Strong local need",
                    acting_user=programme_manager)
    assert len(notified(DECISIONS_TO_CONFIRM)) == 2


def test_sending_a_decision_back_tells_its_proposer_where_to_revise_it_without_the_reason(
    scored_round, programme_manager, second_manager, django_capture_on_commit_callbacks
):
    round_, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                               acting_user=programme_manager)
    with django_capture_on_commit_callbacks(execute=True):
        decision_send_back(decision=decision, reason="The venue is counted twice.", acting_user=second_manager,
                           proposed_at=decision.decided_at)
    decisions = reverse("grants:decisions", kwargs={"pk": round_.pk})
    assert notified(DECISION_SENT_BACK) == [
        (programme_manager.pk, f"Your decision on {first.reference} was sent back to you to revise", decisions)]
    (email,) = [email for email in mail.outbox if email.to == [programme_manager.email]]
    assert decisions in email.body and "venue" not in email.body


def test_recording_no_proposals_tells_nobody(scored_round, programme_manager, second_manager):
    round_, _ = scored_round
    decisions_accept_proposals(round_=round_, acting_user=programme_manager)
    Notification.objects.all().delete()
    assert decisions_accept_proposals(round_=round_, acting_user=programme_manager).recorded == 0
    assert notified(DECISIONS_TO_CONFIRM) == []


def test_finance_is_told_when_acceptance_makes_the_first_payment_due(programme_manager, finance_officer):
    award = AwardFactory(amount=Decimal("8000.00"))
    award_accept(award=award, name="Amara", role="Chair", acting_user=programme_manager)
    assert notified(PAYMENT_DUE) == [
        (finance_officer.pk, f"A payment is due: part 1 of grant {award.reference}", reverse("grants:payments"))]


def test_finance_is_told_when_a_return_makes_the_next_payment_due(accepted_award, programme_manager, finance_officer):
    Notification.objects.all().delete()
    assert tranche_make_due(award=accepted_award, quarter=2, acting_user=programme_manager)
    assert tranche_make_due(award=accepted_award, quarter=2, acting_user=programme_manager) is None  # already due
    assert notified(PAYMENT_DUE) == [
        (finance_officer.pk, f"A payment is due: part 2 of grant {accepted_award.reference}", reverse("grants:payments"))]


def test_the_grantees_members_are_told_when_a_bank_transfer_is_recorded(
    accepted_award, finance_officer, django_capture_on_commit_callbacks
):
    member = MembershipFactory(organisation=accepted_award.application.organisation).user
    tranche = accepted_award.tranches.get(number=1)
    with django_capture_on_commit_callbacks(execute=True):
        tranche_record_bacs(tranche=tranche, bank_reference="BACS-0001", paid_on=date.today(), acting_user=finance_officer)
    assert notified(PAYMENT_MADE) == [
        (member.pk, f"We have paid part 1 of your grant {accepted_award.reference}",
         reverse("grants:award", kwargs={"pk": accepted_award.pk}))]
    (email,) = [email for email in mail.outbox if email.to == [member.email]]
    assert "BACS-0001" not in email.body and "4,000" not in email.body


def test_the_grantee_is_told_once_when_stripe_reports_a_transfer(accepted_award):
    member = MembershipFactory(organisation=accepted_award.application.organisation).user
    tranche = accepted_award.tranches.get(number=1)
    transfer = {"id": "tr_1", "metadata": {"tranche": tranche.idempotency_key}}
    for _ in range(2):  # a late copy of the event moves nothing and tells nobody again
        payments._apply("transfer.created", transfer)
    assert Tranche.objects.get(pk=tranche.pk).status == Tranche.Status.PAID
    assert [row[0] for row in notified(PAYMENT_MADE)] == [member.pk]
