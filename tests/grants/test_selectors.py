from decimal import Decimal
from functools import partial

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from applications.models import Round
from core.refusals import ServiceError
from grants.completion import award_complete
from grants.clawbacks import clawable_from, clawback_confirm, clawback_propose, clawback_refuse, repayment_record
from grants.models import Award, Clawback, Tranche
from grants.payments import tranche_record_bacs
from grants.selectors import clawbacks_with_repaid, committed_in, round_awards_unfinished, round_money
from grants.services import award_accept, award_decline, award_offer, tranche_make_due
from grants.suspensions import award_resume, award_suspend
from tests.factories import ApplicationFactory, AwardFactory, MembershipFactory, RoundFactory, letter_issued
from variations.changes import Asked
from variations.models import Variation
from variations.services import variation_approve, variation_confirm, variation_request

pytestmark = pytest.mark.django_db


def test_a_round_is_not_decided_while_a_scored_application_has_no_confirmed_decision(scored_round):
    round_, _ = scored_round
    assert round_awards_unfinished(round_, Round.Status.DECIDED) == ["Scored applications with no confirmed decision: 3."]
    assert round_awards_unfinished(round_, Round.Status.ASSESSING) == []


def test_monitoring_waits_for_every_confirmed_decisions_letter():
    round_ = RoundFactory(status=Round.Status.DECIDED)
    ApplicationFactory(round=round_, status="not_funded")
    ApplicationFactory(round=round_, status="awarded")
    ApplicationFactory(round=round_, status="not_funded", decision_sent="not_funded")
    assert round_awards_unfinished(round_, Round.Status.MONITORING) == [
        "Confirmed decisions whose letter is still to be issued: 2."
    ]


def test_a_round_is_not_completed_while_an_offer_waits_or_a_grant_has_tranches_to_pay(accepted_award):
    round_ = accepted_award.round
    AwardFactory(application__round=round_, amount=Decimal("1000.00"))
    assert round_awards_unfinished(round_, Round.Status.COMPLETED) == [
        "Offers still waiting for an answer: 1.", "Tranches of accepted grants still to be paid: 3.",
    ]


# The round's money ------------------------------------------------------------------------------------------------

MONEY_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("offer"), st.integers(0, 3), st.integers(1, 12)),  # an application, thousands of pounds
        st.tuples(st.just("accept"), st.integers(0, 3)),
        st.tuples(st.just("decline"), st.integers(0, 3)),
        st.tuples(st.just("pay"), st.integers(0, 3)),
        st.tuples(st.just("suspend"), st.integers(0, 3)),
        st.tuples(st.just("resume"), st.integers(0, 3)),
        st.tuples(st.just("claw back"), st.integers(0, 3), st.integers(1, 100), st.booleans()),  # % of what was paid
        st.tuples(st.just("repay"), st.integers(0, 3), st.integers(1, 100)),  # % of what is still owed
        st.tuples(st.just("complete"), st.integers(0, 3), st.integers(0, 100)),  # % of the grant not spent
        st.tuples(st.just("vary"), st.integers(0, 3), st.integers(-20, 20)),  # hundreds of pounds more or less
    ),
    max_size=16,
)


def money_by_hand(round_) -> dict:
    """The lines of the round's money added up from its rows, one by one."""
    awards = list(Award.objects.filter(round=round_))
    taken_on = [award for award in awards if award.status in Award.ACCEPTED_ONES]
    tranches = list(Tranche.objects.filter(award__in=taken_on))
    clawbacks = list(Clawback.objects.filter(award__round=round_).prefetch_related("repayments"))
    repaid = {clawback.pk: sum((r.amount for r in clawback.repayments.all()), Decimal(0)) for clawback in clawbacks}
    return {
        "offered": sum((a.amount for a in awards if a.status == Award.Status.OFFERED), Decimal(0)),
        "accepted": sum((a.accepted_amount for a in taken_on), Decimal(0)),
        "paid": sum((t.amount for t in tranches if t.status == Tranche.Status.PAID), Decimal(0)),
        "still_to_pay": sum((t.amount for t in tranches
                             if t.status not in (Tranche.Status.PAID, Tranche.Status.CANCELLED)), Decimal(0)),
        "underspent": sum((a.underspent for a in taken_on), Decimal(0)),
        "owed_back": sum((c.amount - repaid[c.pk] for c in clawbacks if c.status == Clawback.Status.OWED), Decimal(0)),
        "recovered": sum(repaid.values(), Decimal(0)),
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=MONEY_STEPS)
# Every kind of step at least once: £8,000 taken on, paid in part, half of it clawed back and half of that repaid, a
# suspension, offers that fill the ringfence to the penny and one that would go over it, and the grant completed
# with 30% not spent, so its last part is cut and its money is offered again.
@example(steps=[("offer", 0, 8), ("accept", 0), ("pay", 0), ("claw back", 0, 50, True), ("repay", 0, 50),
                ("claw back", 0, 10, False), ("suspend", 0), ("pay", 0), ("resume", 0), ("pay", 0),
                ("offer", 1, 12), ("offer", 2, 1), ("complete", 0, 30), ("offer", 3, 2), ("decline", 1),
                ("offer", 2, 12), ("offer", 1, 4), ("accept", 1), ("vary", 1, 15), ("vary", 1, -5), ("pay", 1)])
def test_the_rounds_money_always_adds_up_to_its_ringfence_whatever_happens(
    programme_manager, second_manager, finance_officer, steps
):
    round_ = RoundFactory(status=Round.Status.ASSESSING, budget=Decimal("20000.00"), maximum_award=Decimal("20000.00"))
    applications = [ApplicationFactory(round=round_, status="scored", amount_requested=Decimal("12000.00"),
                                       reference=f"{round_.reference_prefix}-{number:04d}") for number in range(4)]

    members = [MembershipFactory(organisation=application.organisation).user for application in applications]

    def award_of(index):
        return Award.objects.filter(application=applications[index]).first()

    for kind, index, *rest in steps:
        award = award_of(index)
        try:
            if kind == "offer":
                award_offer(application=applications[index], amount=Decimal(rest[0] * 1000), acting_user=programme_manager)
                letter_issued(applications[index])
            elif award is None:
                continue
            elif kind == "accept":
                award_accept(award=award, name="Amara", role="Chair", acting_user=programme_manager)
            elif kind == "decline":
                award_decline(award=award, reason="", acting_user=programme_manager)
            elif kind == "pay":
                tranche = award.tranches.filter(status=Tranche.Status.DUE).first()
                if tranche is None:
                    tranche = award.tranches.filter(status=Tranche.Status.SCHEDULED).first()
                    if tranche is None:
                        continue
                    tranche_make_due(award=award, quarter=tranche.after_quarter, acting_user=programme_manager)
                tranche_record_bacs(tranche=tranche, bank_reference="BACS", paid_on=timezone.localdate(),
                                    acting_user=finance_officer)
            elif kind == "suspend":
                award_suspend(award=award, reason="A concern", acting_user=programme_manager)
            elif kind == "resume":
                award_resume(award=award, reason="Looked into", acting_user=programme_manager)
            elif kind == "claw back":
                share, confirm = rest
                amount = (clawable_from(award) * share / 100).quantize(Decimal("0.01"))
                clawback = clawback_propose(award=award, amount=amount, reason="Not spent", acting_user=programme_manager)
                check = clawback_confirm if confirm else partial(clawback_refuse, reason="It was spent")
                check(clawback=clawback, proposed_at=clawback.proposed_at, acting_user=second_manager)
            elif kind == "vary":
                last = award.tranches.filter(status=Tranche.Status.SCHEDULED).order_by("-number").first()
                if last is None or not rest[0]:
                    continue
                change = Decimal(rest[0] * 100)
                asked = Asked(amount_change=change, tranches=[
                    {"number": last.number, "amount": last.amount + change, "quarter": last.after_quarter}])
                variation = variation_request(award=award, asked=asked, reason="Our plans changed",
                                              acting_user=members[index])
                variation = variation_approve(variation=variation, acting_user=programme_manager)
                if variation.needs_second:
                    variation_confirm(variation=variation, acting_user=second_manager,
                                      approved_at=variation.approved_at)
            elif kind == "complete":
                award_complete(award=award, underspend=(award.amount * rest[0] / 100).quantize(Decimal("0.01")),
                               underspend_returned=False, acting_user=programme_manager, site_url="http://testserver")
            elif kind == "repay":
                clawback = award.clawbacks.filter(status=Clawback.Status.OWED).first()
                if clawback is None:
                    continue
                owed = clawbacks_with_repaid().get(pk=clawback.pk).still_owed
                repayment_record(clawback=clawback, amount=max((owed * rest[0] / 100).quantize(Decimal("0.01")),
                                                               Decimal("0.01")),
                                 received_on=timezone.localdate(), bank_reference="BACK", acting_user=finance_officer)
        except ServiceError:
            pass  # a step the rules refuse changes nothing
        money = round_money(round_)
        assert money.adds_up
        assert Decimal(0) <= money.remaining == round_.budget - committed_in(round_)
        assert {line: getattr(money, line) for line in money_by_hand(round_)} == money_by_hand(round_)
        assert money.varied == sum((v.amount_change for v in Variation.objects.in_force().filter(award__round=round_)),
                                   Decimal(0))
