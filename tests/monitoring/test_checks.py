from datetime import date, timedelta

import pytest
from django.utils import timezone

from applications.models import Indicator
from monitoring.checks import figure_problems, send_refusal
from monitoring.models import Return

pytestmark = pytest.mark.django_db


def a_return(period_end: date, **fields) -> Return:
    return Return(quarter=1, period_start=period_end - timedelta(days=89), period_end=period_end,
                  due_on=period_end + timedelta(days=30), **fields)


def test_a_return_cannot_be_sent_before_its_quarter_ends_and_says_from_when():
    spring = a_return(date(2027, 3, 31))
    assert send_refusal(spring, today=date(2027, 3, 31)) == (
        "You can send this return from 1 April 2027, after the quarter ends on 31 March 2027."
    )
    assert send_refusal(spring, today=date(2027, 1, 2)) != ""
    assert send_refusal(spring, today=date(2027, 4, 1)) == ""


def test_today_is_the_local_date_when_none_is_given():
    assert send_refusal(a_return(timezone.localdate() - timedelta(days=1))) == ""
    assert send_refusal(a_return(timezone.localdate())) != ""


def test_a_return_allowed_early_can_be_sent_at_once():
    assert send_refusal(a_return(date(2027, 3, 31), early_allowed_at=timezone.now()), today=date(2027, 2, 1)) == ""


def indicators():
    made = Indicator(pk=1, name="Hate crime reports made")
    taken = Indicator(pk=2, name="Reports the police took", part_of_id=1)
    reference = Indicator(pk=3, name="Crime reference numbers obtained", part_of_id=2)
    share = Indicator(pk=4, name="Victims satisfied", unit=Indicator.Unit.PERCENTAGE)
    bsl = Indicator(pk=5, name="BSL interpreters booked")
    interpreted = Indicator(pk=6, name="Reports made through an interpreter", part_of_id=5)
    return [made, taken, reference, share, bsl, interpreted]


def test_a_part_larger_than_its_whole_is_named_with_both_figures():
    assert figure_problems(indicators(), {1: 3, 2: 6}) == {
        2: "Reports the police took (6) cannot be more than hate crime reports made (3)",
    }


@pytest.mark.parametrize("values", [{1: 3, 2: 3, 3: 3}, {1: 0, 2: 0}, {2: 6}, {1: None, 2: 6}, {1: 3, 2: None}, {}])
def test_a_part_up_to_its_whole_or_without_one_given_is_possible(values):
    assert figure_problems(indicators(), values) == {}


def test_each_level_of_a_chain_is_checked_against_its_own_whole():
    assert figure_problems(indicators(), {1: 5, 2: 4, 3: 5}) == {
        3: "Crime reference numbers obtained (5) cannot be more than reports the police took (4)",
    }


def test_a_whole_starting_with_an_abbreviation_keeps_its_capitals():
    assert figure_problems(indicators(), {5: 1, 6: 2})[6].endswith("cannot be more than BSL interpreters booked (1)")


@pytest.mark.parametrize(("value", "possible"), [(0, True), (100, True), (101, False), (-1, False)])
def test_a_percentage_is_between_0_and_100(value, possible):
    problems = figure_problems(indicators(), {4: value})
    assert (problems == {}) is possible
    if not possible:
        assert problems[4] == f"Victims satisfied ({value}%) must be between 0% and 100%"


def test_a_count_has_no_upper_limit_of_its_own():
    assert figure_problems(indicators(), {1: 5000}) == {}


def test_a_survey_cannot_have_more_answers_than_people_asked():
    from monitoring.figures import SplitFigure
    from tests.factories import IndicatorFactory

    survey = IndicatorFactory(name="Satisfaction with the police", kind="survey", options=["Yes", "No"])
    assert figure_problems([survey], {survey.pk: SplitFigure({"Yes": 6, "No": 4}, asked=10)}) == {}
    assert figure_problems([survey], {survey.pk: SplitFigure({"Yes": 6, "No": 5}, asked=10)}) == {
        survey.pk: "The answers to satisfaction with the police (11) cannot be more than the people asked (10)"}
