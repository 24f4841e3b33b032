"""The rules of a round's own questions that every reader shares: how an answer is kept, how it reads in words, when a
conditional question is asked, and the standard set a round can start from."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from applications.models import Question
from applications.selectors import round_questions, round_sections
from core.templatetags.govuk import govuk_date, pounds

STANDARD_SECTION = {"slug": "project", "title": "Your project"}
# The questions the Disabled victims of hate crime round has always asked. A round can start from them and change them.
STANDARD_QUESTIONS = [
    {"code": "title", "kind": "short_text", "label": "Project name", "max_chars": 120, "is_title": True,
     "hint": "A short name we can use in letters, for example 'Hate crime reporting centre in Hackney'."},
    {"code": "summary", "kind": "long_text", "label": "Summarise your project", "max_words": 100, "is_description": True,
     "hint": "In 100 words or fewer. We may publish this summary if you get a grant."},
    {"code": "need", "kind": "long_text", "label": "What need will your project meet?", "max_words": 400,
     "recording_allowed": True,
     "hint": "Tell us about the hate crime Disabled people experience in your area and what stops them getting help."},
    {"code": "activities", "kind": "long_text", "label": "What will you do?", "max_words": 500, "recording_allowed": True,
     "hint": "For example one-to-one support, helping people report to the police, awareness sessions."},
    {"code": "beneficiaries", "kind": "long_text", "label": "Who will benefit, and how will you reach them?",
     "max_words": 300, "recording_allowed": True,
     "hint": "Tell us who the project is for and how many people you expect to support."},
    {"code": "partnership", "kind": "long_text",
     "label": "How will you work with the CATCH partnership, the police and local services?", "max_words": 300,
     "recording_allowed": True,
     "hint": "CATCH is the Community Alliance to Combat Hate. Tell us who you will refer people to and how."},
]


def stored_value(question: Question, value):
    """A cleaned answer as it is kept (JSON): money as a string of pounds and pence, a date as YYYY-MM-DD."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def as_posted(question: Question, value, prefix: str) -> dict[str, list[str]]:
    """A kept answer as its form posts it, the opposite of stored_value: a section sent before its answers were kept
    as rows, or made by the service, opens with them filled in."""
    name = f"{prefix}-{question.code}"
    if value in (None, "", []) or question.kind == Question.Kind.FILE:  # a kept file is not posted again
        return {}
    if question.kind == Question.Kind.DATE:
        day = date.fromisoformat(value)
        return {f"{name}_0": [str(day.day)], f"{name}_1": [str(day.month)], f"{name}_2": [str(day.year)]}
    if isinstance(value, list):
        return {name: [str(item) for item in value]}
    return {name: [str(value)]}


def sections_in_words(sections) -> str:
    return ", ".join(section.title for section in sections)


def answer_in_words(question: Question, value) -> str:
    """A kept answer as a person reads it, and as a condition on it is written ("Yes", "Online", "£1,200.00")."""
    if value in (None, "", []):
        return ""
    Kind = Question.Kind
    if question.kind == Kind.YES_NO:
        return "Yes" if value else "No"
    if question.kind == Kind.MONEY:
        return pounds(Decimal(value))
    if question.kind == Kind.DATE:
        return govuk_date(date.fromisoformat(value))
    if question.kind == Kind.SEVERAL_CHOICES:
        return ", ".join(value)
    return str(value)


def question_shown(question: Question, answers: dict) -> bool:
    """Whether a question is asked, given the answers so far ({code: kept value}); `question.shown_if` must be loaded."""
    if question.shown_if_id is None:
        return True
    condition = question.shown_if
    value = answers.get(condition.code)
    if condition.kind == Question.Kind.SEVERAL_CHOICES:
        return question.shown_if_answer in (value or [])
    return answer_in_words(condition, value) == question.shown_if_answer


@dataclass
class Change:
    """An answer changed after a programme manager asked for more information."""

    label: str
    before: str
    after: str


def information_changes(application) -> list[tuple]:
    """[(request, [Change])] for each answered request for more information, newest first: the answers that differ
    between when it was asked and when it was sent back. `application` should come from
    selectors.application_with_answers."""
    questions = {question.code: question for question in round_questions(application.round)}
    changes = []
    for request in application.information_requests.all():
        rows = []
        for code in dict.fromkeys([*request.before, *request.after]):
            before, after = request.before.get(code, [None, None]), request.after.get(code, [None, None])
            if before[1] != after[1] and code in questions:
                rows.append(Change(label=after[0] or before[0], before=answer_in_words(questions[code], before[1]),
                                   after=answer_in_words(questions[code], after[1])))
        changes.append((request, rows))
    return changes


@dataclass
class AnsweredQuestion:
    """One question as a reader of the application sees it: the words that were asked, the answer, any recording."""

    question: Question
    label: str
    words: str
    recording: object = None


def answered_sections(application) -> list[tuple]:
    """[(section, [AnsweredQuestion])] for each of the round's sections, with every question that is asked given the
    answers (each with the words it was answered under). `application` should come from
    selectors.application_with_answers, so this reads only the round's questions, once."""
    answers = {answer.question_id: answer for answer in application.answers.all()}
    recordings = application.media_answers_by_question()
    values = {}
    for question in round_questions(application.round):
        if question.pk in answers:
            values[question.code] = answers[question.pk].value
    return [
        (section, [
            AnsweredQuestion(
                question=question,
                label=answers[question.pk].label if question.pk in answers else question.label,
                words=answer_in_words(question, values.get(question.code)),
                recording=recordings.get(question.code),
            )
            for question in section.asked if question_shown(question, values)
        ])
        for section in round_sections(application.round)
    ]


CHOICE_KINDS = (Question.Kind.ONE_CHOICE, Question.Kind.SEVERAL_CHOICES)
CONDITION_KINDS = (Question.Kind.YES_NO, *CHOICE_KINDS)


def answer_options(question: Question) -> list[str]:
    """The answers a condition on this question can name, as answer_in_words writes them."""
    return ["Yes", "No"] if question.kind == Question.Kind.YES_NO else list(question.choices)


def question_problems(question: Question, others) -> list[tuple[str, str]]:
    """What stops a question being asked as set up, as (field, words for the programme manager); `others` are the
    round's other questions, with their sections. A question others depend on must keep the answers they name."""
    problems = []
    if question.kind in CHOICE_KINDS:
        if len(question.choices) < 2:
            problems.append(("choices", "Give at least two options to choose from, one on each line."))
        elif len(set(question.choices)) != len(question.choices):
            problems.append(("choices", "Give each option only once."))
    if question.is_title and question.kind != Question.Kind.SHORT_TEXT:
        problems.append(("is_title", "Only a short text answer can be the project's name."))
    if question.is_description and not question.is_written:
        problems.append(("is_description", "Only a written answer can be the project's published summary."))
    if question.is_title and any(other.is_title for other in others):
        problems.append(("is_title", "Another question already gives the project's name."))
    if question.is_description and any(other.is_description for other in others):
        problems.append(("is_description", "Another question already gives the project's published summary."))
    condition = question.shown_if
    if condition is not None:
        if condition.pk == question.pk:
            problems.append(("shown_if", "A question cannot depend on its own answer."))
        elif _order(condition) >= _order(question):
            problems.append(("shown_if", "A question can only depend on an answer to a question asked before it."))
        elif condition.kind not in CONDITION_KINDS:
            problems.append(("shown_if", "A question can only depend on a yes or no question or one with options to "
                                         "choose from."))
        elif question.shown_if_answer not in answer_options(condition):
            problems.append(("shown_if_answer", f"Choose one of the answers to ‘{condition.label}’: "
                                                f"{', '.join(answer_options(condition))}."))
    for dependant in (other for other in others if question.pk and other.shown_if_id == question.pk):
        if question.kind not in CONDITION_KINDS or dependant.shown_if_answer not in answer_options(question):
            problems.append(("choices" if question.kind in CHOICE_KINDS else "kind",
                             f"‘{dependant.label}’ is asked only for the answer {dependant.shown_if_answer}: keep that "
                             "answer, or change or remove that question first."))
    return problems


def round_question_problems(questions: list[Question]) -> list[str]:
    """Every problem of a round's questions, in words, for whether the round can open."""
    return [message for question in questions
            for _, message in question_problems(question, [other for other in questions if other.pk != question.pk])]


def _order(question: Question) -> tuple:
    return (question.section.position, question.section_id, question.position, question.pk or 0)
