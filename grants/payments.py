"""Paying tranches: by a bank transfer (BACS) that finance records, or by Stripe Connect when it is configured.

A tranche is paid once and only once, by one route. The route is recorded when its payment begins and never
changes: a bank transfer is recorded only for a due tranche that no Stripe payment has begun for, and a Stripe
payment begins only for a tranche with no bank transfer. Both lock the tranche's row and check again under the lock.
A Stripe transfer carries an idempotency key made from the tranche, and before creating one the gateway looks for a
transfer already made for that tranche (Stripe forgets idempotency keys after a day), so a retry or a crash between
Stripe and our commit never pays twice. Webhooks are verified, stored once by event id, and only ever move a tranche
forward.
"""

import logging
from datetime import date

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.services import audit_record
from grants.audit import AuditAction
from grants.models import Award, ConnectedAccount, Tranche, WebhookEvent
from grants.notifications import grantee_notify_payment_made
from grants.services import GrantError
from grants.suspensions import refuse_if_suspended

logger = logging.getLogger(__name__)

def stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def stripe_client() -> stripe.StripeClient:
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=2)


def rail_for(tranche: Tranche) -> str:
    """The route a tranche is paid by: the one recorded when its payment began; before that, Stripe when it is
    configured and the grantee can receive transfers, otherwise a bank transfer."""
    if tranche.rail:
        return tranche.rail
    account = ConnectedAccount.objects.filter(organisation=tranche.award.application.organisation_id).first()
    if stripe_enabled() and account and account.transfers_enabled:
        return Tranche.Rail.STRIPE
    return Tranche.Rail.BACS


def _locked(tranche: Tranche) -> Tranche:
    return (Tranche.objects.select_for_update(of=("self",)).select_related("award__application__organisation")
            .get(pk=tranche.pk))


def _refuse_another_route(tranche: Tranche, rail: str) -> None:
    """Called under the tranche's row lock, before paying it by `rail`: a tranche is paid by one route only."""
    if rail == Tranche.Rail.BACS and (tranche.rail == Tranche.Rail.STRIPE or tranche.stripe_transfer_id):
        transfer = f" (transfer {tranche.stripe_transfer_id})" if tranche.stripe_transfer_id else ""
        raise GrantError(f"{tranche} is paid by Stripe{transfer}, so a bank transfer cannot be recorded for it. "
                         "If you have made one, ask the grantee to pay it back.")
    if rail == Tranche.Rail.STRIPE and tranche.rail == Tranche.Rail.BACS:
        raise GrantError(f"{tranche} was paid by bank transfer (reference {tranche.bank_reference}), so it cannot be "
                         "sent by Stripe as well.")


def _refuse_unless_due(tranche: Tranche) -> None:
    if tranche.status != Tranche.Status.DUE:
        raise GrantError(f"{tranche} is not due for payment: it is {tranche.get_status_display().lower()}.")


def _mark_award_active(award: Award, acting_user: User | None) -> None:
    """The grant is active from its first payment."""
    if award.status == Award.Status.ACCEPTED:
        previous = award.transition_to(Award.Status.ACTIVE)
        award.save(update_fields=["status"])
        audit_record(acting_user=acting_user, action=AuditAction.FIRST_PAYMENT_MADE, target=award, from_state=previous,
                     to_state=award.status)


def tranche_record_bacs(*, tranche: Tranche, bank_reference: str, paid_on: date, acting_user: User) -> Tranche:
    """Records a bank transfer that finance has made, for a due tranche that no Stripe payment has begun for."""
    with transaction.atomic():
        tranche = _locked(tranche)
        if tranche.status == Tranche.Status.PAID and tranche.rail == Tranche.Rail.BACS:
            raise GrantError(f"{tranche} has already been paid, on {tranche.paid_on:%d %B %Y}.")
        _refuse_another_route(tranche, Tranche.Rail.BACS)
        _refuse_unless_due(tranche)
        refuse_if_suspended(tranche)
        if too_early := tranche.paid_too_early(paid_on):
            raise GrantError(f"{too_early}.")
        previous = tranche.transition_to(Tranche.Status.PAID)
        tranche.rail, tranche.bank_reference, tranche.paid_on = Tranche.Rail.BACS, bank_reference, paid_on
        tranche.released_by, tranche.released_at = acting_user, timezone.now()
        tranche.save()
        audit_record(acting_user=acting_user, action=AuditAction.BACS_PAYMENT_RECORDED, target=tranche,
                     from_state=previous, to_state=tranche.status, reason=f"Bank reference {bank_reference}",
                     data={"amount": tranche.amount})
        _mark_award_active(Award.objects.select_for_update().get(pk=tranche.award_id), acting_user)
        grantee_notify_payment_made(tranche)
        return tranche


def _existing_transfer(client: stripe.StripeClient, tranche: Tranche):
    for transfer in client.v1.transfers.list(params={"transfer_group": tranche.award.reference, "limit": 100}).data:
        if transfer.to_dict().get("metadata", {}).get("tranche") == tranche.idempotency_key:
            return transfer
    return None


def tranche_release_stripe(*, tranche: Tranche, acting_user: User) -> Tranche:
    """Transfers a due tranche to the grantee's connected account, exactly once.

    The Stripe route is recorded and committed before Stripe is called: from then on no bank transfer can be
    recorded for the tranche, even if we crash before Stripe's answer is saved."""
    with transaction.atomic():
        tranche = _locked(tranche)
        _refuse_another_route(tranche, Tranche.Rail.STRIPE)
        if not tranche.rail:
            _refuse_unless_due(tranche)
            refuse_if_suspended(tranche)
            if rail_for(tranche) != Tranche.Rail.STRIPE:
                raise GrantError(f"{tranche.award.application.organisation} cannot receive Stripe payments yet.")
            tranche.rail = Tranche.Rail.STRIPE
            tranche.save(update_fields=["rail"])
            audit_record(acting_user=acting_user, action=AuditAction.STRIPE_PAYMENT_BEGUN, target=tranche)
    with transaction.atomic():
        tranche = _locked(tranche)
        if tranche.has_reached(Tranche.Status.RELEASED):
            return tranche  # released already, by this or another request, or Stripe has reported the transfer
        # A payment begun before the grant was suspended is not sent while it is.
        refuse_if_suspended(tranche)
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
        tranche.stripe_transfer_id = transfer.id
        tranche.released_by, tranche.released_at = acting_user, timezone.now()
        tranche.save()
        audit_record(acting_user=acting_user, action=AuditAction.STRIPE_RELEASED, target=tranche,
                     from_state=previous, to_state=tranche.status, reason=f"Transfer {transfer.id}",
                     data={"amount": tranche.amount})
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
    """The tranche a transfer pays, locked; None, with a log line saying why, when no tranche here should take it."""
    key = (transfer.get("metadata") or {}).get("tranche")
    tranche = Tranche.objects.select_for_update().select_related("award").filter(idempotency_key=key).first()
    if tranche is None:
        logger.warning("Stripe transfer %s names no tranche we know", transfer.get("id"))
    elif tranche.rail == Tranche.Rail.BACS:
        logger.error("Stripe transfer %s is for %s, which was paid by bank transfer: one of the two must be reversed",
                     transfer.get("id"), tranche)
        return None
    return tranche


def _move_forward(tranche: Tranche, status: str, action: AuditAction) -> None:
    """Moves a tranche on as a Stripe event reports, only ever forward, so events arriving out of order are safe."""
    if tranche.has_reached(status):
        return  # an older event arriving late: the tranche is already further along
    if not tranche.can_transition_to(status):
        # Stored and answered all the same, so that Stripe does not send it again and again: finance must look.
        logger.error("Stripe reported %s as %s, which it cannot be while it is %s", tranche, status, tranche.status)
        return
    previous = tranche.transition_to(status)
    if status == Tranche.Status.PAID and tranche.paid_on is None:
        tranche.paid_on = timezone.localdate()
    tranche.save()
    audit_record(acting_user=None, action=action, target=tranche, from_state=previous, to_state=status)
    if status == Tranche.Status.PAID:
        grantee_notify_payment_made(tranche)


def _apply(event_type: str, obj) -> None:
    if event_type == "transfer.created":
        tranche = _tranche_for(obj)
        if tranche is None:
            return
        if not tranche.stripe_transfer_id:
            tranche.stripe_transfer_id, tranche.rail = obj["id"], Tranche.Rail.STRIPE
        # The money is in the grantee's Stripe balance: for the ledger, the tranche is paid.
        _move_forward(tranche, Tranche.Status.PAID, AuditAction.STRIPE_CONFIRMED)
        if tranche.status == Tranche.Status.PAID:
            _mark_award_active(Award.objects.select_for_update().get(pk=tranche.award_id), None)
    elif event_type == "transfer.reversed":
        tranche = _tranche_for(obj)
        if tranche is not None:
            _move_forward(tranche, Tranche.Status.REVERSED, AuditAction.STRIPE_REVERSED)
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
        audit_record(acting_user=acting_user, action=AuditAction.PAYOUT_ACCOUNT_CREATED, target=organisation)
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
