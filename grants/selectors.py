"""Reads for decisions, awards, letters and payments."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from applications.models import Application, Organisation, Round
from assessment.models import Assessment, Score
from assessment.selectors import criterion_scores_for, criterion_scores_of
from grants.letters import Addressee, CriterionFeedback, NotFundedContent, OfferContent
from grants.models import (
    Award,
    Clawback,
    Decision,
    Letter,
    LetterBatch,
    LetterBatchItem,
    Repayment,
    Suspension,
    Tranche,
)
from grants.schedule import tranche_amounts, when_paid


def addressee_of(organisation: Organisation) -> Addressee:
    return Addressee(
        organisation=organisation.name, contact=organisation.contact_name, address=organisation.address.replace("\n", ", ")
    )


def offer_content(award: Award, *, dated: date) -> OfferContent:
    """What the offer letter dated `dated` says. The award's deadline is set before its first letter is made."""
    round_ = award.round
    schedule = round_.tranche_schedule
    amounts = tranche_amounts(award.amount, [Decimal(part["share"]) for part in schedule])
    return OfferContent(
        reference=award.application.reference,
        round_name=round_.name,
        project_title=award.application.title,
        amount=award.amount,
        accept_by=award.accept_by,
        addressee=addressee_of(award.application.organisation),
        tranches=[
            (number, Decimal(part["share"]), amount, when_paid(part))
            for number, (part, amount) in enumerate(zip(schedule, amounts), start=1)
        ],
        quarters=round_.quarters,
        return_due_days=round_.return_due_days,
        dated=dated,
    )


def not_funded_content(application: Application, *, dated: date) -> NotFundedContent:
    round_ = application.round
    criteria = list(round_.criteria.order_by("position", "id"))
    summary = criterion_scores_for(round_, application_ids=[application.pk]).get(application.pk, {})
    comments: dict[int, list[str]] = {}
    for criterion_id, justification in Score.objects.filter(
        assessment__allocation__application=application, assessment__status=Assessment.Status.SUBMITTED
    ).values_list("criterion_id", "justification"):
        if justification:
            comments.setdefault(criterion_id, []).append(justification)
    return NotFundedContent(
        reference=application.reference,
        round_name=round_.name,
        project_title=application.title,
        addressee=addressee_of(application.organisation),
        feedback=[
            CriterionFeedback(criterion=criterion.name, score=scores.used, out_of=round_.score_scale_max,
                              comments=comments.get(criterion.pk, []))
            for criterion, scores in zip(criteria, criterion_scores_of(criteria, summary))
        ],
        dated=dated,
    )


def decisions_for(application_ids: list[int]) -> dict[int, Decision]:
    return {
        decision.application_id: decision
        for decision in Decision.objects.filter(application__in=application_ids).select_related(
            "decided_by", "confirmed_by", "sent_back_by"
        )
    }


def decided_in(round_: Round) -> set[int]:
    """The ids of the round's applications that have a decision recorded, confirmed or not."""
    return set(Decision.objects.filter(application__round=round_).values_list("application_id", flat=True))


def decisions_with_people() -> QuerySet[Decision]:
    return Decision.objects.select_related("application__organisation", "decided_by", "sent_back_by")


def decisions_awaiting_confirmation(round_: Round) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(application__round=round_, status=Decision.Status.PROPOSED)
        .select_related("application__organisation", "decided_by", "sent_back_by")
        .order_by("application__reference")
    )


def decisions_confirmed(round_: Round) -> QuerySet[Decision]:
    return Decision.objects.filter(application__round=round_, status=Decision.Status.CONFIRMED)


def letters_of(application: Application) -> QuerySet[Letter]:
    return application.letters.order_by("kind", "-version", "large_print")


def awards_of_member(user) -> QuerySet[Award]:
    """The grants offered to the person's organisations that an offer letter has told them of: until it is issued,
    the organisation's application is still being decided, as every page it sees says."""
    return Award.objects.told().filter(
        application__organisation__memberships__user=user
    ).select_related("application__organisation", "round")


def award_for_member_or_404(user, pk: int) -> Award:
    return get_object_or_404(awards_of_member(user), pk=pk)


def award_of_application_for_member_or_404(user, application_pk: int) -> Award:
    return get_object_or_404(awards_of_member(user), application_id=application_pk)


def applications_awaiting_letters(round_: Round) -> QuerySet[Application]:
    """Applications with a confirmed decision (awarded or not funded) and no letter of that decision yet. One offered
    money after a "not funded" letter (freed by a declined offer) waits for its offer letter: without it, it cannot
    be accepted."""
    def has_letter(kind):
        return Exists(Letter.objects.filter(application=OuterRef("pk"), kind=kind))

    return (
        Application.objects.filter(round=round_, decision__confirmed_at__isnull=False)
        .filter(
            Q(status=Application.Status.AWARDED, award__isnull=False) & ~has_letter(Letter.Kind.OFFER)
            | Q(status=Application.Status.NOT_FUNDED) & ~has_letter(Letter.Kind.NOT_FUNDED)
        )
        .order_by("reference")
    )


def letter_batches_with_progress() -> QuerySet[LetterBatch]:
    """Batches with how many letters each has in all (`total`), issued (`done`), failed and still `waiting` for
    their task: each letter's outcome is settled by its task, so this is the state of the queue for the batch."""
    outcome = LetterBatchItem.Outcome
    return LetterBatch.objects.select_related("round").annotate(
        total=Count("items"),
        done=Count("items", filter=Q(items__outcome__in=[outcome.ISSUED, outcome.ALREADY_ISSUED])),
        failed=Count("items", filter=Q(items__outcome=outcome.FAILED)),
        waiting=Count("items", filter=Q(items__outcome=outcome.WAITING)),
    )


def letter_batch_failures(batch: LetterBatch) -> QuerySet[LetterBatchItem]:
    """The batch's letters that could not be made, each with why."""
    return (
        batch.items.filter(outcome=LetterBatchItem.Outcome.FAILED)
        .select_related("application__organisation")
        .only("batch", "failure", "application__reference", "application__organisation__name")
        .order_by("application__reference")
    )


def tranches_for_finance() -> QuerySet:
    """Tranches that need finance's attention: due, or released and waiting for Stripe to confirm."""
    return (
        Tranche.objects.filter(status__in=[Tranche.Status.DUE, Tranche.Status.RELEASED])
        .select_related("award__application__organisation")
        # Only what the list shows: an application's answers are long, and a page of them would be read for nothing.
        .only("number", "amount", "status", "award__status", "award__application__reference",
              "award__application__organisation__name")
        .order_by("due_at", "award__application__reference", "number")
    )


def paid_in(round_: Round) -> Decimal:
    """What the round has paid out so far, across all its grants."""
    paid = Tranche.objects.filter(award__round=round_, status=Tranche.Status.PAID).aggregate(total=Sum("amount"))
    return paid["total"] or Decimal(0)


def committed_in(round_: Round) -> Decimal:
    """What the round has promised and not had back: its offers and grants, less what completed grants did not need
    and what grantees have repaid. `round_money` shows the same sum line by line."""
    promised = Award.objects.filter(round=round_).committed().aggregate(
        total=Sum("amount", default=Decimal(0)), underspent=Sum("underspent", default=Decimal(0))
    )
    repaid = Repayment.objects.filter(clawback__award__round=round_).aggregate(total=Sum("amount", default=Decimal(0)))
    return promised["total"] - promised["underspent"] - repaid["total"]


@dataclass(frozen=True)
class RoundMoney:
    """A round's money, line by line. The ringfence is always the offers waiting for an answer, plus the grants as
    accepted and varied since, less what grantees repaid and what completed grants did not need, plus what is left:
    `adds_up` says so. Of the grants, part is paid, part not needed and the rest still to pay; part of what was paid
    may be owed back."""

    ringfence: Decimal
    offered: Decimal
    accepted: Decimal
    varied: Decimal
    paid: Decimal
    owed_back: Decimal
    recovered: Decimal
    underspent: Decimal
    remaining: Decimal

    @property
    def committed(self) -> Decimal:
        return self.offered + self.accepted + self.varied - self.recovered - self.underspent

    @property
    def still_to_pay(self) -> Decimal:
        return self.accepted + self.varied - self.underspent - self.paid

    @property
    def adds_up(self) -> bool:
        return self.ringfence == self.committed + self.remaining


def round_money(round_: Round) -> RoundMoney:
    """What is left comes from `committed_in`, the sum the ringfence is checked against, not from the lines here, so
    `adds_up` compares two ways of counting the same money."""
    zero = Decimal(0)
    awards = Award.objects.filter(round=round_).aggregate(
        offered=Sum("amount", filter=Q(status=Award.Status.OFFERED), default=zero),
        accepted=Sum("accepted_amount", filter=Q(status__in=Award.ACCEPTED_ONES), default=zero),
        now=Sum("amount", filter=Q(status__in=Award.ACCEPTED_ONES), default=zero),
        underspent=Sum("underspent", filter=Q(status__in=Award.ACCEPTED_ONES), default=zero),
    )
    owed = Clawback.objects.filter(award__round=round_, status=Clawback.Status.OWED).aggregate(
        total=Sum("amount", default=zero))["total"]
    repaid = Repayment.objects.filter(clawback__award__round=round_).aggregate(
        total=Sum("amount", default=zero), on_owed=Sum("amount", filter=Q(clawback__status=Clawback.Status.OWED),
                                                       default=zero))
    return RoundMoney(
        ringfence=round_.budget,
        offered=awards["offered"],
        accepted=awards["accepted"],
        varied=awards["now"] - awards["accepted"],
        paid=paid_in(round_),
        owed_back=owed - repaid["on_owed"],
        recovered=repaid["total"],
        underspent=awards["underspent"],
        remaining=round_.budget - committed_in(round_),
    )


def ledger_awards(round_: Round) -> QuerySet[Award]:
    """Each of the round's awards with what it has been `paid` and its tranches as `payments`, in part order."""
    return (
        Award.objects.filter(round=round_)
        .select_related("application__organisation")
        .only("status", "amount", "application__reference", "application__organisation__name")
        .annotate(paid=Sum("tranches__amount", filter=Q(tranches__status=Tranche.Status.PAID), default=Decimal(0)))
        .prefetch_related(Prefetch("tranches", queryset=Tranche.objects.order_by("number"), to_attr="payments"))
        .order_by("application__reference")
    )


def round_awards_unfinished(round_: Round, status: str) -> list[str]:
    """What stops a round moving on on the awards' side: to decided, scored applications with no confirmed decision;
    to monitoring, confirmed decisions whose letter has not gone; to completed, offers still waiting for an answer,
    tranches of accepted grants not yet paid, and clawbacks not yet checked or repaid."""
    if status == Round.Status.DECIDED:
        waiting = [("Scored applications with no confirmed decision: {}.",
                    round_.applications.filter(status=Application.Status.SCORED).count())]
    elif status == Round.Status.MONITORING:
        waiting = [("Confirmed decisions whose letter is still to be issued: {}.", round_.applications.filter(
            status__in=[Application.Status.AWARDED, Application.Status.NOT_FUNDED], decision_sent="",
        ).count())]
    elif status == Round.Status.COMPLETED:
        waiting = [
            ("Offers still waiting for an answer: {}.", round_.awards.filter(status=Award.Status.OFFERED).count()),
            ("Tranches of accepted grants still to be paid: {}.", Tranche.objects.filter(
                award__round=round_, award__status__in=Award.ACCEPTED_ONES,
            ).exclude(status__in=[Tranche.Status.PAID, Tranche.Status.REVERSED, Tranche.Status.CANCELLED]).count()),
            ("Clawbacks waiting to be checked or repaid: {}.", Clawback.objects.filter(
                award__round=round_, status__in=[Clawback.Status.PROPOSED, Clawback.Status.OWED],
            ).count()),
        ]
    else:
        return []
    return [sentence.format(count) for sentence, count in waiting if count]


def open_suspension(award: Award) -> Suspension | None:
    return award.suspensions.filter(lifted_at__isnull=True).first()


def clawbacks_with_repaid(**filters) -> QuerySet[Clawback]:
    """Clawbacks with the people who proposed and checked them, what has been `repaid` on each and is `still_owed`."""
    return (
        Clawback.objects.filter(**filters)
        .select_related("award__application__organisation", "proposed_by", "checked_by")
        .annotate(repaid=Sum("repayments__amount", default=Decimal(0)))
        .annotate(still_owed=F("amount") - F("repaid"))
        .order_by("-proposed_at")
    )


def money_owed_to_finance() -> QuerySet[Clawback]:
    """Clawbacks confirmed and not yet repaid in full, for finance to look out for, oldest first."""
    return clawbacks_with_repaid(status=Clawback.Status.OWED).order_by("checked_at")
