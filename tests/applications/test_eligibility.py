from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from applications.eligibility import eligibility_failures
from applications.models import Round
from tests.factories import PASSING_ANSWERS


def rules(**overrides) -> Round:
    values = {
        "minimum_disabled_board_share": 75, "requires_disabled_leader": True, "minimum_disabled_staff_share": None,
        "income_cap": Decimal("500000"), "requires_safeguarding_policy": True, "requires_governing_document": True,
        **overrides,
    }
    return Round(**values)


def answers(**overrides) -> dict:
    return {**PASSING_ANSWERS, **overrides}


def test_an_organisation_meeting_every_rule_passes():
    assert eligibility_failures(rules(), answers()) == []


def test_a_board_below_the_share_fails_and_says_the_numbers():
    [failure] = eligibility_failures(rules(), answers(board_size=6, disabled_board_members=3))
    assert failure == (
        "At least 75% of your board or management committee must be Disabled people. You told us 3 of 6 are (50%)."
    )


def test_a_share_just_under_the_rule_fails_even_though_it_rounds_up():
    assert eligibility_failures(rules(), answers(board_size=67, disabled_board_members=50))  # 74.6%


def test_exactly_the_share_passes():
    assert eligibility_failures(rules(), answers(board_size=4, disabled_board_members=3)) == []


def test_each_failed_rule_is_named_in_plain_english():
    failures = eligibility_failures(
        rules(),
        answers(leader_is_disabled=False, boroughs=[], annual_income="612000", has_safeguarding_policy=False,
                has_governing_document=False),
    )
    assert failures == [
        "Your chair or chief officer must be a Disabled person.",
        "Your organisation must work in at least one London borough.",
        "Your yearly income must be under £500,000. You told us it was £612,000.",
        "You must have a safeguarding policy. Your local council for voluntary service can help you write one.",
        "You must have a governing document, such as a constitution or articles of association.",
    ]


def test_the_staff_rule_applies_only_when_the_round_sets_it_and_there_are_staff():
    assert eligibility_failures(rules(), answers(staff_count=4, disabled_staff_count=0)) == []
    strict = rules(minimum_disabled_staff_share=50)
    assert eligibility_failures(strict, answers(staff_count=0, disabled_staff_count=0)) == []
    [failure] = eligibility_failures(strict, answers(staff_count=4, disabled_staff_count=1))
    assert failure.startswith("At least 50% of your staff must be Disabled people. You told us 1 of 4 are")


def test_rules_the_round_does_not_ask_for_are_not_applied():
    relaxed = rules(requires_disabled_leader=False, requires_safeguarding_policy=False, requires_governing_document=False)
    assert eligibility_failures(
        relaxed, answers(leader_is_disabled=False, has_safeguarding_policy=False, has_governing_document=False)
    ) == []


@given(board=st.integers(min_value=1, max_value=50), data=st.data())
def test_the_board_rule_agrees_with_simple_arithmetic(board, data):
    disabled = data.draw(st.integers(min_value=0, max_value=board))
    failed = bool(eligibility_failures(rules(), answers(board_size=board, disabled_board_members=disabled)))
    assert failed == (disabled * 100 < 75 * board)
