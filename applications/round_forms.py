"""The forms of a round's set-up pages: each asks for one task's settings in everyday words and checks them."""

from datetime import datetime, time
from decimal import Decimal

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.conf import settings
from django.utils import timezone
from zoneinfo import ZoneInfo

from applications.models import DocumentKind, Indicator, Question, Round, tranche_schedule_problems
from applications.questions import CONDITION_KINDS, question_problems
from core.fields import CountField, DateField, LongTextField, PoundsField, YesNoField
from core.forms import GovukFormMixin, Text
from core.templatetags.govuk import plain_number

LONDON = ZoneInfo(settings.TIME_ZONE)
# A round opens at the start of its first day and closes at the end of its last, London time.
OPENS_AT, CLOSES_AT = time(0, 0), time(23, 59)


class RoundSetupForm(GovukFormMixin, forms.Form):
    """A set-up page's form: `initial_from(round_)` fills it from the round, `changes()` gives the round's fields."""

    submit_label = "Save and return to the set-up"
    # The round's own fields the form sets.
    round_fields: tuple[str, ...] = ()
    # Numbers of days that must be at least 1.
    days: tuple[str, ...] = ()

    def __init__(self, *args, changeable: set[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lock_all_but(changeable)

    def lock_all_but(self, changeable: set[str] | None) -> None:
        """`changeable` names the only fields that may change (once the round is open): the rest are not asked (the
        page shows them instead), and a form with none to change has no button. None: every field may change."""
        if changeable is None:
            return
        for name in set(self.fields) - changeable:
            del self.fields[name]
        if not self.fields:
            self.helper.inputs = []
            self.helper.layout = Layout()

    @property
    def has_changeable_fields(self) -> bool:
        return bool(self.fields)

    def clean(self):
        cleaned = super().clean()
        for name in self.days:
            if cleaned.get(name) == 0:
                self.add_error(name, forms.ValidationError(f"{self.fields[name].label} must be at least 1",
                                                           code="too_few"))
        return cleaned

    @classmethod
    def initial_from(cls, round_: Round) -> dict:
        return {name: getattr(round_, name) for name in cls.base_fields}

    def changes(self) -> dict:
        return dict(self.cleaned_data)


class RoundDetailsForm(RoundSetupForm):
    round_fields = ("name", "reference_prefix", "summary", "opens_at", "closes_at", "quarters")
    name = forms.CharField(label="Name of the round", max_length=200,
                           error_messages={"required": "Enter the name of the round"})
    reference_prefix = forms.RegexField(
        label="Reference prefix", regex=r"^[A-Z0-9]{2,10}$", max_length=10,
        help_text="Starts every application reference in this round: 2 to 10 capital letters or digits, like DHC28.",
        error_messages={"required": "Enter the reference prefix",
                        "invalid": "The reference prefix must be 2 to 10 capital letters or digits, like DHC28"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    summary = LongTextField(label="Summary", rows=4, max_length=2000,
                            help_text="One paragraph in plain English: what the round funds and who can apply.",
                            error_messages={"required": "Enter a summary of the round"})
    opens_on = DateField(label="Opening date", required_message="Enter the date the round opens",
                         help_text="It opens at the start of this day. For example, 1 4 2028")
    closes_on = DateField(label="Closing date", required_message="Enter the date the round closes",
                          help_text="It closes at 11:59pm on this day, London time. For example, 30 6 2028")
    quarters = forms.TypedChoiceField(
        label="How long is each grant?", coerce=int, widget=forms.RadioSelect,
        choices=[(quarters, f"{quarters * 3} months ({quarters} quarters)") for quarters in (2, 4, 6, 8, 12)],
        error_messages={"required": "Select how long each grant is"},
    )

    def __init__(self, *args, taken_names=(), taken_prefixes=(), schedule=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.taken_names = {name.casefold() for name in taken_names}
        self.taken_prefixes = set(taken_prefixes)
        # The quarters whose returns release a part of the grant: a shorter grant would leave them out.
        self.paid_after_quarters = [part["quarter"] for part in schedule if part.get("after") == "return"]

    @classmethod
    def initial_from(cls, round_: Round) -> dict:
        return {
            "name": round_.name, "reference_prefix": round_.reference_prefix, "summary": round_.summary,
            "opens_on": timezone.localtime(round_.opens_at, LONDON).date(),
            "closes_on": timezone.localtime(round_.closes_at, LONDON).date(), "quarters": round_.quarters,
        }

    def clean_name(self):
        name = self.cleaned_data["name"]
        if name.casefold() in self.taken_names:
            raise forms.ValidationError("Another round has this name: choose another, so that applicants can tell "
                                        "them apart", code="taken")
        return name

    def clean_reference_prefix(self):
        prefix = self.cleaned_data["reference_prefix"]
        if prefix in self.taken_prefixes:
            raise forms.ValidationError("Another round uses this reference prefix: choose another", code="taken")
        return prefix

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", forms.ValidationError("The closing date must be on or after the opening date",
                                                              code="before_opening"))
        elif closes and closes != self.initial.get("closes_on") and closes < timezone.localdate():
            self.add_error("closes_on", forms.ValidationError("The closing date must be today or in the future",
                                                              code="past"))
        quarters = cleaned.get("quarters")
        if quarters and any(quarter > quarters for quarter in self.paid_after_quarters):
            self.add_error("quarters", forms.ValidationError(
                f"Part of each grant is paid after the quarter {max(self.paid_after_quarters)} return: change how "
                "grants are paid first, or choose a longer grant", code="schedule"))
        return cleaned

    def changes(self) -> dict:
        """The round's fields from the answers. A date left as it was keeps the round's own time that day (a
        round copied from one closing at noon still closes at noon), as the form asks for the day only."""
        data = super().changes()
        for day, moment, at in (("opens_on", "opens_at", OPENS_AT), ("closes_on", "closes_at", CLOSES_AT)):
            if day in data:
                value = data.pop(day)
                if value != self.initial.get(day):
                    data[moment] = datetime.combine(value, at, tzinfo=LONDON)
        return data


class RoundNewForm(RoundDetailsForm):
    """A new round: its name, summary and dates, and its budget, which every round must have."""

    submit_label = "Start setting the round up"
    budget = PoundsField(label="Ringfenced budget", max_digits=12, subject="the budget", positive=True,
                         required_message="Enter the ringfenced budget",
                         help_text="Awards can never add up to more than this. You can change it until the round opens.")


class RoundMoneyForm(RoundSetupForm):
    round_fields = ("budget", "minimum_award", "maximum_award", "variation_threshold",
                    "variation_later_end_needs_second")
    budget = PoundsField(label="Ringfenced budget", max_digits=12, subject="the budget", positive=True,
                         required_message="Enter the ringfenced budget",
                         help_text="Awards can never add up to more than this.")
    minimum_award = PoundsField(label="Smallest award", subject="the smallest award", positive=True,
                                required_message="Enter the smallest award")
    maximum_award = PoundsField(label="Largest award", subject="the largest award",
                                required_message="Enter the largest award")
    variation_threshold = CountField(
        label="A change to a grant needs a second programme manager when it moves or changes more than (%)",
        max_value=100, subject="the share of the grant", required_message="Enter the share of the grant, from 0 to 100",
        help_text="Measured on the money moved between budget lines plus any change to the grant's total. Below it, "
                  "one programme manager's approval is enough. 10% is usual.",
    )
    variation_later_end_needs_second = YesNoField(
        label="Does a later end date always need a second programme manager?",
        required_message="Select yes if a later end date always needs a second programme manager",
    )

    def clean(self):
        cleaned = super().clean()
        budget, smallest, largest = (cleaned.get(name) for name in ("budget", "minimum_award", "maximum_award"))
        if smallest is not None and largest is not None and largest < smallest:
            self.add_error("maximum_award", forms.ValidationError(
                "The largest award must be at least the smallest award", code="below_smallest"))
        if budget is not None and largest is not None and largest > budget:
            self.add_error("maximum_award", forms.ValidationError(
                "The largest award cannot be more than the budget", code="above_budget"))
        return cleaned


class RoundEligibilityForm(RoundSetupForm):
    round_fields = ("minimum_disabled_board_share", "requires_disabled_leader", "minimum_disabled_staff_share",
                    "income_cap", "requires_safeguarding_policy", "requires_governing_document", "required_documents")
    minimum_disabled_board_share = CountField(
        label="Smallest share of the board who must be Disabled people (%)", max_value=100,
        subject="the share of the board", required_message="Enter the smallest share of the board, from 0 to 100",
        help_text="75% or more is the usual rule for a Deaf and Disabled People's Organisation.",
    )
    requires_disabled_leader = YesNoField(label="Must the chair or chief officer be a Disabled person?",
                                          required_message="Select yes if the chair or chief officer must be Disabled")
    minimum_disabled_staff_share = CountField(
        label="Smallest share of staff who must be Disabled people (%) (optional)", max_value=100, required=False,
        subject="the share of staff", required_message="",
        help_text="Leave it empty to not ask about staff. Trust for London's definition uses 50%.",
    )
    income_cap = PoundsField(label="Annual income must be under", max_digits=12, subject="the income limit",
                             positive=True, required_message="Enter the income limit")
    requires_safeguarding_policy = YesNoField(label="Must organisations have a safeguarding policy?",
                                              required_message="Select yes if a safeguarding policy is needed")
    requires_governing_document = YesNoField(label="Must organisations have a governing document?",
                                             required_message="Select yes if a governing document is needed")
    required_documents = forms.MultipleChoiceField(
        label="Which documents must every application include?", required=False, choices=DocumentKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class RoundScoringForm(RoundSetupForm):
    round_fields = ("score_scale_max", "assessors_per_application", "moderation_threshold", "tie_break",
                    "scores_due_days")
    score_scale_max = forms.TypedChoiceField(
        label="Assessors score each criterion from 0 to", coerce=int, widget=forms.RadioSelect,
        choices=[(top, str(top)) for top in (3, 4, 5, 6, 10)],
        error_messages={"required": "Select the highest score"},
    )
    assessors_per_application = forms.TypedChoiceField(
        label="How many assessors score each application?", coerce=int, widget=forms.RadioSelect,
        choices=[(count, str(count)) for count in range(1, 6)],
        error_messages={"required": "Select how many assessors score each application"},
    )
    moderation_threshold = CountField(
        label="Scores this far apart, or further, need moderating", max_value=10, subject="the gap",
        required_message="Enter how far apart scores can be before they need moderating",
    )
    tie_break = forms.ChoiceField(label="When two applications have the same total", choices=Round.TieBreak.choices,
                                  widget=forms.RadioSelect, error_messages={"required": "Select how ties are broken"})
    scores_due_days = CountField(label="Days after closing that assessors have to send their scores", max_value=365,
                                 subject="the days for scores", required_message="Enter the days for scores")
    days = ("scores_due_days",)

    def clean(self):
        cleaned = super().clean()
        top, gap = cleaned.get("score_scale_max"), cleaned.get("moderation_threshold")
        if top is not None and gap is not None and not 1 <= gap <= top:
            self.add_error("moderation_threshold", forms.ValidationError(
                f"Scores run from 0 to {top}: enter a gap from 1 to {top}", code="outside_scale"))
        return cleaned


class RoundPaymentsForm(RoundSetupForm):
    """The tranche schedule as one share for each thing that can release a tranche: acceptance, or the return of
    one of the grant's quarters. A share left empty is no tranche."""

    round_fields = ("offer_acceptance_days", "return_due_days", "tranche_schedule")
    offer_acceptance_days = CountField(label="Days a grantee has to accept an offer", max_value=365,
                                       subject="the days to accept", required_message="Enter the days to accept")
    return_due_days = CountField(label="Days after a quarter ends that its return is due", max_value=365,
                                 subject="the days for returns", required_message="Enter the days for returns")
    days = ("offer_acceptance_days", "return_due_days")

    def __init__(self, *args, quarters: int, changeable: set[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarters = quarters
        shares = ["share_acceptance", *(f"share_quarter_{quarter}" for quarter in range(1, quarters + 1))]
        self.fields["share_acceptance"] = self._share_field("Paid on accepting the offer (%)")
        for quarter in range(1, quarters + 1):
            self.fields[f"share_quarter_{quarter}"] = self._share_field(
                f"Paid when the quarter {quarter} return is accepted (%)")
        self.fields["share_end_report"] = self._share_field("Paid when the end-of-grant report is accepted (%)")
        shares.append("share_end_report")
        self.helper.layout = Layout(
            Field.text("offer_acceptance_days"), Field.text("return_due_days"),
            Fieldset(
                Text("div", "Each share is a part of every grant, paid when what it waits on happens. Leave a box "
                            "empty for no part then. The shares must add up to 100%.", "govuk-hint"),
                *(Field.text(name) for name in shares),
                legend="When each part of the grant is paid", legend_size=Size.MEDIUM,
            ),
        )
        self.lock_all_but(changeable)

    @staticmethod
    def _share_field(label: str) -> forms.DecimalField:
        return forms.DecimalField(
            label=label, required=False, min_value=Decimal("0.01"), max_value=100, max_digits=5, decimal_places=2,
            # Django fills these in with %, so a percent sign is written %%.
            error_messages={"invalid": "Enter a share like 25 or 12.5", "min_value": "A share must be more than 0%%",
                            "max_value": "A share cannot be more than 100%%",
                            "max_decimal_places": "A share can have at most 2 decimal places"},
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
        )

    @classmethod
    def initial_from(cls, round_: Round) -> dict:
        initial = {"offer_acceptance_days": round_.offer_acceptance_days, "return_due_days": round_.return_due_days}
        for part in round_.tranche_schedule:
            key = f"share_quarter_{part['quarter']}" if part["after"] == "return" else f"share_{part['after']}"
            initial[key] = plain_number(str(part["share"]))
        return initial

    def _schedule(self) -> list[dict]:
        shares = [("share_acceptance", {"after": "acceptance"})] + [
            (f"share_quarter_{quarter}", {"after": "return", "quarter": quarter})
            for quarter in range(1, self.quarters + 1)
        ] + [("share_end_report", {"after": "end_report"})]
        return [{"share": plain_number(self.cleaned_data[name]), **trigger}
                for name, trigger in shares if self.cleaned_data.get(name)]

    def clean(self):
        cleaned = super().clean()
        shares = [name for name in self.fields if name.startswith("share_")]
        if shares and not any(name in self.errors for name in shares):
            for problem in tranche_schedule_problems(self._schedule(), self.quarters):
                self.add_error("share_acceptance", forms.ValidationError(problem, code="schedule"))
        return cleaned

    def changes(self) -> dict:
        if not self.has_changeable_fields:
            return {}
        return {"offer_acceptance_days": self.cleaned_data["offer_acceptance_days"],
                "return_due_days": self.cleaned_data["return_due_days"], "tranche_schedule": self._schedule()}


class CriterionForm(GovukFormMixin, forms.Form):
    """A criterion, its weight, and what each score from 0 to the round's highest means."""

    submit_label = "Save criterion"

    name = forms.CharField(label="Criterion", max_length=200, error_messages={"required": "Enter the criterion"},
                           help_text="What assessors score, like ‘Need for the project’.")
    guidance = LongTextField(label="What assessors look for (optional)", required=False, max_length=2000)
    weight = forms.DecimalField(
        label="Weight (%)", min_value=Decimal("0.01"), max_value=100, max_digits=5, decimal_places=2,
        help_text="The criteria's weights must add up to 100%.",
        # Django fills these in with %, so a percent sign is written %%.
        error_messages={"required": "Enter the weight", "invalid": "Enter the weight as a number, like 25",
                        "min_value": "The weight must be more than 0%%",
                        "max_value": "The weight cannot be more than 100%%",
                        "max_decimal_places": "The weight can have at most 2 decimal places",
                        "max_digits": "The weight cannot be more than 100%%"},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
    )

    def __init__(self, *args, score_scale_max: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.scores = range(score_scale_max + 1)
        for score in self.scores:
            self.fields[f"means_{score}"] = forms.CharField(
                label=f"A score of {score} means", max_length=300,
                error_messages={"required": f"Enter what a score of {score} means"},
            )
        self.helper.layout = Layout(
            Field.text("name"), Field.textarea("guidance"), Field.text("weight"),
            Fieldset(
                Text("div", "So that assessors score alike, say what each score means for this criterion.",
                     "govuk-hint"),
                *(Field.text(f"means_{score}") for score in self.scores),
                legend="What each score means", legend_size=Size.MEDIUM,
            ),
        )

    @staticmethod
    def initial_from(criterion) -> dict:
        return {"name": criterion.name, "guidance": criterion.guidance, "weight": plain_number(criterion.weight),
                **{f"means_{descriptor.score}": descriptor.description for descriptor in criterion.descriptors.all()}}

    def fields_and_descriptions(self) -> tuple[dict, dict[int, str]]:
        fields = {name: self.cleaned_data[name] for name in ("name", "guidance", "weight")}
        return fields, {score: self.cleaned_data[f"means_{score}"] for score in self.scores}


class IndicatorForm(GovukFormMixin, forms.Form):
    submit_label = "Save indicator"

    name = forms.CharField(label="What grantees count", max_length=200,
                           error_messages={"required": "Enter what grantees count"},
                           help_text="Like ‘Disabled victims supported’.")
    guidance = forms.CharField(label="Guidance for grantees (optional)", max_length=300, required=False)
    kind = forms.ChoiceField(label="What a return gives", choices=Indicator.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select what a return gives"})
    options = forms.CharField(
        label="Categories or answers (counts by category and surveys only)", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Put each on its own line, like ‘Very or fairly satisfied’. Never anything that identifies a person.",
    )
    unit = forms.ChoiceField(label="Counted as", choices=Indicator.Unit.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select how it is counted"})
    has_target = YesNoField(label="Do applicants promise a number for each quarter?",
                            required_message="Select yes if applicants promise a number for each quarter")
    part_of = forms.ModelChoiceField(
        label="Is it part of another indicator? (optional)", queryset=Indicator.objects.none(), required=False,
        empty_label="No, it stands on its own",
        help_text="Like ‘Reports the police took’, part of ‘Reports made’: a return can never give more of the part.",
    )

    def __init__(self, *args, round_: Round, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        others = round_.indicators.order_by("position", "id")
        self.fields["part_of"].queryset = others.exclude(pk=indicator.pk) if indicator else others

    def clean_options(self) -> list[str]:
        options = [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]
        if any(len(option) > 100 for option in options):
            raise forms.ValidationError("Each category or answer must be 100 characters or fewer")
        if len({option.casefold() for option in options}) < len(options):
            raise forms.ValidationError("Give each category or answer once")
        return options

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in (Indicator.Kind.BY_CATEGORY, Indicator.Kind.SURVEY):
            if "options" in cleaned and len(cleaned["options"]) < 2:
                self.add_error("options", "Give at least two categories or answers, each on its own line")
        else:
            cleaned["options"] = []
        if kind and kind != Indicator.Kind.COUNT and cleaned.get("unit") == Indicator.Unit.PERCENTAGE:
            self.add_error("unit", "Only an indicator given as one number can be a percentage")
        return cleaned

    @staticmethod
    def initial_from(indicator) -> dict:
        return {name: getattr(indicator, name) for name in ("name", "guidance", "kind", "unit", "has_target", "part_of")
                } | {"options": "\n".join(indicator.options)}


class SectionSetUpForm(GovukFormMixin, forms.Form):
    submit_label = "Save section"

    title = forms.CharField(label="Section title", max_length=100, error_messages={"required": "Enter the section's title"},
                            help_text="Like ‘Your project’. Applicants see it in their list of sections.")
    intro = forms.CharField(label="What applicants should know before they answer (optional)", max_length=500,
                            required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @staticmethod
    def initial_from(section) -> dict:
        return {"title": section.title, "intro": section.intro}


QUESTION_FIELDS = ("label", "hint", "kind", "required", "max_words", "max_chars", "choices", "recording_allowed",
                   "shown_if", "shown_if_answer", "is_title", "is_description")


class QuestionSetUpForm(GovukFormMixin, forms.Form):
    """A question's words, kind and rules. Settings that do not apply to its kind are dropped, so a question once a
    choice and now text keeps no options behind."""

    submit_label = "Save question"

    label = forms.CharField(label="Question", max_length=300, error_messages={"required": "Enter the question"})
    hint = forms.CharField(label="Hint (optional)", max_length=500, required=False,
                           help_text="Shown under the question, to help people answer it.")
    kind = forms.ChoiceField(label="Kind of answer", choices=Question.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select the kind of answer"})
    required = YesNoField(label="Must applicants answer it?", required_message="Select yes if applicants must answer it")
    max_words = CountField(label="Word limit (optional, written answers only)", required=False, min_value=1,
                           max_value=5000, required_message="", subject="the word limit")
    max_chars = CountField(label="Character limit (optional, written answers only)", required=False, min_value=1,
                           max_value=20_000, required_message="", subject="the character limit")
    choices = forms.CharField(label="Options (questions with options only)", required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4}), help_text="Put each option on its own line.")
    recording_allowed = forms.BooleanField(
        label="Applicants who asked to answer in BSL or audio may upload a recording instead (written answers only)",
        required=False,
    )
    shown_if = forms.ModelChoiceField(
        label="Ask it only for an answer to an earlier question? (optional)", queryset=Question.objects.none(),
        required=False, empty_label="No, always ask it",
        help_text="Only yes or no questions and questions with options can decide whether another is asked.",
    )
    shown_if_answer = forms.CharField(label="The answer it is asked for", max_length=200, required=False,
                                      help_text="Like ‘Yes’, or one of the options, written as it is.")
    is_title = forms.BooleanField(label="Its answer is the project's name, in letters and published data",
                                  required=False)
    is_description = forms.BooleanField(label="Its answer is the project's published summary", required=False)

    def __init__(self, *args, section, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.section, self.question = section, question
        conditions = Question.objects.filter(section__round=section.round_id, kind__in=CONDITION_KINDS).select_related(
            "section")
        self.fields["shown_if"].queryset = conditions.exclude(pk=question.pk) if question else conditions
        self.fields["shown_if"].label_from_instance = lambda asked: f"{asked.section.title}: {asked.label}"

    def clean_choices(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        written = kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT)
        if kind not in (Question.Kind.ONE_CHOICE, Question.Kind.SEVERAL_CHOICES):
            cleaned["choices"] = []
        if not written:
            cleaned.update(max_words=None, max_chars=None, recording_allowed=False)
        if cleaned.get("shown_if") is None:
            if cleaned.get("shown_if_answer", "").strip():
                self.add_error("shown_if", "Choose the question whose answer decides whether this one is asked")
            cleaned["shown_if_answer"] = ""
        elif not cleaned.get("shown_if_answer", "").strip():
            self.add_error("shown_if_answer", "Enter the answer that makes the question appear")
        if not self.errors:
            self._check_rules(cleaned)
        return cleaned

    def _check_rules(self, cleaned: dict) -> None:
        """The rules a question is held to (questions.question_problems), each beside the setting it is about."""
        candidate = Question(pk=self.question.pk if self.question else None, section=self.section,
                             position=self.question.position if self.question else 32767,
                             **{name: cleaned[name] for name in QUESTION_FIELDS})
        others = Question.objects.filter(section__round=self.section.round_id).select_related("section")
        for field, message in question_problems(candidate, [other for other in others if other.pk != candidate.pk]):
            self.add_error(field if field in self.fields else None, message)

    @staticmethod
    def initial_from(question) -> dict:
        return {name: getattr(question, name) for name in QUESTION_FIELDS} | {"choices": "\n".join(question.choices)}
