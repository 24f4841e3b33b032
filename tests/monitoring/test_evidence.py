import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from monitoring.evidence import Quarter, evidence_pack, evidence_pdf, evidence_sheet, responses_by_area_and_quarter
from monitoring.models import PoorResponse, Return

pytestmark = pytest.mark.django_db


def recorded(award, count, *, area="Central East BCU", month=date(2027, 2, 1), accepted=True, **fields):
    monitoring_return = award.returns.get(quarter=1)
    Return.objects.filter(pk=monitoring_return.pk).update(status="accepted" if accepted else "submitted")
    PoorResponse.objects.bulk_create(
        PoorResponse(monitoring_return=monitoring_return, police_area=area, month=month,
                     problems=fields.get("problems", ["no_follow_up"]), details=f"Account {number}.",
                     complaint_made=number < fields.get("complaints", 0), escalated=True)
        for number in range(count)
    )


def test_a_quarter_is_named_by_its_months_and_found_from_any_day():
    assert Quarter.of(date(2027, 5, 17)) == Quarter(date(2027, 4, 1))
    assert Quarter(date(2027, 10, 1)).label == "October to December 2027"
    assert Quarter(date(2027, 1, 1)).months == [date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)]


def test_staff_see_true_figures_from_accepted_returns_by_area_and_quarter(award):
    recorded(award, 3)
    recorded(award, 1, area="British Transport Police", month=date(2027, 4, 1))
    quarters, areas = responses_by_area_and_quarter(award.round)
    assert quarters == [Quarter(date(2027, 1, 1)), Quarter(date(2027, 4, 1))]
    assert areas == [("British Transport Police", [0, 1]), ("Central East BCU", [3, 0])]
    Return.objects.update(status="submitted")
    assert responses_by_area_and_quarter(award.round) == ([], [])


@pytest.mark.parametrize(("count", "complaints", "shown"), [
    (4, 1, {"In all": "<5", "Yes": "<5", "No": "<5", "February 2027": "<5", "January 2027": "0"}),
    (6, 1, {"In all": "6", "Yes": "<5", "No": "<5", "February 2027": "6"}),
    (11, 5, {"In all": "11", "Yes": "5", "No": "6"}),
])
def test_an_evidence_pack_hides_small_figures_and_any_that_would_give_one_away(award, count, complaints, shown):
    recorded(award, count, complaints=complaints)
    pack = evidence_pack(award.round, "Central East BCU", Quarter(date(2027, 1, 1)))
    content, _ = evidence_sheet(pack, "csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig") if isinstance(content, bytes) else content)))
    figures = {}
    for row in rows:
        if row["Section"] in ("In all", "By month") or row["Section"].startswith("Was a complaint"):
            figures.setdefault(row["Measure"] if row["Section"] != "In all" else "In all",
                               row["Number of responses (under 5 shown as <5)"])
    assert {key: figures[key] for key in shown} == shown
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(evidence_pdf(pack))).pages)
    assert "Central East BCU" in text and "January to March 2027" in text
    # The groups' words only where there are enough of them that none points to a person.
    assert ("Account 0." in text) == (count >= 5)


def test_a_manager_downloads_an_areas_evidence_pack_from_the_poor_responses_page(client_for, programme_manager, award):
    recorded(award, 6)
    client = client_for(programme_manager)
    page = client.get(reverse("monitoring:poor_responses", kwargs={"pk": award.round.pk})).content.decode()
    assert "Not for publication" in page and "January to March 2027" in page
    url = reverse("monitoring:evidence_pack", kwargs={"pk": award.round.pk, "file_format": "pdf"})
    response = client.get(url, {"area": "Central East BCU", "quarter": "2027-01-01", "print": "large"})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('-central-east-bcu-2027-01-large-print.pdf"')
    csv_url = reverse("monitoring:evidence_pack", kwargs={"pk": award.round.pk, "file_format": "csv"})
    assert client.get(csv_url, {"area": "Central East BCU", "quarter": "2027-01-01"}).status_code == 200
    for query in ({"area": "Hackney", "quarter": "2027-01-01"}, {"area": "Central East BCU", "quarter": "2027-02-01"},
                  {"area": "Central East BCU", "quarter": "soon"}, {}):
        assert client.get(url, query).status_code == 404
    assert client.get(url.replace(".pdf", ".docx"), {"area": "Central East BCU", "quarter": "2027-01-01"}
                      ).status_code == 404
