"""Assessment in Chromium: an assessor declares, scores and sends, on the page or by spreadsheet; a programme manager
screens, shares out, moderates and reads the ranking. axe-core checks every page on the way."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import Role
from applications.models import Application
from assessment.models import Allocation, ModeratedScore, Score
from assessment.services import assessment_save, conflict_declare
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, ApplicationFactory, RoundFactory, UserFactory, described_criteria

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def round_with_panel(db):
    round_ = RoundFactory(name="Hate Crime Support 2027", budget="12000.00")
    described_criteria(round_)
    assessors = [UserFactory(role=Role.ASSESSOR, full_name=name) for name in ("Dev Sharma", "Grace Obi")]
    round_.assessors.add(*assessors)
    return round_, assessors


def test_an_assessor_declares_scores_by_keyboard_and_sends(page, round_with_panel):
    round_, (assessor, _) = round_with_panel
    application = ApplicationFactory(round=round_, status="eligible", reference="DHC27-0001", title="Drop-in support")
    conflicted = ApplicationFactory(round=round_, status="eligible", reference="DHC27-0002")
    Allocation.objects.create(application=application, assessor=assessor)
    Allocation.objects.create(application=conflicted, assessor=assessor)

    sign_in(page, assessor.email, TEST_PASSWORD)
    page.axe.check("assessor dashboard")
    page.get_by_role("link", name="DHC27-0002").click()
    page.wait_for_load_state("load")
    page.axe.check("declaration")
    page.get_by_label("Yes").check()
    page.get_by_label("What is the conflict?").fill("I volunteer there on Saturdays")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")
    page.axe.check("after declaring a conflict")
    assert "Conflict declared" in page.content()

    page.get_by_role("link", name="DHC27-0001").click()
    page.wait_for_load_state("load")
    page.axe.check()
    page.get_by_label("No").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/assess/{application.allocations.get().pk}/")
    page.axe.check("scoring page")
    assert "Drop-in support" in page.content()

    page.get_by_role("button", name="Send scores").click()
    page.wait_for_load_state("load")
    assert "Choose a score for" in page.locator(".govuk-error-summary").inner_text()
    page.axe.check("scoring with errors")

    for criterion in round_.criteria.all():
        page.locator(f"#id_score_{criterion.pk}_4").focus()
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        page.keyboard.type("Strong evidence of local need and clear plans.")
    page.get_by_role("button", name="Send scores").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/assess/")
    page.axe.check("after sending")
    assert "Sent" in page.content()
    assert application.allocations.get().assessments.get().status == "submitted"


def test_a_scoring_sheet_is_checked_in_the_background_then_shows_its_problems_or_its_scores(
    page, round_with_panel, run_worker, tmp_path
):
    round_, (assessor, _) = round_with_panel
    for reference in ("DHC27-0001", "DHC27-0002"):
        allocation = Allocation.objects.create(
            application=ApplicationFactory(round=round_, status="eligible", reference=reference), assessor=assessor
        )
        conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=assessor)
    sign_in(page, assessor.email, TEST_PASSWORD)
    page.axe.check("assessor dashboard")
    downloaded = page.request.get(reverse("assessment:scoring_sheet", kwargs={"file_format": "csv"}))
    headings, *rows = csv.reader(io.StringIO(downloaded.text()))
    score, reason = headings.index("Score"), headings.index("Reason for the score")
    for row in rows:
        row[score], row[reason] = "4", "Strong evidence of local need."
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    for path, sheet in ((bad, [*rows[:-1], [*rows[-1][:score], "9", *rows[-1][score + 1:]]]), (good, rows)):
        with path.open("w", newline="") as out:
            csv.writer(out).writerows([headings, *sheet])

    def upload(path):
        page.get_by_label("Upload your completed scoring spreadsheet").set_input_files(path)
        page.get_by_role("button", name="Upload scores").click()
        page.wait_for_load_state("load")
        page.axe.check("checking the sheet")
        assert "Checking your spreadsheet" in page.content()
        run_worker()
        page.reload()

    page.get_by_role("link", name="Upload your completed scoring sheet").click()
    page.wait_for_load_state("load")
    page.axe.check("upload a scoring sheet")
    upload(bad)
    page.axe.check("the sheet's problems")
    assert "Nothing was saved: the sheet has 1 problem" in page.content()
    assert f"Row {len(rows) + 1}: The score must be a whole number from 0 to 5." in page.content()
    assert not Score.objects.exists()
    upload(good)
    page.axe.check("scores saved")
    assert "4 scores saved as drafts" in page.content()
    assert set(Score.objects.values_list("score", flat=True)) == {4}
    page.get_by_role("link", name="Go to your applications to score").click()
    page.wait_for_load_state("load")
    page.axe.check("dashboard with draft scores")


def test_a_manager_screens_shares_out_moderates_and_ranks(page, round_with_panel):
    round_, assessors = round_with_panel
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    sent = ApplicationFactory(round=round_, status="submitted", reference="DHC27-0003", amount_requested="4000")
    split = ApplicationFactory(round=round_, status="eligible", reference="DHC27-0004", amount_requested="9000")
    agreed = ApplicationFactory(round=round_, status="eligible", reference="DHC27-0005", amount_requested="5000")
    for application, values in [(split, (1, 5)), (agreed, (4, 4))]:
        for assessor, value in zip(assessors, values):
            allocation = Allocation.objects.create(application=application, assessor=assessor)
            conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=assessor)
            assessment_save(allocation=allocation, acting_user=assessor, submit=True,
                            scores={c.pk: (value, "Reason") for c in round_.criteria.all()})

    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("applications:manage_round", kwargs={"pk": round_.pk}))
    page.axe.check("round")
    page.get_by_role("link", name="Screen sent applications").click()
    page.wait_for_load_state("load")
    page.axe.check("screening")
    page.get_by_role("link", name="DHC27-0003").click()
    page.wait_for_load_state("load")
    page.axe.check("screen one")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save screening decision").click()
    page.wait_for_load_state("load")
    page.axe.check("after screening")
    assert Application.objects.get(pk=sent.pk).status == "eligible"

    page.goto(reverse("assessment:allocations", kwargs={"pk": round_.pk}))
    page.axe.check("allocations")
    page.get_by_role("button", name="Share out applications automatically").click()
    page.wait_for_load_state("load")
    page.axe.check("after sharing out")
    assert sent.allocations.count() == 2
    page.get_by_role("link", name="Read the register of declared interests").click()
    page.wait_for_load_state("load")
    page.axe.check("conflicts register")

    page.goto(reverse("assessment:ranking", kwargs={"pk": round_.pk}))
    page.axe.check("ranking")
    assert "Needs moderation" in page.content()
    page.get_by_role("link", name="DHC27-0004").click()
    page.wait_for_load_state("load")
    page.axe.check("moderation")
    page.get_by_role("link", name="Agree a score for Criterion 1").click()
    page.wait_for_load_state("load")
    page.axe.check("moderation form")
    page.get_by_label("3").check()
    page.get_by_label("Why this score?").fill("The panel agreed the evidence was partial.")
    page.get_by_role("button", name="Save agreed score").click()
    page.wait_for_load_state("load")
    page.axe.check("after moderating")
    assert ModeratedScore.objects.get(application=split).score == 3

    page.goto(reverse("assessment:ranking", kwargs={"pk": round_.pk}) + "?status=scored")
    page.axe.check("filtered ranking")
    assert "DHC27-0005" in page.content()
    assert "DHC27-0003" not in page.content()
