"""The round's own rules: a tranche schedule that pays the whole grant, once for each trigger, within its period."""

import pytest
from django.core.exceptions import ValidationError

from applications.models import default_tranche_schedule, tranche_schedule_problems
from tests.factories import RoundFactory


def test_the_default_schedule_pays_the_whole_grant():
    assert tranche_schedule_problems(default_tranche_schedule(), quarters=4) == []


@pytest.mark.parametrize(("schedule", "problem"), [
    ([], "Set out at least one part of the grant and when it is paid."),
    ("50% now", "Set out at least one part of the grant and when it is paid."),
    (["half"], "Part 1 is not a share and when it is paid."),
    ([{"share": "60", "after": "acceptance"}, {"share": "30", "after": "return", "quarter": 4}],
     "The parts add up to 90% of the grant: they must add up to 100%."),
    ([{"share": "0", "after": "acceptance"}, {"share": "100", "after": "return", "quarter": 4}],
     "Part 1 needs a share of the grant above 0%."),
    ([{"share": "a lot", "after": "acceptance"}], "Part 1 needs a share of the grant above 0%."),
    ([{"share": "NaN", "after": "acceptance"}], "Part 1 needs a share of the grant above 0%."),
    ([{"share": "50", "after": "acceptance"}, {"share": "50", "after": "return", "quarter": 5}],
     "Part 2 waits on a quarter's return: choose a quarter from 1 to 4."),
    ([{"share": "50", "after": "acceptance"}, {"share": "50", "after": "return", "quarter": "2"}],
     "Part 2 waits on a quarter's return: choose a quarter from 1 to 4."),
    ([{"share": "50", "after": "acceptance"}, {"share": "50", "after": "signing"}],
     "Part 2 needs to be paid on acceptance, when a quarter's return is accepted, or when the end-of-grant report "
     "is."),
    ([{"share": "50", "after": "end_report"}, {"share": "50", "after": "end_report"}],
     "Two parts are paid on the end-of-grant report: make them one part."),
    ([{"share": "50", "after": "return", "quarter": 2}, {"share": "50", "after": "return", "quarter": 2}],
     "Two parts are paid on the quarter 2 return: make them one part."),
])
def test_a_schedule_that_does_not_pay_the_whole_grant_once_for_each_trigger_is_explained(schedule, problem):
    assert problem in tranche_schedule_problems(schedule, quarters=4)


def test_a_part_may_wait_on_the_end_of_grant_report():
    schedule = [{"share": "80", "after": "acceptance"}, {"share": "20", "after": "end_report"}]
    assert tranche_schedule_problems(schedule, quarters=4) == []


def test_shares_in_pence_of_a_percent_that_add_up_to_100_are_accepted():
    schedule = [{"share": "33.34", "after": "acceptance"}, {"share": "33.33", "after": "return", "quarter": 1},
                {"share": "33.33", "after": "return", "quarter": 2}]
    assert tranche_schedule_problems(schedule, quarters=2) == []


@pytest.mark.django_db
def test_a_round_with_a_schedule_that_does_not_add_up_is_refused_where_it_is_edited():
    round_ = RoundFactory.build(tranche_schedule=[{"share": "50", "after": "acceptance"}])
    with pytest.raises(ValidationError) as refused:
        round_.full_clean()
    assert refused.value.message_dict["tranche_schedule"] == [
        "The parts add up to 50% of the grant: they must add up to 100%."
    ]
