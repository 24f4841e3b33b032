"""Monitoring in Chromium: the grantee files the quarter 1 return and is warned about personal data, the manager
asks for changes, the grantee resends, the manager accepts; accepting quarter 2 makes the second payment due.
The manager then reads the grant page, the outcome dashboard with its charts and tables, and the spreadsheet page.
A return with a survey, a split by borough and two poor police responses becomes an area's evidence pack and a
quarterly report, and the round's public page is read signed out.
axe-core checks every page."""

import csv
import re
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from applications.models import BudgetLine, OutcomeTarget
from applications.services import round_add_standard_indicators
from grants.models import Tranche
from grants.services import award_accept
from monitoring.models import Return
from monitoring.services import return_save, return_submit
from tests.browser.conftest import sign_in
from tests.browser.test_awarding import sign_out
from tests.factories import (
    TEST_PASSWORD,
    AwardFactory,
    MembershipFactory,
    RoundFactory,
    UserFactory,
    award_started_months_ago,
    every_figure,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def grant():
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    round_ = RoundFactory(name="Hate Crime Support 2027")
    round_add_standard_indicators(round_=round_, acting_user=manager)
    grantee = MembershipFactory(user__role=Role.APPLICANT).user
    award = AwardFactory(application__round=round_, round=round_, amount=Decimal("8000.00"),
                         application__organisation=grantee.memberships.get().organisation)
    award.application.boroughs.set(["E09000012"])
    supported = round_.indicators.get(code="victims_supported")
    for quarter in range(1, round_.quarters + 1):
        OutcomeTarget.objects.create(application=award.application, indicator=supported, quarter=quarter, target=10)
    line = BudgetLine.objects.create(application=award.application, category="staff", description="Caseworker",
                                     amount=Decimal("4000.00"))
    award_accept(award=award, name="Amara", role="Chair", acting_user=grantee)
    return award_started_months_ago(award, 6), grantee, manager, line  # quarters 1 and 2 have ended


def fill_return(page, award, figure: str):
    """The same figure for each indicator; one given in parts has it all in its first part (and as the people a
    survey asked)."""
    for indicator in award.round.indicators.all():
        if indicator.is_split:
            boxes = page.get_by_role("group", name=indicator.name, exact=True).get_by_role("textbox")
            for number in range(boxes.count()):
                boxes.nth(number).fill(figure if number == 0 or (indicator.is_survey and number == 1) else "0")
        else:
            page.get_by_label(indicator.name, exact=True).fill(figure)
    page.get_by_label("Staff costs: Caseworker").fill("1,200")


def review(page, monitoring_return, outcome: str, comments: str = ""):
    page.get_by_role("link", name="Returns", exact=True).click()
    page.wait_for_load_state("load")
    page.axe.check("returns to review")
    page.get_by_role("link", name=f"{monitoring_return.award.reference} quarter {monitoring_return.quarter}").click()
    page.wait_for_load_state("load")
    page.axe.check("review")
    page.get_by_label(outcome).check()
    if comments:
        page.get_by_label("Comments for the grantee").fill(comments)
    page.get_by_role("button", name="Save review").click()
    page.wait_for_load_state("load")
    page.axe.check("after review")


def test_file_ask_for_changes_resend_accept_and_release_the_second_payment(page, grant):
    award, grantee, manager, line = grant
    first = award.returns.get(quarter=1)

    sign_in(page, grantee.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("grants:award", kwargs={"pk": award.pk}))
    page.axe.check("award")
    page.get_by_role("link", name="Quarter 1").click()
    page.wait_for_load_state("load")
    page.axe.check("return form")
    assert "Your target this quarter: 10." in page.content()
    fill_return(page, award, "4")
    page.get_by_label("A short case study").fill("A man from E8 1HR reported abuse on the bus. Call 07700 900982.")
    page.get_by_role("button", name="Send the return").click()
    page.wait_for_load_state("load")
    page.axe.check("personal-data warning")
    warning = page.get_by_role("alert")
    assert "Check for personal data before you send" in warning.inner_text()
    assert "A postcode" in warning.inner_text() and "A phone number" in warning.inner_text()
    page.get_by_label("A short case study").fill("A man we supported reported abuse on the bus; the police took it.")
    page.get_by_role("button", name="Send the return").click()
    page.wait_for_load_state("load")
    page.axe.check("sent")
    assert "Your return for quarter 1 has been sent" in page.content()
    page.get_by_role("link", name="Quarter 1").click()
    page.wait_for_load_state("load")
    page.axe.check("sent return")
    assert "A sent return cannot be changed" in page.content()
    sign_out(page)

    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check()
    review(page, first, "Ask for changes", "Please give spend on the caseworker to date, not this quarter.")
    sign_out(page)

    sign_in(page, grantee.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("monitoring:return", kwargs={"pk": award.pk, "quarter": 1}))
    page.axe.check("changes asked for")
    assert "Please give spend on the caseworker to date" in page.content()
    page.get_by_label("Staff costs: Caseworker").fill("2,400")
    page.get_by_role("button", name="Send the return").click()
    page.wait_for_load_state("load")
    page.axe.check("resent")
    sign_out(page)

    second = award.returns.get(quarter=2)
    return_save(monitoring_return=second, counts=every_figure(award, {}, default=12),
                spending={line.pk: Decimal("3600")}, narrative={}, acting_user=grantee)
    return_submit(monitoring_return=second, declarant_name="Amara Okafor", acting_user=grantee)
    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check()
    review(page, first, "Accept the return")
    assert award.tranches.get(number=2).status == Tranche.Status.SCHEDULED
    review(page, second, "Accept the return")
    assert {r.quarter: r.status for r in award.returns.filter(quarter__lte=2)} == {1: Return.Status.ACCEPTED, 2: Return.Status.ACCEPTED}
    assert award.tranches.get(number=2).status == Tranche.Status.DUE

    page.goto(reverse("monitoring:grant", kwargs={"pk": award.pk}))
    page.axe.check("grant page")
    assert "quarter 2 return accepted: payment due" in page.content()

    page.goto(reverse("monitoring:outcomes", kwargs={"pk": award.round.pk}))
    page.axe.check("outcomes")
    quarters = page.get_by_role("table", name="By quarter: every indicator, from accepted returns")
    assert quarters.get_by_role("row", name="Quarter 2").get_by_role("cell").nth(1).inner_text() == "12"
    assert page.get_by_text("Highest: Quarter 2, 12. Then Quarter 1, 4.").is_visible()
    drawing = page.locator('[data-chart="chart-by_quarter"] canvas')
    assert drawing.is_visible() and drawing.bounding_box()["height"] > 100, "Chart.js drew the chart"
    assert page.get_by_role("table", name="By police BCU: every indicator, from accepted returns").get_by_text(
        "Central East BCU").is_visible()

    page.goto(reverse("monitoring:figures_upload", kwargs={"pk": award.round.pk}))
    page.axe.check("returns by spreadsheet")
    page.get_by_role("button", name="Upload figures").click()
    page.wait_for_load_state("load")
    page.axe.check("upload without a file")
    assert "Choose the completed spreadsheet" in page.content()


def test_the_live_word_count_counts_words_as_the_server_does(page, grant):
    award, grantee, _, _ = grant
    sign_in(page, grantee.email, TEST_PASSWORD)
    page.axe.check("signed in")
    page.goto(reverse("monitoring:return", kwargs={"pk": award.pk, "quarter": 1}))
    page.axe.check()
    # Hyphens and zero-width spaces separate words, as on the server: 4 words of the 300 allowed.
    page.get_by_label("A short case study").fill("one-two three\u200bfour")
    count = page.locator(".govuk-character-count", has=page.get_by_label("A short case study"))
    assert count.locator(".govuk-character-count__status").inner_text() == "You have 296 words remaining"


def test_an_outcome_dashboard_with_no_returns_yet_says_so_without_a_script_error(page, grant):
    award, _, manager, _ = grant
    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("monitoring:outcomes", kwargs={"pk": award.round.pk}))
    page.axe.check("outcomes before any return")
    assert page.locator("canvas").count() == 0


def test_a_returns_sheet_is_checked_in_the_background_then_shows_its_problems_or_its_figures(
    page, grant, run_worker, tmp_path
):
    award, _, manager, _ = grant
    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check("signed in")
    downloaded = page.request.get(reverse("monitoring:figures_sheet", kwargs={"pk": award.round.pk, "file_format": "csv"}))
    headings, first, *_ = csv.reader(io.StringIO(downloaded.text()))
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    for path, rows in ((bad, [[*first[:3], "5"], [award.reference, first[1], "Cups of tea", "3"]]),
                       (good, [[*first[:3], "5"]])):
        with path.open("w", newline="") as out:
            csv.writer(out).writerows([headings, *rows])

    def upload(path):
        page.get_by_label("Upload a completed returns spreadsheet").set_input_files(path)
        page.get_by_role("button", name="Upload figures").click()
        page.wait_for_load_state("load")
        page.axe.check("checking the sheet")
        assert "Checking your spreadsheet" in page.content()
        run_worker()
        page.reload()

    page.goto(reverse("monitoring:figures_upload", kwargs={"pk": award.round.pk}))
    page.axe.check("returns by spreadsheet")
    upload(bad)
    page.axe.check("the sheet's problems")
    assert "Nothing was saved: the sheet has 1 problem" in page.content()
    upload(good)
    page.axe.check("figures saved")
    assert "1 figure saved in the returns as drafts" in page.content()


def test_an_early_return_waits_for_its_quarter_unless_a_manager_allows_it_and_impossible_figures_are_refused(
    page, grant
):
    award, grantee, manager, _ = grant
    third = award.returns.get(quarter=3)  # its quarter is still running
    indicators = {indicator.code: indicator for indicator in award.round.indicators.all()}
    reports, taken = indicators["reports_with_support"], indicators["police_report_taken"]

    sign_in(page, grantee.email, TEST_PASSWORD)
    page.axe.check("signed in")
    page.goto(reverse("monitoring:return", kwargs={"pk": award.pk, "quarter": 3}))
    page.axe.check("return before its quarter ends")
    assert page.get_by_text(f"You can send this return from {third.sendable_from.day} ").is_visible()
    assert page.get_by_role("button", name="Send the return").count() == 0
    fill_return(page, award, "3")
    page.get_by_label(taken.name, exact=True).fill("6")
    page.get_by_role("button", name="Save and come back later").click()
    page.wait_for_load_state("load")
    page.axe.check("impossible figure")
    problem = f"{taken.name} (6) cannot be more than {reports.name[0].lower()}{reports.name[1:]} (3)"
    page.get_by_role("alert").get_by_role("link", name=problem).click()
    assert page.evaluate("document.activeElement.id") == f"id_count_{taken.pk}"
    assert not third.counts.exists()
    sign_out(page)

    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check("signed in")
    page.goto(reverse("monitoring:grant", kwargs={"pk": award.pk}))
    page.axe.check("grant page")
    page.get_by_role("link", name=f"{award.reference} quarter 3").click()
    page.wait_for_load_state("load")
    page.axe.check("return not yet due")
    page.get_by_role("link", name="Allow this return to be sent early").click()
    page.wait_for_load_state("load")
    page.axe.check("allow early")
    page.get_by_role("button", name="Allow this return early").click()
    page.wait_for_load_state("load")
    page.axe.check("allow early without a reason")
    assert "Say why this return can be sent before its quarter ends" in page.get_by_role("alert").inner_text()
    page.get_by_label("Why can this return be sent before its quarter ends?").fill("The project ends in May.")
    page.get_by_role("button", name="Allow this return early").click()
    page.wait_for_load_state("load")
    page.axe.check("allowed early")
    assert "The project ends in May." in page.content()
    sign_out(page)

    sign_in(page, grantee.email, TEST_PASSWORD)
    page.axe.check("signed in")
    page.goto(reverse("monitoring:return", kwargs={"pk": award.pk, "quarter": 3}))
    page.axe.check("return allowed early")
    assert "We agreed this because: The project ends in May." in page.content()
    fill_return(page, award, "3")
    page.get_by_role("button", name="Send the return").click()
    page.wait_for_load_state("load")
    page.axe.check("sent early")
    assert "Your return for quarter 3 has been sent" in page.content()
    assert award.returns.get(quarter=3).status == Return.Status.SUBMITTED


def test_a_half_typed_return_survives_the_session_timing_out(page, grant, settings):
    settings.SESSION_COOKIE_AGE = 10
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 4
    award, grantee, _, _ = grant
    sign_in(page, grantee.email, TEST_PASSWORD)
    page.axe.check("signed in")
    page.goto(reverse("monitoring:return", kwargs={"pk": award.pk, "quarter": 1}))
    page.axe.check()
    page.get_by_label("A short case study").fill("A woman came to our drop-in after months of abuse on the bu")
    page.wait_for_url("**/account/signed-out/", timeout=20_000)
    page.axe.check("after timing out")
    sign_in(page, grantee.email, TEST_PASSWORD)
    page.goto(reverse("monitoring:return", kwargs={"pk": award.pk, "quarter": 1}))
    page.axe.check("with the typed answer filled in again")
    assert page.get_by_text("We saved what you had typed on").is_visible()
    assert page.get_by_label("A short case study").input_value() == (
        "A woman came to our drop-in after months of abuse on the bu"
    )


def test_a_return_with_a_survey_a_split_by_borough_and_two_poor_police_responses_becomes_an_evidence_pack(
    page, grant
):
    from monitoring.models import PoorResponse

    award, grantee, manager, _ = grant
    award.application.boroughs.set(["E09000012", "E09000030"])  # Hackney and Tower Hamlets
    month = award.returns.get(quarter=1).period_start.replace(day=1)

    sign_in(page, grantee.email, TEST_PASSWORD)
    page.axe.check("signed in")
    page.goto(reverse("monitoring:return", kwargs={"pk": award.pk, "quarter": 1}))
    page.axe.check("return with parts")
    for number in range(2):
        page.get_by_role("link", name="Add a poor police response").click()
        page.wait_for_load_state("load")
        page.axe.check("adding a poor police response")
        if number == 0:
            page.get_by_role("button", name="Save this response").click()
            page.wait_for_load_state("load")
            page.axe.check("a poor police response with errors")
            assert "Choose the police area" in page.locator(".govuk-error-summary").inner_text()
        page.get_by_label("Which police area was it in?").select_option("Central East BCU")
        page.get_by_label("Which month did it happen in?").select_option(month.isoformat())
        page.get_by_label("The police refused to take the report").check()
        page.get_by_label("A disablist attitude").check()
        page.get_by_role("group", name="Was a complaint made to the police?").get_by_label("Yes").check()
        page.get_by_role("group", name="Did your group take it up with the police?").get_by_label("No").check()
        page.get_by_role("button", name="Save this response").click()
        page.wait_for_load_state("load")
    assert "2 poor police responses recorded" in page.locator("main").inner_text()
    page.axe.check("return with two poor police responses")
    page.get_by_role("link", name=re.compile("^Change the response in Central East BCU")).first.click()
    page.wait_for_load_state("load")
    page.axe.check("changing a poor police response")
    page.get_by_label("What happened (optional)").fill("The officer said the victim was wasting police time.")
    page.get_by_role("button", name="Save this response").click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name=re.compile("^Remove the response in Central East BCU")).last.click()
    page.wait_for_load_state("load")
    page.axe.check("removing a poor police response")
    page.get_by_role("link", name="No, keep it").click()
    page.wait_for_load_state("load")
    assert "wasting police time" in page.locator("main").inner_text()

    fill_return(page, award, "4")
    survey = page.get_by_role("group", name="Satisfaction with the police: overall", exact=True)
    survey.get_by_label("How many did you ask?").fill("6")
    survey.get_by_label("Very or fairly satisfied").fill("3")
    survey.get_by_label("Neither satisfied nor dissatisfied").fill("2")
    survey.get_by_label("Fairly or very dissatisfied").fill("2")
    by_borough = page.get_by_role("group", name="Incidents by borough", exact=True)
    by_borough.get_by_label("Hackney").fill("3")
    by_borough.get_by_label("Tower Hamlets").fill("1")
    page.get_by_label("A short case study").fill("A Deaf man we supported reported abuse on the bus with an "
                                                 "interpreter we booked; the police recorded it as a hate crime.")
    page.get_by_role("button", name="Send the return").click()
    page.wait_for_load_state("load")
    page.axe.check("a survey with more answers than people asked")
    problem = "The answers to satisfaction with the police: overall (7) cannot be more than the people asked (6)"
    page.get_by_role("alert").get_by_role("link", name=problem).click()
    assert page.evaluate("document.activeElement.id").startswith("id_asked_")
    page.get_by_role("group", name="Satisfaction with the police: overall", exact=True).get_by_label(
        "Fairly or very dissatisfied").fill("1")
    page.get_by_role("button", name="Send the return").click()
    page.wait_for_load_state("load")
    assert "Your return for quarter 1 has been sent" in page.content()
    page.axe.check("return with parts sent")
    sign_out(page)

    first = award.returns.get(quarter=1)
    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check("signed in")
    page.goto(reverse("monitoring:review", kwargs={"pk": first.pk}))
    page.axe.check("review with parts and poor responses")
    main = page.locator("main").inner_text()
    assert "Hackney: 3" in main and "Tower Hamlets: 1" in main and "Asked: 6, answered: 6" in main
    page.get_by_label("Accept the return").check()
    page.get_by_role("button", name="Save review").click()
    page.wait_for_load_state("load")
    page.axe.check("reviewed")
    page.goto(reverse("monitoring:outcomes", kwargs={"pk": award.round.pk}))
    page.axe.check("outcomes")
    page.get_by_role("link", name="Poor police responses by area, with evidence packs for the police").click()
    page.wait_for_load_state("load")
    page.axe.check("poor police responses")
    row = page.get_by_role("row", name=re.compile("^Central East BCU"))
    assert "2" in row.inner_text()
    with page.expect_download() as downloading:
        row.get_by_role("link", name=re.compile("^CSV")).click()
    content = open(downloading.value.path(), encoding="utf-8-sig").read()
    assert "Central East BCU" in content and ",<5" in content and PoorResponse.objects.count() == 2

    page.get_by_role("link", name="Back to the outcomes").click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Quarterly reports for the oversight committee").click()
    page.wait_for_load_state("load")
    page.axe.check("quarterly reports")
    page.get_by_role("link", name="Make the report for quarter 1").click()
    page.wait_for_load_state("load")
    page.axe.check("making a quarterly report")
    page.get_by_label(re.compile("^A Deaf man we supported")).check()
    page.get_by_role("button", name="Issue the report").click()
    page.wait_for_load_state("load")
    page.axe.check("report issued")
    assert "The report for quarter 1 is issued" in page.locator("main").inner_text()
    with page.expect_download() as downloading:
        page.get_by_role("link", name=re.compile("^Large print PDF")).click()
    assert open(downloading.value.path(), "rb").read().startswith(b"%PDF")

    # Anyone can read the round's public page, signed out, with small figures hidden.
    results = reverse("monitoring:round_results", kwargs={"pk": award.round.pk})
    sign_out(page)
    page.goto(results)
    page.axe.check("the round's public page, signed out")
    assert "Where the money goes and what it achieves" in page.locator("main").inner_text()
    assert page.get_by_role("table", name=re.compile("^Outcomes so far")).is_visible()
