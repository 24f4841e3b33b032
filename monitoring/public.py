"""What anyone may read about a round without signing in: its ringfence and how much of it is committed and paid,
and its outcomes so far, with every small figure hidden (monitoring.suppression), as they may be published."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from applications.models import Round
from grants.models import Award
from grants.selectors import committed_in, paid_in
from monitoring.outcomes import round_outcomes
from monitoring.report import HOTSPOTS
from monitoring.suppression import SMALLEST_SHOWN, published, suppressed


@dataclass(frozen=True)
class PublicResults:
    round: Round
    budget: Decimal
    committed: Decimal
    paid: Decimal
    grants: int
    counts: list[tuple[str, str]]  # (indicator, total as published)
    hotspots: list[tuple[str, str]]  # (police BCU, incidents as published)
    hotspots_total: str | None
    satisfaction: list[tuple[str, str]]  # (survey, share very or fairly satisfied, or why not shown)
    returns_counted: int

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed

    @property
    def committed_percent(self) -> int:
        return int((self.committed * 100 / self.budget).quantize(Decimal("1"), ROUND_HALF_UP)) if self.budget else 0


def _satisfied_share(survey) -> str:
    """The share of those who answered a survey giving its first answer (very or fairly satisfied), over all
    quarters; not shown where so few answered that it could point to a person."""
    if survey.answered_total < SMALLEST_SHOWN:
        return "Too few answers to show"
    return f"{survey.first_answer_share}%"


def public_results(round_: Round) -> PublicResults:
    outcomes = round_outcomes(round_)
    tables = {table.key: table for table in outcomes.parts}
    hotspots = tables.get(HOTSPOTS)
    areas, area_totals = ([area for area, _ in hotspots.rows], [sum(values) for _, values in hotspots.rows]) \
        if hotspots else ([], [])
    shown, total = suppressed(area_totals, total=sum(area_totals)) if area_totals else ([], None)
    return PublicResults(
        round=round_, budget=round_.budget, committed=committed_in(round_), paid=paid_in(round_),
        grants=Award.objects.filter(round=round_).committed().count(),
        counts=[(row.indicator.name, published(row.actual)) for row in outcomes.totals
                if not row.indicator.is_split and not row.indicator.is_percentage],
        hotspots=list(zip(areas, shown)), hotspots_total=total,
        satisfaction=[(table.title, _satisfied_share(table)) for table in outcomes.parts if table.asked is not None],
        returns_counted=outcomes.returns_counted,
    )
