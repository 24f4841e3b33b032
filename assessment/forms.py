"""Forms for screening, allocation, conflicts of interest, scoring, moderation and the ranking's filters."""

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms

from accounts.models import Role, User
from applications.forms import borough_choices
from applications.models import Application
from applications.validators import MaxWordsValidator
from assessment.permissions import assessors_who_can_take, why_cannot_take
from assessment.selectors import AllocationsShown
from core.fields import LongTextField, YesNoField
from core.forms import GovukFormMixin, ListFilterForm, Text, embed_in_page_form
from core.spreadsheets import MAX_UPLOAD_BYTES, MAX_UPLOAD_MEGABYTES
from core.templatetags.govuk import plain_number


class ScreeningForm(GovukFormMixin, forms.Form):
    submit_label = "Save screening decision"

    eligible = YesNoField(label="Is this application eligible?", required_message="Select yes if the application is eligible")
    reason = LongTextField(
        label="Reason",
        required=False,
        rows=4,
        help_text="If it is not eligible, we will email this to the applicant, so write it in plain English.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("eligible") is False and not self.has_error("reason") and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Tell the applicant why their application is not eligible")
        return cleaned


class AllocationForm(GovukFormMixin, forms.Form):
    submit_label = "Give to this assessor"

    assessor = forms.ModelChoiceField(
        label="Assessor", queryset=None, empty_label="Choose an assessor",
        error_messages={
            "required": "Choose an assessor",
            "invalid_choice": "Choose an assessor from the list. The one you chose can no longer take this application.",
        },
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["assessor"].queryset = assessors_who_can_take(application)

    def clean(self):
        cleaned = super().clean()
        # A choice gone since the page was opened (a second click, another manager): say why, not only "choose again".
        if self.has_error("assessor", "invalid_choice"):
            chosen = str(self.data.get("assessor", ""))
            assessor = User.objects.filter(pk=int(chosen)).first() if chosen.isdigit() and len(chosen) < 10 else None
            reason = why_cannot_take(assessor, self.application) if assessor else ""
            if reason:
                self.errors["assessor"] = self.error_class([reason])
        return cleaned


class PanelMemberForm(GovukFormMixin, forms.Form):
    submit_label = "Add to the panel"

    assessor = forms.ModelChoiceField(
        label="Who should join the panel?", queryset=None, empty_label="Choose an assessor",
        help_text="People with an assessor's account who are not on this round's panel yet.",
        error_messages={
            "required": "Choose who should join the panel",
            "invalid_choice": "Choose someone from the list. They may have joined the panel since the page was opened.",
        },
    )

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = (
            User.objects.filter(role=Role.ASSESSOR, is_active=True).exclude(assessor_rounds=round_).order_by("full_name", "pk")
        )
        self.fields["assessor"].label_from_instance = lambda user: f"{user.full_name} ({user.email})" if user.full_name else user.email


class ConflictForm(GovukFormMixin, forms.Form):
    submit_label = "Continue"

    has_conflict = YesNoField(
        label="Do you have a conflict of interest with this application?",
        required_message="Select yes if you have a conflict of interest",
        help_text=(
            "For example, you work or volunteer for the organisation, are on its board, are related to someone "
            "who runs it, or have applied for the same money."
        ),
    )
    nature = LongTextField(label="What is the conflict?", required=False, help_text="Only if you answered yes.")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["has_conflict"].label = f"Do you have a conflict of interest with {organisation}?"
        self.helper.layout = Layout(
            Field.radios("has_conflict", legend_size=Size.MEDIUM, legend_tag="h2"), Field.textarea("nature", rows=3)
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("has_conflict") and not cleaned.get("nature", "").strip():
            self.add_error("nature", "Say what the conflict is")
        return cleaned


# The same limit holds for a reason typed on the page and one uploaded in the scoring spreadsheet.
REASON_WORD_LIMIT = 300


def score_field_names(criterion_id: int) -> tuple[str, str]:
    return f"score_{criterion_id}", f"justification_{criterion_id}"


class ScoringForm(GovukFormMixin, forms.Form):
    """A score and a written justification for each criterion. Drafts may be partial; a submission may not."""

    def __init__(self, *args, criteria, scale_max: int, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        embed_in_page_form(self)
        self.criteria = list(criteria)
        self.submitting = submitting
        layout = []
        for criterion in self.criteria:
            score_name, justification_name = score_field_names(criterion.pk)
            descriptors = {descriptor.score: descriptor.description for descriptor in criterion.descriptors.all()}
            self.fields[score_name] = forms.TypedChoiceField(
                label=f"Score for '{criterion}'",
                choices=[(score, f"{score}: {descriptors[score]}" if score in descriptors else str(score))
                         for score in range(scale_max + 1)],
                coerce=int, required=False, widget=forms.RadioSelect,
            )
            self.fields[justification_name] = forms.CharField(
                label=f"Why this score for '{criterion}'?", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                validators=[MaxWordsValidator(REASON_WORD_LIMIT, "Your reason")],
                # crispy-forms-gds's word count needs a hint to attach to.
                help_text=f"The applicant may read this as feedback. {REASON_WORD_LIMIT} words or fewer.",
            )
            layout.append(
                Fieldset(
                    Text("p", f"Weight: {plain_number(criterion.weight)}%. {criterion.guidance}", "govuk-body"),
                    Field.radios(score_name, legend_size=Size.SMALL, small=True),
                    Field.textarea(justification_name, rows=4, max_words=REASON_WORD_LIMIT),
                    legend=str(criterion),
                    legend_size=Size.MEDIUM,
                )
            )
        self.helper.layout = Layout(*layout)

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for criterion in self.criteria:
                score_name, justification_name = score_field_names(criterion.pk)
                if cleaned.get(score_name) in (None, "") and not self.has_error(score_name):
                    self.add_error(score_name, f"Choose a score for '{criterion}'")
                if not cleaned.get(justification_name, "").strip() and not self.has_error(justification_name):
                    self.add_error(justification_name, f"Explain your score for '{criterion}'")
        return cleaned

    def scores(self) -> dict[int, tuple[int | None, str]]:
        result = {}
        for criterion in self.criteria:
            score_name, justification_name = score_field_names(criterion.pk)
            score = self.cleaned_data.get(score_name)
            result[criterion.pk] = (None if score in (None, "") else score, self.cleaned_data.get(justification_name, ""))
        return result


class ModerationForm(GovukFormMixin, forms.Form):
    submit_label = "Save agreed score"

    score = forms.TypedChoiceField(
        label="Agreed score", coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Choose the agreed score"},
    )
    reason = LongTextField(label="Why this score?", error_messages={"required": "Explain why the panel agreed this score"})

    def __init__(self, *args, criterion, scale_max: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].choices = [(score, str(score)) for score in range(scale_max + 1)]
        self.fields["score"].label = f"Agreed score for '{criterion}'"
        self.helper.layout = Layout(Field.radios("score", legend_size=Size.SMALL, small=True), Field.textarea("reason"))


class RankingFilterForm(forms.Form):
    borough = forms.ChoiceField(label="Borough", required=False)
    status = forms.ChoiceField(label="Status", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["borough"].choices = [("", "All boroughs")] + borough_choices()
        self.fields["status"].choices = [("", "All statuses")] + [
            (status, Application.Status(status).label)
            for status in (Application.Status.ELIGIBLE, Application.Status.SCORED, Application.Status.AWARDED,
                           Application.Status.NOT_FUNDED)
        ]

    def chosen(self) -> dict:
        """The filters asked for; an unknown borough or status in the address narrows nothing."""
        return {"borough": self.cleaned_data["borough"], "status": self.cleaned_data["status"]} if self.is_valid() else {}


class SpreadsheetUploadForm(GovukFormMixin, forms.Form):
    submit_label = "Upload scores"

    spreadsheet = forms.FileField(
        label="Upload your completed scoring spreadsheet",
        help_text="The XLSX or CSV file you downloaded, with your scores and reasons filled in.",
        error_messages={"required": "Choose your completed spreadsheet"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_spreadsheet(self):
        upload = self.cleaned_data["spreadsheet"]
        if upload.size == 0:
            raise forms.ValidationError("The selected file is empty", code="empty")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The selected file must be smaller than {MAX_UPLOAD_MEGABYTES}MB", code="too_big")
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("The selected file must be an XLSX or a CSV", code="wrong_type")
        return upload


class ScreeningFilterForm(ListFilterForm):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "All statuses")] + [
        (status, status.label) for status in Application.Status
        if status not in (Application.Status.DRAFT, Application.Status.WITHDRAWN)
    ])


class AllocationFilterForm(ListFilterForm):
    shown = forms.ChoiceField(label="Show", required=False, choices=AllocationsShown.choices)


class ConflictFilterForm(ListFilterForm):
    conflicts_only = forms.TypedChoiceField(
        label="Show", required=False, choices=[("", "Every declaration"), ("yes", "Conflicts only")],
        coerce=lambda value: value == "yes", empty_value=False,
    )
