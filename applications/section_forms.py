"""The staged application's sections after the round's own questions: boroughs and amount, outcomes and targets,
budget, documents, declarations, and checking the answers before sending."""

from decimal import Decimal

from crispy_forms_gds.layout import Div, Field, Fieldset, Layout, Size
from django import forms
from django.utils import timezone

from applications.forms import borough_choices, note_stored
from applications.models import Application, BudgetLine, DocumentKind
from applications.uploads import DOCUMENTS, check_document
from core.fields import CountField, DateField, PoundsField
from core.forms import GovukFormMixin, Text, embed_in_page_form
from core.templatetags.govuk import pounds

class RequestForm(GovukFormMixin, forms.Form):
    """Where the project will work and how much it asks for: the rest of the service computes on both."""

    submit_label = "Save and continue"

    boroughs = forms.MultipleChoiceField(
        label="Which boroughs will the project work in?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one borough the project will work in"},
    )
    amount_requested = PoundsField(
        label="How much are you asking for?", required_message="Enter how much you are asking for",
        subject="the amount you are asking for",
    )

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        self.fields["boroughs"].choices = borough_choices()
        self.fields["amount_requested"].help_text = (
            f"Between {pounds(round_.minimum_award)} and {pounds(round_.maximum_award)}."
        )
        self.helper.layout = Layout(
            Field.checkboxes("boroughs", legend_size=Size.SMALL, small=True), Field.text("amount_requested")
        )

    def clean_amount_requested(self):
        amount = self.cleaned_data["amount_requested"]
        if not (self.round.minimum_award <= amount <= self.round.maximum_award):
            raise forms.ValidationError(
                f"Ask for between {pounds(self.round.minimum_award)} and {pounds(self.round.maximum_award)}",
                code="out_of_range",
            )
        return amount


def quarter_field_name(indicator_id: int, quarter: int) -> str:
    return f"target_{indicator_id}_q{quarter}"


class OutcomesForm(GovukFormMixin, forms.Form):
    """A target for each of the round's indicators in each quarter of the grant."""

    submit_label = "Save and continue"

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = [indicator for indicator in round_.indicators.all() if indicator.has_target]
        self.quarters = range(1, round_.quarters + 1)
        fieldsets = []
        for indicator in self.indicators:
            items = []
            for quarter in self.quarters:
                name = quarter_field_name(indicator.pk, quarter)
                self.fields[name] = CountField(
                    label=f"Quarter {quarter}",
                    required_message=f"Enter a target for {indicator.name.lower()} in quarter {quarter}. Enter 0 if none",
                    subject=f"the target for {indicator.name.lower()} in quarter {quarter}",
                )
                items.append(Div(Field.text(name), css_class="govuk-date-input__item"))
            fieldsets.append(
                Fieldset(
                    *([Text("div", indicator.guidance, "govuk-hint")] if indicator.guidance else []),
                    Div(*items, css_class="govuk-date-input"),
                    legend=indicator.name,
                    legend_size=Size.SMALL,
                )
            )
        self.helper.layout = Layout(*fieldsets)

    def targets(self) -> list[tuple]:
        return [
            (indicator, quarter, self.cleaned_data[quarter_field_name(indicator.pk, quarter)])
            for indicator in self.indicators
            for quarter in self.quarters
        ]


class BudgetLineForm(GovukFormMixin, forms.Form):
    category = forms.ChoiceField(
        label="Type of cost",
        choices=[("", "Choose a type of cost")] + list(BudgetLine.Category.choices),
        error_messages={"required": "Choose a type of cost"},
    )
    description = forms.CharField(
        label="What it is for", max_length=200, error_messages={"required": "Say what the cost is for"}
    )
    amount = PoundsField(label="Amount", required_message="Enter the amount", subject="the amount", positive=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        embed_in_page_form(self)
        # The formset adds its "Delete" box after this runs; render it too.
        self.helper.render_unmentioned_fields = True
        self.helper.layout = Layout(Field.select("category"), Field.text("description"), Field.text("amount"))


class BaseBudgetFormSet(forms.BaseFormSet):
    """Budget lines that must add up to the amount requested."""

    def __init__(self, *args, amount_requested=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.amount_requested = amount_requested

    def lines(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        if any(self.errors):
            return
        lines = self.lines()
        if not lines:
            raise forms.ValidationError("Add at least one budget line", code="no_lines")
        total = sum((line["amount"] for line in lines), Decimal("0"))
        if self.amount_requested is not None and total != self.amount_requested:
            raise forms.ValidationError(
                f"Your budget lines add up to {pounds(total)}. They must add up to the {pounds(self.amount_requested)} "
                "you are asking for",
                code="total_mismatch",
            )


BudgetFormSet = forms.formset_factory(BudgetLineForm, formset=BaseBudgetFormSet, extra=3, can_delete=True, max_num=40)


class DocumentsForm(GovukFormMixin, forms.Form):
    submit_label = "Save and continue"

    def __init__(self, *args, required_kinds, uploaded, **kwargs):
        super().__init__(*args, **kwargs)
        self.uploaded = uploaded  # kind -> ApplicationDocument already stored
        for kind in required_kinds:
            label = DocumentKind(kind).label
            already = uploaded.get(kind)
            self.fields[kind] = forms.FileField(
                label=label,
                required=already is None,
                help_text=(
                    f"You have uploaded {already.original_name}. Upload a new file only to replace it."
                    if already
                    else "PDF, DOCX, ODT, JPG or PNG."
                ),
                error_messages={"required": f"Upload your {label.lower()}", "empty": f"The {label.lower()} file is empty"},
                widget=forms.ClearableFileInput(attrs={"accept": DOCUMENTS.accept}),
            )

    def clean(self):
        cleaned = super().clean()
        self.content_types = {}
        for kind, upload in list(cleaned.items()):
            if upload:
                try:
                    self.content_types[kind] = check_document(upload, subject=self.fields[kind].label)
                except forms.ValidationError as error:
                    self.add_error(kind, error)
        return cleaned

    def note_stored(self, kind: str, name: str) -> None:
        note_stored(self, kind, name)

    def valid_uploads(self) -> dict:
        """The files that passed their checks, even when another file in the same step did not."""
        return {kind: self.files[self.add_prefix(kind)] for kind in self.content_types if not self.has_error(kind)}


class DeclarationsForm(GovukFormMixin, forms.ModelForm):
    submit_label = "Save and continue"

    declared_on = DateField(label="Date", required_message="Enter the date", help_text="For example, 27 3 2027")
    confirm_true = forms.BooleanField(
        label="The information in this application is true and complete, as far as I know",
        error_messages={"required": "Confirm that the information is true and complete"},
    )
    confirm_authority = forms.BooleanField(
        label="I am allowed to apply on behalf of the organisation",
        error_messages={"required": "Confirm that you are allowed to apply on behalf of the organisation"},
    )
    confirm_privacy = forms.BooleanField(
        label="We will not give the funder the names or contact details of the people we support",
        error_messages={"required": "Confirm that you will not share the names of the people you support"},
    )

    class Meta:
        model = Application
        fields = ["declarant_name", "declarant_role"]
        labels = {"declarant_name": "Your full name", "declarant_role": "Your role in the organisation"}
        error_messages = {
            "declarant_name": {"required": "Enter your full name"},
            "declarant_role": {"required": "Enter your role in the organisation"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["declarant_name"].required = True
        self.fields["declarant_role"].required = True
        self.helper.layout = Layout(
            Field.text("declarant_name"),
            Field.text("declarant_role", field_width=20),
            Field("declared_on"),
            Field.checkbox("confirm_true"),
            Field.checkbox("confirm_authority"),
            Field.checkbox("confirm_privacy"),
        )

    def clean_declared_on(self):
        value = self.cleaned_data["declared_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past", code="future")
        return value


class CheckAnswersForm(GovukFormMixin, forms.Form):
    submit_label = "Send application"
