import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from core.models import AuditEvent
from core.refusals import ServiceError
from core.state import InvalidTransition
from grants.audit import AuditAction as GrantAuditAction
from grants.models import Award, Letter, Tranche
from grants.payments import tranche_record_bacs
from grants.services import committed_in
from monitoring.models import Return
from tests.factories import AwardFactory, RoundFactory, UserFactory, grant_under_way
from tests.variations.conftest import lines_of
from variations.audit import AuditAction
from variations.changes import Asked
from variations.models import GrantVersion, Variation
from variations.services import (
    VariationError,
    VariationRefused,
    variation_approve,
    variation_confirm,
    variation_refuse,
    variation_request,
)

pytestmark = pytest.mark.django_db


def move(grant, amount="500.00") -> Asked:
    """£`amount` moved from the first budget line to the second."""
    first, second = lines_of(grant)[:2]
    return Asked(budget={first.pk: first.amount - Decimal(amount), second.pk: second.amount + Decimal(amount)})


def ask(grant, applicant, asked: Asked, reason="Our interpreter costs went up.") -> Variation:
    return variation_request(award=grant, asked=asked, reason=reason, acting_user=applicant)


# Asking --------------------------------------------------------------------------------------------------------------


def test_a_member_asks_and_the_request_waits_for_a_programme_manager(grant, applicant, programme_manager):
    variation = ask(grant, applicant, move(grant))
    assert (variation.status, variation.number, variation.money_moved) == ("requested", 1, Decimal("500.00"))
    assert variation.described[0][0] == "the budget for Staff costs: Caseworker"
    assert AuditEvent.objects.get(action=AuditAction.REQUESTED).target == variation
    assert programme_manager.notifications.filter(kind="variations.to_decide").exists()


def test_a_member_of_another_organisation_cannot_ask(grant, stranger):
    with pytest.raises(VariationError, match="Only a member"):
        ask(grant, stranger, move(grant))
    assert not Variation.objects.exists()


def test_an_offer_not_yet_accepted_cannot_be_varied(applicant):
    award = AwardFactory(application__organisation=applicant.memberships.get().organisation)
    with pytest.raises(VariationError, match="once you have accepted it"):
        ask(award, applicant, Asked(amount_change=Decimal("-100.00")))


def test_asking_for_nothing_is_refused(grant, applicant):
    with pytest.raises(VariationRefused, match="Change at least one thing"):
        ask(grant, applicant, Asked())


def test_a_reason_is_needed(grant, applicant):
    with pytest.raises(VariationError, match="Say why"):
        ask(grant, applicant, move(grant), reason="  ")


def test_the_budget_lines_must_still_add_up(grant, applicant):
    first = lines_of(grant)[0]
    with pytest.raises(VariationRefused, match="must still add up to £8,000. With your changes they add up to £8,500"):
        ask(grant, applicant, Asked(budget={first.pk: first.amount + 500}))


def test_only_one_request_waits_at_a_time(grant, applicant):
    ask(grant, applicant, move(grant))
    with pytest.raises(VariationError, match="already asked"):
        ask(grant, applicant, move(grant, "100.00"))


def test_the_database_holds_one_waiting_request_per_grant(grant, applicant):
    variation = ask(grant, applicant, move(grant))
    with pytest.raises(IntegrityError), transaction.atomic():
        Variation.objects.create(award=grant, number=2, reason="Again", requested_by=applicant)
    assert variation.pk


def test_a_decrease_below_what_is_paid_is_refused(paid_grant, applicant):
    with pytest.raises(VariationRefused, match="cannot be less than the £4,000 already paid"):
        ask(paid_grant, applicant, Asked(amount_change=Decimal("-4500.00")))


def test_an_increase_over_the_ringfence_is_refused(grant, applicant):
    room = grant.round.budget - committed_in(grant.round)
    part = grant.tranches.get(number=3)
    asked = Asked(amount_change=room + 1, tranches=[{"number": 3, "amount": part.amount + room + 1, "quarter": 4}])
    with pytest.raises(VariationRefused, match="would go over the round's ringfence"):
        ask(grant, applicant, asked)


def test_a_paid_part_never_changes(paid_grant, applicant):
    asked = Asked(tranches=[{"number": 1, "amount": Decimal("3000.00"), "quarter": None},
                            {"number": 2, "amount": Decimal("3000.00"), "quarter": 2}])
    with pytest.raises(VariationRefused, match="Part 1 has been paid, so it cannot change"):
        ask(paid_grant, applicant, asked)


def test_the_parts_must_add_up_to_the_grant(grant, applicant):
    with pytest.raises(VariationRefused, match="must add up to the grant, £8,000"):
        ask(grant, applicant, Asked(tranches=[{"number": 2, "amount": Decimal("1000.00"), "quarter": 2}]))


def test_a_part_cannot_wait_for_a_return_already_accepted_or_beyond_the_grant(grant, applicant):
    grant.returns.filter(quarter=1).update(status=Return.Status.ACCEPTED)
    with pytest.raises(VariationRefused, match="quarter 1 return, which has already been accepted"):
        ask(grant, applicant, Asked(tranches=[{"number": 2, "amount": Decimal("2000.00"), "quarter": 1}]))
    with pytest.raises(VariationRefused, match="one of the grant's 4 quarters"):
        ask(grant, applicant, Asked(tranches=[{"number": 2, "amount": Decimal("2000.00"), "quarter": 5}]))


def test_an_end_date_must_be_later(grant, applicant):
    with pytest.raises(VariationRefused, match="must be after the grant's end date"):
        ask(grant, applicant, Asked(ends_on=grant.ends_on - timedelta(days=1)))


# Deciding ------------------------------------------------------------------------------------------------------------


def test_below_the_threshold_one_approval_makes_the_change(grant, applicant, programme_manager):
    variation = ask(grant, applicant, move(grant, "500.00"))  # 6.25% of £8,000: under 10%
    variation = variation_approve(variation=variation, acting_user=programme_manager)
    assert (variation.status, variation.needs_second, variation.version) == ("approved", False, 2)
    assert variation.in_force
    assert [line.amount for line in lines_of(grant)] == [Decimal("4500.00"), Decimal("2500.00"), Decimal("1000.00")]
    kept = GrantVersion.objects.get(award=grant)
    assert (kept.number, kept.replaced_by, kept.snapshot["budget"][0]["amount"]) == (1, variation, "5000.00")
    letters = Letter.objects.filter(application=grant.application, kind=Letter.Kind.VARIATION)
    assert [(letter.version, letter.large_print) for letter in letters.order_by("large_print")] == [(1, False),
                                                                                                    (1, True)]
    assert applicant.notifications.filter(kind="variations.decided").exists()
    assert AuditEvent.objects.filter(action=AuditAction.APPLIED, target_id=str(grant.pk)).exists()


def test_above_the_threshold_a_second_programme_manager_must_confirm(grant, applicant, programme_manager,
                                                                    second_manager):
    variation = ask(grant, applicant, move(grant, "1000.00"))  # 12.5%
    variation = variation_approve(variation=variation, acting_user=programme_manager)
    assert (variation.status, variation.needs_second, variation.in_force) == ("approved", True, False)
    assert lines_of(grant)[0].amount == Decimal("5000.00")
    assert second_manager.notifications.filter(kind="variations.to_confirm").exists()
    assert not programme_manager.notifications.filter(kind="variations.to_confirm").exists()
    variation = variation_confirm(variation=variation, acting_user=second_manager, approved_at=variation.approved_at)
    assert (variation.status, variation.in_force, variation.version) == ("confirmed", True, 2)
    assert lines_of(grant)[0].amount == Decimal("4000.00")


def test_the_manager_who_approved_cannot_confirm(grant, applicant, programme_manager):
    variation = variation_approve(variation=ask(grant, applicant, move(grant, "1000.00")),
                                  acting_user=programme_manager)
    with pytest.raises(VariationError, match="Another programme manager must confirm"):
        variation_confirm(variation=variation, acting_user=programme_manager, approved_at=variation.approved_at)


def test_the_database_refuses_a_confirmation_by_the_approver(grant, applicant, programme_manager):
    variation = variation_approve(variation=ask(grant, applicant, move(grant, "1000.00")),
                                  acting_user=programme_manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        Variation.objects.filter(pk=variation.pk).update(confirmed_by=programme_manager)


def test_only_the_approval_shown_is_confirmed(grant, applicant, programme_manager, second_manager):
    variation = variation_approve(variation=ask(grant, applicant, move(grant, "1000.00")),
                                  acting_user=programme_manager)
    with pytest.raises(VariationError, match="approved again after you opened the page"):
        variation_confirm(variation=variation, acting_user=second_manager,
                          approved_at=variation.approved_at - timedelta(minutes=1))
    assert Variation.objects.get(pk=variation.pk).status == "approved"


def test_a_later_end_date_needs_a_second_manager_and_adds_the_quarters_it_passes_into(
    grant, applicant, programme_manager, second_manager
):
    ends_on = grant.ends_on + timedelta(days=45)
    variation = variation_approve(variation=ask(grant, applicant, Asked(ends_on=ends_on)),
                                  acting_user=programme_manager)
    assert variation.needs_second
    variation_confirm(variation=variation, acting_user=second_manager, approved_at=variation.approved_at)
    grant.refresh_from_db()
    assert grant.ends_on == ends_on
    last = grant.returns.order_by("quarter").last()
    assert (last.quarter, last.period_end, last.due_on) == (5, ends_on, ends_on + timedelta(days=30))


def test_a_round_may_let_one_manager_approve_a_later_end_date(grant, applicant, programme_manager):
    grant.round.variation_later_end_needs_second = False
    grant.round.save(update_fields=["variation_later_end_needs_second"])
    variation = variation_approve(variation=ask(grant, applicant, Asked(ends_on=grant.ends_on + timedelta(days=10))),
                                  acting_user=programme_manager)
    assert variation.in_force and grant.returns.count() == 5


def test_refusing_changes_nothing_and_tells_the_grantee(grant, applicant, programme_manager):
    variation = ask(grant, applicant, move(grant))
    with pytest.raises(VariationError, match="Say why"):
        variation_refuse(variation=variation, reason="", acting_user=programme_manager)
    variation = variation_refuse(variation=variation, reason="Keep the interpreters.", acting_user=programme_manager)
    assert (variation.status, variation.refusal_reason, variation.in_force) == ("refused", "Keep the interpreters.",
                                                                                 False)
    assert lines_of(grant)[0].amount == Decimal("5000.00")
    assert applicant.notifications.filter(kind="variations.decided").exists()
    with pytest.raises(InvalidTransition):
        variation_approve(variation=variation, acting_user=programme_manager)


def test_a_second_manager_may_refuse_an_approval_but_not_the_approver(grant, applicant, programme_manager,
                                                                    second_manager):
    variation = variation_approve(variation=ask(grant, applicant, move(grant, "1000.00")),
                                  acting_user=programme_manager)
    with pytest.raises(VariationError, match="Another programme manager"):
        variation_refuse(variation=variation, reason="Changed my mind", acting_user=programme_manager)
    variation = variation_refuse(variation=variation, reason="Too much at once.", acting_user=second_manager)
    assert variation.status == "refused"


def test_an_approval_in_force_cannot_be_refused_or_confirmed(grant, applicant, programme_manager, second_manager):
    variation = variation_approve(variation=ask(grant, applicant, move(grant)), acting_user=programme_manager)
    with pytest.raises(VariationError, match="not waiting for a second programme manager"):
        variation_refuse(variation=variation, reason="No", acting_user=second_manager)
    with pytest.raises(VariationError, match="not waiting for a second programme manager"):
        variation_confirm(variation=variation, acting_user=second_manager, approved_at=variation.approved_at)


def test_a_second_approval_changes_nothing_twice(grant, applicant, programme_manager):
    variation = variation_approve(variation=ask(grant, applicant, move(grant)), acting_user=programme_manager)
    with pytest.raises(InvalidTransition):
        variation_approve(variation=variation, acting_user=programme_manager)
    assert GrantVersion.objects.count() == 1 and lines_of(grant)[0].amount == Decimal("4500.00")


def test_a_second_confirmation_by_the_same_manager_changes_nothing_twice(grant, applicant, programme_manager,
                                                                       second_manager):
    variation = variation_approve(variation=ask(grant, applicant, move(grant, "1000.00")),
                                  acting_user=programme_manager)
    variation_confirm(variation=variation, acting_user=second_manager, approved_at=variation.approved_at)
    again = variation_confirm(variation=variation, acting_user=second_manager, approved_at=variation.approved_at)
    assert again.status == "confirmed" and GrantVersion.objects.count() == 1


def test_only_a_programme_manager_approves(grant, applicant):
    with pytest.raises(VariationError, match="Only a programme manager"):
        variation_approve(variation=ask(grant, applicant, move(grant)), acting_user=applicant)


# The money ------------------------------------------------------------------------------------------------------------


def test_an_increase_within_the_ringfence_raises_the_grant_and_its_unpaid_parts(grant, applicant, programme_manager,
                                                                              second_manager):
    asked = Asked(amount_change=Decimal("1000.00"),
                  tranches=[{"number": 3, "amount": Decimal("3000.00"), "quarter": 4}])
    variation = variation_approve(variation=ask(grant, applicant, asked), acting_user=programme_manager)
    variation_confirm(variation=variation, acting_user=second_manager, approved_at=variation.approved_at)
    grant.refresh_from_db()
    accepted_amount = Decimal("8000.00")
    assert grant.amount == accepted_amount + Variation.objects.filter(award=grant).varied() == Decimal("9000.00")
    assert sum(t.amount for t in grant.tranches.all()) == grant.amount
    assert committed_in(grant.round) == Decimal("9000.00")


def test_a_decrease_takes_money_from_an_unpaid_part_and_a_new_part_is_paid_once(paid_grant, applicant,
                                                                                 programme_manager, second_manager):
    asked = Asked(amount_change=Decimal("-1000.00"), tranches=[
        {"number": 2, "amount": Decimal("1000.00"), "quarter": 3},
        {"number": 3, "amount": Decimal("1000.00"), "quarter": 4},
        {"number": 4, "amount": Decimal("1000.00"), "quarter": 2},
    ])
    variation = variation_approve(variation=ask(paid_grant, applicant, asked), acting_user=programme_manager)
    variation_confirm(variation=variation, acting_user=second_manager, approved_at=variation.approved_at)
    paid_grant.refresh_from_db()
    parts = list(paid_grant.tranches.order_by("number").values_list("number", "amount", "after_quarter", "status"))
    assert parts == [(1, Decimal("4000.00"), None, "paid"), (2, Decimal("1000.00"), 3, "scheduled"),
                     (3, Decimal("1000.00"), 4, "scheduled"), (4, Decimal("1000.00"), 2, "scheduled")]
    new = paid_grant.tranches.get(number=4)
    assert new.idempotency_key == f"tranche-{paid_grant.reference}-4-v2"
    assert paid_grant.amount == Decimal("7000.00")


def test_a_part_paid_after_the_request_refuses_the_approval_and_changes_nothing(grant, applicant, programme_manager,
                                                                             finance_officer):
    variation = ask(grant, applicant, Asked(tranches=[{"number": 1, "amount": Decimal("3000.00"), "quarter": None},
                                                      {"number": 3, "amount": Decimal("3000.00"), "quarter": 4}]))
    tranche_record_bacs(tranche=grant.tranches.get(number=1), bank_reference="BACS-9", paid_on=date.today(),
                        acting_user=finance_officer)
    with pytest.raises(VariationRefused, match="Part 1 has been paid, so it cannot change"):
        variation_approve(variation=variation, acting_user=programme_manager)
    assert Variation.objects.get(pk=variation.pk).status == "requested"
    assert grant.tranches.get(number=1).amount == Decimal("4000.00")
    assert Tranche.objects.filter(award=grant, status="paid").count() == 1


def test_a_due_part_keeps_what_released_it(grant, applicant):
    with pytest.raises(VariationRefused, match="Part 1 is due for payment now: only its amount can change"):
        ask(grant, applicant, Asked(tranches=[{"number": 1, "amount": Decimal("4000.00"), "quarter": 2},
                                              {"number": 2, "amount": Decimal("2000.00"), "quarter": 3}]))


def test_targets_change_and_the_old_ones_are_kept(grant, applicant, programme_manager):
    target = grant.application.targets.get(quarter=2)
    variation = variation_approve(variation=ask(grant, applicant, Asked(targets={target.pk: 6})),
                                  acting_user=programme_manager)
    target.refresh_from_db()
    assert target.target == 6 and variation.in_force
    kept = GrantVersion.objects.get(award=grant).snapshot["targets"]
    assert {"id": target.pk, "what": "Disabled victims supported", "quarter": 2, "target": 10} in kept


def test_every_status_is_reached_through_the_services(grant, applicant, programme_manager, second_manager):
    seen = {ask(grant, applicant, move(grant)).status}
    first = variation_approve(variation=Variation.objects.get(), acting_user=programme_manager)
    seen.add(first.status)
    second = variation_approve(variation=ask(grant, applicant, move(grant, "1000.00")), acting_user=programme_manager)
    seen.add(variation_confirm(variation=second, acting_user=second_manager, approved_at=second.approved_at).status)
    seen.add(variation_refuse(variation=ask(grant, applicant, move(grant)), reason="No",
                              acting_user=programme_manager).status)
    assert seen == set(Variation.Status.values)
    assert Award.objects.get(pk=grant.pk).status == "accepted"


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Row locks (select_for_update) only prove anything on PostgreSQL"
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_variation_made_as_finance_pays_the_part_it_changes_pays_it_once_and_the_parts_add_up():
    manager, finance = UserFactory(role="programme_manager"), UserFactory(role="finance_officer")
    outcomes = set()
    for trial in range(12):
        grant = grant_under_way()
        member = grant.application.organisation.memberships.get().user
        # One manager's approval is enough: the money moves between parts, not budget lines.
        variation = ask(grant, member, Asked(tranches=[{"number": 1, "amount": Decimal("3000.00"), "quarter": None},
                                                       {"number": 3, "amount": Decimal("3000.00"), "quarter": 4}]))
        tranche = grant.tranches.get(number=1)
        barrier = threading.Barrier(2)

        def run(work):
            barrier.wait()
            try:
                work()
            except ServiceError:
                pass  # refused: the other got there first
            finally:
                connection.close()

        threads = [
            threading.Thread(target=run, args=(lambda: variation_approve(variation=variation, acting_user=manager),)),
            threading.Thread(target=run, args=(lambda: tranche_record_bacs(
                tranche=tranche, bank_reference=f"BACS-{trial}", paid_on=date.today(), acting_user=finance),)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        grant.refresh_from_db()
        tranche.refresh_from_db()
        payments = AuditEvent.objects.filter(action=GrantAuditAction.BACS_PAYMENT_RECORDED, target_id=str(tranche.pk))
        assert payments.count() == 1, f"trial {trial}: paid {payments.count()} times"
        assert tranche.status == "paid" and payments.get().data == {"amount": f"{tranche.amount:.2f}"}
        assert sum(t.amount for t in grant.tranches.all()) == grant.amount == Decimal("8000.00")
        variation.refresh_from_db()
        outcomes.add((variation.status, tranche.amount))
    # Either the variation was made first and the new amount was paid, or the old amount was paid and the variation,
    # which would have changed a paid part, was refused: never both, never a part paid and then changed.
    assert outcomes <= {("approved", Decimal("3000.00")), ("requested", Decimal("4000.00"))}


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_increases_approved_at_the_same_moment_never_pass_the_ringfence_together():
    manager = UserFactory(role="programme_manager")
    for trial in range(8):
        round_ = RoundFactory(budget=Decimal("17000.00"), variation_threshold=50)
        grants = [grant_under_way(application__round=round_) for _ in range(2)]
        variations = [
            ask(grant, grant.application.organisation.memberships.get().user, Asked(
                amount_change=Decimal("1000.00"), tranches=[{"number": 3, "amount": Decimal("3000.00"), "quarter": 4}]))
            for grant in grants
        ]
        barrier = threading.Barrier(2)

        def approve(variation):
            barrier.wait()
            try:
                variation_approve(variation=variation, acting_user=manager)
            except ServiceError:
                pass  # refused: the other took the last of the ringfence
            finally:
                connection.close()

        threads = [threading.Thread(target=approve, args=(variation,)) for variation in variations]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert committed_in(round_) <= round_.budget, f"trial {trial}: {committed_in(round_)} committed"
        assert Variation.objects.filter(pk__in=[v.pk for v in variations]).in_force().count() == 1
