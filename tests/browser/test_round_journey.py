"""A round from nothing to its ranking, in Chromium: a programme manager builds a round with questions of its own (one
asked only for one answer), orders them, previews and copies it, and opens it; an organisation applies; the manager
asks for more information and the organisation sends it; the round closes, is screened and shared out, and both
assessors score the answers the round asked for. axe-core checks every page on the way."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from accounts.models import Role
from applications.models import Application, Round
from tests.browser.conftest import sign_in
from tests.factories import PDF_BYTES, TEST_PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROUND = "Deaf-led reporting 2027"


def click(page, role: str, name: str, context: str = "") -> None:
    page.get_by_role(role, name=name, exact=True).first.click()
    page.wait_for_load_state("load")
    page.axe.check(context or f"after '{name}'")


def fill_date(group, day: date) -> None:
    for part, value in zip(("Day", "Month", "Year"), (day.day, day.month, day.year)):
        group.get_by_label(part).fill(str(value))


def open_reference(page, application, context: str) -> None:
    """Follows the link named by the application's reference, whatever words for screen readers follow it."""
    page.get_by_role("link", name=re.compile(f"^{application.reference}")).click()
    page.wait_for_load_state("load")
    page.axe.check(context)


def sign_out(page) -> None:
    click(page, "button", "Sign out", "signed out")


def add_question(page, section: str, label: str, kind: str, *, options: str = "", shown_if: str = "",
                 answer: str = "") -> None:
    click(page, "link", f"Add a question to {section}", f"a new question for {section}")
    page.get_by_label("Question", exact=True).fill(label)
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Yes", exact=True).check()
    if options:
        page.get_by_label("Options (questions with options only)").fill(options)
    if shown_if:
        page.get_by_label("Ask it only for an answer to an earlier question? (optional)").select_option(label=shown_if)
        page.get_by_label("The answer it is asked for").fill(answer)
    click(page, "button", "Save question", f"saved: {label}")
    assert label in page.locator("main").inner_text()


def build_the_round(page, assessors) -> Round:
    click(page, "link", "Start a new round", "a new round")
    page.get_by_label("Name of the round").fill(ROUND)
    page.get_by_label("Reference prefix").fill("DLR27")
    page.get_by_label("Summary").fill("Small grants for Deaf-led groups helping Deaf victims of hate crime report it.")
    fill_date(page.get_by_role("group", name="Opening date"), date.today())
    fill_date(page.get_by_role("group", name="Closing date"), date.today() + timedelta(days=60))
    page.get_by_label("12 months (4 quarters)").check()
    page.get_by_label("Ringfenced budget").fill("30,000")
    click(page, "button", "Start setting the round up", "the set-up task list")

    page.get_by_role("link", name="Criteria, weights and what each score means").click()
    click(page, "link", "Add a criterion", "a new criterion")
    page.get_by_label("Criterion", exact=True).fill("Reaching Deaf victims")
    page.get_by_label("Weight (%)").fill("100")
    for score in range(6):
        page.get_by_label(f"A score of {score} means").fill(f"What {score} looks like")
    click(page, "button", "Save criterion", "the criteria")
    click(page, "link", f"Back to the set-up of {ROUND}")

    # Questions the demo round does not ask: a section of its own, one question asked only for a Yes, then the
    # standard project questions, moved to come first.
    click(page, "link", "Questions applicants answer", "no questions yet")
    click(page, "link", "Add a section", "a new section")
    page.get_by_label("Section title").fill("Reaching Deaf victims")
    click(page, "button", "Save section", "the new section")
    add_question(page, "Reaching Deaf victims", "Do you work with Deaf people who use BSL?", "Yes or no")
    add_question(page, "Reaching Deaf victims", "How will Deaf victims report to you in BSL?", "Long text",
                 shown_if="Reaching Deaf victims: Do you work with Deaf people who use BSL?", answer="Yes")
    add_question(page, "Reaching Deaf victims", "Where do most incidents you hear of happen?",
                 "One choice from a list", options="At home\nIn the street\nOn public transport\nOnline")
    add_question(page, "Reaching Deaf victims", "How much of the grant will pay for BSL interpreters?",
                 "Amount of money")
    click(page, "button", "Add the standard project questions", "with the standard questions")
    click(page, "button", "Move up the section Your project", "the project section moved up")
    assert "Your project moved up." in page.locator(".govuk-notification-banner").inner_text()
    headings = page.locator("main h2.govuk-heading-m").all_inner_texts()
    assert headings[:2] == ["1. Your project", "2. Reaching Deaf victims"], headings
    click(page, "button", "Move up How will Deaf victims report to you in BSL?", "a move refused")
    assert "must come after it" in page.locator(".govuk-notification-banner").inner_text()
    click(page, "link", f"Back to the set-up of {ROUND}")

    click(page, "link", "Indicators grantees report on", "no indicators yet")
    click(page, "button", "Add the standard victim-support indicators", "the indicators")
    click(page, "link", f"Back to the set-up of {ROUND}")
    click(page, "link", "Panel of assessors", "an empty panel")
    for assessor in assessors:
        click(page, "link", "Add a panel member", "adding a panel member")
        page.get_by_label("Who should join the panel?").select_option(label=f"{assessor.full_name} ({assessor.email})")
        click(page, "button", "Add to the panel", "the panel")
    click(page, "link", f"Back to the set-up of {ROUND}", "the set-up, complete")
    assert "Incomplete" not in page.locator(".govuk-task-list").inner_text()
    return Round.objects.get(reference_prefix="DLR27")


def preview_the_conditional_question(page, round_) -> None:
    click(page, "link", "Preview the application", "the preview's first step")
    page.goto(reverse("applications:round_preview_step", kwargs={"pk": round_.pk, "step": "reaching-deaf-victims"}))
    page.axe.check("the round's own questions, previewed")
    page.get_by_label("Yes", exact=True).check()
    click(page, "button", "Continue", "the preview, with errors")
    assert "Answer ‘How will Deaf victims report to you in BSL?’" in page.locator(".govuk-error-summary").inner_text()


def apply(page, applicant) -> Application:
    sign_in(page, applicant.email, TEST_PASSWORD)
    page.axe.check("the applicant's dashboard")
    page.get_by_role("link", name=re.compile("Check whether .* can apply")).first.click()
    page.wait_for_load_state("load")
    page.axe.check("first eligibility question")
    page.get_by_label("How many people are on your board or management committee?").fill("6")
    page.get_by_label("How many of them are Disabled people?").fill("5")
    click(page, "button", "Continue")
    for _ in range(10):  # the round's eligibility questions, one a page
        if page.get_by_role("button", name="Start your application").count():
            break
        if page.get_by_label("Hackney").count():
            page.get_by_label("Hackney").check()
        elif page.get_by_label("What was your organisation's income in its last financial year?").count():
            page.get_by_label("What was your organisation's income in its last financial year?").fill("£85,000")
        else:
            page.get_by_label("Yes", exact=True).check()
        click(page, "button", "Continue", "an eligibility question")
    click(page, "button", "Start your application", "the task list")

    click(page, "link", "Your organisation")
    page.get_by_label("Unincorporated association").check()
    page.get_by_label("Address line 1").fill("1 Mare Street")
    page.get_by_label("Postcode").fill("E8 1HR")
    page.get_by_label("Main contact's name").fill(applicant.full_name)
    page.get_by_label("Main contact's email address").fill(applicant.email)
    page.get_by_label("Main contact's phone number").fill("020 7946 0000")
    click(page, "button", "Save and continue", "the project questions")
    page.get_by_label("Project name").fill("BSL hate crime reporting")
    page.get_by_label("Summarise your project").fill("Deaf people in Hackney report hate crime to us in BSL.")
    page.get_by_label("What need will your project meet?").fill("Few Deaf victims can report to the police in BSL.")
    page.get_by_label("What will you do?").fill("Video-call reporting and casework with interpreters.")
    page.get_by_label("Who will benefit, and how will you reach them?").fill("Deaf adults in Hackney.")
    page.get_by_label("How will you work with the CATCH partnership, the police and local services?").fill(
        "Monthly case reviews.")
    click(page, "button", "Save and continue", "the round's own questions")
    assert "Reaching Deaf victims" in page.locator("h1").inner_text()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("In the street").check()
    page.get_by_label("How much of the grant will pay for BSL interpreters?").fill("1,200")
    click(page, "button", "Save and continue", "the round's own questions, with errors")
    assert "Answer ‘How will Deaf victims report to you in BSL?’" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("How will Deaf victims report to you in BSL?").fill("By video call with a Deaf caseworker.")
    click(page, "button", "Save and continue", "boroughs and amount")
    page.get_by_label("Hackney").check()
    page.get_by_label("How much are you asking for?").fill("5000")
    click(page, "button", "Save and continue", "outcome targets")
    for target in page.locator("input[id^='id_outcomes-target_']").all():
        target.fill("3")
    click(page, "button", "Save and continue", "the budget")
    page.locator("#id_budget-0-category").select_option("staff")
    page.locator("#id_budget-0-description").fill("Deaf caseworker")
    page.locator("#id_budget-0-amount").fill("3800")
    page.locator("#id_budget-1-category").select_option("access")
    page.locator("#id_budget-1-description").fill("BSL interpreters")
    page.locator("#id_budget-1-amount").fill("1200")
    click(page, "button", "Save and continue", "documents")
    for document in page.locator("input[type=file]").all():
        document.set_input_files(files=[{"name": "document.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}])
    click(page, "button", "Save and continue", "declarations")
    page.get_by_label("Your full name").fill(applicant.full_name)
    page.get_by_label("Your role in the organisation").fill("Chair")
    page.get_by_label("The information in this application is true and complete, as far as I know").check()
    page.get_by_label("I am allowed to apply on behalf of the organisation").check()
    page.get_by_label("We will not give the funder the names or contact details of the people we support").check()
    click(page, "button", "Save and continue", "check your answers")
    answers = page.locator("main").inner_text()
    assert "By video call with a Deaf caseworker." in answers and "In the street" in answers and "£1,200" in answers
    click(page, "button", "Send application", "sent")
    application = Application.objects.get(round__reference_prefix="DLR27")
    assert application.status == Application.Status.SUBMITTED
    assert application.title == "BSL hate crime reporting"
    sign_out(page)
    return application


def ask_for_more_information(page, application) -> None:
    click(page, "link", "Ask for more information", "asking for more information")
    page.get_by_label("Reaching Deaf victims").check()
    page.get_by_label("What do you need to know?").fill("Where do most incidents happen now that you work online?")
    fill_date(page, date.today() + timedelta(days=10))
    click(page, "button", "Ask for more information", "the application, waiting")
    page.goto(reverse("applications:manage_round", kwargs={"pk": application.round_id}))
    page.axe.check("the round, with an application waiting for more information")
    assert "Waiting for more information, due" in page.locator("table").inner_text()


def send_the_changes(page, applicant, application) -> None:
    sign_in(page, applicant.email, TEST_PASSWORD)
    page.axe.check("the applicant's dashboard")
    page.goto(reverse("applications:detail", kwargs={"pk": application.pk}))
    page.axe.check("the sent application, reopened")
    assert "Where do most incidents happen" in page.locator(".govuk-notification-banner").inner_text()
    click(page, "link", "Reaching Deaf victims", "the reopened section")
    page.get_by_label("Online", exact=True).check()
    click(page, "button", "Save and continue", "the changes saved")
    click(page, "button", "Send your changes", "the changes sent")
    assert "Your changes are sent." in page.locator("main").inner_text()
    sign_out(page)


def score(page, assessor, application) -> None:
    sign_in(page, assessor.email, TEST_PASSWORD)
    page.axe.check("the assessor's dashboard")
    open_reference(page, application, "declaring interests")
    page.get_by_label("No").check()
    click(page, "button", "Continue", "the scoring page")
    answers = page.locator("main").inner_text()
    assert "How will Deaf victims report to you in BSL?" in answers and "By video call with a Deaf caseworker." in answers
    assert "Online" in answers
    criterion = application.round.criteria.get()
    page.get_by_label("4: What 4 looks like").check()
    page.get_by_label(f"Why this score for '{criterion.name}'?").fill("Clear plans to reach Deaf victims in BSL.")
    click(page, "button", "Send scores", "scores sent")
    sign_out(page)


def test_a_round_built_in_the_browser_is_applied_to_reopened_for_more_information_and_assessed(page):
    manager = UserFactory(role=Role.PROGRAMME_MANAGER, full_name="Priya Manager")
    assessors = [UserFactory(role=Role.ASSESSOR, full_name=name) for name in ("Ade Assessor", "Bea Assessor")]
    applicant = MembershipFactory(organisation__name="Hackney Deaf Forum", user__full_name="Sam Okafor").user

    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check("the manager's rounds")
    round_ = build_the_round(page, assessors)
    preview_the_conditional_question(page, round_)
    page.goto(reverse("applications:manage_round", kwargs={"pk": round_.pk}))
    page.axe.check("the round, ready to open")
    click(page, "link", "Copy the round for next year", "copying the round")
    click(page, "button", "Copy the round", "the copy's set-up")
    copy = Round.objects.exclude(pk=round_.pk).get()
    page.goto(reverse("applications:round_questions", kwargs={"pk": copy.pk}))
    page.axe.check("the copy's questions")
    assert "Asked only when the answer to ‘Do you work with Deaf people who use BSL?’ is Yes" in (
        page.locator("main").inner_text())
    page.goto(reverse("applications:manage_round", kwargs={"pk": round_.pk}))
    page.axe.check("the round to open")
    click(page, "link", "Open the round", "opening the round")
    page.get_by_label("Why now?").fill("Built, previewed and checked")
    click(page, "button", "Open the round", "the open round")
    sign_out(page)

    application = apply(page, applicant)

    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check("the manager's rounds")
    page.goto(reverse("applications:manage_application", kwargs={"pk": application.pk}))
    page.axe.check("the sent application")
    ask_for_more_information(page, application)
    sign_out(page)
    send_the_changes(page, applicant, application)

    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check("the manager's rounds")
    page.goto(reverse("applications:manage_application", kwargs={"pk": application.pk}))
    changes = page.locator("main").inner_text()
    assert "Changed after we asked for more information" in changes and "Online" in changes
    page.axe.check("what changed")
    for stage in ("Close the round now", "Start assessing"):
        page.goto(reverse("applications:manage_round", kwargs={"pk": round_.pk}))
        page.axe.check(f"the round, before: {stage}")
        click(page, "link", stage, f"the stage page: {stage}")
        page.get_by_label("Why now?").fill("Every application is in")
        page.get_by_role("button", name=stage.removesuffix(" now")).click()
        page.wait_for_load_state("load")
        page.axe.check(f"the round, after: {stage}")
    click(page, "link", "Screen sent applications", "screening")
    open_reference(page, application, "screening the application")
    page.get_by_label("Yes").check()
    click(page, "button", "Save screening decision", "screened")
    page.goto(reverse("assessment:allocations", kwargs={"pk": round_.pk}))
    page.axe.check("allocations")
    click(page, "button", "Share out applications automatically", "shared out")
    sign_out(page)

    application.refresh_from_db()
    for assessor in assessors:
        score(page, assessor, application)

    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check("the manager's rounds")
    page.goto(reverse("assessment:ranking", kwargs={"pk": round_.pk}))
    page.axe.check("the ranking")
    ranking = page.locator("main").inner_text()
    row = page.get_by_role("row").filter(has_text=application.reference).inner_text()
    assert "Hackney Deaf Forum" in row and "80.0%" in row and "Within the ringfence" in row, ranking
