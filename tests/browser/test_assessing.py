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
from tests.factories import (
    TEST_PASSWORD,
    ApplicationFactory,
    RoundFactory,
    UserFactory,
    answers_given,
    described_criteria,
)

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


@pytest.fixture
def scoring_page(round_with_panel):
    """A scoring page as long as a real one: the demo round's six criteria, each point described, and full answers."""
    from applications.demo import DEMO_CRITERIA, DESCRIPTORS
    from applications.models import Criterion, ScoreDescriptor
    from assessment.models import ConflictDeclaration

    round_, (assessor, _) = round_with_panel
    round_.criteria.all().delete()
    for position, (name, guidance, weight) in enumerate(DEMO_CRITERIA):
        criterion = Criterion.objects.create(round=round_, name=name, guidance=guidance, weight=weight, position=position)
        ScoreDescriptor.objects.bulk_create(
            ScoreDescriptor(criterion=criterion, score=score, description=text) for score, text in enumerate(DESCRIPTORS)
        )
    answer = " ".join(["Disabled people in the borough rarely report hate crime because they are not believed."] * 12)
    application = ApplicationFactory(round=round_, status="eligible", reference="DHC27-0001")
    answers_given(application, need=answer, activities=answer, beneficiaries=answer, partnership=answer)
    allocation = Allocation.objects.create(application=application, assessor=assessor)
    ConflictDeclaration.objects.create(application=application, assessor=assessor, has_conflict=False)
    return assessor, allocation


def box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


def test_the_scoring_page_puts_answers_beside_the_criteria_on_a_wide_screen_in_reading_order(page, scoring_page):
    assessor, allocation = scoring_page
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, assessor.email, TEST_PASSWORD)
    page.axe.check("assessor dashboard")
    page.goto(reverse("assessment:assess", kwargs={"pk": allocation.pk}))
    page.axe.check("scoring page, wide")
    evidence, scores = box(page, ".app-assess__evidence"), box(page, ".app-assess__scores")
    assert evidence["x"] + evidence["width"] <= scores["x"], "the answers sit to the left of the criteria"
    assert abs(evidence["y"] - scores["y"]) < 1, "both columns start at the same height"
    # Each column scrolls on its own within the window, so the page is about a screen tall, not 5,140px.
    assert page.evaluate("document.documentElement.scrollHeight") < 1600
    assert evidence["height"] <= 800 and scores["height"] <= 800

    # The tab order follows the reading order: every stop in the answers comes before any stop in the form.
    page.get_by_role("link", name="Download the application (PDF)").focus()
    columns = []
    for _ in range(60):
        page.keyboard.press("Tab")
        column = page.evaluate("""() => {
            const here = document.activeElement;
            if (here.closest('.app-assess__evidence')) return 'evidence';
            if (here.closest('.app-assess__scores')) return 'scores';
            return 'elsewhere';
        }""")
        columns.append(column)
        if column == "scores" and page.evaluate("document.activeElement.type === 'radio'"):
            break
    assert columns[-1] == "scores"
    assert columns == sorted(columns, key=["evidence", "scores"].index), columns
    # The focused radio is scrolled into view inside its column.
    radio = box(page, ":focus")
    assert 0 <= radio["y"] <= 800


def test_the_scoring_page_stacks_answers_then_criteria_on_a_narrow_screen(page, scoring_page):
    assessor, allocation = scoring_page
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, assessor.email, TEST_PASSWORD)
    page.axe.check("assessor dashboard")
    page.goto(reverse("assessment:assess", kwargs={"pk": allocation.pk}))
    page.axe.check("scoring page, narrow")
    evidence, scores = box(page, ".app-assess__evidence"), box(page, ".app-assess__scores")
    assert scores["y"] >= evidence["y"] + evidence["height"], "the criteria come after the answers"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "nothing scrolls sideways"


def test_a_manager_adds_a_panel_member_when_conflicts_leave_too_few_assessors(page, round_with_panel):
    round_, (dev, grace) = round_with_panel
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    UserFactory(role=Role.ASSESSOR, full_name="Nadia Newcomer", email="nadia@example.org")
    application = ApplicationFactory(round=round_, status="eligible", reference="DHC27-0006")
    allocation = Allocation.objects.create(application=application, assessor=dev)
    conflict_declare(allocation=allocation, has_conflict=True, nature="I am a trustee", acting_user=dev)
    allocation.delete()

    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("assessment:allocations", kwargs={"pk": round_.pk}))
    page.axe.check("allocations with a shortfall")
    assert "1 application has too few possible assessors" in page.content()
    page.get_by_role("link", name="Add a panel member").click()
    page.wait_for_load_state("load")
    page.axe.check("add a panel member")
    page.get_by_label("Who should join the panel?").select_option(label="Nadia Newcomer (nadia@example.org)")
    page.get_by_role("button", name="Add to the panel").click()
    page.wait_for_load_state("load")
    page.axe.check("after adding a panel member")
    assert "Nadia Newcomer is now on the panel" in page.content()
    assert "too few possible assessors" not in page.content()
    page.get_by_role("link", name="Add an assessor to DHC27-0006").click()
    page.wait_for_load_state("load")
    page.axe.check("add an assessor")
    options = page.get_by_label("Assessor").locator("option").all_inner_texts()
    assert options == ["Choose an assessor", "Grace Obi", "Nadia Newcomer"]


def test_a_manager_filters_the_allocations_turns_the_page_and_takes_one_back_there(page, round_with_panel, monkeypatch):
    monkeypatch.setattr("core.paging.PAGE_SIZE", 2)
    round_, (dev, grace) = round_with_panel
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    for n in range(3):
        application = ApplicationFactory(round=round_, status="eligible", reference=f"DHC27-010{n}")
        Allocation.objects.create(application=application, assessor=dev)
    served = ApplicationFactory(round=round_, status="eligible", reference="DHC27-0200")
    for assessor in (dev, grace):
        Allocation.objects.create(application=served, assessor=assessor)

    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("assessment:allocations", kwargs={"pk": round_.pk}))
    page.axe.check("allocations in pages")
    page.get_by_label("Show").select_option(label="Still needing assessors")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state("load")
    page.axe.check("allocations still needing assessors")
    page.get_by_role("link", name="Next page").click()
    page.wait_for_load_state("load")
    page.axe.check("second page of the filter")
    assert "Page 2 of 2" in page.content() and "DHC27-0200" not in page.content()
    page.get_by_role("button", name="Take back DHC27-0102 from Dev Sharma").click()
    page.wait_for_load_state("load")
    page.axe.check("after taking one back")
    assert "DHC27-0102 taken back from Dev Sharma." in page.content()
    assert page.url.endswith("?page=2&shown=needing")
    assert not Allocation.objects.filter(application__reference="DHC27-0102").exists()
