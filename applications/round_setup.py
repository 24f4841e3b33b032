"""Setting a round up: the tasks a programme manager works through before it opens, what each still lacks, and the
words for what a change to the set-up changed."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from applications.models import DocumentKind, Question, Round, tranche_schedule_problems
from applications.questions import round_question_problems
from applications.selectors import panel_of
from core.templatetags.govuk import govuk_datetime, plain_number, pounds


@dataclass(frozen=True)
class SetupTask:
    name: str
    url: str
    problems: list[str]
    # What of it can still change once the round has opened, in words; nothing unless said.
    once_open: str = ""


def _details_problems(round_: Round) -> list[str]:
    return ["The round's closing time has passed: set a later one."] if round_.closes_at <= timezone.now() else []


def criteria_problems(round_: Round, criteria=None) -> list[str]:
    """What stops a round's criteria being used for scoring: none yet, weights that do not add up to 100%, or a
    score whose meaning is not written down. A page that has loaded the criteria with their descriptors already
    passes them, so they are not read twice."""
    criteria = list(round_.criteria.prefetch_related("descriptors") if criteria is None else criteria)
    if not criteria:
        return ["The round has no criteria for assessors to score against."]
    problems = []
    total = sum(criterion.weight for criterion in criteria)
    if total != 100:
        problems.append(f"The criteria's weights add up to {plain_number(total)}%: they must add up to 100%.")
    for criterion in criteria:
        described = {descriptor.score for descriptor in criterion.descriptors.all()}
        missing = [str(score) for score in range(round_.score_scale_max + 1) if score not in described]
        if missing:
            problems.append(f"‘{criterion}’ has no description for a score of {', '.join(missing)}.")
    return problems


def _panel_problems(round_: Round) -> list[str]:
    members, needed = panel_of(round_).count(), round_.assessors_per_application
    if members >= needed:
        return []
    return [f"The panel has {members} assessor{pluralize(members)}: each application needs {needed}."]


def _indicator_problems(round_: Round) -> list[str]:
    if round_.indicators.exists():
        return []
    return ["The round has no indicators for grantees to count and report on."]


def _question_problems(round_: Round) -> list[str]:
    sections = round_.sections.annotate(asked=Count("questions")).order_by("position", "id")
    if not any(section.asked for section in sections):
        return ["The round has no questions for applicants to answer."]
    questions = list(Question.objects.filter(section__round=round_).select_related("section", "shown_if__section"))
    return [f"The section {section.title} has no questions." for section in sections if not section.asked] + (
        round_question_problems(questions)
    )


def round_setup_tasks(round_: Round) -> list[SetupTask]:
    """The round's set-up as a task list, each task with what stops the round opening, if anything."""
    def page(name: str) -> str:
        return reverse(f"applications:{name}", kwargs={"pk": round_.pk})

    return [
        SetupTask("Name, summary and dates", page("round_details"), _details_problems(round_),
                  once_open="Name and summary can change"),
        SetupTask("Budget and award limits", page("round_money"), []),
        SetupTask("Who can apply", page("round_eligibility"), []),
        SetupTask("How applications are scored", page("round_scoring"), []),
        SetupTask("How grants are paid, and deadlines for offers and returns", page("round_payments"),
                  tranche_schedule_problems(round_.tranche_schedule, round_.quarters)),
        SetupTask("Questions applicants answer", page("round_questions"), _question_problems(round_)),
        SetupTask("Criteria, weights and what each score means", page("round_criteria"), criteria_problems(round_)),
        SetupTask("Indicators grantees report on", page("round_indicators"), _indicator_problems(round_)),
        SetupTask("Panel of assessors", reverse("assessment:panel", kwargs={"pk": round_.pk}), _panel_problems(round_),
                  once_open="Can change"),
    ]


def round_setup_gaps(round_: Round) -> list[str]:
    return [problem for task in round_setup_tasks(round_) for problem in task.problems]


def schedule_in_words(schedule) -> str:
    """'50% on acceptance, 25% after the quarter 2 return, 25% after the quarter 4 return'."""
    def part_in_words(part: dict) -> str:
        share = f"{plain_number(str(part['share']))}%"
        if part.get("after") == "acceptance":
            return f"{share} on acceptance"
        if part.get("after") == "end_report":
            return f"{share} after the end-of-grant report"
        return f"{share} after the quarter {part.get('quarter')} return"

    return ", ".join(part_in_words(part) for part in schedule)


# Set-up values shown as amounts of money.
MONEY_FIELDS = {"budget", "minimum_award", "maximum_award", "income_cap"}


def value_in_words(model, name: str, value) -> str:
    """A value of a round, criterion, indicator, section or question as its pages show it, for the history of what
    changed."""
    if value is None or value == "":
        return "not set"
    if name == "tranche_schedule":
        return schedule_in_words(value)
    if name == "required_documents":
        return ", ".join(DocumentKind(kind).label for kind in value) or "none"
    if name in MONEY_FIELDS:
        return pounds(value)
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return govuk_datetime(value)
    if isinstance(value, Decimal):
        return plain_number(value)
    field = model._meta.get_field(name)
    return str(dict(field.flatchoices).get(value, value)) if field.choices else str(value)


def changes_in_words(model, before: dict, after: dict) -> list[list[str]]:
    """[what, before, after] for each field that changed, as `{changes:changes}` in an audit sentence reads them."""
    return [[str(model._meta.get_field(name).verbose_name), value_in_words(model, name, before[name]),
             value_in_words(model, name, after[name])] for name in after if after[name] != before[name]]
