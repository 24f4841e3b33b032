"""The poor police responses grantees recorded, put together per police area and calendar quarter as an evidence
pack (PDF, in standard or large print, and CSV) that a programme manager can send to that BCU or a scrutiny panel.

A pack leaves the funder's staff, so its small figures are hidden (monitoring.suppression), and the grantees' own
words are left out where fewer than 5 responses were recorded, as so few accounts could point to a person. Only
responses in accepted returns count, as on the outcomes dashboard.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import QuerySet
from import_export import fields, resources

from applications.models import Round
from core.pdf import TEXT_WIDTH, para, print_styles, render_pdf, table
from core.spreadsheets import export_file
from monitoring.models import PoorResponse, Return
from monitoring.suppression import SMALLEST_SHOWN, published, suppressed

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, January to March and so on, by its first day."""

    start: date

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(date(day.year, 3 * ((day.month - 1) // 3) + 1, 1))

    @property
    def months(self) -> list[date]:
        return [self.start + relativedelta(months=number) for number in range(3)]

    @property
    def label(self) -> str:
        return f"{MONTHS[self.start.month - 1]} to {MONTHS[self.start.month + 1]} {self.start.year}"


def counted_responses(round_: Round) -> QuerySet[PoorResponse]:
    return PoorResponse.objects.filter(monitoring_return__award__round=round_,
                                       monitoring_return__status=Return.Status.ACCEPTED)


def responses_by_area_and_quarter(round_: Round) -> tuple[list[Quarter], list[tuple[str, list[int]]]]:
    """The staff's overview, true figures: the quarters with a response, and for each police area with one, how
    many in each quarter."""
    counts = Counter((area, Quarter.of(month)) for area, month in
                     counted_responses(round_).values_list("police_area", "month"))
    quarters = sorted({quarter for _, quarter in counts})
    areas = sorted({area for area, _ in counts})
    return quarters, [(area, [counts[area, quarter] for quarter in quarters]) for area in areas]


@dataclass
class EvidencePack:
    round_name: str
    area: str
    quarter: Quarter
    responses: list[PoorResponse]

    @property
    def total(self) -> int:
        return len(self.responses)

    @property
    def shows_accounts(self) -> bool:
        return self.total >= SMALLEST_SHOWN

    def sections(self) -> list[tuple[str, list[tuple[str, str]], str | None]]:
        """(heading, [(what, figure as published)], their total as published, or None where they need not add up
        to one), for the PDF and the CSV."""
        problems = Counter(problem for response in self.responses for problem in response.problems)
        labels = PoorResponse.Problem.choices
        # A response can have several things go wrong, so those figures do not add up to the total: none is given.
        went_wrong, _ = suppressed([problems[value] for value, _ in labels])
        by_month = Counter(response.month for response in self.responses)
        months, month_total = suppressed([by_month[month] for month in self.quarter.months], total=self.total)
        return [
            ("By month", [(f"{month:%B %Y}", figure) for month, figure in zip(self.quarter.months, months)],
             month_total),
            ("What went wrong", [(label, figure) for (_, label), figure in zip(labels, went_wrong)], None),
            self._yes_or_no("Was a complaint made to the police?", "complaint_made"),
            self._yes_or_no("Did the group take it up with the police?", "escalated"),
        ]

    def _yes_or_no(self, heading: str, field: str) -> tuple[str, list[tuple[str, str]], str]:
        yes = sum(getattr(response, field) for response in self.responses)
        (shown_yes, shown_no), total = suppressed([yes, self.total - yes], total=self.total)
        return heading, [("Yes", shown_yes), ("No", shown_no)], total

    def accounts(self) -> list[str]:
        """The grantees' words about what happened, checked for personal data when written; none for so few
        responses that they could point to a person."""
        if not self.shows_accounts:
            return []
        return sorted(response.details for response in self.responses if response.details)


def evidence_pack(round_: Round, area: str, quarter: Quarter) -> EvidencePack:
    responses = list(counted_responses(round_).filter(police_area=area, month__gte=quarter.start,
                                                      month__lt=quarter.start + relativedelta(months=3)))
    return EvidencePack(round_name=round_.name, area=area, quarter=quarter, responses=responses)


def evidence_pdf(pack: EvidencePack, *, large_print: bool = False) -> bytes:
    style = print_styles(large_print)
    body, h2 = style["body"], style["h2"]
    width = TEXT_WIDTH
    story = [
        para(f"Poor police responses to Disabled victims of hate crime: {pack.area}", style["h1"]),
        para(f"{pack.quarter.label}. From the quarterly returns of the Deaf and Disabled people's organisations "
             f"funded by {settings.FUNDER_NAME} through {pack.round_name}, which support Disabled victims of hate "
             "crime.", body),
        para("These are the times the groups told us the police responded badly to someone they supported. We keep "
             "only the police area and the month, never who it happened to, where or on which day. To protect "
             "people's privacy, a figure from 1 to 4 is shown as <5, and so is any figure that would give one away.",
             body),
        para(f"Poor police responses in all: {published(pack.total)}.", body),
    ]
    for heading, rows, total in pack.sections():
        story.append(para(heading, h2))
        rows = [["", "Number of responses"], *[[what, figure] for what, figure in rows]]
        if total is not None:
            rows.append(["In all", total])
        story.append(table(rows, [width * 0.7, width * 0.3], body))
    story.append(para("In the groups' words", h2))
    accounts = pack.accounts()
    if accounts:
        story += [para(account, body) for account in accounts]
    elif pack.total:
        story.append(para(f"Not shown: fewer than {SMALLEST_SHOWN} responses were recorded, and so few accounts "
                          "could point to a person.", body))
    else:
        story.append(para("No poor police responses were recorded in this area and quarter.", body))
    return render_pdf(title=f"Poor police responses: {pack.area}, {pack.quarter.label}",
                      subject=f"{pack.round_name}: evidence pack", story=story)


class EvidenceResource(resources.Resource):
    area = fields.Field(attribute="area", column_name="Police area")
    quarter = fields.Field(attribute="quarter", column_name="Quarter")
    section = fields.Field(attribute="section", column_name="Section")
    measure = fields.Field(attribute="measure", column_name="Measure")
    figure = fields.Field(attribute="figure", column_name="Number of responses (under 5 shown as <5)")

    def get_export_order(self):
        return list(self.fields)


def evidence_sheet(pack: EvidencePack, file_format: str):
    rows = [{"area": pack.area, "quarter": pack.quarter.label, "section": "In all", "measure": "Poor police responses",
             "figure": published(pack.total)}]
    for heading, figures, total in pack.sections():
        rows += [{"area": pack.area, "quarter": pack.quarter.label, "section": heading, "measure": what,
                  "figure": figure} for what, figure in figures]
        if total is not None:
            rows.append({"area": pack.area, "quarter": pack.quarter.label, "section": heading, "measure": "In all",
                         "figure": total})
    return export_file(EvidenceResource(), rows, file_format, title="Evidence pack")
