"""A round's outcomes, from accepted returns only: by quarter, by borough and by police BCU, against the targets
promised, and how the police responded. Each breakdown can become a chart with a text summary for screen readers.

A grant that works in several boroughs counts in each of them, so borough rows can add up to more than the round's
total; within one BCU a grant counts once.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Concat

from applications.models import Application, Borough, Indicator, OutcomeTarget, Round
from grants.models import Award
from monitoring.models import IndicatorCount, IndicatorCountPart, Return
from monitoring.selectors import is_under_target, returns_late

POLICE_RESPONSES = ["police_report_taken", "police_report_declined", "police_response_poor"]
REPORTS_WITH_SUPPORT = "reports_with_support"
NO_BOROUGH = "Borough not given"
MONITORED = Award.ACCEPTED_ONES


@dataclass(frozen=True)
class Chart:
    """One series of numbers, drawn as bars; `summary` says in words what the bars show."""

    key: str
    title: str
    labels: list[str]
    values: list[int]
    unit: str
    additive: bool = False  # whether the bars add up to a meaningful total

    @property
    def is_empty(self) -> bool:
        return not any(self.values)

    @property
    def summary(self) -> str:
        return chart_summary(self.labels, self.values, self.unit, self.additive)

    def as_data(self) -> dict:
        return {"title": self.title, "labels": self.labels, "values": self.values, "unit": self.unit}


def chart_summary(labels: list[str], values: list[int], unit: str, additive: bool = False) -> str:
    """Names the highest and lowest bars, and the total when the bars add up to one."""
    if not any(values):
        return "Nothing has been reported here yet."
    ranked = sorted(zip(values, labels), key=lambda pair: -pair[0])
    (top, top_label), (bottom, bottom_label) = ranked[0], ranked[-1]
    sentences = [f"Highest: {top_label}, {top:,}{unit}."]
    if len(ranked) > 2:
        sentences.append(f"Then {ranked[1][1]}, {ranked[1][0]:,}{unit}.")
    if len(ranked) > 1:
        sentences.append(f"Lowest: {bottom_label}, {bottom:,}{unit}.")
    if additive:
        sentences.append(f"{sum(values):,} in all.")
    return " ".join(sentences)


@dataclass
class Breakdown:
    """The total of each indicator for each group (a quarter, a borough or a BCU), with the targets for the same
    quarters, and how many grants count in each group."""

    key: str
    title: str
    group_label: str
    indicators: list[Indicator]
    groups: list[str] = field(default_factory=list)
    actual: dict = field(default_factory=lambda: defaultdict(int))
    target: dict = field(default_factory=lambda: defaultdict(int))
    grants: dict = field(default_factory=lambda: defaultdict(int))

    def rows(self) -> list[tuple[str, int, list[int]]]:
        return [
            (group, self.grants[group], [self.actual[group, indicator.pk] for indicator in self.indicators])
            for group in self.groups
        ]

    def chart(self, indicator: Indicator) -> Chart:
        return Chart(key=self.key, title=f"{indicator.name}, {self.title[0].lower()}{self.title[1:]}", labels=self.groups,
                     values=[self.actual[group, indicator.pk] for group in self.groups], unit="",
                     additive=self.key == "by_quarter")


def percent_of(part: int, whole: int | None) -> int | None:
    """A whole-number percentage, rounded half up; none of nothing."""
    if not whole:
        return None
    return int((Decimal(part) * 100 / whole).quantize(Decimal("1"), ROUND_HALF_UP))


@dataclass(frozen=True)
class TargetRow:
    """An indicator's total so far, against the targets for the same quarters; no target for count-only ones."""

    indicator: Indicator
    actual: int
    target: int | None
    whole_grant_target: int | None

    @property
    def percent(self) -> int | None:
        return percent_of(self.actual, self.target)

    @property
    def under_target(self) -> bool:
        return is_under_target(self.actual, self.target)


@dataclass(frozen=True)
class PoliceRow:
    indicator: Indicator
    count: int
    of_reports: int

    @property
    def percent(self) -> int | None:
        return percent_of(self.count, self.of_reports)


@dataclass(frozen=True)
class OutcomeLine:
    breakdown: str
    group: str
    indicator: Indicator
    actual: int
    target: int | None


@dataclass
class PartsTable:
    """An indicator given in parts (or a borough split rolled up into police BCUs), from accepted returns: each
    part's total in each quarter of the grants; for a survey, also how many were asked and how many answered."""

    indicator: Indicator
    key: str
    title: str
    row_label: str
    quarters: list[str]
    rows: list[tuple[str, list[int]]]
    asked: list[int] | None = None
    answered: list[int] | None = None

    def lines(self) -> list["OutcomeLine"]:
        """Each figure as a line of the dashboard's long table: a part (or a survey's people asked and answered) in
        a quarter."""
        rows = ([("People asked", self.asked), ("People who answered", self.answered)] if self.asked is not None
                else []) + self.rows
        return [OutcomeLine(f"{self.row_label} and quarter", f"{label}, {quarter}", self.indicator, value, None)
                for label, values in rows for quarter, value in zip(self.quarters, values)]

    def with_totals(self) -> list[tuple[str, list[int], int]]:
        return [(label, values, sum(values)) for label, values in self.rows]

    @property
    def is_empty(self) -> bool:
        return not any(any(values) for _, values in self.rows)

    @property
    def asked_total(self) -> int:
        return sum(self.asked or [])

    @property
    def answered_total(self) -> int:
        return sum(self.answered or [])

    @property
    def first_answer_share(self) -> int | None:
        """The same share over all quarters."""
        return percent_of(sum(self.rows[0][1]), self.answered_total)

    @property
    def first_answer_shares(self) -> list[int | None]:
        """For a survey, the share of those who answered giving its first answer (very or fairly satisfied), by
        quarter, so that one quarter can be read against the last."""
        return [percent_of(value, answered) for value, answered in zip(self.rows[0][1], self.answered)]


@dataclass
class RoundOutcomes:
    round: Round
    indicators: list[Indicator]
    grants: int
    returns_counted: int
    returns_waiting: int
    by_quarter: Breakdown
    by_borough: Breakdown
    by_bcu: Breakdown
    totals: list[TargetRow]
    police: list[PoliceRow]
    reports_with_support: int
    late: list[Return]
    parts: list[PartsTable] = field(default_factory=list)

    @property
    def headline(self) -> Indicator | None:
        return self.indicators[0] if self.indicators else None

    def export_rows(self) -> list["OutcomeLine"]:
        """Every figure on the dashboard as one long table: a row per group and indicator."""
        lines = [
            OutcomeLine("All quarters reported", "All grants", row.indicator, row.actual, row.target)
            for row in self.totals
        ]
        for breakdown in (self.by_quarter, self.by_borough, self.by_bcu):
            lines += [
                OutcomeLine(breakdown.group_label, group, indicator, breakdown.actual[group, indicator.pk],
                            breakdown.target[group, indicator.pk] if indicator.has_target else None)
                for group in breakdown.groups for indicator in self.indicators
            ]
        for table in self.parts:
            lines += table.lines()
        return lines

    def charts(self) -> dict[str, Chart]:
        """The charts the dashboard draws: the headline indicator by quarter, borough and BCU, progress against
        targets, and police responses."""
        charts = {}
        if self.headline:
            for breakdown in (self.by_quarter, self.by_borough, self.by_bcu):
                charts[breakdown.key] = breakdown.chart(self.headline)
        targets = [row for row in self.totals if row.percent is not None]
        charts["targets"] = Chart(key="targets", title="Share of target reached, for the quarters reported",
                                  labels=[row.indicator.name for row in targets],
                                  values=[row.percent for row in targets], unit="%")
        charts["police"] = Chart(key="police", title="How the police responded to reports",
                                 labels=[row.indicator.name for row in self.police],
                                 values=[row.count for row in self.police], unit="")
        return charts


def _bcu_of(boroughs: str) -> Case:
    """The police BCU of the borough at `boroughs` as the dashboard names it: "<name> BCU", or the force for a
    borough that has no BCU of its own (the City of London); NO_BOROUGH where a grant names no borough."""
    return Case(
        When(**{f"{boroughs}__gss_code__isnull": True}, then=Value(NO_BOROUGH)),
        When(**{f"{boroughs}__bcu_name": ""}, then=F(f"{boroughs}__police_force")),
        default=Concat(f"{boroughs}__bcu_name", Value(" BCU")),
        output_field=CharField(),
    )


def _in_each_group(rows: QuerySet, application: str, quarter: str) -> dict[str, QuerySet]:
    """`rows` (accepted returns, their counts, or targets) once in each group of each breakdown they count in, as
    `group`: their quarter; each borough of their grant; each BCU of their grant, once however many of its boroughs
    the BCU covers. `application` and `quarter` are the paths from a row to its grant's application and quarter."""
    boroughs = f"{application}__boroughs"
    first_borough_in_bcu = ~Exists(
        Application.boroughs.through.objects.annotate(bcu=_bcu_of("borough")).filter(
            application=OuterRef(application), bcu=OuterRef("group"), borough__gss_code__lt=OuterRef("borough")
        )
    )
    return {
        "quarter": rows.annotate(group=F(quarter)),
        "borough": rows.annotate(group=Coalesce(f"{boroughs}__name", Value(NO_BOROUGH))),
        "bcu": rows.annotate(borough=F(f"{boroughs}__gss_code"), group=_bcu_of(boroughs)).filter(first_borough_in_bcu),
    }


def _parts_tables(indicators: list[Indicator], accepted: QuerySet, quarters: int) -> list[PartsTable]:
    """A table for each indicator given in parts, summed by the database over the accepted returns, by the grants'
    quarters; the split by borough also rolled up into police BCUs (the hotspots)."""
    split = [indicator for indicator in indicators if indicator.is_split]
    if not split:
        return []
    labels = [f"Quarter {quarter}" for quarter in range(1, quarters + 1)]
    given = defaultdict(lambda: [0] * quarters)
    for indicator_id, part, quarter, total in IndicatorCountPart.objects.filter(
        count__monitoring_return__in=accepted, count__indicator__in=split
    ).values_list("count__indicator", "part", "count__monitoring_return__quarter").annotate(
        total=Sum("value")
    ).order_by():
        given[indicator_id, part][quarter - 1] += total
    surveys = {}
    for indicator_id, quarter, asked, answered in IndicatorCount.objects.filter(
        monitoring_return__in=accepted, indicator__kind=Indicator.Kind.SURVEY
    ).values_list("indicator", "monitoring_return__quarter").annotate(
        asked=Sum("asked"), answered=Sum("value")
    ).order_by():
        survey = surveys.setdefault(indicator_id, ([0] * quarters, [0] * quarters))
        survey[0][quarter - 1], survey[1][quarter - 1] = asked or 0, answered
    boroughs = {borough.gss_code: borough for borough in Borough.objects.all()}
    tables = []
    for indicator in split:
        if indicator.kind == Indicator.Kind.BY_BOROUGH:
            by_borough = {boroughs[part].name if part in boroughs else part: values
                          for (indicator_id, part), values in given.items() if indicator_id == indicator.pk}
            by_bcu = defaultdict(lambda: [0] * quarters)
            for (indicator_id, part), values in given.items():
                if indicator_id == indicator.pk:
                    area = boroughs[part].police_area if part in boroughs else part
                    by_bcu[area] = [a + b for a, b in zip(by_bcu[area], values)]
            tables += [
                PartsTable(indicator, f"parts_{indicator.code}", indicator.name, "Borough", labels,
                           sorted(by_borough.items())),
                PartsTable(indicator, f"parts_{indicator.code}_bcu", f"{indicator.name}, by police BCU", "Police BCU",
                           labels, sorted(by_bcu.items())),
            ]
            continue
        asked, answered = surveys.get(indicator.pk, ([0] * quarters, [0] * quarters))
        tables.append(PartsTable(
            indicator, f"parts_{indicator.code}", indicator.name, "Answer" if indicator.is_survey else "Category", labels,
            [(option, given[indicator.pk, option]) for option in indicator.options],
            asked=asked if indicator.is_survey else None, answered=answered if indicator.is_survey else None,
        ))
    return tables


def round_outcomes(round_: Round) -> RoundOutcomes:
    """The dashboard's figures, summed by the database: a fixed number of queries however many grants and returns."""
    indicators = list(round_.indicators.all())
    awards = Award.objects.filter(round=round_, status__in=MONITORED)
    accepted = Return.objects.filter(award__in=awards, status=Return.Status.ACCEPTED)
    breakdowns = {
        "quarter": Breakdown("by_quarter", "By quarter", "Quarter", indicators,
                             groups=[f"Quarter {quarter}" for quarter in range(1, round_.quarters + 1)]),
        "borough": Breakdown("by_borough", "By borough", "Borough", indicators),
        "bcu": Breakdown("by_bcu", "By police BCU", "Police BCU", indicators),
    }

    def named(kind: str, group) -> str:
        return f"Quarter {group}" if kind == "quarter" else group

    returns_counted = 0
    for kind, grouped in _in_each_group(accepted, "award__application", "quarter").items():
        for group, grants, returns in grouped.values_list("group").annotate(
            grants=Count("award", distinct=True), returns=Count("pk")
        ).order_by():
            breakdowns[kind].grants[named(kind, group)] = grants
            returns_counted += returns if kind == "quarter" else 0
    counts = IndicatorCount.objects.filter(monitoring_return__in=accepted)
    totals = defaultdict(int)
    for kind, grouped in _in_each_group(counts, "monitoring_return__award__application",
                                        "monitoring_return__quarter").items():
        for group, indicator_id, total in grouped.values_list("group", "indicator").annotate(
            total=Sum("value")
        ).order_by():
            breakdowns[kind].actual[named(kind, group), indicator_id] = total
            totals[indicator_id] += total if kind == "quarter" else 0
    # A target counts against what was reported only once its quarter's return is accepted.
    targets = OutcomeTarget.objects.filter(application__award__in=awards)
    reported = Exists(Return.objects.filter(award=OuterRef("application__award"), quarter=OuterRef("quarter"),
                                            status=Return.Status.ACCEPTED))
    whole_grant_targets, target_totals = defaultdict(int), defaultdict(int)
    for kind, grouped in _in_each_group(targets, "application", "quarter").items():
        for group, indicator_id, whole, so_far in grouped.values_list("group", "indicator").annotate(
            whole=Sum("target"), so_far=Sum("target", filter=Q(reported))
        ).order_by():
            breakdowns[kind].target[named(kind, group), indicator_id] = so_far or 0
            if kind == "quarter":
                whole_grant_targets[indicator_id] += whole
                target_totals[indicator_id] += so_far or 0

    for kind in ("borough", "bcu"):
        breakdowns[kind].groups = sorted(breakdowns[kind].grants, key=lambda group: (group == NO_BOROUGH, group))
    by_code = {indicator.code: indicator for indicator in indicators}
    reports = totals[by_code[REPORTS_WITH_SUPPORT].pk] if REPORTS_WITH_SUPPORT in by_code else 0
    return RoundOutcomes(
        round=round_, indicators=indicators, grants=awards.count(),
        returns_counted=returns_counted,
        returns_waiting=Return.objects.filter(award__in=awards, status=Return.Status.SUBMITTED).count(),
        by_quarter=breakdowns["quarter"], by_borough=breakdowns["borough"], by_bcu=breakdowns["bcu"],
        totals=[
            TargetRow(indicator, totals[indicator.pk], target_totals[indicator.pk] if indicator.has_target else None,
                      whole_grant_targets[indicator.pk] if indicator.has_target else None)
            for indicator in indicators
        ],
        police=[PoliceRow(by_code[code], totals[by_code[code].pk], reports) for code in POLICE_RESPONSES if code in by_code],
        reports_with_support=reports,
        late=list(returns_late().filter(award__in=awards)),
        parts=_parts_tables(indicators, accepted, round_.quarters),
    )
