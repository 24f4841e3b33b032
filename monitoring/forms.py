"""The quarterly return form and the programme manager's review."""

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms

from applications.validators import MaxWordsValidator
from assessment.forms import SpreadsheetUploadForm
from core.fields import CountField, LongTextField, PoundsField
from core.forms import GovukFormMixin, embed_in_page_form
from core.templatetags.govuk import pounds
from monitoring.checks import figure_problems

WORD_LIMITS = {"what_changed": 300, "challenges": 200, "case_study": 300}


class ReturnForm(GovukFormMixin, forms.Form):
    """Counts for each indicator, spend to date for each budget line, and a short story of change."""

    what_changed = forms.CharField(
        label="What changed for the people you supported this quarter?", required=False,
        widget=forms.Textarea(attrs={"rows": 5}), help_text="Do not name anyone you support.",
    )
    challenges = forms.CharField(label="What challenges did you meet?", required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}), help_text="For example, with reporting to the police.")
    case_study = forms.CharField(
        label="A short case study", required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Tell one person's story without anything that could identify them: no names, places or dates.",
    )
    declarant_name = forms.CharField(label="Your full name", required=False, max_length=150,
                                     help_text="To send the return, confirm it is correct by giving your name.")
    personal_data_checked = forms.BooleanField(
        label="I have checked: none of this identifies anyone we support", required=False,
    )

    def __init__(self, *args, indicators, targets: dict, budget_lines, sending: bool = False, warned: bool = False,
                 **kwargs):
        super().__init__(*args, **kwargs)
        embed_in_page_form(self)
        self.indicators, self.budget_lines, self.sending = list(indicators), list(budget_lines), sending
        count_fields, spend_fields = [], []
        for indicator in self.indicators:
            name = f"count_{indicator.pk}"
            target = targets.get(indicator.pk)
            hint = f"Your target this quarter: {target}." if target is not None else indicator.guidance
            if indicator.is_percentage:
                hint = f"{hint} A percentage, from 0 to 100.".strip()
            self.fields[name] = CountField(
                label=indicator.name, required_message=f"Enter a number for {indicator.name.lower()}. Enter 0 if none",
                subject=f"the number for {indicator.name.lower()}", help_text=hint, required=sending,
            )
            count_fields.append(Field.text(name))
        for line in self.budget_lines:
            name = f"spend_{line.pk}"
            self.fields[name] = PoundsField(
                label=f"{line.get_category_display()}: {line.description}", subject="the spend",
                required_message=f"Enter what you have spent on {line.description.lower()} so far. Enter 0 if nothing",
                help_text=f"Spent so far, since the grant started. Budget: {pounds(line.amount)}.", required=sending,
            )
            spend_fields.append(Field.text(name))
        for name, limit in WORD_LIMITS.items():
            self.fields[name].validators.append(MaxWordsValidator(limit, f"Your answer to '{self.fields[name].label}'"))
        layout = [
            Fieldset(*count_fields, legend="How many, this quarter", legend_size=Size.MEDIUM),
            Fieldset(*spend_fields, legend="Spending", legend_size=Size.MEDIUM),
            Fieldset(*[Field.textarea(name, rows=5, max_words=limit) for name, limit in WORD_LIMITS.items()],
                     legend="Your story of change", legend_size=Size.MEDIUM),
            Field.text("declarant_name", field_width=20),
        ]
        if warned:
            layout.append(Field.checkbox("personal_data_checked"))
        self.helper.layout = Layout(*layout)

    def clean(self):
        cleaned = super().clean()
        if self.sending and not cleaned.get("declarant_name", "").strip():
            self.add_error("declarant_name", "Enter your full name to send the return")
        counts = {indicator.pk: cleaned.get(f"count_{indicator.pk}") for indicator in self.indicators}
        for indicator_id, problem in figure_problems(self.indicators, counts).items():
            self.add_error(f"count_{indicator_id}", problem)
        return cleaned

    # A draft may leave numbers blank: a blank is saved as "not answered yet", and sending needs every number.
    def counts(self) -> dict:
        return {indicator.pk: self.cleaned_data[f"count_{indicator.pk}"] for indicator in self.indicators}

    def spending(self) -> dict:
        return {line.pk: self.cleaned_data[f"spend_{line.pk}"] for line in self.budget_lines}

    def narrative(self) -> dict:
        return {name: self.cleaned_data[name] for name in WORD_LIMITS}


class ReviewForm(GovukFormMixin, forms.Form):
    submit_label = "Save review"

    outcome = forms.ChoiceField(
        label="Your review", widget=forms.RadioSelect,
        choices=[("accept", "Accept the return"), ("changes", "Ask for changes")],
        error_messages={"required": "Choose whether to accept the return or ask for changes"},
    )
    comments = LongTextField(label="Comments for the grantee", required=False, rows=4,
                             help_text="Needed when you ask for changes: say what needs changing.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.radios("outcome", legend_size=Size.MEDIUM), Field.textarea("comments"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == "changes" and not cleaned.get("comments", "").strip():
            self.add_error("comments", "Say what needs changing")
        return cleaned


class FiguresUploadForm(SpreadsheetUploadForm):
    submit_label = "Upload figures"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spreadsheet"].label = "Upload a completed returns spreadsheet"
        self.fields["spreadsheet"].help_text = "The XLSX or CSV file you downloaded, with the figures filled in."
        self.fields["spreadsheet"].error_messages["required"] = "Choose the completed spreadsheet"


class AllowEarlyForm(GovukFormMixin, forms.Form):
    submit_label = "Allow this return early"

    reason = LongTextField(
        label="Why can this return be sent before its quarter ends?", rows=4, max_length=1000,
        help_text="The grantee sees this reason on their return.",
        error_messages={"required": "Say why this return can be sent before its quarter ends"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.textarea("reason"))


class ReturnsFilterForm(forms.Form):
    """The returns list's filters, read from the address so that they stay as the manager pages through."""

    show = forms.ChoiceField(label="Show", required=False, choices=[
        ("", "Waiting for review or late"), ("review", "Waiting for your review"), ("late", "Late"),
    ])
    round = forms.TypedChoiceField(label="Round", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [("", "All rounds")] + [(round_.pk, round_.name) for round_ in rounds]

    def chosen(self) -> dict:
        """The filters asked for; an unknown choice in the address narrows nothing."""
        return {"show": self.cleaned_data["show"], "round_id": self.cleaned_data["round"]} if self.is_valid() else {}
