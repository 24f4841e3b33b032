"""The quarterly return form, its poor police responses, the end-of-grant report, and the programme manager's reviews."""

from datetime import date

from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size
from django import forms
from django.utils.html import escape

from applications.validators import MaxWordsValidator
from assessment.forms import SpreadsheetUploadForm
from core.fields import CountField, LongTextField, PoundsField, YesNoField
from core.forms import GovukFormMixin, Text, embed_in_page_form
from core.templatetags.govuk import pounds
from monitoring.checks import in_a_sentence, figure_problems
from monitoring.figures import SplitFigure, indicator_parts, split_figure_of
from monitoring.models import EndReport, PoorResponse

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

    def __init__(self, *args, indicators, targets: dict, budget_lines, boroughs=(), saved=(), sending: bool = False,
                 warned: bool = False, **kwargs):
        """`saved` is the return's IndicatorCounts, with their parts, which fill the figures' boxes."""
        super().__init__(*args, **kwargs)
        embed_in_page_form(self)
        self.indicators, self.budget_lines, self.sending = list(indicators), list(budget_lines), sending
        boroughs = list(boroughs)
        self.parts = {indicator.pk: indicator_parts(indicator, boroughs) for indicator in self.indicators}
        saved = {count.indicator_id: count for count in saved}
        count_fields, spend_fields = [], []
        for indicator in self.indicators:
            target = targets.get(indicator.pk)
            hint = f"Your target this quarter: {target}." if target is not None else indicator.guidance
            if indicator.is_percentage:
                hint = f"{hint} A percentage, from 0 to 100.".strip()
            if indicator.is_split:
                if self.parts[indicator.pk]:  # by borough, for a grant whose boroughs are not known: not asked
                    count_fields.append(self._split_fields(indicator, hint, saved.get(indicator.pk)))
                continue
            name = f"count_{indicator.pk}"
            self.fields[name] = self._count_field(indicator.name, in_a_sentence(indicator.name), help_text=hint)
            if indicator.pk in saved:
                self.initial.setdefault(name, saved[indicator.pk].value)
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

    def _count_field(self, label: str, about: str, *, required_message: str = "", **kwargs) -> CountField:
        """A box for a count; `about` names it in its messages ("the number for {about}")."""
        return CountField(label=label, subject=f"the number for {about}", required=self.sending,
                          required_message=required_message or f"Enter a number for {about}. Enter 0 if none", **kwargs)

    def _split_fields(self, indicator, hint: str, saved_count) -> Fieldset:
        """A box for each part of an indicator given in parts, and for a survey one for how many were asked first,
        grouped under the indicator's name."""
        saved = split_figure_of(saved_count)
        about = in_a_sentence(indicator.name)
        names = []
        if indicator.is_survey:
            name = f"asked_{indicator.pk}"
            self.fields[name] = self._count_field(
                "How many did you ask?", f"the people asked about {about}",
                required_message=f"Enter how many people you asked about {about}. Enter 0 if none")
            self.initial.setdefault(name, saved.asked)
            names.append(name)
        for number, part in enumerate(self.parts[indicator.pk]):
            name = f"count_{indicator.pk}_{number}"
            self.fields[name] = self._count_field(part.label, f"{part.label} in {about}")
            self.initial.setdefault(name, saved.parts.get(part.key))
            names.append(name)
        if indicator.is_survey:
            hint = f"{hint} Give how many you asked, then how many gave each answer.".strip()
        hint_id = f"indicator_{indicator.pk}-hint"
        return Fieldset(*([Text("div", hint, "govuk-hint", element_id=hint_id)] if hint else []),
                        *(Field.text(name) for name in names), legend=escape(indicator.name), legend_size=Size.SMALL,
                        **({"aria_describedby": hint_id} if hint else {}))

    def figure_field(self, indicator_id: int) -> str:
        """The box an error about an indicator's figure is shown beside: its first."""
        if self.parts.get(indicator_id):
            return f"asked_{indicator_id}" if f"asked_{indicator_id}" in self.fields else f"count_{indicator_id}_0"
        return f"count_{indicator_id}"

    def clean(self):
        cleaned = super().clean()
        if self.sending and not cleaned.get("declarant_name", "").strip():
            self.add_error("declarant_name", "Enter your full name to send the return")
        for indicator_id, problem in figure_problems(self.indicators, self._figures(cleaned)).items():
            self.add_error(self.figure_field(indicator_id), problem)
        return cleaned

    def _figures(self, cleaned: dict) -> dict:
        figures = {}
        for indicator in self.indicators:
            if indicator.is_split:
                figures[indicator.pk] = SplitFigure(
                    {part.key: cleaned.get(f"count_{indicator.pk}_{number}")
                     for number, part in enumerate(self.parts[indicator.pk])},
                    cleaned.get(f"asked_{indicator.pk}"))
            else:
                figures[indicator.pk] = cleaned.get(f"count_{indicator.pk}")
        return figures

    # A draft may leave numbers blank: a blank is saved as "not answered yet", and sending needs every number.
    def counts(self) -> dict:
        return self._figures(self.cleaned_data)

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


class PoorResponseForm(GovukFormMixin, forms.Form):
    """One poor police response: where and when as coarsely as we keep them, what went wrong, and what was done."""

    submit_label = "Save this response"

    police_area = forms.ChoiceField(
        label="Which police area was it in?", help_text="The police BCU for the borough it happened in.",
        error_messages={"required": "Choose the police area", "invalid_choice": "Choose the police area from the list"},
    )
    month = forms.ChoiceField(
        label="Which month did it happen in?", help_text="Only the month: never give the day.",
        error_messages={"required": "Choose the month", "invalid_choice": "Choose a month from the list"},
    )
    problems = forms.MultipleChoiceField(
        label="What went wrong?", choices=PoorResponse.Problem.choices, widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.", error_messages={"required": "Select at least one thing that went wrong"},
    )
    details = LongTextField(
        label="What happened (optional)", required=False, rows=4, max_length=1000,
        help_text="What the police did or did not do. Do not name anyone, or say where they live.",
    )
    complaint_made = YesNoField(label="Was a complaint made to the police?",
                                required_message="Select yes if a complaint was made to the police")
    escalated = YesNoField(label="Did your group take it up with the police?",
                           required_message="Select yes if your group took it up with the police")
    personal_data_checked = forms.BooleanField(
        label="I have checked: none of this identifies anyone we support", required=False,
    )
    # The newest response the page showed, so that a second click records the response once.
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, areas: list[str], months: list, warned: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["police_area"].choices = [("", "Choose the police area")] + [(area, area) for area in areas]
        self.fields["month"].choices = [("", "Choose the month")] + [
            (month.isoformat(), f"{month:%B %Y}") for month in reversed(months)]
        layout = [Field.select("police_area"), Field.select("month"),
                  Field.checkboxes("problems", legend_size=Size.SMALL, small=True), Field.textarea("details", rows=4),
                  Field.radios("complaint_made", legend_size=Size.SMALL, small=True, inline=True),
                  Field.radios("escalated", legend_size=Size.SMALL, small=True, inline=True), Field("seen")]
        if warned:  # kept shown until saved, ticked or not
            layout += [Field.checkbox("personal_data_checked"), HTML('<input type="hidden" name="warned" value="1">')]
        self.helper.layout = Layout(*layout)

    def clean_month(self):
        return date.fromisoformat(self.cleaned_data["month"])

    @staticmethod
    def initial_from(poor_response: PoorResponse) -> dict:
        return {"police_area": poor_response.police_area, "month": poor_response.month.isoformat(),
                "problems": poor_response.problems, "details": poor_response.details,
                "complaint_made": poor_response.complaint_made, "escalated": poor_response.escalated}

    def fields_to_save(self) -> dict:
        return {name: self.cleaned_data[name] for name in
                ("police_area", "month", "problems", "details", "complaint_made", "escalated")}


class EndReportForm(GovukFormMixin, forms.Form):
    """The end-of-grant report: saved as the grantee goes, checked only when sent."""

    achievements = LongTextField(
        label="What did the project achieve, against what you promised?", required=False, rows=6, max_length=5000,
        help_text="The table above shows your targets and what your returns counted. Say what went well, and why any "
                  "target was missed. Do not name anyone you support.",
    )
    spent = PoundsField(label="How much of the grant did you spend?", required=False,
                        required_message="Enter how much of the grant you spent", subject="the amount spent",
                        help_text="Anything not spent is your underspend.")
    underspend_reason = LongTextField(label="Why was some of the grant not spent?", required=False, rows=3,
                                      max_length=2000, help_text="Leave this empty if you spent all of it.")
    lessons = LongTextField(label="What did you learn?", required=False, rows=4, max_length=3000,
                            help_text="What would you do differently, and what should other groups know?")
    story = LongTextField(
        label="A story of change", required=False, rows=6, max_length=3000,
        help_text="Tell one person's story without anything that could identify them: no names, places or dates.",
    )
    declarant_name = forms.CharField(label="Your full name", required=False, max_length=150,
                                     help_text="To send the report, confirm it is correct by giving your name.")
    personal_data_checked = forms.BooleanField(
        label="I have checked: none of this identifies anyone we support", required=False,
    )

    def __init__(self, *args, warned: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        layout = [Field.textarea("achievements"), Field.text("spent"), Field.textarea("underspend_reason"),
                  Field.textarea("lessons"), Field.textarea("story"), Field.text("declarant_name")]
        if warned:
            layout += [Field.checkbox("personal_data_checked"), HTML('<input type="hidden" name="warned" value="1">')]
        self.helper.layout = Layout(*layout)
        embed_in_page_form(self)  # the page has its own form, with two buttons: save, and send

    def fields_to_save(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("achievements", "spent", "underspend_reason", "lessons", "story")}


class EndReportReviewForm(ReviewForm):
    outcome = forms.ChoiceField(
        label="Your review", widget=forms.RadioSelect,
        choices=[("accept", "Accept the report and complete the grant"), ("changes", "Ask for changes")],
        error_messages={"required": "Choose whether to accept the report or ask for changes"},
    )
    underspend_outcome = forms.ChoiceField(
        label="The money paid and not spent", widget=forms.RadioSelect, required=False,
        choices=EndReport.Underspend.choices,
        help_text="Asking for it back proposes a clawback, which a second programme manager confirms.",
    )

    def __init__(self, *args, held_underspend, **kwargs):
        super().__init__(*args, **kwargs)
        layout = [Field.radios("outcome", legend_size=Size.MEDIUM), Field.textarea("comments")]
        if held_underspend:
            layout.insert(1, Field.radios("underspend_outcome", legend_size=Size.SMALL))
        self.helper.layout = Layout(*layout)
        self.held_underspend = held_underspend

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == "accept" and self.held_underspend and not cleaned.get("underspend_outcome"):
            self.add_error("underspend_outcome", "Choose whether to ask for the money back or write it off")
        return cleaned
