from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from assessment.scoring import CriterionScores, Ranked, funding_line, moderation_state, rank, weighted_total

SCALE = 5


def scores(criterion_id, weight, *given_scores, moderated=None):
    return CriterionScores(
        criterion_id=criterion_id, weight=Decimal(weight), total=sum(given_scores), count=len(given_scores),
        lowest=min(given_scores) if given_scores else None, highest=max(given_scores) if given_scores else None,
        moderated=moderated,
    )


def test_a_full_marks_application_scores_100_and_nothing_scores_0():
    assert weighted_total([scores(1, 60, 5, 5), scores(2, 40, 5, 5)], SCALE) == Decimal("100.0")
    assert weighted_total([scores(1, 60, 0, 0), scores(2, 40, 0, 0)], SCALE) == Decimal("0.0")


def test_weights_decide_how_much_each_criterion_counts():
    # 60% x 4/5 + 40% x 2/5 = 48 + 16 = 64
    assert weighted_total([scores(1, 60, 4, 4), scores(2, 40, 2, 2)], SCALE) == Decimal("64.0")


def test_the_average_of_assessors_counts_until_a_moderated_score_replaces_it():
    differing = scores(1, 100, 1, 5)
    assert weighted_total([differing], SCALE) == Decimal("60.0")
    assert differing.needs_moderation(threshold=2)
    moderated = scores(1, 100, 1, 5, moderated=2)
    assert not moderated.needs_moderation(threshold=2)
    assert weighted_total([moderated], SCALE) == Decimal("40.0")
    assert (moderated.lowest, moderated.highest) == (1, 5)  # the originals are kept beside it


def test_scores_just_under_the_threshold_are_not_flagged():
    assert not scores(1, 100, 3, 4).needs_moderation(threshold=2)
    assert scores(1, 100, 2, 4).needs_moderation(threshold=2)


def test_no_total_until_every_criterion_has_a_score():
    assert weighted_total([scores(1, 50, 3), scores(2, 50)], SCALE) is None
    assert weighted_total([], SCALE) is None


criterion_lists = st.lists(
    st.tuples(st.integers(min_value=1, max_value=100), st.lists(st.integers(0, SCALE), min_size=1, max_size=3)),
    min_size=1,
    max_size=8,
)


@given(criterion_lists)
def test_totals_stay_between_0_and_100(criteria):
    total = weighted_total([scores(i, weight, *given) for i, (weight, given) in enumerate(criteria)], SCALE)
    assert Decimal(0) <= total <= Decimal(100)


@given(criterion_lists, st.randoms())
def test_totals_do_not_depend_on_the_order_of_the_criteria(criteria, shuffler):
    entries = [scores(i, weight, *given) for i, (weight, given) in enumerate(criteria)]
    shuffled = list(entries)
    shuffler.shuffle(shuffled)
    assert weighted_total(entries, SCALE) == weighted_total(shuffled, SCALE)


def test_a_total_exactly_on_a_half_rounds_up_whatever_the_order_of_the_criteria():
    # 77 x 2/5 + (47 + 98 + 98) x (10/3)/5 = 192.8 points of 320: exactly 60.25%. Found by the property above.
    criteria = [scores(0, 77, 0, 4), scores(1, 47, 0, 5, 5), scores(2, 98, 0, 5, 5), scores(3, 98, 0, 5, 5)]
    assert weighted_total(criteria, SCALE) == weighted_total(criteria[::-1], SCALE) == Decimal("60.3")


def entry(application_id, total, amount, submitted=0, criteria=(), flags=()):
    return Ranked(application_id=application_id, amount_requested=Decimal(amount), submitted_order=submitted,
                  criteria=list(criteria), total=None if total is None else Decimal(total), assessments=2,
                  flags=list(flags))


def test_ranking_is_by_total_and_draws_the_funding_line_at_the_ringfence():
    ranked = rank(
        [entry(1, "70", 5000), entry(2, "90", 6000), entry(3, "80", 5000), entry(4, None, 1000)],
        tie_break="smaller_request", heaviest_criterion_id=None, budget=Decimal("11000"),
    )
    assert [e.application_id for e in ranked] == [2, 3, 1, 4]
    assert [e.rank for e in ranked] == [1, 2, 3, None]
    assert [e.running_total for e in ranked[:3]] == [Decimal(6000), Decimal(11000), Decimal(16000)]
    assert [e.within_ringfence for e in ranked] == [True, True, False, False]


def test_an_application_with_a_flag_keeps_its_place_but_is_left_out_of_the_running_total():
    ranked = rank(
        [entry(1, "70", 5000), entry(2, "90", 6000, flags=["1 of 2 scores in"]), entry(3, "80", 5000)],
        tie_break="smaller_request", heaviest_criterion_id=None, budget=Decimal("6000"),
    )
    assert [(e.application_id, e.rank, e.running_total, e.within_ringfence) for e in ranked] == [
        (2, 1, None, False), (3, 2, Decimal(5000), True), (1, 3, Decimal(10000), False),
    ]


def test_ties_are_broken_by_the_rounds_rule():
    tied = lambda: [entry(1, "80", 9000, submitted=1), entry(2, "80", 3000, submitted=2)]  # noqa: E731
    assert [e.application_id for e in rank(tied(), tie_break="smaller_request", heaviest_criterion_id=None,
                                           budget=Decimal(1))] == [2, 1]
    assert [e.application_id for e in rank(tied(), tie_break="earlier_submission", heaviest_criterion_id=None,
                                           budget=Decimal(1))] == [1, 2]
    heavy = [
        entry(1, "80", 1000, criteria=[scores(7, 60, 3)]),
        entry(2, "80", 1000, criteria=[scores(7, 60, 5)]),
    ]
    assert [e.application_id for e in rank(heavy, tie_break="heaviest_criterion", heaviest_criterion_id=7,
                                           budget=Decimal(1))] == [2, 1]


def test_moderation_state_says_needed_settled_or_not_needed_in_words():
    apart = CriterionScores(criterion_id=1, weight=Decimal(50), total=6, count=2, lowest=1, highest=5)
    settled = CriterionScores(criterion_id=1, weight=Decimal(50), total=6, count=2, lowest=1, highest=5, moderated=4)
    close = CriterionScores(criterion_id=2, weight=Decimal(50), total=7, count=2, lowest=3, highest=4)
    assert moderation_state([apart, close], threshold=3) == "Needs moderation"
    assert moderation_state([settled, close], threshold=3) == "Moderated"
    assert moderation_state([close], threshold=3) == "No moderation needed"


def test_the_funding_line_says_where_an_application_stands_and_what_it_waits_for():
    def standing(**fields) -> str:
        entry = Ranked(**{"application_id": 1, "amount_requested": Decimal(5000), "submitted_order": 0,
                          "criteria": [], "total": Decimal(60), "assessments": 2, "rank": 1, **fields})
        return funding_line(entry, 2)

    assert standing(running_total=Decimal(5000), within_ringfence=True) == "Within the ringfence"
    assert standing(running_total=Decimal(5000), within_ringfence=False) == "Below the funding line"
    assert standing(running_total=None) == "Not counted until moderated"
    assert standing(running_total=None, assessments=1) == "Not counted until all scores are in"
    assert standing(rank=None) == "Not ranked yet"
