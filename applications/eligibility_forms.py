"""The eligibility questions, one a page, that tell an organisation before it writes a word whether it may apply."""

from crispy_forms_gds.layout import Field, Layout
from django import forms

from applications.forms import borough_choices, question_page_layout
from core.fields import CountField, PoundsField, YesNoField
from core.forms import GovukFormMixin, Text


class BoardForm(GovukFormMixin, forms.Form):
    board_size = CountField(
        label="How many people are on your board or management committee?",
        required_message="Enter how many people are on your board",
        subject="the number of people on your board", min_value=1, max_value=10_000,
    )
    disabled_board_members = CountField(
        label="How many of them are Disabled people?",
        required_message="Enter how many of your board are Disabled people",
        subject="the number of Disabled board members", max_value=10_000,
        help_text="Count anyone who identifies as Deaf or Disabled, including people with long-term health conditions.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board_size"].error_messages["min_value"] = "Your board must have at least 1 member"
        self.helper.layout = Layout(
            Text("h1", "Your board or management committee", "govuk-heading-l"),
            Field.text("board_size"),
            Field.text("disabled_board_members"),
        )

    def clean(self):
        cleaned = super().clean()
        board, disabled = cleaned.get("board_size"), cleaned.get("disabled_board_members")
        if board is not None and disabled is not None and disabled > board:
            self.add_error("disabled_board_members", "The number of Disabled board members cannot be more than the whole board")
        return cleaned


class LeaderForm(GovukFormMixin, forms.Form):
    leader_is_disabled = YesNoField(
        label="Is your chair or chief officer a Disabled person?",
        required_message="Select yes if your chair or chief officer is a Disabled person",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = question_page_layout("leader_is_disabled", kind="radios")


class StaffForm(GovukFormMixin, forms.Form):
    staff_count = CountField(
        label="How many paid staff do you have?",
        required_message="Enter how many paid staff you have",
        subject="the number of paid staff", max_value=10_000,
        help_text="Enter 0 if your organisation is run by volunteers.",
    )
    disabled_staff_count = CountField(
        label="How many of them are Disabled people?", required_message="Enter how many of your staff are Disabled people",
        subject="the number of Disabled staff", max_value=10_000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Text("h1", "Your staff", "govuk-heading-l"),
            Field.text("staff_count"),
            Field.text("disabled_staff_count"),
        )

    def clean(self):
        cleaned = super().clean()
        staff, disabled = cleaned.get("staff_count"), cleaned.get("disabled_staff_count")
        if staff is not None and disabled is not None and disabled > staff:
            self.add_error("disabled_staff_count", "The number of Disabled staff cannot be more than all your staff")
        return cleaned


class BoroughsForm(GovukFormMixin, forms.Form):
    boroughs = forms.MultipleChoiceField(
        label="Which London boroughs does your organisation work in?",
        help_text="Select all that apply. If you do not work in any of them, leave them all unselected and continue.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["boroughs"].choices = borough_choices()
        self.helper.layout = question_page_layout("boroughs", kind="checkboxes")


class IncomeForm(GovukFormMixin, forms.Form):
    annual_income = PoundsField(
        label="What was your organisation's income in its last financial year?",
        required_message="Enter your organisation's income in its last financial year",
        subject="your income", max_digits=12,
        help_text="In pounds, from your latest accounts. For example, 45000.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = question_page_layout("annual_income")


class SafeguardingForm(GovukFormMixin, forms.Form):
    has_safeguarding_policy = YesNoField(
        label="Does your organisation have a safeguarding policy?",
        required_message="Select yes if your organisation has a safeguarding policy",
        help_text="A safeguarding policy says how you keep adults at risk and children safe from harm.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = question_page_layout("has_safeguarding_policy", kind="radios")


class GoverningDocumentForm(GovukFormMixin, forms.Form):
    has_governing_document = YesNoField(
        label="Does your organisation have a governing document?",
        required_message="Select yes if your organisation has a governing document",
        help_text="For example a constitution, a trust deed, or articles of association.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = question_page_layout("has_governing_document", kind="radios")
