import pytest

from monitoring.forms import AllowEarlyForm, ReturnForm

pytestmark = pytest.mark.django_db


def return_form(award, data, sending=False):
    return ReturnForm(data, indicators=award.round.indicators.all(), targets={}, budget_lines=[], sending=sending)


def test_a_part_larger_than_its_whole_is_an_error_beside_the_part(award, reports):
    made, taken = reports
    form = return_form(award, {f"count_{made.pk}": "3", f"count_{taken.pk}": "6"})
    assert not form.is_valid()
    assert form.errors == {
        f"count_{taken.pk}": ["Reports the police took (6) cannot be more than hate crime reports made (3)"],
    }


@pytest.mark.parametrize(("made", "taken"), [("3", "3"), ("3", "0"), ("", "6"), ("3", "")])
def test_a_part_up_to_its_whole_or_a_draft_without_one_of_them_is_accepted(award, reports, made, taken):
    whole, part = reports
    assert return_form(award, {f"count_{whole.pk}": made, f"count_{part.pk}": taken}).is_valid()


def test_a_percentage_says_so_and_over_100_is_an_error(award, satisfied):
    form = return_form(award, {f"count_{satisfied.pk}": "101"})
    assert "A percentage, from 0 to 100." in form.fields[f"count_{satisfied.pk}"].help_text
    assert form.errors == {
        f"count_{satisfied.pk}": ["Victims satisfied with the support (101%) must be between 0% and 100%"],
    }
    assert return_form(award, {f"count_{satisfied.pk}": "100"}).is_valid()


def test_a_reason_is_needed_to_allow_a_return_early():
    form = AllowEarlyForm({"reason": "  "})
    assert form.errors == {"reason": ["Say why this return can be sent before its quarter ends"]}
    assert AllowEarlyForm({"reason": "The grant ends in May."}).is_valid()
