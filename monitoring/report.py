"""The quarterly programme report for a round's oversight committee: money, reach, reporting to the police, what the
police did, satisfaction against the last quarter, hotspots and repeat incidents, poor police responses by area, and
stories of change a programme manager chose. One accessible PDF (standard and large print) and a CSV.

The report leaves the funder's staff, so its counts go through monitoring.suppression: a figure from 1 to 4 shows
as "<5", and a survey's share is given only when at least 5 people answered. Its figures come from accepted returns,
as on the outcomes dashboard; quarters are the grants' own, counted from the day each started.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from import_export import fields, resources

from applications.eligibility import is_disabled_led
from applications.models import Round
from core.pdf import TEXT_WIDTH, para, print_styles, render_pdf, table
from core.spreadsheets import export_file
from core.templatetags.govuk import govuk_date, pounds
from grants.models import Award
from grants.selectors import committed_in, paid_in
from monitoring.models import PoorResponse, Return
from monitoring.outcomes import MONITORED, round_outcomes
from monitoring.suppression import SMALLEST_SHOWN, published

# The counts each section reports, by the standard indicators' codes; a round without one leaves its row out.
SECTIONS = [
    ("Reach", ["victims_supported", "awareness_sessions", "people_reached", "volunteers"]),
    ("Reporting to the police", ["reports_with_support", "third_party_reports"]),
    ("What the police did", ["police_report_taken", "police_crime_recorded", "crime_references", "police_outcome",
                             "police_report_declined", "police_response_poor"]),
]
REPEATS = ["repeat_victims", "repeat_locations"]
HOTSPOTS = "parts_incidents_by_borough_bcu"


@dataclass(frozen=True)
class Section:
    heading: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""


@dataclass(frozen=True)
class ReportContent:
    round_name: str
    quarter: int
    issued_on: date
    sections: list[Section]
    stories: list[str]
    returns_accepted: int
    returns_due: int

    @property
    def title(self) -> str:
        return f"{self.round_name}: report for quarter {self.quarter}"


def quarter_returns(round_: Round, quarter: int) -> tuple[int, int]:
    """How many of the grants' returns for the quarter are accepted, and how many there are: a report counts only
    the accepted ones."""
    returns = Return.objects.filter(award__round=round_, award__status__in=MONITORED, quarter=quarter)
    return returns.filter(status=Return.Status.ACCEPTED).count(), returns.count()


def disabled_led_share(round_: Round) -> str:
    """The share of the money committed that goes to organisations led by Disabled people."""
    committed = Award.objects.filter(round=round_).committed().select_related("application__eligibility_check")
    total = sum((award.amount for award in committed), Decimal(0))
    led = sum((award.amount for award in committed
               if award.application.eligibility_check and is_disabled_led(award.application.eligibility_check.answers)),
              Decimal(0))
    return f"{(led * 100 / total).quantize(Decimal('1'), ROUND_HALF_UP)}%" if total else "–"


def report_content(round_: Round, quarter: int, stories: list[str], issued_on: date) -> ReportContent:
    outcomes = round_outcomes(round_)
    this, last = f"Quarter {quarter}", f"Quarter {quarter - 1}"
    columns = [this, last] if quarter > 1 else [this]
    by_code = {indicator.code: indicator for indicator in outcomes.indicators}

    def counts(codes: list[str]) -> list[list[str]]:
        return [[by_code[code].name, *(published(outcomes.by_quarter.actual[column, by_code[code].pk])
                                       for column in columns)] for code in codes if code in by_code]

    money = Section("Money", ["", "So far"], [
        ["Ringfenced budget", pounds(round_.budget)],
        ["Committed to grants", pounds(committed_in(round_))],
        ["Paid to grantees", pounds(paid_in(round_))],
        ["Share of the committed money going to organisations led by Disabled people", disabled_led_share(round_)],
    ])
    sections = [money, *(Section(heading, ["", *columns], counts(codes)) for heading, codes in SECTIONS)]
    tables = {table.key: table for table in outcomes.parts}
    satisfaction = [
        [table.title, *(_share(table, column_number) for column_number in (quarter - 1, quarter - 2)[:len(columns)])]
        for table in outcomes.parts if table.asked is not None
    ]
    if satisfaction:
        sections.append(Section("Satisfaction with the police", ["", *columns], satisfaction,
                                note=f"The share who were very or fairly satisfied, of those who answered. Not shown "
                                     f"where fewer than {SMALLEST_SHOWN} people answered."))
    hotspots = tables.get(HOTSPOTS)
    if hotspots is not None:
        sections.append(Section("Hotspots: incidents by police BCU", ["", *columns], [
            [area, *(published(values[number]) for number in (quarter - 1, quarter - 2)[:len(columns)])]
            for area, values in hotspots.rows
        ]))
    sections.append(Section("Repeat incidents", ["", *columns], counts(REPEATS)))
    poor = Counter(PoorResponse.objects.filter(
        monitoring_return__award__round=round_, monitoring_return__quarter=quarter,
        monitoring_return__status=Return.Status.ACCEPTED,
    ).values_list("police_area", flat=True))
    sections.append(Section("Poor police responses by area", ["", this],
                            [[area, published(count)] for area, count in sorted(poor.items())],
                            note="By the grants' quarter. The evidence pack for each police area, made by calendar "
                                 "quarter, gives what went wrong and what was done about it."))
    accepted, due = quarter_returns(round_, quarter)
    return ReportContent(round_name=round_.name, quarter=quarter, issued_on=issued_on, sections=sections,
                         stories=stories, returns_accepted=accepted, returns_due=due)


def _share(table, number: int) -> str:
    answered = table.answered[number]
    if answered < SMALLEST_SHOWN:
        return "Too few answers"
    return f"{table.first_answer_shares[number]}%"


def report_pdf(content: ReportContent, *, large_print: bool = False) -> bytes:
    style = print_styles(large_print)
    body, h2 = style["body"], style["h2"]
    width = TEXT_WIDTH
    story = [
        para(content.title, style["h1"]),
        para(f"Issued on {govuk_date(content.issued_on)} by {settings.FUNDER_NAME}, for the round's oversight "
             "committee. The figures come from the quarterly returns we have accepted from the Deaf and Disabled "
             "people's organisations we fund. To protect people's privacy, a figure from 1 to 4 is shown as <5.",
             body),
        para(f"It counts {content.returns_accepted} of the {content.returns_due} grants' returns for quarter "
             f"{content.quarter}: those we had accepted when it was issued.", body),
    ]
    for section in content.sections:
        story.append(para(section.heading, h2))
        if section.note:
            story.append(para(section.note, body))
        if section.rows:
            first = width * (0.5 if len(section.columns) > 2 else 0.6)
            rest = (width - first) / (len(section.columns) - 1)
            story.append(table([section.columns, *section.rows], [first] + [rest] * (len(section.columns) - 1), body))
        else:
            story.append(para("Nothing reported this quarter.", body))
    story.append(para("Stories of change", h2))
    story += [para(text, body) for text in content.stories] or [para("None chosen for this report.", body)]
    return render_pdf(title=content.title, subject=f"{content.round_name}: quarterly programme report", story=story)


class ReportResource(resources.Resource):
    section = fields.Field(attribute="section", column_name="Section")
    measure = fields.Field(attribute="measure", column_name="Measure")
    this_quarter = fields.Field(attribute="this_quarter", column_name="This quarter")
    last_quarter = fields.Field(attribute="last_quarter", column_name="Last quarter")

    def get_export_order(self):
        return list(self.fields)


def report_sheet(content: ReportContent) -> str:
    rows = [{"section": section.heading, "measure": row[0], "this_quarter": row[1],
             "last_quarter": row[2] if len(row) > 2 else ""}
            for section in content.sections for row in section.rows]
    rows += [{"section": "Stories of change", "measure": f"Story {number}", "this_quarter": text, "last_quarter": ""}
             for number, text in enumerate(content.stories, start=1)]
    rows.insert(0, {"section": "Returns counted", "measure": f"Accepted of the grants' quarter {content.quarter} "
                    "returns", "this_quarter": f"{content.returns_accepted} of {content.returns_due}",
                    "last_quarter": ""})
    sheet, _ = export_file(ReportResource(), rows, "csv", title="Programme report")
    return sheet
