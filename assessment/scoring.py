"""The weighted maths of assessment: averages per criterion, moderation flags, totals and the rank order.

Pure functions over plain numbers, so the rules can be tested on their own and the ranking page can feed them
from a few aggregate queries however many applications there are.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

ONE_PLACE = Decimal("0.1")


class CriterionScores:
    """What assessors gave one application on one criterion, and any moderated score agreed since.

    A plain class with slots, its average worked out once: the ranking makes thousands of these per request.
    """

    __slots__ = ("criterion_id", "weight", "total", "count", "lowest", "highest", "moderated", "average", "used")

    def __init__(self, *, criterion_id: int, weight: Decimal, total: int = 0, count: int = 0,
                 lowest: int | None = None, highest: int | None = None, moderated: int | None = None):
        self.criterion_id, self.weight, self.total, self.count = criterion_id, weight, total, count
        self.lowest, self.highest, self.moderated = lowest, highest, moderated
        self.average = Decimal(total) / count if count else None
        # The score that counts: the moderated one if there is one, else the assessors' average.
        self.used = Decimal(moderated) if moderated is not None else self.average

    def needs_moderation(self, threshold: int) -> bool:
        """Scores this far apart need an agreed score; a moderated score settles it."""
        return self.moderated is None and self.count > 1 and self.highest - self.lowest >= threshold


def weighted_total(criteria: list[CriterionScores], scale_max: int) -> Decimal | None:
    """The weighted total as a percentage of the best possible, or None until every criterion has a score.

    Each criterion adds weight x (score / highest score); with weights adding up to 100 the result is a percentage.
    Dividing by the weights' own total keeps it a percentage even while a round's weights are being set.
    """
    if not criteria or any(scores.used is None for scores in criteria):
        return None
    total_weight = sum((scores.weight for scores in criteria), Decimal(0))
    if total_weight <= 0:
        return None
    # In exact fractions, then rounded once: an average such as 10/3 as a decimal is cut short, and sums of cut-short
    # parts rounded a total that falls exactly on a half (60.25) up or down by the order of the criteria.
    points = sum(Fraction(scores.weight) * _exact_score(scores) for scores in criteria)
    percentage = points * 100 / (Fraction(total_weight) * scale_max)
    tenths = math.floor(percentage * 10 + Fraction(1, 2))  # half up, as ROUND_HALF_UP: totals are never negative
    return (Decimal(tenths) / 10).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def _exact_score(scores: CriterionScores) -> Fraction:
    if scores.moderated is not None:
        return Fraction(scores.moderated)
    return Fraction(scores.total, scores.count)


def moderation_state(criteria: list[CriterionScores], threshold: int) -> str:
    """In words, where an application stands on moderation: scores still too far apart, settled by agreed scores,
    or close enough on every criterion."""
    if any(scores.needs_moderation(threshold) for scores in criteria):
        return "Needs moderation"
    if any(scores.moderated is not None for scores in criteria):
        return "Moderated"
    return "No moderation needed"


def heaviest_criterion(criteria):
    """The criterion the heaviest-criterion tie-break looks at: the most heavily weighted, the first of equals."""
    return max(criteria, key=lambda criterion: criterion.weight, default=None)


@dataclass(frozen=True, slots=True)
class Summary:
    """What the ranking needs of one application's scores, worked out once when they change and stored."""

    total: Decimal | None
    assessments: int
    moderation: list[int]  # the criteria whose scores are too far apart, by id, in the round's order
    heaviest_used: Decimal | None


def summarise(criteria: list[CriterionScores], *, scale_max: int, threshold: int,
              heaviest_criterion_id: int | None) -> Summary:
    """One application's weighted total, how many assessments are in, what needs moderating and the score the
    heaviest-criterion tie-break compares."""
    heaviest = next((scores for scores in criteria if scores.criterion_id == heaviest_criterion_id), None)
    return Summary(
        total=weighted_total(criteria, scale_max),
        assessments=max((scores.count for scores in criteria), default=0),
        moderation=[scores.criterion_id for scores in criteria if scores.needs_moderation(threshold)],
        heaviest_used=heaviest.used if heaviest else None,
    )


def ranking_flags(*, assessments: int, needed: int, moderation_names: list[str]) -> list[str]:
    """What holds an application back from a decision, in words: scores still to come, criteria to moderate."""
    flags = [f"{assessments} of {needed} scores in"] if assessments < needed else []
    if moderation_names:
        flags.append("Needs moderation: " + ", ".join(moderation_names))
    return flags


@dataclass(slots=True)
class Ranked:
    """One application's place in the ranking."""

    application_id: int
    amount_requested: Decimal
    submitted_order: float
    criteria: list[CriterionScores]
    total: Decimal | None
    assessments: int
    flags: list[str] = field(default_factory=list)
    rank: int | None = None
    running_total: Decimal | None = None
    within_ringfence: bool = False
    application: object = None  # what the pages show of the application, filled in by the selector
    answers: object = None  # the full application, for spreadsheets only


TIE_KEY_PLACES = Decimal("0.000001")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def submitted_order(submitted_at: datetime | None) -> Decimal | None:
    """When an application was sent, as seconds since 1970 to the microsecond: exact, unlike a float timestamp."""
    return None if submitted_at is None else Decimal((submitted_at - EPOCH) // timedelta(microseconds=1)) / 1_000_000


def tie_key(tie_break: str, *, amount_requested: Decimal | None, submitted_order: float | Decimal | None,
            heaviest_used: Decimal | None) -> Decimal:
    """Between equal totals, the lower key ranks higher: the smaller request, the earlier submission (seconds since
    1970) or the higher score on the heaviest criterion, by the round's rule. Missing values count as nought. Six
    places tell apart any two averages of whole scores and any two submissions a microsecond apart."""
    if tie_break == "earlier_submission":
        value = Decimal(str(submitted_order or 0))
    elif tie_break == "heaviest_criterion":
        value = -(heaviest_used or 0)
    else:
        value = amount_requested or Decimal(0)
    return Decimal(value).quantize(TIE_KEY_PLACES, rounding=ROUND_HALF_UP)


def rank(entries: list[Ranked], *, tie_break: str, heaviest_criterion_id: int | None, budget: Decimal) -> list[Ranked]:
    """Orders by weighted total (highest first), breaks ties by the round's rule, then draws the funding line.

    Applications without a complete total come last, unranked. The running total adds up the amounts requested
    in rank order by the applications whose ranking is final, with nothing flagged; those that fit within the
    ringfence are marked as within it. A flagged one keeps its place, with no running total until it is final.
    """

    def key(entry: Ranked):
        scores = next((c for c in entry.criteria if c.criterion_id == heaviest_criterion_id), None)
        return tie_key(tie_break, amount_requested=entry.amount_requested, submitted_order=entry.submitted_order,
                       heaviest_used=scores.used if scores else None)

    complete = sorted((e for e in entries if e.total is not None), key=lambda e: (-e.total, key(e), e.application_id))
    incomplete = sorted((e for e in entries if e.total is None), key=lambda e: e.application_id)
    running = Decimal(0)
    for position, entry in enumerate(complete, start=1):
        entry.rank = position
        if not entry.flags:
            running += entry.amount_requested
            entry.running_total, entry.within_ringfence = running, running <= budget
    return complete + incomplete


def funding_line(entry: Ranked, assessors_needed: int) -> str:
    """Where an application stands against the funding line, in the words the ranking page and its download use."""
    if not entry.rank:
        return "Not ranked yet"
    if entry.running_total is None:
        waiting = "all scores are in" if entry.assessments < assessors_needed else "moderated"
        return f"Not counted until {waiting}"
    return "Within the ringfence" if entry.within_ringfence else "Below the funding line"
