"""The two rules a return's figures and its sending obey, each in one function that the form, the services and the
returns spreadsheet all ask: a return is sent after its quarter ends (unless allowed early), and its figures can be
true (no part larger than its whole, no percentage over 100, no more answers to a survey than people asked)."""

from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from applications.models import Indicator
from core.templatetags.govuk import govuk_date
from monitoring.figures import SplitFigure, total_of
from monitoring.models import Return


def send_refusal(monitoring_return: Return, today: date | None = None) -> str:
    """Why the return cannot be sent yet, or "" when it can: its quarter has ended, or a programme manager allowed
    it early."""
    today = today or timezone.localdate()
    if monitoring_return.allowed_early or today >= monitoring_return.sendable_from:
        return ""
    return (f"You can send this return from {govuk_date(monitoring_return.sendable_from)}, after the quarter ends "
            f"on {govuk_date(monitoring_return.period_end)}.")


def in_a_sentence(name: str) -> str:
    """An indicator's name inside a sentence: lower case first, unless it starts with an abbreviation (BSL)."""
    return name if name[1:2].isupper() else name[:1].lower() + name[1:]


def figure_problems(indicators: Iterable[Indicator], figures: dict[int, int | SplitFigure | None]) -> dict[int, str]:
    """What cannot be true among one return's figures (indicator id: figure, None or missing when not given), keyed
    by the indicator whose figure is wrong: a percentage over 100, a part larger than the whole it is part of, or
    more answers to a survey than people asked."""
    by_pk = {indicator.pk: indicator for indicator in indicators}
    values = {indicator_id: total_of(figure) for indicator_id, figure in figures.items()}
    problems = {}
    for indicator in by_pk.values():
        value, figure = values.get(indicator.pk), figures.get(indicator.pk)
        if value is None:
            continue
        if indicator.is_percentage and not 0 <= value <= 100:
            problems[indicator.pk] = f"{indicator.name} ({value}%) must be between 0% and 100%"
            continue
        if isinstance(figure, SplitFigure) and figure.asked is not None and value > figure.asked:
            problems[indicator.pk] = (f"The answers to {in_a_sentence(indicator.name)} ({value}) cannot be more than "
                                      f"the people asked ({figure.asked})")
            continue
        whole = by_pk.get(indicator.part_of_id)
        whole_value = values.get(whole.pk) if whole is not None else None
        if whole_value is not None and value > whole_value:
            unit = "%" if indicator.is_percentage else ""
            problems[indicator.pk] = (f"{indicator.name} ({value}{unit}) cannot be more than "
                                      f"{in_a_sentence(whole.name)} ({whole_value}{unit})")
    return problems
