"""Form fields for answers people give in everyday ways: '£12,500' for money, 'Yes' or 'No' for a choice."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.validators import RegexValidator
from django.utils.html import format_html


AMOUNT = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")


class PoundsInput(forms.TextInput):
    """A box for an amount in pounds with GOV.UK's '£' prefix before it. The prefix is hidden from screen readers,
    which read the label, and typing '£' as well does no harm (PoundsField takes it off)."""

    def get_context(self, name, value, attrs):
        """The GOV.UK input's classes, which the form renderer gives only to widgets it knows by name: the red
        border of an answer in error too (Django marks one aria-invalid)."""
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        classes = widget_attrs.get("class", "").split()
        wanted = ["govuk-input"] + (["govuk-input--error"] if widget_attrs.get("aria-invalid") == "true" else [])
        widget_attrs["class"] = " ".join(dict.fromkeys(wanted + classes))
        return context

    def render(self, name, value, attrs=None, renderer=None):
        return format_html('<div class="govuk-input__wrapper"><div class="govuk-input__prefix" aria-hidden="true">£'
                           '</div>{}</div>', super().render(name, value, attrs, renderer))


class PoundsField(forms.DecimalField):
    """An amount in pounds and pence, accepted as people write it ('£12,500.50'); never a float.

    `subject` names the amount in error messages, for example "your income". `max_digits` must match the column
    the amount is saved in (10 digits, up to £99,999,999.99, unless said otherwise), so that an amount too large
    to save is a mistake shown beside the question, not a database error. `positive` refuses £0 as well.
    """

    def __init__(self, *, label: str, required_message: str, subject: str, max_digits: int = 10,
                 positive: bool = False, **kwargs):
        kwargs.setdefault("min_value", Decimal("0.01") if positive else Decimal("0"))
        capital = subject[0].upper() + subject[1:]
        largest = Decimal(10) ** (max_digits - 2) - Decimal("0.01")
        too_large = f"{capital} must be £{largest:,} or less"
        super().__init__(
            label=label,
            max_digits=max_digits,
            decimal_places=2,
            error_messages={
                "required": required_message,
                "invalid": f"Enter {subject} in pounds, like 12500 or 12500.50",
                "max_decimal_places": f"{capital} can only have pence after the decimal point, like 12500.50",
                "max_digits": too_large,
                "max_whole_digits": too_large,
                "min_value": f"{capital} must be more than £0" if positive else f"{capital} must be 0 or more",
            },
            widget=PoundsInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10", "spellcheck": "false"}),
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("£", "").replace(" ", "")
            if value and not AMOUNT.match(value):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            value = value.replace(",", "")
        try:
            return super().to_python(value)
        except (InvalidOperation, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class LongTextField(forms.CharField):
    """A few sentences in a text box, capped in characters so that no answer can fill a page or the database.

    The browser is not told the cap (no `maxlength`): it would cut a pasted answer short without saying so, where
    the server's error says how long it is and keeps every word typed.
    """

    def __init__(self, *, rows: int = 3, max_length: int = 2000, subject: str = "Your answer", **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(max_length=max_length, **kwargs)
        self.error_messages["max_length"] = (
            f"{subject} must be {max_length:,} characters or fewer. It has %(show_value)s characters."
        )

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class YesNoField(forms.TypedChoiceField):
    def __init__(self, *, label: str, required_message: str, **kwargs):
        super().__init__(
            label=label,
            choices=[(True, "Yes"), (False, "No")],
            coerce=lambda value: value in (True, "True"),
            widget=forms.RadioSelect,
            error_messages={"required": required_message},
            **kwargs,
        )


class CountField(forms.IntegerField):
    """A whole number of people or things, 0 or more. `subject` names it in error messages."""

    def __init__(self, *, label: str, required_message: str, subject: str, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 1_000_000)
        capital = subject[0].upper() + subject[1:]
        super().__init__(
            label=label,
            error_messages={
                "required": required_message,
                "invalid": f"Enter {subject} as a whole number, like 12",
                "min_value": f"{capital} must be 0 or more",
                "max_value": f"{capital} must be {kwargs['max_value']:,} or fewer",
            },
            widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5", "spellcheck": "false"}),
            **kwargs,
        )


class DateField(DateInputField):
    """GOV.UK's day, month and year boxes, with messages that say how to fix the date."""

    def __init__(self, *, label: str, required_message: str, **kwargs):
        super().__init__(label=label, **kwargs)
        self.error_messages["required"] = required_message
        self.error_messages["incomplete"] = f"{label} must include a day, month and year"
        # Digits are bounded so that no part is too large for a date to be built from it.
        for (part, digits), field in zip((("day", 2), ("month", 2), ("year", 4)), self.fields):
            field.validators = [RegexValidator(rf"^[0-9]{{1,{digits}}}$", f"{label} must be a real date, like 27 3 2027")]
            field.error_messages["incomplete"] = f"{label} must include a {part}"

    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            # A message several boxes share is given once, at the first of them, where the error summary links.
            given = set()
            for field in self.fields:
                mine = [message for message in getattr(field.widget, "errors", []) if message not in given]
                given.update(mine)
                field.widget.errors = mine
            raise forms.ValidationError(list(dict.fromkeys(error.messages))) from None

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            value = date(day=int(day), month=int(month), year=int(year))
        except ValueError:
            raise forms.ValidationError(f"{self.label} must be a real date, like 27 3 2027", code="invalid_date")
        if not 1900 <= value.year <= 2100:
            raise forms.ValidationError(f"{self.label} must be a real date, like 27 3 2027", code="invalid_date")
        return value
