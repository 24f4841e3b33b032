import hashlib
import hmac
import json
import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from core.models import AuditEvent
from grants import payments
from grants.audit import AuditAction
from grants.models import Award, ConnectedAccount, Tranche, WebhookEvent
from grants.payments import BadWebhook, tranche_record_bacs, tranche_release_stripe, webhook_receive
from grants.services import GrantError, award_accept
from tests.factories import AwardFactory, UserFactory
from tests.grants.fake_stripe import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db


def first_tranche(award) -> Tranche:
    return award.tranches.get(number=1)


def signed(event: dict, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[bytes, str]:
    payload = json.dumps(event).encode()
    timestamp = timestamp or int(time.time())
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return payload, f"t={timestamp},v1={digest}"


def transfer_event(event_id: str, event_type: str, tranche: Tranche, transfer_id: str = "tr_1") -> dict:
    return {
        "id": event_id, "object": "event", "type": event_type, "api_version": "2025-01-01",
        "data": {"object": {"id": transfer_id, "object": "transfer", "metadata": {"tranche": tranche.idempotency_key}}},
    }


def test_bacs_is_the_default_and_records_the_bank_reference_once(accepted_award, finance_officer):
    tranche = first_tranche(accepted_award)
    assert payments.rail_for(tranche) == Tranche.Rail.BACS
    tranche_record_bacs(tranche=tranche, bank_reference="BACS-0001", paid_on=date(2027, 5, 2), acting_user=finance_officer)
    tranche.refresh_from_db()
    assert (tranche.status, tranche.bank_reference, tranche.rail) == ("paid", "BACS-0001", "bacs")
    event = AuditEvent.objects.get(action=AuditAction.BACS_PAYMENT_RECORDED)
    assert (event.target, event.data) == (tranche, {"amount": f"{tranche.amount:.2f}"})
    assert Award.objects.get(pk=accepted_award.pk).status == Award.Status.ACTIVE
    with pytest.raises(GrantError, match="already been paid"):
        tranche_record_bacs(tranche=tranche, bank_reference="BACS-0002", paid_on=date(2027, 5, 3), acting_user=finance_officer)


def test_a_scheduled_tranche_cannot_be_paid_yet(accepted_award, finance_officer):
    with pytest.raises(GrantError, match="not due for payment: it is scheduled"):
        tranche_record_bacs(tranche=accepted_award.tranches.get(number=2), bank_reference="X", paid_on=date.today(),
                            acting_user=finance_officer)


def test_stripe_is_used_when_configured_and_the_grantee_can_receive_transfers(fake_stripe, accepted_award, connected):
    assert payments.rail_for(first_tranche(accepted_award)) == Tranche.Rail.STRIPE


def test_the_route_recorded_when_a_payment_began_wins_over_what_is_configured_now(
    fake_stripe, accepted_award, connected, finance_officer, settings
):
    tranche = tranche_release_stripe(tranche=first_tranche(accepted_award), acting_user=finance_officer)
    settings.STRIPE_SECRET_KEY = ""
    assert payments.rail_for(tranche) == Tranche.Rail.STRIPE


def test_a_bank_transfer_cannot_be_recorded_for_a_tranche_released_by_stripe(
    fake_stripe, accepted_award, connected, finance_officer
):
    tranche = tranche_release_stripe(tranche=first_tranche(accepted_award), acting_user=finance_officer)
    with pytest.raises(GrantError, match="paid by Stripe"):
        tranche_record_bacs(tranche=tranche, bank_reference="BACS-9", paid_on=date.today(), acting_user=finance_officer)
    tranche.refresh_from_db()
    assert (tranche.status, tranche.rail, tranche.bank_reference) == ("released", "stripe", "")


def test_a_tranche_paid_by_bank_transfer_is_not_sent_by_stripe_as_well(
    fake_stripe, accepted_award, connected, finance_officer
):
    tranche = tranche_record_bacs(tranche=first_tranche(accepted_award), bank_reference="BACS-1", paid_on=date.today(),
                                  acting_user=finance_officer)
    with pytest.raises(GrantError, match="paid by bank transfer"):
        tranche_release_stripe(tranche=tranche, acting_user=finance_officer)
    assert fake_stripe.transfers == []


def test_stripe_is_refused_for_a_grantee_who_cannot_receive_transfers(fake_stripe, accepted_award, finance_officer):
    tranche = first_tranche(accepted_award)
    with pytest.raises(GrantError, match="cannot receive Stripe payments"):
        tranche_release_stripe(tranche=tranche, acting_user=finance_officer)
    tranche.refresh_from_db()
    assert (tranche.rail, fake_stripe.requests) == ("", [])


def test_the_database_refuses_a_tranche_with_both_a_bank_reference_and_a_transfer(accepted_award):
    tranche = first_tranche(accepted_award)
    tranche.bank_reference, tranche.stripe_transfer_id = "BACS-1", "tr_1"
    with pytest.raises(IntegrityError), transaction.atomic():
        tranche.save()


def test_a_release_sends_one_transfer_with_the_tranches_key_group_and_metadata(fake_stripe, accepted_award, connected, finance_officer):
    tranche = tranche_release_stripe(tranche=first_tranche(accepted_award), acting_user=finance_officer)
    assert tranche.status == Tranche.Status.RELEASED
    [transfer] = fake_stripe.transfers
    assert transfer["amount"] == 400000 and transfer["destination"] == "acct_grantee"
    assert transfer["transfer_group"] == accepted_award.reference
    assert transfer["metadata"]["tranche"] == tranche.idempotency_key
    [(method, path, form, headers)] = [r for r in fake_stripe.requests if r[0] == "POST"]
    assert headers["Idempotency-Key"] == tranche.idempotency_key
    assert tranche.stripe_transfer_id == transfer["id"]


def test_retrying_a_release_makes_no_second_transfer(fake_stripe, accepted_award, connected, finance_officer):
    tranche = first_tranche(accepted_award)
    tranche_release_stripe(tranche=tranche, acting_user=finance_officer)
    tranche_release_stripe(tranche=tranche, acting_user=finance_officer)
    assert len(fake_stripe.transfers) == 1


def test_a_crash_between_stripe_and_our_commit_still_ends_with_one_transfer(
    fake_stripe, accepted_award, connected, finance_officer, monkeypatch
):
    tranche = first_tranche(accepted_award)
    record = payments.audit_record

    def crash_once_released(**kwargs):
        if kwargs["action"] == AuditAction.STRIPE_RELEASED:
            raise RuntimeError("the server died after Stripe answered")
        return record(**kwargs)

    monkeypatch.setattr(payments, "audit_record", crash_once_released)
    with pytest.raises(RuntimeError):
        tranche_release_stripe(tranche=tranche, acting_user=finance_officer)
    tranche.refresh_from_db()
    assert tranche.status == Tranche.Status.DUE and len(fake_stripe.transfers) == 1
    monkeypatch.undo()
    # The route was recorded before Stripe was called, so nobody can now record a bank transfer as well.
    with pytest.raises(GrantError, match="paid by Stripe"):
        tranche_record_bacs(tranche=tranche, bank_reference="BACS-2", paid_on=date.today(), acting_user=finance_officer)
    fake_stripe.forget_idempotency_keys()  # as Stripe does after a day: only the lookup prevents a second transfer
    tranche_release_stripe(tranche=tranche, acting_user=finance_officer)
    tranche.refresh_from_db()
    assert tranche.status == Tranche.Status.RELEASED
    assert len(fake_stripe.transfers) == 1
    assert tranche.stripe_transfer_id == fake_stripe.transfers[0]["id"]


def test_a_verified_webhook_marks_the_tranche_paid_and_a_replay_is_ignored(fake_stripe, accepted_award, connected, finance_officer):
    tranche = tranche_release_stripe(tranche=first_tranche(accepted_award), acting_user=finance_officer)
    payload, signature = signed(transfer_event("evt_1", "transfer.created", tranche))
    assert webhook_receive(payload=payload, signature=signature) is not None
    assert webhook_receive(payload=payload, signature=signature) is None
    tranche.refresh_from_db()
    assert tranche.status == Tranche.Status.PAID
    assert WebhookEvent.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.STRIPE_CONFIRMED).count() == 1
    assert Award.objects.get(pk=accepted_award.pk).status == Award.Status.ACTIVE


def test_webhooks_out_of_order_only_move_a_tranche_forward(fake_stripe, accepted_award, connected, finance_officer):
    tranche = tranche_release_stripe(tranche=first_tranche(accepted_award), acting_user=finance_officer)
    for event in (transfer_event("evt_2", "transfer.reversed", tranche), transfer_event("evt_1", "transfer.created", tranche)):
        webhook_receive(payload=signed(event)[0], signature=signed(event)[1])
    tranche.refresh_from_db()
    assert tranche.status == Tranche.Status.REVERSED


def test_a_webhook_before_our_commit_records_the_transfer(fake_stripe, accepted_award, connected):
    tranche = first_tranche(accepted_award)
    payload, signature = signed(transfer_event("evt_3", "transfer.created", tranche, transfer_id="tr_early"))
    webhook_receive(payload=payload, signature=signature)
    tranche.refresh_from_db()
    assert (tranche.status, tranche.stripe_transfer_id) == ("paid", "tr_early")


def test_a_transfer_reported_for_a_tranche_paid_by_bank_transfer_is_logged_not_recorded(
    fake_stripe, accepted_award, finance_officer, caplog
):
    tranche = tranche_record_bacs(tranche=first_tranche(accepted_award), bank_reference="BACS-1", paid_on=date.today(),
                                  acting_user=finance_officer)
    for event in (transfer_event("evt_4", "transfer.created", tranche), transfer_event("evt_5", "transfer.reversed", tranche)):
        assert webhook_receive(payload=signed(event)[0], signature=signed(event)[1]) is not None
    tranche.refresh_from_db()
    assert (tranche.status, tranche.bank_reference, tranche.stripe_transfer_id) == ("paid", "BACS-1", None)
    assert "paid by bank transfer: one of the two must be reversed" in caplog.text


def test_a_transfer_reported_for_a_tranche_not_yet_due_is_logged_not_recorded(fake_stripe, accepted_award, caplog):
    scheduled = accepted_award.tranches.get(number=2)
    event = transfer_event("evt_6", "transfer.created", scheduled)
    assert webhook_receive(payload=signed(event)[0], signature=signed(event)[1]) is not None
    scheduled.refresh_from_db()
    assert scheduled.status == Tranche.Status.SCHEDULED
    assert "which it cannot be while it is scheduled" in caplog.text
    assert Award.objects.get(pk=accepted_award.pk).status == Award.Status.ACCEPTED  # nothing has been paid


def test_a_reversal_reported_before_our_release_is_committed_is_recorded(fake_stripe, accepted_award, connected):
    tranche = first_tranche(accepted_award)
    for event in (transfer_event("evt_7", "transfer.reversed", tranche), transfer_event("evt_8", "transfer.created", tranche)):
        webhook_receive(payload=signed(event)[0], signature=signed(event)[1])
    tranche.refresh_from_db()
    assert tranche.status == Tranche.Status.REVERSED
    assert AuditEvent.objects.filter(target_id=str(tranche.pk), to_state="reversed").count() == 1


@pytest.mark.parametrize(
    "tamper",
    [
        lambda payload, signature: (payload, signature.replace("v1=", "v1=0")),
        lambda payload, signature: (payload + b" ", signature),
        lambda payload, signature: signed(json.loads(payload), secret="whsec_wrong"),
        lambda payload, signature: signed(json.loads(payload), timestamp=int(time.time()) - 3600),
        lambda payload, signature: (payload, None),
    ],
)
def test_unsigned_forged_or_stale_webhooks_are_refused(fake_stripe, accepted_award, tamper):
    payload, signature = tamper(*signed(transfer_event("evt_9", "transfer.created", first_tranche(accepted_award))))
    with pytest.raises(BadWebhook):
        webhook_receive(payload=payload, signature=signature)
    assert not WebhookEvent.objects.exists()


def test_account_updates_say_when_a_grantee_can_receive_transfers(fake_stripe, accepted_award):
    account = ConnectedAccount.objects.create(organisation=accepted_award.application.organisation, stripe_account_id="acct_9")
    event = {"id": "evt_a", "object": "event", "type": "account.updated",
             "data": {"object": {"id": "acct_9", "object": "account", "capabilities": {"transfers": "active"}}}}
    webhook_receive(payload=signed(event)[0], signature=signed(event)[1])
    account.refresh_from_db()
    assert account.transfers_enabled


def test_onboarding_creates_an_account_and_an_account_link(fake_stripe, accepted_award, applicant):
    organisation = accepted_award.application.organisation
    url = payments.connected_account_link(organisation=organisation, refresh_url="https://x/r", return_url="https://x/d",
                                          acting_user=applicant)
    account = ConnectedAccount.objects.get(organisation=organisation)
    assert url == f"https://connect.example/setup/{account.stripe_account_id}"
    assert payments.connected_account_refresh(organisation=organisation).transfers_enabled is False


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Row locks (select_for_update) only prove anything on PostgreSQL"
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_stripe_release_racing_a_bank_transfer_pays_the_tranche_exactly_once(fake_stripe):
    manager, finance = UserFactory(role="programme_manager"), UserFactory(role="finance_officer")
    for trial in range(15):
        award = AwardFactory(amount=Decimal("8000.00"))
        award_accept(award=award, name="Amara", role="Chair", acting_user=manager)
        ConnectedAccount.objects.create(organisation=award.application.organisation,
                                        stripe_account_id=f"acct_{trial}", transfers_enabled=True)
        tranche = first_tranche(award)
        barrier = threading.Barrier(2)

        def pay(release, **details):
            barrier.wait()
            try:
                release(tranche=tranche, acting_user=finance, **details)
            except GrantError:
                pass  # refused: the other route got there first
            finally:
                connection.close()

        threads = [
            threading.Thread(target=pay, args=(tranche_release_stripe,)),
            threading.Thread(target=pay, args=(tranche_record_bacs,),
                             kwargs={"bank_reference": f"BACS-{trial}", "paid_on": date.today()}),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        tranche.refresh_from_db()
        transfers = [t for t in fake_stripe.transfers if t["metadata"]["tranche"] == tranche.idempotency_key]
        payments_made = len(transfers) + bool(tranche.bank_reference)
        assert payments_made == 1, f"trial {trial}: {len(transfers)} transfers and bank reference {tranche.bank_reference!r}"
        assert tranche.rail == (Tranche.Rail.STRIPE if transfers else Tranche.Rail.BACS)


def test_a_bank_transfer_dated_before_the_grant_was_accepted_is_refused(accepted_award, finance_officer):
    tranche = first_tranche(accepted_award)
    with pytest.raises(GrantError, match="cannot be before the grant was accepted"):
        tranche_record_bacs(tranche=tranche, bank_reference="BACS-1999", paid_on=date(1999, 1, 1),
                            acting_user=finance_officer)
    tranche.refresh_from_db()
    assert (tranche.status, tranche.bank_reference) == ("due", "")
