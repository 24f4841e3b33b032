"""Spreadsheets with django-import-export: a round's outcomes out; returns' figures out and back in, for partners
who report offline.

The returns sheet has a row per figure: a grant, a quarter, an item (an indicator, one part of an indicator given in
parts, or spend on a budget line) and the figure. Rows are checked against lookups loaded once, so a sheet of
thousands of rows costs a few queries.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader

from applications.models import Borough, BudgetLine, Indicator, Round
from core.fields import CountField, PoundsField
from core.spreadsheets import ImportProblem, export_file, sheet_check
from monitoring.checks import figure_problems
from monitoring.figures import SplitFigure, indicator_parts, over_saved_parts, split_figure_of
from monitoring.models import IndicatorCount, Return, Spend
from monitoring.outcomes import MONITORED, RoundOutcomes

SPEND = "Spend: "
ASKED = "How many were asked"
COLUMNS = ["Grant reference", "Quarter", "Item", "Figure"]


class OutcomesResource(resources.Resource):
    """The dashboard's figures in one long table, ready for a pivot table: a row per group and indicator."""

    breakdown = fields.Field(attribute="breakdown", column_name="Breakdown")
    group = fields.Field(attribute="group", column_name="Group")
    code = fields.Field(attribute="indicator__code", column_name="Indicator code")
    indicator = fields.Field(attribute="indicator__name", column_name="Indicator")
    actual = fields.Field(attribute="actual", column_name="Actual")
    target = fields.Field(attribute="target", column_name="Target for the same quarters")

    def get_export_order(self):
        return list(self.fields)


def outcomes_sheet(outcomes: RoundOutcomes, file_format: str):
    return export_file(OutcomesResource(), outcomes.export_rows(), file_format, title="Outcomes")


# Returns' figures -------------------------------------------------------------------------------------------------


@dataclass
class FigureRow:
    grant: str
    quarter: int
    item: str
    figure: object


def spend_item(line: BudgetLine) -> str:
    return f"{SPEND}{line.get_category_display()}: {line.description}"


def indicator_items(indicator: Indicator, boroughs: list[Borough]) -> list[tuple[str, str | None]]:
    """The sheet's items for an indicator, each with the part it gives (ASKED for a survey's people asked; None for
    an indicator given as one number)."""
    if not indicator.is_split:
        return [(indicator.name, None)]
    asked = [(f"{indicator.name}: {ASKED}", ASKED)] if indicator.is_survey else []
    return asked + [(f"{indicator.name}: {part.label}", part.key) for part in indicator_parts(indicator, boroughs)]


class ReturnFiguresResource(resources.Resource):
    """Reads a returns sheet row by row. Each row must name an open return of the round and one of its items."""

    grant = fields.Field(attribute="grant", column_name="Grant reference")
    quarter = fields.Field(attribute="quarter", column_name="Quarter")
    item = fields.Field(attribute="item", column_name="Item")
    figure = fields.Field(attribute="figure", column_name="Figure")

    class Meta:
        skip_diff = True
        # Rows are not model instances, so nothing is loaded from the database by row: import_instance does it.
        instance_loader_class = BaseInstanceLoader
        # Rows are only collected, never saved one by one, so no row needs a savepoint of its own.
        use_bulk = True

    def __init__(self, round_: Round):
        super().__init__()
        self.round = round_
        returns = Return.objects.filter(award__round=round_, award__status__in=MONITORED).select_related("award__application")
        self.returns = {(r.award.reference, r.quarter): r for r in returns}
        self.round_indicators = list(round_.indicators.all())
        self.indicators = {}
        for indicator in self.round_indicators:
            self.indicators[indicator.name.casefold()] = self.indicators[indicator.code.casefold()] = indicator
        self.budget_lines = defaultdict(dict)
        for line in BudgetLine.objects.filter(application__award__round=round_):
            self.budget_lines[line.application_id][spend_item(line).casefold()] = line
        self.boroughs = defaultdict(list)  # of each grant's application
        for link in Borough.applications.through.objects.filter(application__award__round=round_).select_related(
            "borough"
        ).order_by("borough__name"):
            self.boroughs[link.application_id].append(link.borough)
        self.split_items = defaultdict(dict)  # application: {item: (indicator, part)} of the indicators given in parts
        for application_id in {r.award.application_id for r in self.returns.values()}:
            for indicator in self.round_indicators:
                if indicator.is_split:
                    for item, part in indicator_items(indicator, self.boroughs[application_id]):
                        self.split_items[application_id][item.casefold()] = (indicator, part)
        self.split: dict[tuple[int, int], dict] = defaultdict(dict)  # the parts given of each indicator given in parts
        self.count_field = CountField(label="Figure", required_message="", subject="the figure")
        self.pounds_field = PoundsField(label="Figure", required_message="", subject="the amount spent")
        self.counts: dict[tuple[int, int], int] = {}
        self.spending: dict[tuple[int, int], Decimal] = {}
        self.count_rows: dict[tuple[int, int], int] = {}  # the sheet's row number of each count

    def get_export_order(self):
        return list(self.fields)

    def get_or_init_instance(self, instance_loader, row):
        return FigureRow(grant="", quarter=0, item="", figure=None), True

    def import_instance(self, instance, row, **kwargs):
        grant = str(row.get("Grant reference") or "").strip()
        quarter = str(row.get("Quarter") or "").strip().removesuffix(".0")
        monitoring_return = self.returns.get((grant, int(quarter) if quarter.isdigit() else None))
        if monitoring_return is None:
            raise ValidationError(f"There is no return for grant '{grant}', quarter '{quarter}' in this round.")
        if not monitoring_return.is_editable:
            raise ValidationError(f"The quarter {quarter} return for {grant} has been sent, so its figures cannot change.")
        item = str(row.get("Item") or "").strip()
        figure = row.get("Figure")
        if figure is None or str(figure).strip() == "":
            return  # a blank figure leaves the return as it is
        indicator = self.indicators.get(item.casefold())
        split = self.split_items[monitoring_return.award.application_id].get(item.casefold())
        if indicator is not None and indicator.is_split:
            raise ValidationError(f"'{item}' is given in parts: give a figure for each of its parts, as the sheet "
                                  "you downloaded has them.")
        if indicator is not None or split is not None:
            if split is not None:
                indicator, part = split
                collected, key = self.split[(monitoring_return.pk, indicator.pk)], part
            else:
                collected, key = self.counts, (monitoring_return.pk, indicator.pk)
            value = self.count_field.clean(str(figure).strip().removesuffix(".0"))
            # The headings are row 1 of the sheet, as a spreadsheet program numbers it.
            self.count_rows.setdefault((monitoring_return.pk, indicator.pk), kwargs.get("row_number", 0) + 1)
        else:
            line = self.budget_lines[monitoring_return.award.application_id].get(item.casefold())
            if line is None:
                raise ValidationError(f"'{item}' is not an indicator of this round or a budget line of {grant}.")
            collected, key, value = self.spending, (monitoring_return.pk, line.pk), self.pounds_field.clean(str(figure))
        if key in collected:
            raise ValidationError(f"'{item}' for {grant} quarter {quarter} appears more than once.")
        collected[key] = value

    def gather_split_figures(self) -> None:
        """Puts the parts given of each indicator given in parts into its figure among the counts."""
        for key, given in self.split.items():
            self.counts[key] = SplitFigure({part: value for part, value in given.items() if part != ASKED},
                                           given.get(ASKED))

    def impossible_figures(self) -> list[ImportProblem]:
        """Each figure that could not be true in its return once the sheet is saved over what was saved before:
        on the row of the part (or of its whole, when only the whole is in the sheet)."""
        returns = {monitoring_return.pk: monitoring_return for monitoring_return in self.returns.values()}
        merged = defaultdict(dict)
        in_sheet = {return_id for return_id, _ in self.counts}
        for return_id, indicator_id, value in IndicatorCount.objects.filter(
            monitoring_return_id__in=in_sheet
        ).values_list("monitoring_return_id", "indicator_id", "value"):
            merged[return_id][indicator_id] = value
        for (return_id, indicator_id), value in over_saved_parts(self.counts).items():
            merged[return_id][indicator_id] = value
        problems = []
        by_pk = {indicator.pk: indicator for indicator in self.round_indicators}
        for return_id in sorted(in_sheet):
            for indicator_id, message in figure_problems(self.round_indicators, merged[return_id]).items():
                row = (self.count_rows.get((return_id, indicator_id))
                       or self.count_rows.get((return_id, by_pk[indicator_id].part_of_id)))
                if row is None:
                    continue  # neither figure is in the sheet: it is not this sheet's problem
                monitoring_return = returns[return_id]
                problems.append(ImportProblem(
                    row, f"{message} in the quarter {monitoring_return.quarter} return for "
                         f"{monitoring_return.award.reference}."))
        return problems

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        """Rows are only collected here; `figures_import` saves them through the monitoring service."""


def figures_read(upload, round_: Round) -> tuple[ReturnFiguresResource, list[ImportProblem]]:
    resource = ReturnFiguresResource(round_)
    problems = sheet_check(upload, resource, COLUMNS)
    resource.gather_split_figures()
    if resource.counts:
        # Rows that are right one by one can still be impossible together: a part larger than its whole.
        problems = sorted([*problems, *resource.impossible_figures()], key=lambda problem: problem.row)
    return resource, problems


def figures_sheet(round_: Round, file_format: str):
    """A sheet to fill in: every figure of every open return whose quarter has begun, with what is saved so far."""
    resource = ReturnFiguresResource(round_)
    today = timezone.localdate()
    open_returns = [r for r in resource.returns.values() if r.is_editable and r.period_start <= today]
    counts = {(c.monitoring_return_id, c.indicator_id): c
              for c in IndicatorCount.objects.filter(monitoring_return__in=open_returns).prefetch_related("parts")}
    spent = {(s.monitoring_return_id, s.budget_line_id): s.amount
             for s in Spend.objects.filter(monitoring_return__in=open_returns)}
    indicators = list(resource.round.indicators.all())
    rows = []
    for monitoring_return in sorted(open_returns, key=lambda r: (r.award.reference, r.quarter)):
        reference, quarter = monitoring_return.award.reference, monitoring_return.quarter
        boroughs = resource.boroughs[monitoring_return.award.application_id]
        for indicator in indicators:
            count = counts.get((monitoring_return.pk, indicator.pk))
            given = split_figure_of(count)
            for item, part in indicator_items(indicator, boroughs):
                figure = (count.value if count is not None else None) if part is None else (
                    given.asked if part == ASKED else given.parts.get(part))
                rows.append(FigureRow(reference, quarter, item, figure))
        lines = resource.budget_lines[monitoring_return.award.application_id].values()
        rows += [FigureRow(reference, quarter, spend_item(line), spent.get((monitoring_return.pk, line.pk)))
                 for line in lines]
    return export_file(resource, rows, file_format, title="Return figures")
