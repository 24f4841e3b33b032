"""Forms for the organisation, its invitations, and what happens around an application: withdrawing it, asking for an
adjustment, extending a deadline. The eligibility questions and the application's sections have modules of their own."""


from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.utils import timezone

from accounts.models import normalise_email
from applications.models import AdjustmentRequest, Application, Borough, Membership, Organisation, Section
from applications.validators import (
    MaxWordsValidator,
    normalise_charity_number,
    normalise_company_number,
    normalise_postcode,
    normalise_society_number,
    normalise_uk_phone,
)
from core.fields import DateField, LongTextField, YesNoField
from core.forms import GovukFormMixin, ListFilterForm


def borough_choices():
    return [(borough.gss_code, borough.name) for borough in Borough.objects.order_by("name")]


def question_page_layout(field_name: str, *, kind: str = "text") -> Layout:
    """One question a page: the question is the page's heading."""
    if kind == "radios":
        return Layout(Field.radios(field_name, legend_size=Size.LARGE, legend_tag="h1"))
    if kind == "checkboxes":
        return Layout(Field.checkboxes(field_name, legend_size=Size.LARGE, legend_tag="h1", small=True))
    return Layout(Field.text(field_name, label_size=Size.LARGE, label_tag="h1"))


# Organisation ------------------------------------------------------------------------------------------------------

NUMBER_NEEDED_FOR = {
    "charity_number": {Organisation.LegalForm.REGISTERED_CHARITY, Organisation.LegalForm.CIO},
    "company_number": {Organisation.LegalForm.CIC, Organisation.LegalForm.COMPANY_LIMITED_BY_GUARANTEE},
    "society_number": {Organisation.LegalForm.COMMUNITY_BENEFIT_SOCIETY},
}


def note_stored(form, field_name: str, name: str) -> None:
    """After a checked file is kept, the page says so even while something else on it needs correcting."""
    hint = f"You have uploaded {name}. Upload a new file only to replace it."
    form.fields[field_name].help_text = form[field_name].help_text = hint  # a bound field copies its hint when made


class OrganisationForm(GovukFormMixin, forms.ModelForm):
    submit_label = "Save and continue"

    class Meta:
        model = Organisation
        fields = [
            "name", "legal_form", "charity_number", "company_number", "society_number", "address_line_1",
            "address_line_2", "town", "postcode", "contact_name", "contact_email", "contact_phone",
        ]
        labels = {"name": "Organisation name", "legal_form": "What kind of organisation is it?"}
        help_texts = {
            "charity_number": "If you are a registered charity or CIO.",
            "company_number": "If you are a company, including a CIC. Companies House gives this number.",
            "society_number": "If you are a community benefit society.",
            "contact_phone": "We will only call about this application.",
        }
        error_messages = {
            "name": {"required": "Enter your organisation's name"},
            "legal_form": {"required": "Select what kind of organisation it is"},
            "address_line_1": {"required": "Enter the first line of your address"},
            "town": {"required": "Enter the town or city"},
            "postcode": {"required": "Enter your postcode"},
            "contact_name": {"required": "Enter the main contact's name"},
            "contact_email": {
                "required": "Enter the main contact's email address",
                "invalid": "Enter an email address in the correct format, like name@example.org",
            },
            "contact_phone": {"required": "Enter the main contact's phone number"},
        }
        widgets = {"legal_form": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("legal_form", "address_line_1", "town", "postcode", "contact_name", "contact_email", "contact_phone"):
            self.fields[name].required = True
        self.fields["legal_form"].choices = Organisation.LegalForm.choices
        self.fields["postcode"].widget.attrs.update({"autocomplete": "postal-code", "class": "govuk-input--width-10"})
        self.fields["contact_email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["contact_phone"].widget.attrs.update({"autocomplete": "tel", "class": "govuk-input--width-20"})
        self.helper.layout = Layout(
            Field.text("name"),
            Field.radios("legal_form", legend_size=Size.SMALL),
            Fieldset(
                Field.text("charity_number", field_width=10),
                Field.text("company_number", field_width=10),
                Field.text("society_number", field_width=10),
                legend="Registration numbers",
                legend_size=Size.SMALL,
            ),
            Fieldset(
                Field.text("address_line_1"),
                Field.text("address_line_2"),
                Field.text("town", field_width=20),
                Field.text("postcode"),
                legend="Address",
                legend_size=Size.SMALL,
            ),
            Fieldset(
                Field.text("contact_name"),
                Field.text("contact_email"),
                Field.text("contact_phone"),
                legend="Main contact",
                legend_size=Size.SMALL,
            ),
        )

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_charity_number(self):
        value = self.cleaned_data["charity_number"]
        return normalise_charity_number(value) if value else ""

    def clean_company_number(self):
        value = self.cleaned_data["company_number"]
        return normalise_company_number(value) if value else ""

    def clean_society_number(self):
        value = self.cleaned_data["society_number"]
        return normalise_society_number(value) if value else ""

    def clean_contact_phone(self):
        return normalise_uk_phone(self.cleaned_data["contact_phone"])

    def clean(self):
        cleaned = super().clean()
        legal_form = cleaned.get("legal_form")
        missing = {
            "charity_number": "Enter your charity number",
            "company_number": "Enter your company number",
            "society_number": "Enter your society registration number",
        }
        for field, forms_needing_it in NUMBER_NEEDED_FOR.items():
            if legal_form in forms_needing_it and not cleaned.get(field) and not self.has_error(field):
                self.add_error(field, missing[field])
        return cleaned


class InvitationForm(GovukFormMixin, forms.Form):
    submit_label = "Send invitation"

    email = forms.EmailField(
        label="Colleague's email address",
        error_messages={
            "required": "Enter your colleague's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label="What can they do?",
        choices=[
            (Membership.Role.EDITOR, "Work on applications"),
            (Membership.Role.OWNER, "Work on applications and invite other people"),
        ],
        widget=forms.RadioSelect,
        initial=Membership.Role.EDITOR,
        error_messages={"required": "Select what they can do"},
    )

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])


# Around the application ---------------------------------------------------------------------------------------------


class WithdrawForm(GovukFormMixin, forms.Form):
    submit_label = "Withdraw application"

    reason = LongTextField(label="Why are you withdrawing? (optional)", required=False, max_length=1000)


class RoundStageForm(GovukFormMixin, forms.Form):
    reason = LongTextField(label="Why now?", max_length=1000, error_messages={"required": "Enter why the round is moving on now"},
                           help_text="It is kept in the round's history.")

    def __init__(self, *args, submit_label: str, **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)


class TranscriptForm(GovukFormMixin, forms.Form):
    submit_label = "Save transcript"

    transcript = LongTextField(
        label="Transcript", required=False, rows=12, max_length=20000,
        help_text="Write what is said or signed in the recording. Leave it empty to remove the transcript.",
    )


class AdjustmentRequestForm(GovukFormMixin, forms.ModelForm):
    submit_label = "Send request"

    class Meta:
        model = AdjustmentRequest
        fields = ["kind", "details"]
        labels = {"kind": "What do you need?", "details": "Tell us more"}
        help_texts = {"details": "For example, how much more time you need and why, or which answers you will record."}
        widgets = {"kind": forms.RadioSelect}
        error_messages = {
            "kind": {"required": "Select what you need"},
            "details": {"required": "Tell us more about what you need"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = AdjustmentRequest.Kind.choices
        self.fields["details"].validators.append(MaxWordsValidator(300, "Your request"))
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM), Field.textarea("details", rows=5, max_words=300)
        )


class ExtensionForm(GovukFormMixin, forms.Form):
    submit_label = "Give more time"

    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the organisation"},
    )
    closes_on = DateField(
        label="New deadline", required_message="Enter the new deadline",
        help_text="The application will close at 11:59pm on this day. For example, 27 3 2027",
    )
    reason = LongTextField(label="Reason", error_messages={"required": "Enter the reason"})

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        # Any organisation: one that has not started yet may need more time to start.
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")

    def clean_closes_on(self):
        value = self.cleaned_data["closes_on"]
        if value <= timezone.localtime(self.round.closes_at).date():
            raise forms.ValidationError("The new deadline must be after the round closes", code="not_later")
        return value


class AdjustmentDecisionForm(GovukFormMixin, forms.Form):
    submit_label = "Send reply"

    agreed = YesNoField(label="Do you agree to this adjustment?", required_message="Select yes if you agree")
    response = LongTextField(
        label="Your reply to the applicant", rows=4, error_messages={"required": "Enter your reply to the applicant"}
    )


class SentApplicationFilterForm(ListFilterForm):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "All statuses")] + [
        (status, status.label) for status in Application.Status if status != Application.Status.DRAFT
    ])


class InformationRequestForm(GovukFormMixin, forms.Form):
    submit_label = "Ask for more information"

    sections = forms.ModelMultipleChoiceField(
        label="Which sections should the organisation change?", queryset=Section.objects.none(),
        widget=forms.CheckboxSelectMultiple, error_messages={"required": "Select at least one section to reopen"},
        help_text="Only the round's own questions reopen: the organisation's details, amount, budget, targets, documents "
                  "and declarations stay as they were sent.",
    )
    message = LongTextField(label="What do you need to know?", rows=5,
                            error_messages={"required": "Say what you need to know"},
                            help_text="The organisation's team reads this when they sign in.")
    respond_by = DateField(label="Answer by", required_message="Enter the date to answer by",
                           help_text="The request closes at 11:59pm on this day. For example, 27 3 2027")

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].queryset = round_.sections.order_by("position", "id")
        self.fields["sections"].label_from_instance = lambda section: section.title

    def clean_respond_by(self):
        value = self.cleaned_data["respond_by"]
        if value < timezone.localdate():
            raise forms.ValidationError("The date to answer by must be today or later", code="past")
        return value
