"""Forms for decisions, letters and accepting an offer."""

from django import forms
from django.utils import timezone

from core.fields import DateField, LongTextField, PoundsField, YesNoField
from core.forms import GovukFormMixin
from grants.models import Decision


class DecisionForm(GovukFormMixin, forms.Form):
    submit_label = "Save decision"

    outcome = forms.ChoiceField(
        label="Decision", choices=Decision.Outcome.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to fund this application"},
    )
    amount = PoundsField(
        label="Amount to offer", required_message="Enter the amount to offer", subject="the amount to offer",
        required=False, help_text="Offer less than was asked for only with a reason.",
    )
    reason = LongTextField(
        label="Reason", required=False,
        help_text="Needed when your decision is different from what the ranking proposes. The programme manager who "
                  "checks your decision sees it.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Decision.Outcome.FUND and not cleaned.get("amount") and not self.has_error("amount"):
            self.add_error("amount", "Enter the amount to offer")
        return cleaned


class SendBackForm(GovukFormMixin, forms.Form):
    submit_label = "Send back"

    reason = LongTextField(
        label="Why are you sending this decision back?",
        help_text="The programme manager who proposed it will see this on the decisions page, revise the decision "
                  "and propose it again.",
        error_messages={"required": "Say why you are sending the decision back"},
    )
    # The decision as the page showed it (`id@when it was proposed`): one proposed again since is not sent back.
    shown = forms.CharField(widget=forms.HiddenInput, required=False)


class CorrectionForm(GovukFormMixin, forms.Form):
    submit_label = "Issue a corrected letter"

    reason = LongTextField(
        label="What does the correction change, and why?",
        error_messages={"required": "Say what the correction changes and why"},
    )


class AcceptForm(GovukFormMixin, forms.Form):
    submit_label = "Accept the offer"

    name = forms.CharField(label="Your full name", max_length=150, error_messages={"required": "Enter your full name"})
    role = forms.CharField(label="Your role in the organisation", max_length=100,
                           error_messages={"required": "Enter your role in the organisation"})
    agree = forms.BooleanField(
        label="I have read the offer letter and, on behalf of the organisation, agree to its conditions",
        error_messages={"required": "Confirm that you agree to the conditions of the grant"},
    )


class DeclineForm(GovukFormMixin, forms.Form):
    submit_label = "Decline the offer"

    confirm = YesNoField(label="Are you sure you want to decline the grant?", required_message="Select yes to decline")
    reason = LongTextField(label="Why are you declining? (optional)", required=False)


class BacsPaymentForm(GovukFormMixin, forms.Form):
    submit_label = "Record the payment"

    bank_reference = forms.CharField(
        label="Bank payment reference", max_length=50,
        help_text="The reference on the bank transfer you made, so it can be matched in the bank statement.",
        error_messages={"required": "Enter the bank payment reference"},
    )
    paid_on = DateField(label="Date paid", required_message="Enter the date the payment was made",
                        help_text="For example, 27 3 2027")

    def __init__(self, *args, tranche, **kwargs):
        super().__init__(*args, **kwargs)
        self.tranche = tranche

    def clean_paid_on(self):
        value = self.cleaned_data["paid_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date paid must be today or in the past", code="future")
        if too_early := self.tranche.paid_too_early(value):
            raise forms.ValidationError(too_early, code="before_acceptance")
        return value


class SuspendForm(GovukFormMixin, forms.Form):
    submit_label = "Suspend the grant"

    reason = LongTextField(
        label="Why are you suspending the grant?",
        help_text="The grantee reads this on their grant page. No payment is made while the grant is suspended; "
                  "their returns carry on.",
        error_messages={"required": "Say why you are suspending the grant"},
    )


class ResumeForm(GovukFormMixin, forms.Form):
    submit_label = "Lift the suspension"

    reason = LongTextField(
        label="Why are you lifting the suspension?",
        help_text="Payments that are due can be made again once it is lifted.",
        error_messages={"required": "Say why you are lifting the suspension"},
    )


class ClawbackForm(GovukFormMixin, forms.Form):
    submit_label = "Propose the clawback"

    amount = PoundsField(label="Amount to claw back", required_message="Enter the amount to claw back",
                         subject="the amount to claw back", positive=True)
    reason = LongTextField(
        label="Why is the money being clawed back?",
        help_text="The grantee reads this once another programme manager has confirmed the clawback.",
        error_messages={"required": "Say why the money is being clawed back"},
    )
    # The newest clawback the page showed, so that a second click proposes the clawback once.
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ClawbackRefuseForm(GovukFormMixin, forms.Form):
    submit_label = "Do not confirm"

    reason = LongTextField(
        label="Why are you not confirming the clawback?", help_text="The programme manager who proposed it sees this.",
        error_messages={"required": "Say why you are not confirming the clawback"},
    )


class RepaymentForm(GovukFormMixin, forms.Form):
    submit_label = "Record the repayment"

    amount = PoundsField(label="Amount received", required_message="Enter the amount received",
                         subject="the amount received", positive=True)
    received_on = DateField(label="Date received", required_message="Enter the date the money arrived",
                            help_text="For example, 27 3 2027")
    bank_reference = forms.CharField(
        label="Bank payment reference", max_length=50,
        help_text="The reference on the payment you received, so it can be matched in the bank statement.",
        error_messages={"required": "Enter the bank payment reference"},
    )

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date received must be today or in the past", code="future")
        return value
