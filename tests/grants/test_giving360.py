import csv
import io
import json
from pathlib import Path

import pytest
import referencing
import referencing.jsonschema
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from jsonschema import Draft202012Validator

from applications.models import Borough, Organisation
from core.models import Export
from grants.giving360 import as_csv, organisation_id, package, publishable_awards
from grants.services import award_accept
from tests.factories import AwardFactory, OrganisationFactory
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
    assert organisation_id(OrganisationFactory(company_number="07654321"), "360G-X") == "GB-COH-07654321"
    assert organisation_id(OrganisationFactory(charity_number="SC012345"), "360G-X") == "GB-SC-SC012345"
    unregistered = OrganisationFactory()
    assert organisation_id(unregistered, "360G-X") == f"360G-X-org-{unregistered.pk}"


def test_the_csv_has_360giving_columns_and_a_row_per_grant(published):
    rows = list(csv.DictReader(io.StringIO(as_csv(publishable_awards()))))
    assert len(rows) == 3
    assert rows[0]["Beneficiary Location:1:Geographic Code"] in {"E09000012", "E09000030"}
    assert rows[1]["Recipient Org:Identifier"] == "GB-COH-07654321"


@pytest.mark.parametrize("typed", FORMULAE)
def test_the_csv_shows_an_organisation_name_that_looks_like_a_formula_as_text(published, typed):
    Organisation.objects.filter(pk=published[0].application.organisation_id).update(name=typed)
    assert_shown_as_text(as_csv(publishable_awards()), "csv", typed)


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
        assert content == json.dumps(package(awards), cls=DjangoJSONEncoder, indent=2)
        assert not list(validator().iter_errors(json.loads(content)))
    else:
        assert response["Content-Type"] == "text/csv"
        assert content == as_csv(awards)


def test_an_unknown_360giving_format_is_not_found(client_for, programme_manager, published):
    url = reverse("grants:three_sixty_giving_export", kwargs={"pk": published[0].round.pk, "file_format": "xml"})
    assert client_for(programme_manager).post(url).status_code == 404
    assert not Export.objects.exists()
