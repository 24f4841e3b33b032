"""Forms for applicants and programme managers: organisation, eligibility questions, application steps."""

from decimal import Decimal

from crispy_forms_gds.layout import Div, Field, Fieldset, Layout, Size
from django import forms
from django.utils import timezone

from accounts.models import normalise_email
from applications.models import AdjustmentRequest, Application, Borough, BudgetLine, DocumentKind, Membership, Organisation
from applications.uploads import DOCUMENTS, MEDIA, check_document, check_media_answer
from applications.validators import (
    MaxWordsValidator,
    normalise_charity_number,
    normalise_company_number,
    normalise_postcode,
    normalise_society_number,
    normalise_uk_phone,
)
from core.fields import CountField, DateField, LongTextField, PoundsField, YesNoField
from core.forms import GovukFormMixin, Text, embed_in_page_form
from core.templatetags.govuk import pounds


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


# Eligibility: one question a page ----------------------------------------------------------------------------------


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


# The staged application --------------------------------------------------------------------------------------------

WORD_LIMITS = {"summary": 100, "need": 400, "activities": 500, "beneficiaries": 300, "partnership": 300}
ANSWER_SUBJECTS = {
    "summary": "Your summary", "need": "Your answer about the need", "activities": "Your answer about what you will do",
    "beneficiaries": "Your answer about who will benefit", "partnership": "Your answer about working with others",
}
LONG_ANSWERS = ["need", "activities", "beneficiaries", "partnership"]


class ProjectForm(GovukFormMixin, forms.ModelForm):
    """The project step. Where an applicant answers in BSL video or audio, the written answer becomes optional."""

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

    class Meta:
        model = Application
        fields = ["title", "summary", "need", "activities", "beneficiaries", "partnership"]
        labels = {
            "title": "Project name",
            "summary": "Summarise your project",
            "need": "What need will your project meet?",
            "activities": "What will you do?",
            "beneficiaries": "Who will benefit, and how will you reach them?",
            "partnership": "How will you work with the CATCH partnership, the police and local services?",
        }
        help_texts = {
            "title": "A short name we can use in letters, for example 'Hate crime reporting centre in Hackney'.",
            "summary": "In 100 words or fewer. We may publish this summary if you get a grant.",
            "need": "Tell us about the hate crime Disabled people experience in your area and what stops them getting help.",
            "activities": "For example one-to-one support, helping people report to the police, awareness sessions.",
            "beneficiaries": "Tell us who the project is for and how many people you expect to support.",
            "partnership": "CATCH is the Community Alliance to Combat Hate. Tell us who you will refer people to and how.",
        }

    def __init__(self, *args, round_, media_answers=(), allow_media=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        self.media_answers = set(media_answers)
        self.fields["boroughs"].choices = borough_choices()
        self.fields["amount_requested"].help_text = (
            f"Between {pounds(round_.minimum_award)} and {pounds(round_.maximum_award)}."
        )
        for name, limit in WORD_LIMITS.items():
            self.fields[name].required = True
            self.fields[name].validators.append(MaxWordsValidator(limit, ANSWER_SUBJECTS[name]))
        self.fields["title"].required = True
        messages = {
            "title": "Enter a name for your project",
            "summary": "Summarise your project",
            "need": "Tell us what need your project will meet",
            "activities": "Tell us what you will do",
            "beneficiaries": "Tell us who will benefit",
            "partnership": "Tell us how you will work with CATCH, the police and local services",
        }
        for name, message in messages.items():
            self.fields[name].error_messages["required"] = message
        layout = [Field.text("title"), Field.textarea("summary", rows=4, max_words=WORD_LIMITS["summary"])]
        for name in LONG_ANSWERS:
            layout.append(Field.textarea(name, rows=8, max_words=WORD_LIMITS[name]))
            if allow_media:
                media_field = f"{name}_media"
                self.fields[media_field] = forms.FileField(
                    label="Or upload a BSL video or audio answer instead",
                    required=False,
                    help_text=(
                        "You have already uploaded an answer. Upload a new file to replace it."
                        if name in self.media_answers
                        else "MP4, MOV, WEBM, MP3, M4A, WAV or OGG."
                    ),
                    widget=forms.ClearableFileInput(attrs={"accept": MEDIA.accept}),
                )
                self.fields[name].required = False
                layout.append(Field(media_field))
        layout += [Field.checkboxes("boroughs", legend_size=Size.SMALL, small=True), Field.text("amount_requested")]
        self.helper.layout = Layout(*layout)

    def clean(self):
        cleaned = super().clean()
        self.media_types = {}
        for name in LONG_ANSWERS:
            media = cleaned.get(f"{name}_media")
            if media:
                try:
                    self.media_types[name] = check_media_answer(media, subject="The video or audio answer")
                except forms.ValidationError as error:
                    self.add_error(f"{name}_media", error)
                    continue
            has_media = bool(media) or name in self.media_answers
            if not cleaned.get(name) and not has_media and not self.has_error(name):
                self.add_error(name, self.fields[name].error_messages["required"] + ", or upload a video or audio answer")
        amount = cleaned.get("amount_requested")
        if amount is not None and not (self.round.minimum_award <= amount <= self.round.maximum_award):
            self.add_error(
                "amount_requested",
                f"Ask for between {pounds(self.round.minimum_award)} and {pounds(self.round.maximum_award)}",
            )
        return cleaned

    def note_stored(self, field_name: str, name: str) -> None:
        note_stored(self, field_name, name)

    def media_uploads(self) -> dict:
        """Video or audio answers that passed their checks: question -> (file, content type)."""
        return {name: (self.cleaned_data[f"{name}_media"], content_type) for name, content_type in self.media_types.items()}


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
    amount = PoundsField(label="Amount", required_message="Enter the amount", subject="the amount",
                         min_value=Decimal("0.01"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].error_messages["min_value"] = "The amount must be more than £0"
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


# Around the application ---------------------------------------------------------------------------------------------


class WithdrawForm(GovukFormMixin, forms.Form):
    submit_label = "Withdraw application"

    reason = LongTextField(label="Why are you withdrawing? (optional)", required=False, max_length=1000)


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
