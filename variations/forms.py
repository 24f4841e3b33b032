"""Forms for asking to change a grant, and for approving, confirming and refusing the change."""

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms

from core.fields import CountField, DateField, LongTextField, PoundsField
from core.forms import GovukFormMixin, Text
from core.templatetags.govuk import govuk_date, pounds
from variations.changes import CHANGEABLE_TRANCHES, Asked, GrantState

# Payment parts wait for one of the grant's quarterly returns; a grant runs to 12 quarters at most, with room for an
# extension beyond. The service checks the quarter is one the grant has.
QUARTERS = range(1, 17)


class VariationForm(GovukFormMixin, forms.Form):
    """The grant as it stands, every value ready to change: what is changed is what is asked for."""

    submit_label = "Ask for the change"

    reason = LongTextField(
        label="Why do you need to change the grant?", rows=5,
        help_text="Tell us what has happened and how the change helps the project.",
        error_messages={"required": "Say why you need to change the grant"},
    )

    def __init__(self, *args, state: GrantState, **kwargs):
        super().__init__(*args, **kwargs)
        self.state = state
        award = state.award
        self.tranches = [t for t in state.tranches if t.status in CHANGEABLE_TRANCHES]
        for line in state.lines:
            self.fields[f"line_{line.pk}"] = PoundsField(
                label=str(line), subject=f"the budget for {line.description.lower()}", positive=True,
                required_message=f"Enter the budget for {line.description.lower()}", initial=line.amount,
            )
        self.fields["ends_on"] = DateField(
            label="End date", required_message="Enter the end date", required=False, initial=award.ends_on,
            help_text=f"The grant ends on {govuk_date(award.ends_on)}. To end later, give the new date, for "
                      "example 31 3 2028. A return is added for each quarter it passes into." if award.ends_on else "",
        )
        self.fields["amount"] = PoundsField(
            label="Total grant", subject="the total grant", positive=True, initial=award.amount,
            required_message="Enter the total grant",
            help_text=f"The grant is {pounds(award.amount)}, of which {pounds(state.paid)} has been paid. It cannot "
                      "go below what has been paid, and more depends on the money left in the round.",
        )
        for tranche in self.tranches:
            scheduled = tranche.status == tranche.Status.SCHEDULED
            self.fields[f"part_{tranche.number}_amount"] = PoundsField(
                label=f"Part {tranche.number}: amount", subject=f"part {tranche.number}", positive=True,
                required_message=f"Enter the amount of part {tranche.number}", initial=tranche.amount,
                help_text=("It is due for payment now, so only its amount can change." if not scheduled else
                           "It is paid once the end-of-grant report is accepted." if tranche.waits_for_end_report
                           else ""),
            )
            if scheduled and not tranche.waits_for_end_report:
                self.fields[f"part_{tranche.number}_quarter"] = forms.TypedChoiceField(
                    label=f"Part {tranche.number}: paid after the return for quarter", coerce=int,
                    choices=[(quarter, str(quarter)) for quarter in QUARTERS], initial=tranche.after_quarter,
                    error_messages={"required": f"Choose the quarter whose return releases part {tranche.number}"},
                )
        self.new_number = max((t.number for t in state.tranches), default=0) + 1
        self.fields["new_part_amount"] = PoundsField(
            label=f"A new part {self.new_number} (optional): amount", subject="the new part", positive=True,
            required=False, required_message="",
            help_text="Only if the payments need another part, for example for money added to the grant.",
        )
        self.fields["new_part_quarter"] = forms.TypedChoiceField(
            label=f"A new part {self.new_number}: paid after the return for quarter", coerce=int, required=False,
            empty_value=None, choices=[("", "No new part"), *[(quarter, str(quarter)) for quarter in QUARTERS]],
        )
        for target in state.targets:
            self.fields[f"target_{target.pk}"] = CountField(
                label=f"{target.indicator.name}, quarter {target.quarter}", subject="the target",
                required_message="Enter the target", initial=target.target,
            )
        self.helper.layout = Layout(
            Field.textarea("reason"),
            *([Fieldset(
                Text("div", f"Move money between budget lines: they must still add up to {pounds(state.budget_total)}.",
                     "govuk-hint"),
                *(Field.text(f"line_{line.pk}") for line in state.lines),
                legend="Budget", legend_size=Size.MEDIUM,
            )] if state.lines else []),
            Fieldset(Field("ends_on"), legend="When the grant ends", legend_size=Size.MEDIUM),
            Fieldset(Field.text("amount"), legend="How much the grant is", legend_size=Size.MEDIUM),
            Fieldset(
                Text("div", "Parts already paid, or being paid, cannot change. The parts must add up to the total "
                            "grant.", "govuk-hint"),
                *[Field.text(name) if name.endswith("amount") else Field.select(name)
                  for name in self.fields if name.startswith(("part_", "new_part_"))],
                legend="Payments still to come", legend_size=Size.MEDIUM,
            ),
            *([Fieldset(*(Field.text(f"target_{target.pk}") for target in state.targets),
                        legend="Outcome targets", legend_size=Size.MEDIUM)] if state.targets else []),
        )

    def clean(self):
        cleaned = super().clean()
        amount, quarter = cleaned.get("new_part_amount"), cleaned.get("new_part_quarter")
        if amount and not quarter:
            self.add_error("new_part_quarter", forms.ValidationError(
                "Choose the quarter whose return releases the new part", code="required"))
        if quarter and not amount and not self.has_error("new_part_amount"):
            self.add_error("new_part_amount", forms.ValidationError("Enter the amount of the new part", code="required"))
        return cleaned

    def asked(self) -> Asked:
        """What differs from the grant as it stands."""
        data, state = self.cleaned_data, self.state
        award = state.award
        parts = []
        for tranche in self.tranches:
            amount = data[f"part_{tranche.number}_amount"]
            quarter = data.get(f"part_{tranche.number}_quarter", tranche.after_quarter)
            if amount != tranche.amount or quarter != tranche.after_quarter:
                parts.append({"number": tranche.number, "amount": amount, "quarter": quarter})
        if data.get("new_part_amount"):
            parts.append({"number": self.new_number, "amount": data["new_part_amount"],
                          "quarter": data["new_part_quarter"]})
        return Asked(
            budget={line.pk: data[f"line_{line.pk}"] for line in state.lines
                    if data[f"line_{line.pk}"] != line.amount},
            ends_on=data["ends_on"] if data.get("ends_on") and data["ends_on"] != award.ends_on else None,
            targets={target.pk: data[f"target_{target.pk}"] for target in state.targets
                     if data[f"target_{target.pk}"] != target.target},
            tranches=parts,
            amount_change=data["amount"] - award.amount,
        )


class ApproveForm(GovukFormMixin, forms.Form):
    submit_label = "Approve the change"


class ConfirmForm(GovukFormMixin, forms.Form):
    submit_label = "Confirm the change"

    # When the approval the page showed was made: one made again since is not confirmed unseen.
    shown = forms.CharField(widget=forms.HiddenInput)


class RefuseForm(GovukFormMixin, forms.Form):
    submit_label = "Refuse the change"

    reason = LongTextField(
        label="Why are you refusing the change?",
        help_text="The grantee reads this on the change's page. Say what they could ask for instead, if anything.",
        error_messages={"required": "Say why you are refusing the change"},
    )
