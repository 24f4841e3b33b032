from decimal import Decimal

import pytest

from applications.models import Round
from grants.selectors import round_awards_unfinished
from tests.factories import ApplicationFactory, AwardFactory, RoundFactory

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
