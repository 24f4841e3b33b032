"""Reads of returns: the grantee's own, those to review and late ones, and each figure against its target."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from applications.models import OutcomeTarget, Round
from monitoring.figures import indicator_parts, split_figure_of
from monitoring.models import EndReport, IndicatorCount, Return

UNDER_TARGET = Decimal("0.75")


def is_under_target(actual: int | None, target: int | None) -> bool:
    """The variance flag: a figure under 75% of a target that was set."""
    return bool(target) and actual is not None and actual < target * UNDER_TARGET


def return_for_member_or_404(user, award_pk: int, quarter: int) -> Return:
    return get_object_or_404(
        Return.objects.filter(award__application__organisation__memberships__user=user).select_related(
            "award__round", "award__application__organisation"
        ),
        award_id=award_pk, quarter=quarter,
    )


def targets_for(monitoring_return: Return) -> dict[int, int]:
    return dict(
        OutcomeTarget.objects.filter(application=monitoring_return.award.application, quarter=monitoring_return.quarter)
        .values_list("indicator_id", "target")
    )


@dataclass(frozen=True)
class CountRow:
    indicator: str
    target: int | None
    actual: int | None
    parts: tuple = ()  # (label, count) for each part of an indicator given in parts
    asked: int | None = None  # a survey's: how many were asked

    @property
    def under_target(self) -> bool:
        return is_under_target(self.actual, self.target)


@dataclass(frozen=True)
class SpendRow:
    line: str
    budget: Decimal
    spent: Decimal | None

    @property
    def overspent(self) -> bool:
        return self.spent is not None and self.spent > self.budget


def return_review_rows(monitoring_return: Return) -> tuple[list[CountRow], list[SpendRow]]:
    """Each indicator against its target and each budget line against its spend, with variance flags."""
    targets = targets_for(monitoring_return)
    counts = {count.indicator_id: count for count in monitoring_return.counts.prefetch_related("parts")}
    spent = {spend.budget_line_id: spend.amount for spend in monitoring_return.spending.all()}
    round_ = monitoring_return.award.round
    boroughs = list(monitoring_return.award.application.boroughs.all())
    count_rows = []
    for indicator in round_.indicators.all():
        count = counts.get(indicator.pk)
        given = split_figure_of(count)
        count_rows.append(CountRow(
            indicator.name, targets.get(indicator.pk), count.value if count is not None else None,
            parts=tuple((part.label, given.parts.get(part.key)) for part in indicator_parts(indicator, boroughs)),
            asked=given.asked,
        ))
    spend_rows = [SpendRow(f"{line.get_category_display()}: {line.description}", line.amount, spent.get(line.pk))
                  for line in monitoring_return.award.application.budget_lines.all()]
    return count_rows, spend_rows


def returns_to_review() -> QuerySet[Return]:
    return Return.objects.filter(status=Return.Status.SUBMITTED).select_related(
        "award__application__organisation", "award__round"
    ).order_by("submitted_at")


def returns_late() -> QuerySet[Return]:
    return Return.objects.open().filter(
        due_on__lt=timezone.localdate(),
    ).select_related("award__application__organisation", "award__round").order_by("due_on")


# The returns list's choices: each list in its own order, and both together by due date.
RETURNS_SHOWN = {"review": returns_to_review, "late": returns_late}


def returns_needing_attention(*, show: str = "", round_id: int | None = None) -> QuerySet[Return]:
    """Returns waiting for review (`show="review"`), late ones (`"late"`) or both, of one round or of all."""
    if show in RETURNS_SHOWN:
        returns = RETURNS_SHOWN[show]()
    else:
        returns = (returns_to_review() | returns_late()).order_by("due_on", "pk")
    # Only what the list shows: an application's answers are long, and a page of them would be read for nothing.
    returns = returns.select_related(None).select_related("award__application__organisation").only(
        "quarter", "due_on", "status", "award__application__reference", "award__application__organisation__name"
    )
    return returns.filter(award__round_id=round_id) if round_id else returns


def round_returns_unfinished(round_: Round, status: str) -> list[str]:
    """What stops a round being completed on monitoring's side: quarterly returns of its grants not yet accepted."""
    if status != Round.Status.COMPLETED:
        return []
    waiting = Return.objects.filter(award__round=round_).exclude(status=Return.Status.ACCEPTED).count()
    return [f"Quarterly returns still to be accepted: {waiting}."] if waiting else []


@dataclass(frozen=True)
class PromiseRow:
    indicator: str
    promised: int | None
    achieved: int

    @property
    def under_target(self) -> bool:
        return is_under_target(self.achieved, self.promised)


def promised_and_achieved(award) -> list[PromiseRow]:
    """Each of the round's indicators: the grant's targets over all its quarters, and what its accepted returns
    counted. Three queries, whatever the number of returns."""
    promised = dict(OutcomeTarget.objects.filter(application=award.application).values("indicator")
                    .annotate(total=Sum("target")).values_list("indicator", "total"))
    achieved = dict(IndicatorCount.objects.filter(monitoring_return__award=award,
                                                  monitoring_return__status=Return.Status.ACCEPTED)
                    .values("indicator").annotate(total=Sum("value")).values_list("indicator", "total"))
    return [PromiseRow(indicator.name, promised.get(indicator.pk), achieved.get(indicator.pk, 0))
            for indicator in award.round.indicators.order_by("position", "pk")]


def end_reports_to_review() -> QuerySet[EndReport]:
    return (EndReport.objects.filter(status=EndReport.Status.SUBMITTED)
            .select_related("award__application__organisation").order_by("submitted_at"))
