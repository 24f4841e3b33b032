import threading
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Role
from accounts.services import user_role_change
from applications.models import Application, Round
from applications.services import round_status_change
from assessment.selectors import ranking_for
from core.models import AuditEvent
from core.services import audit_record
from core.state import InvalidTransition
from grants.audit import AuditAction
from grants.models import Award, Decision, Letter, Tranche
from grants import services
from grants.schedule import tranche_amounts
from grants.services import (
    GrantError,
    RingfenceExceeded,
    award_accept,
    award_decline,
    award_offer,
    awards_lapse,
    committed_in,
    decision_confirm,
    decision_proposals,
    decision_record,
    decision_send_back,
    decisions_accept_proposals,
    letter_issue,
    round_decision_blocker,
)
from tests.factories import ApplicationFactory, AwardFactory, RoundFactory, UserFactory, letter_issued
from tests.grants.conftest import scored

pytestmark = pytest.mark.django_db


def test_proposals_fund_in_rank_order_until_the_ringfence_runs_out(scored_round):
    round_, (first, second, third) = scored_round
    assert decision_proposals(round_) == {
        first.pk: ("fund", Decimal("6000.00")),
        second.pk: ("not_fund", None),  # 6,000 + 5,000 would pass 10,000
        third.pk: ("fund", Decimal("3000.00")),  # but the smaller one below still fits
    }


def test_proposals_hold_no_money_for_an_application_whose_scores_need_moderation(scored_round):
    round_, (first, second, third) = scored_round
    scored(round_, list(round_.assessors.all()), reference="D-0004", amount="2000.00", score=(5, 2))  # ranked third
    assert decision_proposals(round_) == {
        first.pk: ("fund", Decimal("6000.00")),
        second.pk: ("not_fund", None),
        third.pk: ("fund", Decimal("3000.00")),  # the 2,000 of the one being moderated is not held for it
    }


def test_a_decision_other_than_the_proposal_needs_a_reason(scored_round, programme_manager):
    round_, (first, second, _) = scored_round
    with pytest.raises(GrantError, match="Give a reason"):
        decision_record(application=first, outcome="fund", amount=Decimal("4000"), reason="", acting_user=programme_manager)
    decision = decision_record(application=first, outcome="fund", amount=Decimal("4000"),
                               reason="Partial: the venue costs are covered elsewhere", acting_user=programme_manager)
    assert decision.departs_from_proposal
    assert decision_record(application=second, outcome="not_fund", amount=None, reason="",
                           acting_user=programme_manager).outcome == "not_fund"


def test_more_than_was_asked_for_cannot_be_offered(scored_round, programme_manager):
    _, (first, _, _) = scored_round
    with pytest.raises(GrantError, match="more than"):
        decision_record(application=first, outcome="fund", amount=Decimal("9000"), reason="Generous",
                        acting_user=programme_manager)


def test_a_second_programme_manager_must_confirm(scored_round, programme_manager, second_manager):
    round_, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000"), reason="",
                               acting_user=programme_manager)
    with pytest.raises(GrantError, match="Another programme manager"):
        decision_confirm(decision=decision, acting_user=programme_manager, proposed_at=decision.decided_at)
    decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at)
    first.refresh_from_db()
    assert first.status == Application.Status.AWARDED
    assert first.award.amount == Decimal("6000")
    assert first.award.status == Award.Status.OFFERED


def test_a_programme_manager_appointed_after_the_proposal_cannot_confirm_it(
    scored_round, programme_manager, second_manager, superuser
):
    _, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000"), reason="",
                               acting_user=programme_manager)
    newcomer = user_role_change(user=UserFactory(), role=Role.PROGRAMME_MANAGER, acting_user=superuser,
                                reason="Appointed")
    with pytest.raises(GrantError, match="before this decision was proposed"):
        decision_confirm(decision=decision, acting_user=newcomer, proposed_at=decision.decided_at)
    first.refresh_from_db()
    assert first.status == Application.Status.SCORED
    assert not Award.objects.exists()
    decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at)
    assert Award.objects.get().application == first


def test_a_manager_who_left_the_role_and_came_back_after_the_proposal_cannot_confirm_it(
    scored_round, programme_manager, second_manager, superuser
):
    _, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000"), reason="",
                               acting_user=programme_manager)
    user_role_change(user=second_manager, role=Role.ASSESSOR, acting_user=superuser, reason="Panel")
    user_role_change(user=second_manager, role=Role.PROGRAMME_MANAGER, acting_user=superuser, reason="Back")
    with pytest.raises(GrantError, match="before this decision was proposed"):
        decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at)


def test_a_decision_whose_proposer_is_no_longer_a_programme_manager_cannot_be_confirmed(
    scored_round, programme_manager, second_manager, superuser
):
    _, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="not_fund", amount=None, reason="Not this year",
                               acting_user=programme_manager)
    user_role_change(user=programme_manager, role=Role.APPLICANT, acting_user=superuser, reason="Left the funder")
    with pytest.raises(GrantError, match="propose it again"):
        decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at)


def test_confirming_the_proposals_awards_and_refuses_within_the_ringfence(scored_round, programme_manager, second_manager):
    round_, (first, second, third) = scored_round
    assert decisions_accept_proposals(round_=round_, acting_user=programme_manager).recorded == 3
    for decision in Decision.objects.all():
        decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at)
    statuses = dict(Application.objects.values_list("reference", "status"))
    assert statuses == {"D-0001": "awarded", "D-0002": "not_funded", "D-0003": "awarded"}
    assert committed_in(round_) == Decimal("9000.00")


def test_accepting_the_proposals_ranks_the_round_once(scored_round, programme_manager, monkeypatch):
    round_, applications = scored_round
    for reference in ("D-0004", "D-0005"):
        scored(round_, list(round_.assessors.all()), reference=reference, amount="1000.00", score=2)
    rankings = []
    monkeypatch.setattr(services, "ranking_for", lambda *args, **kwargs: rankings.append(args) or ranking_for(*args, **kwargs))
    assert decisions_accept_proposals(round_=round_, acting_user=programme_manager).recorded == 5
    assert len(rankings) == 1


def test_accepting_the_proposals_records_all_of_them_or_none(scored_round, programme_manager, monkeypatch):
    round_, _ = scored_round
    recorded = []

    def fail_on_the_third(**kwargs):
        recorded.append(kwargs["target"])
        if len(recorded) == 3:
            raise RuntimeError("the database went away")
        return audit_record(**kwargs)

    monkeypatch.setattr(services, "audit_record", fail_on_the_third)
    with pytest.raises(RuntimeError):
        decisions_accept_proposals(round_=round_, acting_user=programme_manager)
    assert not Decision.objects.exists()
    monkeypatch.undo()
    assert decisions_accept_proposals(round_=round_, acting_user=programme_manager).recorded == 3
    assert decisions_accept_proposals(round_=round_, acting_user=programme_manager).recorded == 0


def test_recording_a_decision_ranks_the_round_before_locking_the_application(scored_round, programme_manager, monkeypatch):
    _, (first, _, _) = scored_round
    outside = len(connection.savepoint_ids)
    depths = []
    monkeypatch.setattr(services, "ranking_for",
                        lambda *args, **kwargs: depths.append(len(connection.savepoint_ids)) or ranking_for(*args, **kwargs))
    decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="", acting_user=programme_manager)
    assert depths == [outside]


def test_an_offer_over_the_ringfence_is_refused(programme_manager):
    round_ = RoundFactory(budget=Decimal("5000.00"), maximum_award=Decimal("5000.00"))
    round_status_change(round_=round_, status=Round.Status.CLOSED, acting_user=programme_manager, reason="Closed")
    award_offer(application=ApplicationFactory(round=round_, status="scored"), amount=Decimal("4000"),
                acting_user=programme_manager)
    with pytest.raises(RingfenceExceeded, match="Offering £1,000.01 to .* only £1,000 is left"):
        award_offer(application=ApplicationFactory(round=round_, status="scored"), amount=Decimal("1000.01"),
                    acting_user=programme_manager)


def test_declined_and_lapsed_offers_return_their_money_and_the_next_can_be_offered(
    scored_round, programme_manager, second_manager
):
    round_, (first, second, third) = scored_round
    decisions_accept_proposals(round_=round_, acting_user=programme_manager)
    for decision in Decision.objects.all():
        decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at)
    letter_issued(first)
    award_decline(award=first.award, reason="We merged with another group", acting_user=first.organisation.memberships.first().user)
    assert committed_in(round_) == Decimal("3000.00")
    assert decision_proposals(round_)[second.pk] == ("fund", Decimal("5000.00"))
    decision = decision_record(application=second, outcome="fund", amount=Decimal("5000.00"), reason="",
                               acting_user=programme_manager)
    decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at)
    second.refresh_from_db()
    assert second.status == Application.Status.AWARDED
    proposed = AuditEvent.objects.filter(action=AuditAction.FUNDING_PROPOSED, target_id=str(second.pk)).get()
    assert (proposed.to_state, proposed.data, proposed.sentence) == ("Fund", {"amount": "5000.00"},
                                                                      "proposed funding of £5,000")
    offered = AuditEvent.objects.filter(action=AuditAction.OFFERED, target_id=str(second.pk)).get()
    assert (offered.data, offered.sentence) == ({"amount": "5000.00"}, "offered a grant of £5,000")


def test_accepting_sets_the_payment_schedule_with_the_first_part_due(programme_manager):
    award = AwardFactory(amount=Decimal("5000.01"))
    award_accept(award=award, name="Amara Okafor", role="Chair", acting_user=programme_manager)
    tranches = list(award.tranches.all())
    assert [(t.number, t.amount, t.status) for t in tranches] == [
        (1, Decimal("2500.00"), Tranche.Status.DUE),
        (2, Decimal("1250.00"), Tranche.Status.SCHEDULED),
        (3, Decimal("1250.01"), Tranche.Status.SCHEDULED),
    ]
    assert sum(t.amount for t in tranches) == award.amount
    assert tranches[2].after_quarter == 4
    award.refresh_from_db()
    assert (award.ends_on - award.starts_on).days in (363, 364, 365)  # four quarters, whatever the months
    assert AuditEvent.objects.filter(action=AuditAction.OFFER_ACCEPTED, reason="Amara Okafor, Chair").exists()


def test_tranche_amounts_always_add_up_to_the_award():
    for amount in ["0.03", "1.00", "999.99", "12345.67"]:
        parts = tranche_amounts(Decimal(amount), [Decimal(50), Decimal(25), Decimal(25)])
        assert sum(parts) == Decimal(amount)
        assert all(part >= 0 for part in parts)


def test_an_offer_cannot_be_accepted_after_its_deadline_and_lapses(programme_manager):
    award = AwardFactory(accept_by=timezone.now() - timedelta(minutes=1))
    with pytest.raises(GrantError, match="deadline"):
        award_accept(award=award, name="A", role="B", acting_user=programme_manager)
    assert awards_lapse() == 1
    assert awards_lapse() == 0
    award.refresh_from_db()
    assert award.status == Award.Status.LAPSED


@pytest.mark.parametrize(
    ("from_status", "allowed"),
    [
        ("offered", {"accepted", "declined", "lapsed"}),
        ("accepted", {"active", "suspended", "completed"}),
        ("active", {"suspended", "completed"}), ("completed", set()), ("suspended", {"accepted", "active"}), ("declined", set()), ("lapsed", set()),
    ],
)
def test_the_award_lifecycle_allows_only_its_own_moves(from_status, allowed):
    award = Award(status=from_status)
    assert {status for status in Award.Status.values if award.can_transition_to(status)} == allowed


def test_an_accepted_award_cannot_be_declined(programme_manager):
    award = AwardFactory(status="accepted")
    with pytest.raises(InvalidTransition):
        award_decline(award=award, reason="", acting_user=programme_manager)


def test_letters_are_issued_in_two_prints_with_checksums_and_corrected_as_new_versions(
    scored_round, programme_manager, second_manager, django_capture_on_commit_callbacks
):
    import hashlib

    round_, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000"), reason="",
                               acting_user=programme_manager)
    decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at)
    with django_capture_on_commit_callbacks(execute=True):
        standard, large = letter_issue(application=first, acting_user=second_manager, site_url="https://x")
    assert (standard.large_print, large.large_print, standard.version) == (False, True, 1)
    assert standard.checksum == hashlib.sha256(standard.file.read()).hexdigest()
    assert "https://x/applications/" in mail.outbox[0].body and not mail.outbox[0].attachments
    assert "Its status is now: Awarded." in mail.outbox[0].body  # the word the applicant's pages now show
    with pytest.raises(GrantError, match="give a reason"):
        letter_issue(application=first, acting_user=second_manager, site_url="")
    corrected, _ = letter_issue(application=first, acting_user=second_manager, site_url="", correction_reason="Wrong date")
    assert corrected.version == 2
    standard.refresh_from_db()
    assert standard.checksum == hashlib.sha256(standard.file.read()).hexdigest()
    assert Letter.objects.filter(application=first).count() == 4


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Row locks (select_for_update) only prove anything on PostgreSQL"
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_many_offers_at_the_same_moment_never_pass_the_ringfence():
    round_ = RoundFactory(budget=Decimal("10000.00"), maximum_award=Decimal("10000.00"))
    manager = UserFactory(role="programme_manager")
    applications = [ApplicationFactory(round=round_, status="scored") for _ in range(12)]
    round_status_change(round_=round_, status=Round.Status.CLOSED, acting_user=manager, reason="Scored")
    outcomes = []
    barrier = threading.Barrier(len(applications))

    def offer(application):
        barrier.wait()
        try:
            award_offer(application=application, amount=Decimal("1500.00"), acting_user=manager)
            outcomes.append("offered")
        except RingfenceExceeded:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=offer, args=(application,)) for application in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("offered") == 6  # 6 x 1,500 = 9,000; a seventh would make 10,500
    assert outcomes.count("refused") == 6
    assert committed_in(round_) == Decimal("9000.00")


def test_a_decision_is_refused_while_the_round_is_still_open(open_scored_round, programme_manager):
    round_, application = open_scored_round
    with pytest.raises(GrantError, match="D-0001 cannot be decided yet. The round has not closed yet."):
        decision_record(application=application, outcome="fund", amount=Decimal("6000.00"), reason="",
                        acting_user=programme_manager)
    result = decisions_accept_proposals(round_=round_, acting_user=programme_manager)
    assert (result.recorded, result.left) == (0, {"D-0001": ["The round has not closed yet."]})
    assert not Decision.objects.exists()


def test_a_decision_is_refused_until_every_score_is_in(scored_round, programme_manager):
    round_, _ = scored_round
    half_scored = scored(round_, list(round_.assessors.all())[:1], reference="D-0004", amount="1000.00", score=5)
    with pytest.raises(GrantError, match="D-0004 cannot be decided yet. 1 of 2 scores in."):
        decision_record(application=half_scored, outcome="not_fund", amount=None, reason="Not this year",
                        acting_user=programme_manager)
    assert not Decision.objects.exists()


def test_a_decision_is_refused_while_the_scores_need_moderation(scored_round, programme_manager):
    round_, _ = scored_round
    apart = scored(round_, list(round_.assessors.all()), reference="D-0004", amount="1000.00", score=(1, 5))
    criteria = ", ".join(str(criterion) for criterion in round_.criteria.order_by("position", "id"))
    with pytest.raises(GrantError, match=f"D-0004 cannot be decided yet. Needs moderation: {criteria}."):
        decision_record(application=apart, outcome="fund", amount=Decimal("1000.00"), reason="",
                        acting_user=programme_manager)
    assert not Decision.objects.exists()


def test_accepting_the_proposals_leaves_the_unfinished_applications_and_says_why(scored_round, programme_manager):
    round_, _ = scored_round
    assessors = list(round_.assessors.all())
    scored(round_, assessors[:1], reference="D-0004", amount="1000.00", score=5)
    scored(round_, assessors, reference="D-0005", amount="1000.00", score=(1, 5))
    criteria = ", ".join(str(criterion) for criterion in round_.criteria.order_by("position", "id"))
    result = decisions_accept_proposals(round_=round_, acting_user=programme_manager)
    assert result.recorded == 3
    assert result.left == {"D-0004": ["1 of 2 scores in"], "D-0005": [f"Needs moderation: {criteria}"]}
    assert set(Decision.objects.values_list("application__reference", flat=True)) == {"D-0001", "D-0002", "D-0003"}


def test_a_decision_is_not_confirmed_once_its_application_is_no_longer_fully_scored(
    scored_round, programme_manager, second_manager
):
    round_, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                               acting_user=programme_manager)
    round_.assessors_per_application = 3
    round_.save(update_fields=["assessors_per_application"])
    with pytest.raises(GrantError, match="D-0001 cannot be decided yet. 2 of 3 scores in."):
        decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at)
    decision.refresh_from_db()
    assert decision.confirmed_at is None
    assert not Award.objects.exists()


@pytest.mark.parametrize("status", [Round.Status.OPEN, Round.Status.COMPLETED])
def test_no_offer_is_made_before_the_round_closes_or_once_it_is_completed(programme_manager, status):
    application = ApplicationFactory(round=RoundFactory(status=status), status="scored")
    with pytest.raises(GrantError, match=f"No offer can be made on {application} now."):
        award_offer(application=application, amount=Decimal("1000.00"), acting_user=programme_manager)
    assert not Award.objects.exists()


@pytest.mark.parametrize("status, allowed", [
    (Round.Status.DRAFT, False), (Round.Status.OPEN, False), (Round.Status.CLOSED, True),
    (Round.Status.ASSESSING, True), (Round.Status.DECIDED, True), (Round.Status.MONITORING, True),
    (Round.Status.COMPLETED, False),
])
def test_decisions_are_made_from_the_close_of_the_round_until_it_is_completed(status, allowed):
    assert (round_decision_blocker(Round(status=status)) is None) == allowed


# Offers run from their letter ----------------------------------------------------------------------------------


LONDON = ZoneInfo("Europe/London")


def confirmed_offer(scored_round, programme_manager, second_manager):
    _, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000"), reason="",
                               acting_user=programme_manager)
    decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at)
    return Award.objects.get(application=first)


def test_a_confirmed_offer_cannot_be_accepted_or_declined_before_its_letter_is_issued(
    scored_round, programme_manager, second_manager
):
    award = confirmed_offer(scored_round, programme_manager, second_manager)
    assert award.accept_by is None  # the days to accept have not started
    with pytest.raises(GrantError, match="Your offer letter is being prepared"):
        award_accept(award=award, name="Amara", role="Chair", acting_user=programme_manager)
    with pytest.raises(GrantError, match="Your offer letter is being prepared"):
        award_decline(award=award, reason="", acting_user=programme_manager)
    award.refresh_from_db()
    assert (award.status, award.tranches.count()) == (Award.Status.OFFERED, 0)
    assert awards_lapse(now=timezone.now() + timedelta(days=365)) == 0  # no deadline, so nothing to lapse
    letter_issued(award.application)
    award_accept(award=award, name="Amara", role="Chair", acting_user=programme_manager)
    award.refresh_from_db()
    assert award.status == Award.Status.ACCEPTED


@pytest.mark.parametrize(
    ("issued", "deadline"),
    [
        # The example in the rules: 2 December, 28 days, 30 December at 23:59 (GMT throughout).
        (datetime(2026, 12, 2, 10, 0, tzinfo=LONDON), datetime(2026, 12, 30, 23, 59, 59, tzinfo=LONDON)),
        # Issued in GMT, due in BST: the clocks go forward on 28 March 2027, and the deadline is still 23:59 London.
        (datetime(2027, 3, 20, 9, 0, tzinfo=LONDON), datetime(2027, 4, 17, 23, 59, 59, tzinfo=LONDON)),
        # Issued at 00:30 BST, which is still the day before in UTC; due in GMT after the clocks go back.
        (datetime(2026, 10, 20, 0, 30, tzinfo=LONDON), datetime(2026, 11, 17, 23, 59, 59, tzinfo=LONDON)),
    ],
)
def test_the_offer_letter_sets_the_deadline_in_whole_days_ending_at_23_59_london_time(issued, deadline):
    award = AwardFactory(letter_issued=False)
    with time_machine.travel(issued, tick=False):
        letter_issued(award.application)
    award.refresh_from_db()
    assert award.accept_by == deadline
    assert timezone.localtime(award.accept_by).strftime("%-d %B %Y %H:%M") == deadline.strftime("%-d %B %Y 23:59")


def test_the_deadline_is_counted_from_the_letter_not_from_the_confirmation(
    scored_round, programme_manager, second_manager
):
    with time_machine.travel(datetime(2027, 1, 5, 16, 0, tzinfo=LONDON), tick=False):
        award = confirmed_offer(scored_round, programme_manager, second_manager)
    with time_machine.travel(datetime(2027, 1, 12, 9, 0, tzinfo=LONDON), tick=False):
        letter_issued(award.application)
    award.refresh_from_db()
    assert award.accept_by == datetime(2027, 2, 9, 23, 59, 59, tzinfo=LONDON)


def test_an_offer_can_be_accepted_until_23_59_on_its_last_day_and_lapses_after(programme_manager):
    on_time, late = AwardFactory(letter_issued=False), AwardFactory(letter_issued=False)
    with time_machine.travel(datetime(2027, 3, 20, 9, 0, tzinfo=LONDON), tick=False):
        letter_issued(on_time.application)
        letter_issued(late.application)
    with time_machine.travel(datetime(2027, 4, 17, 23, 59, 30, tzinfo=LONDON), tick=False):
        assert awards_lapse() == 0
        award_accept(award=on_time, name="Amara", role="Chair", acting_user=programme_manager)
    with time_machine.travel(datetime(2027, 4, 18, 0, 0, 1, tzinfo=LONDON), tick=False):
        with pytest.raises(GrantError, match="deadline"):
            award_accept(award=late, name="Amara", role="Chair", acting_user=programme_manager)
        assert awards_lapse() == 1
    late.refresh_from_db()
    assert late.status == Award.Status.LAPSED


def test_the_offer_letter_is_dated_the_day_it_is_issued_and_gives_the_deadline():
    award = AwardFactory(letter_issued=False)
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=LONDON), tick=False):
        standard, _ = letter_issued(award.application)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(standard.file.open("rb")).pages).split())
    assert "2 December 2026" in text and "02 December" not in text
    assert "Accept this offer by 30 December 2026 at 11:59pm" in text


def test_a_corrected_offer_letter_keeps_the_deadline_of_the_first():
    award = AwardFactory(letter_issued=False)
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=LONDON), tick=False):
        letter_issued(award.application)
    with time_machine.travel(datetime(2026, 12, 10, 10, 0, tzinfo=LONDON), tick=False):
        corrected, _ = letter_issue(application=award.application, acting_user=None, site_url="",
                                    correction_reason="Wrong project title")
    award.refresh_from_db()
    assert award.accept_by == datetime(2026, 12, 30, 23, 59, 59, tzinfo=LONDON)
    text = " ".join(PdfReader(corrected.file.open("rb")).pages[0].extract_text().split())
    assert "10 December 2026" in text and "30 December 2026" in text


def test_the_letter_tells_the_applicant_the_decision_and_a_later_offer_waits_for_its_own_letter():
    application = ApplicationFactory(status=Application.Status.NOT_FUNDED, reference="NF-0001")
    assert application.decision_sent == ""
    letter_issued(application)
    application.refresh_from_db()
    assert application.decision_sent == Application.Status.NOT_FUNDED
    # Money freed by a declined offer is offered to it: it stays "not funded" to them until the offer letter.
    Application.objects.filter(pk=application.pk).update(status=Application.Status.AWARDED)
    AwardFactory(application=application, letter_issued=False)
    application.refresh_from_db()
    assert application.decision_sent == Application.Status.NOT_FUNDED
    letter_issued(application)
    application.refresh_from_db()
    assert application.decision_sent == Application.Status.AWARDED


def test_a_decision_sent_back_returns_to_the_proposer_with_the_reason_and_an_audit_row(
    scored_round, programme_manager, second_manager
):
    round_, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="Top of the ranking",
                               acting_user=programme_manager)
    proposed_at = decision.decided_at
    sent_back = decision_send_back(decision=decision, reason="  The budget double-counts the venue.  ",
                                   acting_user=second_manager, proposed_at=proposed_at)
    sent_back.refresh_from_db()
    assert sent_back.status == Decision.Status.SENT_BACK
    assert (sent_back.sent_back_by, sent_back.sent_back_reason) == (second_manager, "The budget double-counts the venue.")
    assert sent_back.decided_at == proposed_at  # still when it was proposed, not when it was sent back
    event = AuditEvent.objects.get(action=AuditAction.DECISION_SENT_BACK)
    assert (event.actor, event.target, event.from_state, event.to_state, event.reason) == (
        second_manager, first, "proposed", "sent_back", "The budget double-counts the venue.")
    assert not Award.objects.exists()
    first.refresh_from_db()
    assert first.status == Application.Status.SCORED


def test_the_proposer_cannot_send_back_their_own_decision(scored_round, programme_manager):
    round_, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                               acting_user=programme_manager)
    with pytest.raises(GrantError, match="Another programme manager must check your decision."):
        decision_send_back(decision=decision, reason="Second thoughts", acting_user=programme_manager,
                           proposed_at=decision.decided_at)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.PROPOSED
    assert not AuditEvent.objects.filter(action=AuditAction.DECISION_SENT_BACK).exists()


def test_a_manager_appointed_after_the_proposal_cannot_send_it_back(scored_round, programme_manager, superuser):
    round_, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                               acting_user=programme_manager)
    newcomer = user_role_change(user=UserFactory(), role=Role.PROGRAMME_MANAGER, acting_user=superuser,
                                reason="Appointed")
    with pytest.raises(GrantError, match="Only someone who was a programme manager before this decision"):
        decision_send_back(decision=decision, reason="Not convinced", acting_user=newcomer,
                           proposed_at=decision.decided_at)


def test_sending_back_needs_a_reason(scored_round, programme_manager, second_manager):
    round_, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                               acting_user=programme_manager)
    with pytest.raises(GrantError, match="Say why you are sending the decision back."):
        decision_send_back(decision=decision, reason="   ", acting_user=second_manager, proposed_at=decision.decided_at)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.PROPOSED


def test_a_decision_sent_back_is_not_confirmed_until_it_is_proposed_again(
    scored_round, programme_manager, second_manager
):
    round_, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                               acting_user=programme_manager)
    decision_send_back(decision=decision, reason="Offer less: the venue is paid for", acting_user=second_manager,
                       proposed_at=decision.decided_at)
    with pytest.raises(GrantError, match="The decision on D-0001 was sent back after you opened the page."):
        decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at)
    assert not Award.objects.exists()
    # The ranking's own proposals leave it for its proposer to revise.
    assert decisions_accept_proposals(round_=round_, acting_user=programme_manager).recorded == 2
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.SENT_BACK

    revised = decision_record(application=first, outcome="fund", amount=Decimal("5000.00"),
                              reason="The venue is paid for by the council", acting_user=programme_manager)
    assert (revised.pk, revised.status) == (decision.pk, Decision.Status.PROPOSED)
    assert revised.sent_back_reason == "Offer less: the venue is paid for"  # kept for the next checker to read
    decision_confirm(decision=revised, acting_user=second_manager, proposed_at=revised.decided_at)
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.CONFIRMED
    assert Award.objects.get(application=first).amount == Decimal("5000.00")


def test_a_decision_changed_since_it_was_shown_is_not_sent_back(scored_round, programme_manager, second_manager):
    round_, (first, _, _) = scored_round
    shown = decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                            acting_user=programme_manager)
    proposed_at = shown.decided_at
    decision_record(application=first, outcome="fund", amount=Decimal("4000.00"), reason="Less is enough",
                    acting_user=programme_manager)
    with pytest.raises(GrantError, match="The decision on D-0001 was changed after you opened the page"):
        decision_send_back(decision=shown, reason="Too much", acting_user=second_manager, proposed_at=proposed_at)
    assert Decision.objects.get(pk=shown.pk).status == Decision.Status.PROPOSED


def test_a_confirmed_decision_cannot_be_sent_back(scored_round, programme_manager, second_manager):
    round_, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                               acting_user=programme_manager)
    decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at)
    with pytest.raises(GrantError, match="The decision on D-0001 was confirmed after you opened the page."):
        decision_send_back(decision=decision, reason="Too late", acting_user=second_manager,
                           proposed_at=decision.decided_at)
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.CONFIRMED


def test_the_database_keeps_a_sent_back_decision_s_reason_and_a_confirmed_one_s_moment(
    scored_round, programme_manager
):
    from django.db import IntegrityError, transaction

    round_, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                               acting_user=programme_manager)
    for fields in ({"status": "sent_back", "sent_back_at": timezone.now()}, {"status": "confirmed"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Decision.objects.filter(pk=decision.pk).update(**fields)


def test_an_offer_over_the_amount_asked_for_is_refused_in_pounds(scored_round, programme_manager):
    round_, (first, _, _) = scored_round
    with pytest.raises(GrantError, match="You cannot offer more than the £6,000 asked for."):
        decision_record(application=first, outcome="fund", amount=Decimal("6500.00"), reason="More",
                        acting_user=programme_manager)
