"""Publishing awards in the 360Giving Data Standard (1.4.3), as a JSON package or a flat CSV.

JSON has one kind of number, so amounts are written from their Decimal value: with two decimal places at most, a
reader using decimal numbers gets back exactly what was awarded.
"""

import csv
import io
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from applications.models import Borough, Organisation, Round
from core.spreadsheets import cell_safe
from grants.models import Award

PUBLISHED = [Award.Status.ACCEPTED, Award.Status.ACTIVE]


def publishable_awards(round_: Round | None = None) -> QuerySet[Award]:
    awards = Award.objects.filter(status__in=PUBLISHED).select_related(
        "round", "application__organisation", "application__decision"
    ).prefetch_related(Prefetch("application__boroughs", queryset=Borough.objects.order_by("name")))
    return awards.filter(round=round_) if round_ else awards


def organisation_id(organisation: Organisation, prefix: str) -> str:
    """An org-id.guide identifier: the charity, company or society register, or the funder's own for a group
    that is on none of them."""
    if organisation.charity_number.startswith("SC"):
        return f"GB-SC-{organisation.charity_number}"
    if organisation.charity_number.startswith("NIC"):
        return f"GB-NIC-{organisation.charity_number[3:]}"
    if organisation.charity_number:
        return f"GB-CHC-{organisation.charity_number}"
    if organisation.company_number:
        return f"GB-COH-{organisation.company_number}"
    if organisation.society_number:
        return f"GB-MPR-{organisation.society_number}"
    return f"{prefix}-org-{organisation.pk}"


def _number(amount: Decimal):
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def grant(award: Award) -> dict:
    application, round_ = award.application, award.round
    organisation = application.organisation
    prefix = round_.three_sixty_giving_prefix
    recipient = {"id": organisation_id(organisation, prefix), "name": organisation.name}
    if organisation.charity_number:
        recipient["charityNumber"] = organisation.charity_number
    if organisation.company_number:
        recipient["companyNumber"] = organisation.company_number
    if organisation.postcode:
        recipient["postalCode"] = organisation.postcode
    decision = getattr(application, "decision", None)
    awarded_on = (decision.confirmed_at if decision and decision.confirmed_at else award.offered_at).date()
    record = {
        "id": f"{prefix}-{application.reference}",
        "title": application.title,
        "description": application.summary or application.title,
        "currency": "GBP",
        "amountAwarded": _number(award.amount),
        "awardDate": awarded_on.isoformat(),
        "recipientOrganization": [recipient],
        "fundingOrganization": [{"id": settings.FUNDER_ORG_ID or prefix, "name": settings.FUNDER_NAME}],
        "grantProgramme": [{"code": round_.reference_prefix, "title": round_.name}],
        "beneficiaryLocation": [
            {"name": borough.name, "geoCode": borough.gss_code, "geoCodeType": "LA"}
            for borough in application.boroughs.all()
        ],
    }
    if award.starts_on and award.ends_on:
        record["plannedDates"] = [{"startDate": award.starts_on.isoformat(), "endDate": award.ends_on.isoformat(),
                                   "duration": round_.quarters * 3}]
    return record


def package(awards) -> dict:
    return {"grants": [grant(award) for award in awards]}


def as_csv(awards) -> str:
    """The same grants flattened with 360Giving's column titles; further boroughs get numbered columns."""
    grants = [grant(award) for award in awards]
    places = max((len(g["beneficiaryLocation"]) for g in grants), default=0)
    headers = [
        "Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
        "Recipient Org:Identifier", "Recipient Org:Name", "Recipient Org:Charity Number",
        "Recipient Org:Company Number", "Recipient Org:Postal Code", "Funding Org:Identifier", "Funding Org:Name",
        "Grant Programme:Code", "Grant Programme:Title", "Planned Dates:Start Date", "Planned Dates:End Date",
        "Planned Dates:Duration (months)",
    ]
    for number in range(places):
        headers += [f"Beneficiary Location:{number}:Name", f"Beneficiary Location:{number}:Geographic Code",
                    f"Beneficiary Location:{number}:Geographic Code Type"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for g in grants:
        recipient, funder, programme = g["recipientOrganization"][0], g["fundingOrganization"][0], g["grantProgramme"][0]
        dates = (g.get("plannedDates") or [{}])[0]
        row = [
            g["id"], g["title"], g["description"], g["currency"], g["amountAwarded"], g["awardDate"],
            recipient["id"], recipient["name"], recipient.get("charityNumber", ""), recipient.get("companyNumber", ""),
            recipient.get("postalCode", ""), funder["id"], funder["name"], programme["code"], programme["title"],
            dates.get("startDate", ""), dates.get("endDate", ""), dates.get("duration", ""),
        ]
        for place in g["beneficiaryLocation"] + [{}] * (places - len(g["beneficiaryLocation"])):
            row += [place.get("name", ""), place.get("geoCode", ""), place.get("geoCodeType", "")]
        writer.writerow([cell_safe(value) for value in row])
    return out.getvalue()
