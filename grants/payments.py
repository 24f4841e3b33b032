"""Paying tranches: by a bank transfer (BACS) that finance records, or by Stripe Connect when it is configured.

A tranche is paid once and only once. Its row is locked while it is released; a Stripe transfer carries an
idempotency key made from the tranche, and before creating one the gateway looks for a transfer already made for
that tranche (Stripe forgets idempotency keys after a day), so a retry or a crash between Stripe and our commit
never pays twice. Webhooks are verified, stored once by event id, and only ever move a tranche forward.
"""

import logging
from datetime import date

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.services import audit_record
from grants.models import Award, ConnectedAccount, Tranche, WebhookEvent
from grants.services import GrantError

logger = logging.getLogger(__name__)

# How far along a tranche is: a webhook may move it only to a later stage, so events arriving out of order are safe.
STAGE = {
    Tranche.Status.SCHEDULED: 0, Tranche.Status.DUE: 1, Tranche.Status.FAILED: 2, Tranche.Status.RELEASED: 3,
    Tranche.Status.PAID: 4, Tranche.Status.REVERSED: 5,
}


def stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def stripe_client() -> stripe.StripeClient:
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=2)


def rail_for(award: Award) -> str:
    account = ConnectedAccount.objects.filter(organisation=award.application.organisation_id).first()
    if stripe_enabled() and account and account.transfers_enabled:
        return Tranche.Rail.STRIPE
    return Tranche.Rail.BACS


def _mark_award_active(award: Award, acting_user: User | None) -> None:
    """The grant is active from its first payment."""
    if award.status == Award.Status.ACCEPTED:
        previous = award.transition_to(Award.Status.ACTIVE)
        award.save(update_fields=["status"])
        audit_record(acting_user=acting_user, action="first payment made", target=award, from_state=previous,
                     to_state=award.status)


def tranche_record_bacs(*, tranche: Tranche, bank_reference: str, paid_on: date, acting_user: User) -> Tranche:
    """Records a bank transfer that finance has made. The row lock makes a second recording impossible."""
    with transaction.atomic():
        tranche = Tranche.objects.select_for_update().select_related("award__application").get(pk=tranche.pk)
        if tranche.status == Tranche.Status.PAID:
            raise GrantError(f"{tranche} has already been paid, on {tranche.paid_on:%d %B %Y}.")
        previous = tranche.transition_to(Tranche.Status.PAID)
        tranche.rail, tranche.bank_reference, tranche.paid_on = Tranche.Rail.BACS, bank_reference, paid_on
        tranche.released_by, tranche.released_at = acting_user, timezone.now()
        tranche.save()
        audit_record(acting_user=acting_user, action=f"recorded a BACS payment of {tranche.amount}", target=tranche,
                     from_state=previous, to_state=tranche.status, reason=f"Bank reference {bank_reference}")
        _mark_award_active(Award.objects.select_for_update().get(pk=tranche.award_id), acting_user)
        return tranche


def _existing_transfer(client: stripe.StripeClient, tranche: Tranche):
    for transfer in client.v1.transfers.list(params={"transfer_group": tranche.award.reference, "limit": 100}).data:
        if transfer.to_dict().get("metadata", {}).get("tranche") == tranche.idempotency_key:
            return transfer
    return None


def tranche_release_stripe(*, tranche: Tranche, acting_user: User) -> Tranche:
    """Transfers a due tranche to the grantee's connected account, exactly once."""
    with transaction.atomic():
        tranche = Tranche.objects.select_for_update().select_related("award__application__organisation").get(pk=tranche.pk)
        if STAGE[tranche.status] >= STAGE[Tranche.Status.RELEASED]:
            return tranche  # released already, by this or another request
        account = ConnectedAccount.objects.get(organisation=tranche.award.application.organisation)
        client = stripe_client()
        transfer = _existing_transfer(client, tranche) or client.v1.transfers.create(
            params={
                "amount": int(tranche.amount * 100),
                "currency": "gbp",
                "destination": account.stripe_account_id,
                "transfer_group": tranche.award.reference,
                "description": f"{tranche.award.reference} part {tranche.number}",
                "metadata": {"tranche": tranche.idempotency_key, "award": tranche.award.reference},
            },
            options={"idempotency_key": tranche.idempotency_key},
        )
        previous = tranche.transition_to(Tranche.Status.RELEASED)
        tranche.rail, tranche.stripe_transfer_id = Tranche.Rail.STRIPE, transfer.id
        tranche.released_by, tranche.released_at = acting_user, timezone.now()
        tranche.save()
        audit_record(acting_user=acting_user, action=f"released {tranche.amount} by Stripe", target=tranche,
                     from_state=previous, to_state=tranche.status, reason=f"Transfer {transfer.id}")
        return tranche


# Webhooks -----------------------------------------------------------------------------------------------------------


class BadWebhook(Exception):
    pass


def webhook_receive(*, payload: bytes, signature: str | None) -> WebhookEvent | None:
    """Verifies, stores once and applies a Stripe event. Returns None for a duplicate, which is ignored."""
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as error:
        raise BadWebhook(str(error)) from error
    try:
        with transaction.atomic():
            data = event.to_dict()
            stored = WebhookEvent.objects.create(event_id=data["id"], type=data["type"], payload=data)
            _apply(data["type"], data["data"]["object"])
            return stored
    except IntegrityError:
        return None  # seen before


def _tranche_for(transfer) -> Tranche | None:
    key = (transfer.get("metadata") or {}).get("tranche")
    return Tranche.objects.select_for_update().select_related("award").filter(idempotency_key=key).first()


def _move_forward(tranche: Tranche, status: str, action: str) -> None:
    if STAGE[status] <= STAGE[tranche.status]:
        return  # an older event arriving late: the tranche is already further along
    previous, tranche.status = tranche.status, status
    if status == Tranche.Status.PAID and tranche.paid_on is None:
        tranche.paid_on = timezone.localdate()
    tranche.save()
    audit_record(acting_user=None, action=action, target=tranche, from_state=previous, to_state=status)


def _apply(event_type: str, obj) -> None:
    if event_type == "transfer.created":
        tranche = _tranche_for(obj)
        if tranche is None:
            logger.warning("Stripe transfer %s names no tranche we know", obj.get("id"))
            return
        if not tranche.stripe_transfer_id:
            tranche.stripe_transfer_id, tranche.rail = obj["id"], Tranche.Rail.STRIPE
        # The money is in the grantee's Stripe balance: for the ledger, the tranche is paid.
        _move_forward(tranche, Tranche.Status.PAID, "Stripe confirmed the transfer")
        _mark_award_active(Award.objects.select_for_update().get(pk=tranche.award_id), None)
    elif event_type == "transfer.reversed":
        tranche = _tranche_for(obj)
        if tranche is not None:
            _move_forward(tranche, Tranche.Status.REVERSED, "Stripe reversed the transfer")
    elif event_type == "account.updated":
        enabled = (obj.get("capabilities") or {}).get("transfers") == "active"
        ConnectedAccount.objects.filter(stripe_account_id=obj["id"]).update(transfers_enabled=enabled)


# Onboarding ---------------------------------------------------------------------------------------------------------


def connected_account_link(*, organisation, refresh_url: str, return_url: str, acting_user: User) -> str:
    """Creates the grantee's Stripe account if need be and returns the Account Link where they finish setting it up."""
    client = stripe_client()
    account = ConnectedAccount.objects.filter(organisation=organisation).first()
    if account is None:
        created = client.v1.accounts.create(params={
            "type": "express", "country": "GB", "email": organisation.contact_email or None,
            "capabilities": {"transfers": {"requested": True}},
            "business_profile": {"name": organisation.name},
            "metadata": {"organisation": str(organisation.pk)},
        })
        account = ConnectedAccount.objects.create(organisation=organisation, stripe_account_id=created.id)
        audit_record(acting_user=acting_user, action="created a Stripe payout account", target=organisation)
    link = client.v1.account_links.create(params={
        "account": account.stripe_account_id, "refresh_url": refresh_url, "return_url": return_url,
        "type": "account_onboarding",
    })
    return link.url


def connected_account_refresh(*, organisation) -> ConnectedAccount | None:
    account = ConnectedAccount.objects.filter(organisation=organisation).first()
    if account is not None:
        remote = stripe_client().v1.accounts.retrieve(account.stripe_account_id).to_dict()
        account.transfers_enabled = (remote.get("capabilities") or {}).get("transfers") == "active"
        account.save(update_fields=["transfers_enabled", "updated_at"])
    return account
