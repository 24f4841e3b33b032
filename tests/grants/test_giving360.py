import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import referencing
import referencing.jsonschema
from django.core.management import call_command
from django.urls import reverse
from jsonschema import Draft202012Validator

from applications.models import Borough, Organisation
from core.models import Export
from grants import giving360
from grants.giving360 import as_csv, as_json, organisation_id, publishable_awards
from grants.models import Decision
from grants.services import award_accept
from tests.factories import AwardFactory, OrganisationFactory, UserFactory
from tests.formulae import FORMULAE, assert_shown_as_text

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).parent / "data"


def validator() -> Draft202012Validator:
    """The package schema, with its reference to the grant schema answered from the local copy."""
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    package_schema = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    grant_resource = referencing.Resource(contents=grant, specification=referencing.jsonschema.DRAFT202012)
    reference = package_schema["properties"]["grants"]["items"]["$ref"]
    registry = referencing.Registry().with_resources([(reference, grant_resource), (grant.get("$id", reference), grant_resource)])
    return Draft202012Validator(package_schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def package(awards) -> dict:
    return json.loads("".join(as_json(awards)))


def csv_text(awards) -> str:
    return "".join(as_csv(awards))


def identified(organisation: Organisation, prefix: str) -> str:
    return organisation_id(pk=organisation.pk, charity_number=organisation.charity_number,
                           company_number=organisation.company_number, society_number=organisation.society_number,
                           prefix=prefix)


@pytest.fixture
def published(programme_manager):
    awards = []
    for number, fields in enumerate([{"charity_number": "1187654"}, {"company_number": "07654321"}, {}]):
        award = AwardFactory(application__organisation=OrganisationFactory(postcode="E1 6AN", **fields),
                             application__summary="Support for Disabled victims of hate crime", amount=f"{5000 + number}.50")
        award.application.boroughs.set(Borough.objects.filter(name__in=["Hackney", "Tower Hamlets"]))
        award_accept(award=award, name="A", role="Chair", acting_user=programme_manager)
        awards.append(award)
    AwardFactory()  # offered but not accepted: not published
    return awards


def test_the_json_package_is_valid_against_the_360giving_schema(published):
    data = package(publishable_awards())
    errors = sorted(validator().iter_errors(data), key=lambda error: list(error.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    assert len(data["grants"]) == 3


def test_each_grant_carries_the_identifiers_places_and_dates(published):
    grant = package(publishable_awards())["grants"][0]
    award = published[0]
    assert grant["id"] == f"{award.round.three_sixty_giving_prefix}-{award.application.reference}"
    assert grant["id"].startswith("360G-")
    assert grant["currency"] == "GBP" and grant["amountAwarded"] == 5000.5
    assert grant["recipientOrganization"][0]["id"] == "GB-CHC-1187654"
    assert {place["geoCode"] for place in grant["beneficiaryLocation"]} == {"E09000012", "E09000030"}
    assert grant["plannedDates"][0]["duration"] == 12


def test_organisation_identifiers_follow_org_id_guide(db):
    assert identified(OrganisationFactory(company_number="07654321"), "360G-X") == "GB-COH-07654321"
    assert identified(OrganisationFactory(charity_number="SC012345"), "360G-X") == "GB-SC-SC012345"
    assert identified(OrganisationFactory(charity_number="NIC100002"), "360G-X") == "GB-NIC-100002"
    assert identified(OrganisationFactory(society_number="RS007"), "360G-X") == "GB-MPR-RS007"
    unregistered = OrganisationFactory()
    assert identified(unregistered, "360G-X") == f"360G-X-org-{unregistered.pk}"


def test_the_csv_has_360giving_columns_and_a_row_per_grant(published):
    rows = list(csv.DictReader(io.StringIO(csv_text(publishable_awards()))))
    assert len(rows) == 3
    assert rows[0]["Beneficiary Location:1:Geographic Code"] in {"E09000012", "E09000030"}
    assert rows[1]["Recipient Org:Identifier"] == "GB-COH-07654321"


@pytest.mark.parametrize("typed", FORMULAE)
def test_the_csv_shows_an_organisation_name_that_looks_like_a_formula_as_text(published, typed):
    Organisation.objects.filter(pk=published[0].application.organisation_id).update(name=typed)
    assert_shown_as_text(csv_text(publishable_awards()), "csv", typed)


def test_the_command_writes_json_and_csv(published, tmp_path):
    out = io.StringIO()
    call_command("export_360giving", stdout=out)
    assert not list(validator().iter_errors(json.loads(out.getvalue())))
    target = tmp_path / "grants.csv"
    call_command("export_360giving", "--format", "csv", "--output", str(target), stderr=io.StringIO())
    assert target.read_text().startswith("Identifier,Title")


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_the_round_page_asks_for_the_file_and_the_worker_makes_it(client_for, programme_manager, published, exported,
                                                                  file_format):
    round_ = published[0].round
    client = client_for(programme_manager)
    export_url = reverse("grants:three_sixty_giving_export", kwargs={"pk": round_.pk, "file_format": file_format})
    assert export_url in client.get(reverse("applications:manage_round", kwargs={"pk": round_.pk})).content.decode()
    response = exported(client, export_url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{round_.reference_prefix}-360giving.{file_format}"'
    content = b"".join(response.streaming_content).decode()
    awards = publishable_awards(round_)
    if file_format == "json":
        assert response["Content-Type"] == "application/json"
        assert json.loads(content) == package(awards)
        assert not list(validator().iter_errors(json.loads(content)))
    else:
        assert response["Content-Type"] == "text/csv"
        assert content == csv_text(awards)


def test_an_unknown_360giving_format_is_not_found(client_for, programme_manager, published):
    url = reverse("grants:three_sixty_giving_export", kwargs={"pk": published[0].round.pk, "file_format": "xml"})
    assert client_for(programme_manager).post(url).status_code == 404
    assert not Export.objects.exists()


def test_the_json_package_is_the_text_json_gives_for_it_whole(published):
    # Written in pieces, the file must still be one JSON document, compact as json.dumps writes it.
    data = package(publishable_awards())
    assert "".join(as_json(publishable_awards())) == json.dumps(data)


def test_a_round_with_no_published_grants_gives_an_empty_package_and_a_csv_of_headings(published):
    nothing = publishable_awards().none()
    assert package(nothing) == {"grants": []}
    assert csv_text(nothing).splitlines() == [",".join(giving360.CSV_HEADERS)]


def test_each_grant_gets_its_own_boroughs_also_beside_grants_with_none(published, monkeypatch):
    # Boroughs are read alongside the grants, a few rows at a time here, so a grant with none sits between others.
    monkeypatch.setattr(giving360, "BATCH", 2)
    published[1].application.boroughs.clear()
    published[2].application.boroughs.set(Borough.objects.filter(name__in=["Barnet", "Camden", "Brent"]))
    grants = package(publishable_awards())["grants"]
    assert [[place["name"] for place in grant["beneficiaryLocation"]] for grant in grants] == [
        ["Hackney", "Tower Hamlets"], [], ["Barnet", "Brent", "Camden"],
    ]
    rows = list(csv.DictReader(io.StringIO(csv_text(publishable_awards()))))
    assert [row["Beneficiary Location:2:Name"] for row in rows] == ["", "", "Camden"]


def test_a_grant_is_dated_by_its_confirmed_decision_else_by_its_offer(published, programme_manager):
    confirmed = published[0].application
    Decision.objects.create(application=confirmed, outcome=Decision.Outcome.FUND, amount=5000,
                            proposed_outcome=Decision.Outcome.FUND, proposed_amount=5000,
                            decided_by=UserFactory(), confirmed_by=programme_manager,
                            confirmed_at=datetime(2027, 3, 2, 12, tzinfo=UTC), status=Decision.Status.CONFIRMED)
    grants = package(publishable_awards())["grants"]
    assert grants[0]["awardDate"] == "2027-03-02"
    assert grants[1]["awardDate"] == published[1].offered_at.date().isoformat()


@pytest.mark.parametrize("more", [0, 30])
def test_the_file_takes_the_same_queries_however_many_grants(published, programme_manager, more,
                                                             django_assert_max_num_queries):
    for award in AwardFactory.create_batch(more, round=published[0].round):
        award.application.boroughs.set(Borough.objects.filter(name="Hackney"))
        award_accept(award=award, name="A", role="Chair", acting_user=programme_manager)
    with django_assert_max_num_queries(2):
        assert len(package(publishable_awards())["grants"]) == 3 + more
    with django_assert_max_num_queries(3):
        assert len(csv_text(publishable_awards()).splitlines()) == 4 + more


DEI = SCHEMAS / "dei"


def dei_validator() -> Draft202012Validator:
    """The package schema with the grant schema extended by 360Giving's DEI extension, as 360Giving combines them:
    the extension's properties and definitions added to the grant's."""
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    extension = json.loads((DEI / "360-giving-dei-extension-schema.json").read_text())
    grant["properties"].update(extension["properties"])
    grant.setdefault("definitions", {}).update(extension["definitions"])
    package_schema = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    grant_resource = referencing.Resource(contents=grant, specification=referencing.jsonschema.DRAFT202012)
    reference = package_schema["properties"]["grants"]["items"]["$ref"]
    registry = referencing.Registry().with_resources([(reference, grant_resource), (grant.get("$id", reference), grant_resource)])
    return Draft202012Validator(package_schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def codes(codelist: str) -> set[str]:
    with open(DEI / codelist, newline="") as rows:
        return {row["Code"] for row in csv.DictReader(rows)}


def test_each_recipients_leadership_is_published_in_the_dei_extension_with_its_codes(published):
    led, general, _ = published
    for award, disabled in ((led, 5), (general, 2)):
        check = award.application.eligibility_check
        check.answers = {**check.answers, "board_size": 8, "disabled_board_members": disabled,
                         "leader_is_disabled": True}
        check.save()
    data = package(publishable_awards())
    errors = sorted(dei_validator().iter_errors(data), key=lambda error: list(error.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    by_id = {grant["id"]: grant["deiDetails"] for grant in data["grants"]}
    led_details = by_id[f"{led.round.three_sixty_giving_prefix}-{led.application.reference}"]
    general_details = by_id[f"{general.round.three_sixty_giving_prefix}-{general.application.reference}"]
    assert led_details["leadership"]["response"] == {"taxonomyCodes": ["DEI020000"]}
    assert general_details["leadership"]["replyStatus"] == "RS201" and "response" not in general_details["leadership"]
    # Every code is one of the extension's codelists', which the schema names but cannot check.
    for details in by_id.values():
        for area in details.values():
            assert area["askedStatus"] in codes("askedStatus.csv")
            assert area.get("replyStatus", "RS200") in codes("replyStatus.csv")
            assert set(area.get("availableOptions", [])) <= codes("availableOptions.csv")
            assert set(area.get("response", {}).get("taxonomyCodes", [])) <= codes("taxonomyCodes.csv")
    rows = list(csv.DictReader(io.StringIO(csv_text(publishable_awards()))))
    assert {row["DEI Details:Leadership:Response:Taxonomy Codes"] for row in rows} == {"DEI020000", ""}


def test_a_completed_grant_gains_its_actual_dates_and_the_amount_it_came_to(published, programme_manager,
                                                                          finance_officer):
    from django.utils import timezone

    from grants.completion import award_complete
    from grants.payments import tranche_record_bacs

    award = published[0]
    award.refresh_from_db()
    tranche_record_bacs(tranche=award.tranches.get(number=1), bank_reference="BACS-1", paid_on=timezone.localdate(),
                        acting_user=finance_officer)
    award_complete(award=award, underspend=award.amount - award.tranches.get(number=1).amount,
                   underspend_returned=False, acting_user=programme_manager, site_url="https://grants.example.org")
    award.refresh_from_db()
    data = package(publishable_awards())
    errors = sorted(validator().iter_errors(data), key=lambda error: list(error.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    completed, running = data["grants"][0], data["grants"][1]
    assert completed["actualDates"] == [{"startDate": award.starts_on.isoformat(),
                                         "endDate": award.completed_on.isoformat()}]
    assert completed["amountDisbursed"] == float(award.tranches.get(number=1).amount)
    assert completed["amountAwarded"] == 5000.5  # what was awarded stays as awarded
    assert "actualDates" not in running and "amountDisbursed" not in running
    row = next(line for line in csv_text(publishable_awards()).splitlines() if completed["id"] in line)
    assert award.completed_on.isoformat() in row
