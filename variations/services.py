"""Every change to variations: a grantee asks, a programme manager approves or refuses, and above the round's
threshold a second programme manager confirms. An approval in force makes the grant's next version: the earlier one
is kept, the budget, targets, returns and unpaid parts of the payments change, and the variation letter is issued.
Each runs in one transaction with its audit event."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_programme_manager
from applications.models import Round
from core.refusals import ServiceError
from core.services import audit_record
from grants.models import Award, Letter, Tranche
from grants.notifications import finance_notify_payment_due
from grants.schedule import PENNY
from grants.services import committed_in, letters_store
from monitoring.models import Return
from variations.audit import AuditAction
from variations.changes import (
    Asked,
    GrantState,
    changes_in_words,
    money_moved,
    needs_second,
    problems,
    quarters_to,
    return_period,
    when_released,
)
from variations.letters import variation_content, variation_letter_pdf
from variations.models import GrantVersion, Variation
from variations.notifications import grantee_notify_decided, managers_notify_requested, managers_notify_to_confirm
from variations.permissions import can_ask_for_variation, confirm_refusal, variation_closed_reason
from variations.selectors import grant_state, grant_version_number


class VariationError(ServiceError):
    """A variation the rules refuse; its message is written for the person who asked."""


class VariationRefused(VariationError):
    """A variation that breaks one or more of the rules a grant keeps: each problem in words."""

    def __init__(self, found: list[str]):
        self.problems = found
        super().__init__(" ".join(found))


def _room(round_: Round) -> Decimal:
    """What is left in the round's ringfence."""
    return round_.budget - committed_in(round_)


def variation_request(*, award: Award, asked: Asked, reason: str, acting_user: User) -> Variation:
    """A member of the grant's organisation asks to change it, saying why. It is checked against the grant as it
    stands (and the ringfence as it is now) so that a request that could never be approved is refused at once."""
    if not reason.strip():
        raise VariationError("Say why you are asking to change the grant.")
    with transaction.atomic():
        award = Award.objects.select_for_update(of=("self",)).select_related(
            "round", "application__organisation").get(pk=award.pk)
        if not can_ask_for_variation(acting_user, award):
            raise VariationError(variation_closed_reason(award) or "Only a member of the grant's organisation can ask "
                                                                   "to change it.")
        if award.variations.waiting().exists():
            raise VariationError("You have already asked for a change to this grant. Wait for our decision on it "
                                 "before asking for another.")
        state = grant_state(award)
        if found := problems(state, asked, award.round, room=_room(award.round)):
            raise VariationRefused(found)
        number = (award.variations.aggregate(last=Max("number"))["last"] or 0) + 1
        variation = Variation.objects.create(
            award=award, number=number, reason=reason.strip(), requested_by=acting_user,
            money_moved=money_moved(state, asked), described=changes_in_words(state, asked), **asked.as_stored(),
        )
        audit_record(acting_user=acting_user, action=AuditAction.REQUESTED, target=variation,
                     to_state=variation.status, reason=variation.reason,
                     data={"number": number, "amount_change": asked.amount_change})
        managers_notify_requested(variation)
        return variation


def _locked(variation: Variation) -> Variation:
    return Variation.objects.select_for_update(of=("self",)).select_related("award__round").get(pk=variation.pk)


def variation_approve(*, variation: Variation, acting_user: User) -> Variation:
    """A programme manager approves. Below the round's threshold it takes effect at once; above it, or for a later
    end date where the round asks, it waits for a second programme manager to confirm it."""
    if not is_programme_manager(acting_user):
        raise VariationError("Only a programme manager can approve a change to a grant.")
    with transaction.atomic():
        variation = _locked(variation)
        previous = variation.transition_to(Variation.Status.APPROVED)
        state = grant_state(variation.award)
        variation.needs_second = needs_second(state, Asked.of(variation), variation.award.round)
        variation.approved_by, variation.approved_at = acting_user, timezone.now()
        variation.save(update_fields=["status", "needs_second", "approved_by", "approved_at"])
        audit_record(acting_user=acting_user, action=AuditAction.APPROVED, target=variation, from_state=previous,
                     to_state=variation.status, data={"number": variation.number})
        if variation.needs_second:
            managers_notify_to_confirm(variation)
        else:
            _make(variation, acting_user)
        return variation


def variation_confirm(*, variation: Variation, acting_user: User, approved_at: datetime) -> Variation:
    """A second programme manager confirms an approval above the threshold, and the variation takes effect.

    `approved_at` is when the approval they looked at was made: only what the page showed is confirmed. A second
    press finds it confirmed and changes nothing again."""
    with transaction.atomic():
        variation = _locked(variation)
        if variation.status == Variation.Status.CONFIRMED and variation.confirmed_by_id == acting_user.pk:
            return variation
        if refusal := confirm_refusal(acting_user, variation):
            raise VariationError(refusal)
        if variation.approved_at != approved_at:
            raise VariationError(f"{variation} was approved again after you opened the page: check it again.")
        previous = variation.transition_to(Variation.Status.CONFIRMED)
        variation.confirmed_by, variation.confirmed_at = acting_user, timezone.now()
        variation.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        audit_record(acting_user=acting_user, action=AuditAction.CONFIRMED, target=variation, from_state=previous,
                     to_state=variation.status, data={"number": variation.number})
        _make(variation, acting_user)
        return variation


def variation_refuse(*, variation: Variation, reason: str, acting_user: User) -> Variation:
    """A programme manager refuses a request, or a second programme manager refuses an approval waiting for them,
    saying why. The grantee reads the reason on the variation's page; nothing about the grant changes."""
    if not reason.strip():
        raise VariationError("Say why you are refusing the change.")
    with transaction.atomic():
        variation = _locked(variation)
        if variation.status == Variation.Status.APPROVED:
            if refusal := confirm_refusal(acting_user, variation):
                raise VariationError(refusal)
        elif not is_programme_manager(acting_user):
            raise VariationError("Only a programme manager can refuse a change to a grant.")
        previous = variation.transition_to(Variation.Status.REFUSED)
        variation.refused_by, variation.refused_at = acting_user, timezone.now()
        variation.refusal_reason = reason.strip()
        variation.save(update_fields=["status", "refused_by", "refused_at", "refusal_reason"])
        audit_record(acting_user=acting_user, action=AuditAction.REFUSED, target=variation, from_state=previous,
                     to_state=variation.status, reason=variation.refusal_reason, data={"number": variation.number})
        grantee_notify_decided(variation)
        return variation


# Making the grant's next version ----------------------------------------------------------------------------------


def _make(variation: Variation, acting_user: User) -> None:
    """Makes the variation to its grant, in the approving service's transaction: checks it again with every row it
    changes locked, keeps the grant as it stood as its earlier version, changes the rows, and issues the letter.

    Payment parts already released or paid are never touched: a part paid since the request (finance pays under the
    same row lock) refuses the whole variation, and the transaction rolls back, approval and all."""
    asked = Asked.of(variation)
    round_ = variation.award.round
    if asked.amount_change > 0:
        # As an offer locks it: two increases, or an increase and an offer, cannot together pass the ringfence.
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
    state = grant_state(variation.award, lock=True)
    if state.award.status not in (Award.Status.ACCEPTED, Award.Status.ACTIVE):
        raise VariationError(variation_closed_reason(state.award) or "This grant can no longer change.")
    if found := problems(state, asked, round_, room=_room(round_) if asked.amount_change > 0 else None):
        raise VariationRefused([f"{variation} can no longer be made to the grant as it now stands.", *found,
                                "Refuse it, and the grantee can ask again."])
    words = changes_in_words(state, asked)
    version = grant_version_number(state.award)
    GrantVersion.objects.create(award=state.award, number=version, snapshot=state.snapshot(), replaced_by=variation)
    variation.applied_at, variation.version, variation.described = timezone.now(), version + 1, words
    _change_rows(state, asked, variation)
    audit_record(acting_user=acting_user, action=AuditAction.APPLIED, target=state.award,
                 data={"version": variation.version, "changes": words, "amount_change": asked.amount_change})
    variation.award = state.award
    _letter_issue(variation, words, acting_user)
    variation.save(update_fields=["applied_at", "version", "described", "letter_version"])
    grantee_notify_decided(variation)


def _change_rows(state: GrantState, asked: Asked, variation: Variation) -> None:
    award = state.award
    for line in state.lines:
        if line.pk in asked.budget:
            line.amount = asked.budget[line.pk]
            line.save(update_fields=["amount"])
    for target in state.targets:
        if target.pk in asked.targets:
            target.target = asked.targets[target.pk]
            target.save(update_fields=["target"])
    if asked.amount_change:
        award.amount += asked.amount_change
    if asked.ends_on:
        award.ends_on = asked.ends_on
        _returns_extend(state, award)
    award.save(update_fields=["amount", "ends_on"])
    existing = {t.number: t for t in state.tranches}
    for part in asked.tranches:
        tranche = existing.get(part["number"])
        if tranche is None:
            # A new part: the next number and a key of its own, so it is paid once, like any other.
            state.tranches.append(Tranche.objects.create(
                award=award, number=part["number"], share=_share(part["amount"], award.amount),
                amount=part["amount"], after="return", after_quarter=part["quarter"],
                idempotency_key=f"tranche-{award.reference}-{part['number']}-v{variation.version}",
            ))
            continue
        # Unpaid (checked under its lock): its amount and what releases it change in place, the earlier schedule
        # kept in the grant's earlier version.
        tranche.amount, tranche.after_quarter = part["amount"], part["quarter"]
        if tranche.status == Tranche.Status.SCHEDULED and part["quarter"] is not None:
            tranche.after = "return"
        tranche.share = _share(tranche.amount, award.amount)
        tranche.save(update_fields=["amount", "after", "after_quarter", "share"])
    if asked.amount_change:
        for tranche in state.tranches:
            if tranche.number not in {part["number"] for part in asked.tranches}:
                tranche.share = _share(tranche.amount, award.amount)
                tranche.save(update_fields=["share"])
    for tranche in state.tranches:
        if tranche.status == Tranche.Status.DUE and tranche.number in {part["number"] for part in asked.tranches}:
            finance_notify_payment_due(tranche)


def _share(amount: Decimal, total: Decimal) -> Decimal:
    """A part's share of the grant in %, as the payment schedule shows it."""
    return (amount * 100 / total).quantize(PENNY)


def _returns_extend(state: GrantState, award: Award) -> None:
    """A later end date: the last quarter's return, if the grantee still has it, runs to the end of its quarter, and
    each quarter the grant now passes into gets its return."""
    due_days = award.round.return_due_days
    quarters = quarters_to(award.starts_on, award.ends_on)
    for monitoring_return in state.returns:
        start, end, due = return_period(award.starts_on, award.ends_on, monitoring_return.quarter, due_days)
        if monitoring_return.is_editable and end > monitoring_return.period_end:
            monitoring_return.period_end, monitoring_return.due_on = end, due
            monitoring_return.save(update_fields=["period_end", "due_on"])
    have = {monitoring_return.quarter for monitoring_return in state.returns}
    for quarter in range(1, quarters + 1):
        if quarter not in have:
            start, end, due = return_period(award.starts_on, award.ends_on, quarter, due_days)
            state.returns.append(Return.objects.create(award=award, quarter=quarter, period_start=start,
                                                       period_end=end, due_on=due))


def _letter_issue(variation: Variation, words: list[list[str]], acting_user: User) -> list[Letter]:
    """The variation letter, a new document beside the offer letter, numbered among the grant's variation letters."""
    award = variation.award
    application = award.application
    previous = Letter.objects.filter(application=application, kind=Letter.Kind.VARIATION).aggregate(
        last=Max("version"))["last"] or 0
    tranches = [(t.number, t.amount, when_released(t.after, t.after_quarter), t.get_status_display())
                for t in award.tranches.order_by("number")]
    content = variation_content(variation, changes=words, tranches=tranches, returns=award.returns.count(),
                                dated=timezone.localdate())
    variation.letter_version = previous + 1
    letters = letters_store(application=application, kind=Letter.Kind.VARIATION, version=previous + 1,
                            pdf_of=lambda large_print: variation_letter_pdf(content, large_print=large_print),
                            acting_user=acting_user)
    audit_record(acting_user=acting_user, action=AuditAction.LETTER_ISSUED, target=variation,
                 data={"number": variation.number, "version": previous + 1})
    return letters
