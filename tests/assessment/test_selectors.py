from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from applications.models import Borough
from assessment.models import Allocation
from assessment.scoring import Ranked, heaviest_criterion, rank, ranking_flags, weighted_total
from assessment.selectors import criterion_scores_for, criterion_scores_of, ranking_for, round_assessment_unfinished
from assessment.services import assessment_save, conflict_declare, moderation_record
from tests.factories import ApplicationFactory, RoundFactory, UserFactory, described_criteria

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(db):
    return [UserFactory(role=Role.ASSESSOR) for _ in range(2)]


def scored(round_, panel, values, **fields):
    """An eligible application each assessor scored: one score per assessor on every criterion, or a pair per criterion."""
    application = ApplicationFactory(round=round_, status="eligible", **fields)
    for assessor, value in zip(panel, values):
        allocation = Allocation.objects.create(application=application, assessor=assessor)
        conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=assessor)
        scores = value if isinstance(value, tuple) else (value,) * round_.criteria.count()
        assessment_save(allocation=allocation, acting_user=assessor, submit=True, scores={
            criterion.pk: (score, "Reason") for criterion, score in zip(round_.criteria.order_by("position"), scores)
        })
    return application


def python_ranking(round_) -> list[int]:
    """The rank order and running total as the scoring module's own `rank` works them out from scratch, with the
    flags that leave an application out of the running total: what the database must match."""
    criteria = list(round_.criteria.order_by("position", "id"))
    given = criterion_scores_for(round_)
    entries = []
    for application in round_.applications.all():
        per_criterion = criterion_scores_of(criteria, given.get(application.pk, {}))
        assessments = max(scores.count for scores in per_criterion)
        moderation = [str(scores.criterion_id) for scores in per_criterion
                      if scores.needs_moderation(round_.moderation_threshold)]
        entries.append(Ranked(
            application_id=application.pk, amount_requested=application.amount_requested or Decimal(0),
            submitted_order=application.submitted_at.timestamp() if application.submitted_at else 0,
            criteria=per_criterion, total=weighted_total(per_criterion, round_.score_scale_max),
            assessments=assessments,
            flags=ranking_flags(assessments=assessments, needed=round_.assessors_per_application,
                                moderation_names=moderation),
        ))
    ranked = rank(entries, tie_break=round_.tie_break, heaviest_criterion_id=heaviest_criterion(criteria).pk,
                  budget=Decimal(round_.budget))
    return [(entry.application_id, entry.rank, entry.running_total) for entry in ranked]


@pytest.mark.parametrize("tie_break", ["smaller_request", "earlier_submission", "heaviest_criterion"])
def test_the_database_ranks_as_the_scoring_rules_do_for_each_tie_break(panel, tie_break):
    round_ = RoundFactory(tie_break=tie_break, budget="9000.00", maximum_award="9000.00")
    described_criteria(round_)  # weighted 60 and 40
    now = timezone.now()
    # Equal totals (72%) reached differently, so each rule breaks the tie its own way.
    scored(round_, panel, [(4, 3), (4, 3)], amount_requested="3000.00", submitted_at=now)
    scored(round_, panel, [(3, 4), (3, 5)], amount_requested="2000.00", submitted_at=now - timedelta(hours=1))
    scored(round_, panel, [(4, 3), (4, 3)], amount_requested="4000.00", submitted_at=now - timedelta(hours=2))
    scored(round_, panel, [4, 4], amount_requested="5000.00", submitted_at=now)
    scored(round_, panel[:1], [(1, 5)], amount_requested="1000.00", submitted_at=now)  # one score in: ranked still
    scored(round_, panel, [(5, 1), (1, 5)], amount_requested="2500.00", submitted_at=now)  # to moderate: ranked still
    ApplicationFactory(round=round_, status="eligible", amount_requested="1500.00")  # no score: last, unranked
    shown = [(entry.application_id, entry.rank, entry.running_total) for entry in ranking_for(round_)]
    assert shown == python_ranking(round_)


def test_filters_narrow_the_view_but_keep_the_rank_and_running_total_of_the_whole_round(panel):
    round_ = RoundFactory(budget="10000.00")
    described_criteria(round_)
    camden, hackney = Borough.objects.order_by("gss_code")[:2]
    top = scored(round_, panel, [5, 5], amount_requested="6000.00")
    top.boroughs.add(camden)
    middle = scored(round_, panel, [4, 4], amount_requested="5000.00")
    middle.boroughs.add(hackney)
    last = scored(round_, panel, [3, 3], amount_requested="3000.00")
    last.boroughs.add(hackney)
    ranking = ranking_for(round_, borough=hackney.gss_code)
    page = ranking.page(1, 100)
    assert [(e.application_id, e.rank, e.running_total, e.within_ringfence) for e in page.object_list] == [
        (middle.pk, 2, Decimal("11000.00"), False), (last.pk, 3, Decimal("14000.00"), False),
    ]
    assert (ranking.figures.ranked, ranking.figures.within, ranking.figures.requested_within) == (
        3, 1, Decimal("6000.00"))


def test_the_running_total_counts_only_applications_with_every_score_in_and_nothing_to_moderate(panel):
    round_ = RoundFactory(budget="8000.00", maximum_award="8000.00")
    described_criteria(round_)
    half = scored(round_, panel[:1], [5], amount_requested="4000.00")  # 100%, one of two scores in
    steady = scored(round_, panel, [5, 4], amount_requested="6000.00")  # 90%
    apart = scored(round_, panel, [5, 3], amount_requested="3000.00")  # 80%, two points apart: to moderate
    last = scored(round_, panel, [3, 3], amount_requested="3000.00")  # 60%
    ranking = ranking_for(round_)
    page = ranking.page(1, 100)
    assert [(e.application_id, e.rank, e.running_total, e.within_ringfence) for e in page.object_list] == [
        (half.pk, 1, None, False), (steady.pk, 2, Decimal("6000.00"), True), (apart.pk, 3, None, False),
        (last.pk, 4, Decimal("9000.00"), False),
    ]
    assert (ranking.figures.ranked, ranking.figures.within, ranking.figures.requested_within) == (
        4, 1, Decimal("6000.00"))


def test_pages_of_the_ranking_follow_on_from_ranked_to_unranked(panel):
    round_ = RoundFactory(budget="100000.00")
    described_criteria(round_)
    ranked = [scored(round_, panel[:1], [score], amount_requested="1000.00") for score in (5, 4, 3)]
    waiting = [ApplicationFactory(round=round_, status="eligible") for _ in range(2)]
    pages = [ranking_for(round_).page(number, 2) for number in (1, 2, 3, "not a number", 99)]
    assert [[entry.application_id for entry in page.object_list] for page in pages] == [
        [ranked[0].pk, ranked[1].pk], [ranked[2].pk, waiting[0].pk], [waiting[1].pk],
        [ranked[0].pk, ranked[1].pk], [waiting[1].pk],
    ]
    assert pages[1].object_list[1].flags == ["0 of 2 scores in"] and pages[1].object_list[1].rank is None


def test_moderation_moves_an_application_in_the_ranking_and_clears_its_flag(panel, programme_manager):
    round_ = RoundFactory(budget="100000.00")
    criteria = described_criteria(round_)
    split = scored(round_, panel, [1, 5])
    steady = scored(round_, panel, [4, 4])
    before = list(ranking_for(round_))
    assert [entry.application_id for entry in before] == [steady.pk, split.pk]
    assert before[1].flags == ["Needs moderation: Criterion 1, Criterion 2"]
    for criterion in criteria:
        moderation_record(application=split, criterion=criterion, score=5, reason="Agreed", acting_user=programme_manager)
    after = list(ranking_for(round_))
    assert [entry.application_id for entry in after] == [split.pk, steady.pk]
    assert after[0].flags == [] and after[0].total == Decimal("100.0")


def test_the_counts_leave_out_a_scored_application_withdrawn_since(panel):
    round_ = RoundFactory(budget="100000.00")
    described_criteria(round_)
    kept = scored(round_, panel, [4, 4], amount_requested="1000.00")
    withdrawn = scored(round_, panel, [5, 5], amount_requested="2000.00")
    withdrawn.status = "withdrawn"
    withdrawn.save(update_fields=["status"])
    ApplicationFactory(round=round_, status="eligible")  # waiting for scores: unranked
    ApplicationFactory(round=round_, status="draft")  # not sent: neither
    ranking = ranking_for(round_)
    assert [entry.application_id for entry in ranking.page(1, 100).object_list][:1] == [kept.pk]
    assert (ranking.figures.ranked, ranking.figures.unranked, ranking.figures.within) == (1, 1, 1)


def test_a_round_is_not_decided_while_applications_wait_for_screening_or_scores():
    round_ = RoundFactory(status="assessing")
    ApplicationFactory(round=round_, status="submitted")
    for _ in range(2):
        ApplicationFactory(round=round_, status="eligible")
    ApplicationFactory(round=round_, status="ineligible")
    assert round_assessment_unfinished(round_, "decided") == [
        "Sent applications still to be screened: 1.", "Eligible applications still waiting for their scores: 2.",
    ]
    assert round_assessment_unfinished(round_, "monitoring") == []
    assert round_assessment_unfinished(RoundFactory(status="assessing"), "decided") == []
