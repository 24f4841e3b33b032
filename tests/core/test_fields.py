import re
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template

from core.fields import DateField, LongTextField, PoundsField
from core.forms import GovukFormMixin


class DateForm(GovukFormMixin, forms.Form):
    paid_on = DateField(label="Date paid", required_message="Enter the date")


def date_typed(day, month, year) -> dict:
    return {"paid_on_0": day, "paid_on_1": month, "paid_on_2": year}


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [("1", "1", "99999999999"), (str(10**20), "1", "2027"), ("1", str(10**20), "2027"), ("1", "1", "9" * 5000),
     ("31", "2", "2027"), ("0", "0", "0")],
)
def test_a_date_out_of_range_is_a_field_error_and_what_was_typed_is_kept(day, month, year):
    form = DateForm(data=date_typed(day, month, year))
    assert not form.is_valid()
    assert form.errors["paid_on"] == ["Date paid must be a real date, like 27 3 2027"]
    assert f'value="{year}"' in str(form["paid_on"])


@pytest.mark.parametrize(("typed", "linked"), [
    (("a", "b", "c"), "id_paid_on_0"), (("1", "b", "2027"), "id_paid_on_1"), (("31", "2", "2027"), "id_paid_on_0"),
])
def test_a_date_wrong_in_several_boxes_is_one_error_linked_to_the_first_wrong_box(typed, linked):
    form = DateForm(data=date_typed(*typed))
    assert not form.is_valid()
    assert form.errors["paid_on"] == ["Date paid must be a real date, like 27 3 2027"]
    summary = Template("{% load crispy_forms_gds %}{% error_summary form %}").render(Context({"form": form}))
    assert re.findall(r'href="#([^"]+)"', summary) == [linked]
    fields = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    assert fields.count("must be a real date") == 1


def test_a_real_date_is_accepted():
    form = DateForm(data=date_typed("27", "3", "2027"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["paid_on"].isoformat() == "2027-03-27"


class AmountForm(GovukFormMixin, forms.Form):
    amount = PoundsField(label="Amount", required_message="Enter the amount", subject="the amount")
    income = PoundsField(label="Income", required_message="Enter the income", subject="your income", max_digits=12,
                         required=False)


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("100,000,000", "The amount must be £99,999,999.99 or less"),
        ("9" * 5000, "The amount must be £99,999,999.99 or less"),
        ("1e400", "Enter the amount in pounds, like 12500 or 12500.50"),
    ],
)
def test_an_amount_that_could_not_be_saved_is_a_field_error(typed, error):
    form = AmountForm(data={"amount": typed})
    assert not form.is_valid()
    assert form.errors["amount"] == [error]


def test_an_amount_may_be_as_large_as_its_column_holds():
    form = AmountForm(data={"amount": "£99,999,999.99", "income": "9,999,999,999.99"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("99999999.99")


def test_an_amount_is_typed_after_a_pound_sign_that_screen_readers_skip():
    page = str(AmountForm(data={"amount": "12500"})["amount"])
    assert page.startswith('<div class="govuk-input__wrapper"><div class="govuk-input__prefix" aria-hidden="true">£</div>')
    assert 'name="amount" value="12500"' in page and 'inputmode="decimal"' in page


def test_a_long_text_answer_over_its_cap_is_refused_with_its_length_and_kept():
    from assessment.forms import ScreeningForm

    typed = "Not eligible. " + "x" * 2000
    form = ScreeningForm({"eligible": "False", "reason": typed})
    assert not form.is_valid()
    assert form.errors["reason"] == [f"Your answer must be 2,000 characters or fewer. It has {len(typed)} characters."]
    assert typed in form["reason"].as_widget()


def test_a_long_text_box_does_not_let_the_browser_cut_a_pasted_answer_short():
    field = LongTextField(label="Reason", max_length=500)
    assert "maxlength" not in field.widget_attrs(field.widget)
    assert field.clean("a" * 500) == "a" * 500


def test_an_amount_box_looks_like_a_govuk_input_and_shows_its_error_in_red():
    assert 'class="govuk-input' in str(AmountForm()["amount"])
    wrong = AmountForm(data={"amount": "a lot"})
    assert not wrong.is_valid()
    assert "govuk-input--error" in str(wrong["amount"])
    assert "govuk-input--error" not in str(AmountForm(data={"amount": "12"})["amount"])
