"""Publishing awards in the 360Giving Data Standard (1.4.3), as a JSON package or a flat CSV, with the leadership
of each recipient in 360Giving's DEI (diversity, equity and inclusion) extension.

JSON has one kind of number, so amounts are written from their Decimal value: with two decimal places at most, a
reader using decimal numbers gets back exactly what was awarded.

A round can hold tens of thousands of grants, so both files are made as a stream of text, grant by grant, from plain
rows fetched a batch at a time rather than model instances: the memory they need does not grow with the round.
"""

import csv
import json
from collections.abc import Iterator
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.db.models import Case, Count, F, Max, OuterRef, QuerySet, Subquery, Sum, When
from django.db.models.functions import Coalesce

from applications.eligibility import is_disabled_led
from applications.models import Application, Round
from core.spreadsheets import cell_safe
from grants.models import Award, Repayment, Tranche

PUBLISHED = Award.ACCEPTED_ONES
# Rows fetched from the database at a time: enough to keep the round trips few, few enough to keep memory small.
BATCH = 2000
# What a grant's record is made from, read with the award in one query: the award's own fields, and from its
# application, decision, organisation and round.
AWARD_FIELDS = ("application_id", "amount", "starts_on", "ends_on", "completed_on")
JOINED_FIELDS = {
    # Dated by its confirmed decision; a grant without one, by its offer.
    "awarded_at": Coalesce("application__decision__confirmed_at", "offered_at"),
    "reference": F("application__reference"),
    "title": F("application__title"),
    "summary": F("application__summary"),
    "organisation_id": F("application__organisation"),
    "organisation_name": F("application__organisation__name"),
    "charity_number": F("application__organisation__charity_number"),
    "company_number": F("application__organisation__company_number"),
    "society_number": F("application__organisation__society_number"),
    "postcode": F("application__organisation__postcode"),
    "prefix": F("round__three_sixty_giving_prefix"),
    "programme_code": F("round__reference_prefix"),
    "programme_title": F("round__name"),
    "quarters": F("round__quarters"),
    "eligibility_answers": F("application__eligibility_check__answers"),
    # What was paid, less what was paid back: a completed grant's record says how much it came to. Only completed
    # grants are summed: the others' records leave it out.
    "disbursed": Case(When(completed_on__isnull=False, then=Subquery(
        Tranche.objects.filter(award=OuterRef("pk"), status=Tranche.Status.PAID).values("award")
        .annotate(total=Sum("amount")).values("total")
    ))),
    "repaid": Case(When(completed_on__isnull=False, then=Subquery(
        Repayment.objects.filter(clawback__award=OuterRef("pk")).values("clawback__award")
        .annotate(total=Sum("amount")).values("total")
    ))),
}
CSV_HEADERS = [
    "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
    "Recipient Org:Identifier", "Recipient Org:Name", "Recipient Org:Charity Number",
    "Recipient Org:Company Number", "Recipient Org:Postal Code", "Funding Org:Identifier", "Funding Org:Name",
    "Grant Programme:Code", "Grant Programme:Title", "Planned Dates:Start Date", "Planned Dates:End Date",
    "Planned Dates:Duration (months)", "Actual Dates:Start Date", "Actual Dates:End Date", "Amount Disbursed",
    "DEI Details:Leadership:Asked Status", "DEI Details:Leadership:Reply Status",
    "DEI Details:Leadership:Response:Taxonomy Codes",
]
# The DEI extension's codes: its taxonomy's code for Disabled people; asked during the application, or not asked
# where it does not apply; a reply naming a group, or one that is general (not led by one group).
DISABLED_PEOPLE = "DEI020000"
ASKED_IN_APPLICATION, NOT_ASKED = "AS200", "AS100"
REPLY_GOT, REPLY_GENERAL = "RS200", "RS201"
TAXONOMY_POPULATION_GROUP = "AO100"


def publishable_awards(round_: Round | None = None) -> QuerySet[Award]:
    awards = Award.objects.filter(status__in=PUBLISHED)
    return awards.filter(round=round_) if round_ else awards


def organisation_id(*, pk: int, charity_number: str, company_number: str, society_number: str, prefix: str) -> str:
    """An org-id.guide identifier: the charity, company or society register, or the funder's own for a group
    that is on none of them."""
    if charity_number.startswith("SC"):
        return f"GB-SC-{charity_number}"
    if charity_number.startswith("NIC"):
        return f"GB-NIC-{charity_number[3:]}"
    if charity_number:
        return f"GB-CHC-{charity_number}"
    if company_number:
        return f"GB-COH-{company_number}"
    if society_number:
        return f"GB-MPR-{society_number}"
    return f"{prefix}-org-{pk}"


def dei_details(answers: dict | None) -> dict:
    """The recipient's leadership in the DEI extension, from its eligibility answers (applications.eligibility
    .is_disabled_led): led by Disabled people, or general. The mission and the project are not asked about."""
    if answers is None:
        leadership = {"askedStatus": NOT_ASKED}
    elif is_disabled_led(answers):
        leadership = {"askedStatus": ASKED_IN_APPLICATION, "availableOptions": [TAXONOMY_POPULATION_GROUP],
                      "replyStatus": REPLY_GOT, "response": {"taxonomyCodes": [DISABLED_PEOPLE]}}
    else:
        leadership = {"askedStatus": ASKED_IN_APPLICATION, "availableOptions": [TAXONOMY_POPULATION_GROUP],
                      "replyStatus": REPLY_GENERAL}
    return {"leadership": leadership, "mission": {"askedStatus": NOT_ASKED}, "project": {"askedStatus": NOT_ASKED}}


def _number(amount: Decimal):
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def grant(row: dict, places: list[tuple[str, str]], funder: tuple[str, str]) -> dict:
    """One grant's record, from its row of AWARD_FIELDS and JOINED_FIELDS, the names and GSS codes of the boroughs it
    works in, and the funder's org-id (blank for its 360Giving prefix) and name."""
    prefix = row["prefix"]
    recipient = {
        "id": organisation_id(pk=row["organisation_id"], charity_number=row["charity_number"],
                              company_number=row["company_number"], society_number=row["society_number"], prefix=prefix),
        "name": row["organisation_name"],
    }
    if row["charity_number"]:
        recipient["charityNumber"] = row["charity_number"]
    if row["company_number"]:
        recipient["companyNumber"] = row["company_number"]
    if row["postcode"]:
        recipient["postalCode"] = row["postcode"]
    record = {
        "id": f"{prefix}-{row['reference']}",
        "title": row["title"],
        "description": row["summary"] or row["title"],
        "currency": "GBP",
        "amountAwarded": _number(row["amount"]),
        "awardDate": row["awarded_at"].date().isoformat(),
        "recipientOrganization": [recipient],
        "fundingOrganization": [{"id": funder[0] or prefix, "name": funder[1]}],
        "grantProgramme": [{"code": row["programme_code"], "title": row["programme_title"]}],
        "beneficiaryLocation": [{"name": name, "geoCode": code, "geoCodeType": "LA"} for name, code in places],
        "deiDetails": dei_details(row["eligibility_answers"]),
    }
    if row["starts_on"] and row["ends_on"]:
        record["plannedDates"] = [{"startDate": row["starts_on"].isoformat(), "endDate": row["ends_on"].isoformat(),
                                   "duration": row["quarters"] * 3}]
    if row["completed_on"]:
        record["actualDates"] = [{"startDate": row["starts_on"].isoformat(),
                                  "endDate": row["completed_on"].isoformat()}]
        record["amountDisbursed"] = _number((row["disbursed"] or Decimal(0)) - (row["repaid"] or Decimal(0)))
    return record


def grants(awards: QuerySet[Award]) -> Iterator[dict]:
    """The awards' grant records in order of reference. Two queries in all, read as they are used: the awards with
    what they are joined to, and the boroughs of their applications in the same order, walked alongside."""
    in_order = ("application__reference", "application_id")
    rows = awards.order_by(*in_order).values(*AWARD_FIELDS, **JOINED_FIELDS).iterator(chunk_size=BATCH)
    places = groupby(
        Application.boroughs.through.objects.filter(application__award__in=awards)
        .order_by(*in_order, "borough__name")
        .values_list("application_id", "borough__name", "borough__gss_code")
        .iterator(chunk_size=BATCH),
        key=itemgetter(0),
    )
    funder = (settings.FUNDER_ORG_ID, settings.FUNDER_NAME)  # read once: each read of settings takes a lookup
    application_id, boroughs = next(places, (None, ()))
    for row in rows:
        found = []
        if row["application_id"] == application_id:
            found = [(name, code) for _, name, code in boroughs]
            application_id, boroughs = next(places, (None, ()))
        yield grant(row, found, funder)


def as_json(awards: QuerySet[Award]) -> Iterator[str]:
    """The 360Giving package, {"grants": [...]}, in pieces: the text json.dumps would give for the whole of it."""
    yield '{"grants": ['
    for number, record in enumerate(grants(awards)):
        yield f", {json.dumps(record)}" if number else json.dumps(record)
    yield "]}"


class _Line:
    """Hands back what csv.writer writes, so each row comes out as its text."""

    def write(self, text: str) -> str:
        return text


def as_csv(awards: QuerySet[Award]) -> Iterator[str]:
    """The same grants flattened with 360Giving's column titles, a line at a time; further boroughs get numbered
    columns, as many as the grant with the most boroughs needs."""
    most_places = awards.annotate(places=Count("application__boroughs")).aggregate(most=Max("places"))["most"] or 0
    headers = list(CSV_HEADERS)
    for number in range(most_places):
        headers += [f"Beneficiary Location:{number}:Name", f"Beneficiary Location:{number}:Geographic Code",
                    f"Beneficiary Location:{number}:Geographic Code Type"]
    writer = csv.writer(_Line())
    yield writer.writerow(headers)
    for g in grants(awards):
        recipient, funder, programme = g["recipientOrganization"][0], g["fundingOrganization"][0], g["grantProgramme"][0]
        dates, actual = (g.get("plannedDates") or [{}])[0], (g.get("actualDates") or [{}])[0]
        leadership = g["deiDetails"]["leadership"]
        row = [
            g["id"], g["title"], g["description"], g["currency"], g["amountAwarded"], g["awardDate"],
            recipient["id"], recipient["name"], recipient.get("charityNumber", ""), recipient.get("companyNumber", ""),
            recipient.get("postalCode", ""), funder["id"], funder["name"], programme["code"], programme["title"],
            dates.get("startDate", ""), dates.get("endDate", ""), dates.get("duration", ""),
            actual.get("startDate", ""), actual.get("endDate", ""), g.get("amountDisbursed", ""),
            leadership["askedStatus"], leadership.get("replyStatus", ""),
            ";".join(leadership.get("response", {}).get("taxonomyCodes", [])),
        ]
        for place in g["beneficiaryLocation"] + [{}] * (most_places - len(g["beneficiaryLocation"])):
            row += [place.get("name", ""), place.get("geoCode", ""), place.get("geoCodeType", "")]
        yield writer.writerow([cell_safe(value) for value in row])
