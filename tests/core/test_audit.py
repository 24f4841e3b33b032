from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from assessment.audit import AuditAction as AssessmentAuditAction
from applications.audit import AuditAction as ApplicationAuditAction
from core.audit import AuditAction, audit_actions_register, audit_sentence
from core.models import AuditEvent
from core.services import audit_record, audit_record_each
from grants.audit import AuditAction as GrantAuditAction
from tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def test_the_sentence_is_made_from_the_code_and_its_data():
    assert audit_sentence(AssessmentAuditAction.SCORES_SENT, {"version": 2}) == "sent scores (version 2)"
    assert audit_sentence(ApplicationAuditAction.ROUND_STATUS_CHANGED, {}) == "changed the round's status"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(Decimal("6500.00"), "£6,500"), ("6500.00", "£6,500"), ("1250.50", "£1,250.50"),
     (Decimal("12345.6"), "£12,345.60")],
)
def test_amounts_are_shown_as_money_like_everywhere_else(amount, shown):
    assert audit_sentence(GrantAuditAction.OFFERED, {"amount": amount}) == f"offered a grant of {shown}"


@pytest.mark.parametrize(("count", "shown"), [(0, "0 standard indicators"), (1, "1 standard indicator"),
                                             (1200, "1,200 standard indicators")])
def test_counts_are_shown_with_the_noun_agreeing(count, shown):
    assert audit_sentence(ApplicationAuditAction.STANDARD_INDICATORS_ADDED, {"count": count}) == f"added {shown}"
    assert audit_sentence(AssessmentAuditAction.SHARED_OUT, {"allocations": 1}) == (
        "shared out applications to score (1 allocation)"
    )


def test_an_unknown_code_or_missing_figures_show_the_code_rather_than_failing():
    assert audit_sentence("nobody.declared.this", {}) == "nobody.declared.this"
    assert audit_sentence(GrantAuditAction.OFFERED, {}) == "award.offered"
    assert audit_sentence(GrantAuditAction.OFFERED, {"amount": "not money"}) == "award.offered"


def test_a_sentence_from_before_codes_is_shown_as_it_was_written():
    assert audit_sentence(AuditAction.LEGACY, {"sentence": "opened the round"}) == "opened the round"


def test_a_code_declared_twice_with_different_sentences_is_refused():
    class Clash(models.TextChoices):
        OFFERED = "award.offered", "gave away {amount}"

    with pytest.raises(ImproperlyConfigured, match="award.offered"):
        audit_actions_register(Clash)
    assert audit_sentence(GrantAuditAction.OFFERED, {"amount": "10"}) == "offered a grant of £10"


def test_an_event_keeps_its_figures_and_reads_as_plain_english(programme_manager):
    round_ = RoundFactory()
    audit_record(acting_user=programme_manager, action=GrantAuditAction.OFFERED, target=round_,
                 data={"amount": Decimal("6500.00")})
    event = AuditEvent.objects.get()
    assert (event.action, event.data) == ("award.offered", {"amount": "6500.00"})
    assert Decimal(event.data["amount"]) == Decimal("6500.00")
    assert event.sentence == "offered a grant of £6,500"
    assert "offered a grant of £6,500" in str(event)


def test_the_same_figures_are_recorded_on_each_of_many_objects(programme_manager):
    rounds = [RoundFactory(), RoundFactory()]
    audit_record_each(acting_user=programme_manager, action=ApplicationAuditAction.STANDARD_INDICATORS_ADDED,
                      targets=rounds, data={"count": 6})
    assert [event.sentence for event in AuditEvent.objects.all()] == ["added 6 standard indicators"] * 2


def test_a_sentence_cannot_be_recorded_in_place_of_a_code(programme_manager):
    with pytest.raises(TypeError, match="AuditAction"):
        audit_record(acting_user=programme_manager, action="opened the round", target=RoundFactory())
    assert not AuditEvent.objects.exists()
