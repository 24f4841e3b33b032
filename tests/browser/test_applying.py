"""The applicant's journey in Chromium: register, check eligibility, fill some steps, sign out and back in,
invite a colleague who finishes and sends the application. axe-core checks every page on the way."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from applications.models import Application
from tests.browser.conftest import sign_in
from tests.factories import (
    PDF_BYTES,
    TEST_PASSWORD,
    ApplicationFactory,
    IndicatorFactory,
    MembershipFactory,
    RoundFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def link_in_latest_email() -> str:
    return re.search(r"https?://\S+", mail.outbox[-1].body).group(0)


def click(page, role: str, name: str) -> None:
    page.get_by_role(role, name=name, exact=True).first.click()
    page.wait_for_load_state("load")
    page.axe.check(f"after '{name}'")


def test_register_check_eligibility_fill_sign_out_and_a_colleague_sends(page, tmp_path):
    round_ = RoundFactory(name="Hate Crime Support 2027", quarters=2)
    victims = IndicatorFactory(round=round_, name="Disabled victims supported")
    IndicatorFactory(round=round_, name="Awareness sessions held")
    colleague = UserFactory(email="ben@example.org", full_name="Ben Hughes", role=Role.APPLICANT)

    # Register and confirm the email address
    page.goto("/")
    page.axe.check()
    click(page, "button", "Start now")
    page.get_by_label("Full name").fill("Dana Lewis")
    page.get_by_label("Email address").fill("dana@example.org")
    page.get_by_label("Create a password").fill("a-long-unusual-passphrase")
    page.get_by_label("Enter the password again").fill("a-long-unusual-passphrase")
    click(page, "button", "Create account")
    page.goto(link_in_latest_email())
    page.wait_for_url("**/applications/")
    page.axe.check("dashboard, no organisation yet")

    # Add the organisation
    click(page, "button", "Add your organisation")
    page.get_by_label("Organisation name").fill("Hackney Deaf and Disabled Forum")
    page.get_by_label("Charitable incorporated organisation (CIO)").check()
    page.get_by_label("Charity number").fill("1187654")
    page.get_by_label("Address line 1").fill("1 Mare Street")
    page.get_by_label("Postcode").fill("e8 1hr")
    page.get_by_label("Main contact's name").fill("Dana Lewis")
    page.get_by_label("Main contact's email address").fill("dana@example.org")
    page.get_by_label("Main contact's phone number").fill("020 7946 0000")
    click(page, "button", "Save and continue")
    assert "has been added" in page.content()

    # The eligibility checker, one question a page
    page.get_by_role("link", name=re.compile("Check whether Hackney")).click()
    page.wait_for_load_state("load")
    page.axe.check("first eligibility question")
    page.get_by_label("How many people are on your board or management committee?").fill("6")
    page.get_by_label("How many of them are Disabled people?").fill("7")
    click(page, "button", "Continue")
    assert "cannot be more than the whole board" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("How many of them are Disabled people?").fill("5")
    click(page, "button", "Continue")
    page.get_by_label("Yes").check()
    click(page, "button", "Continue")
    page.get_by_label("Hackney").check()
    click(page, "button", "Continue")
    page.get_by_label("What was your organisation's income in its last financial year?").fill("£85,000")
    click(page, "button", "Continue")
    page.get_by_label("Yes").check()
    click(page, "button", "Continue")
    page.get_by_label("Yes").check()
    click(page, "button", "Continue")
    assert "can apply" in page.content()
    click(page, "button", "Start your application")

    # Fill some steps
    click(page, "link", "Your organisation")
    click(page, "button", "Save and continue")
    page.get_by_label("Project name").fill("Hate crime reporting centre")
    page.get_by_label("Summarise your project").fill("We will help Disabled people in Hackney report hate crime.")
    page.get_by_label("What need will your project meet?").fill("Few Disabled victims report to the police.")
    page.get_by_label("What will you do?").fill("Weekly drop-ins and one-to-one casework.")
    page.get_by_label("Who will benefit, and how will you reach them?").fill("Disabled adults in Hackney.")
    page.get_by_label("How will you work with the CATCH partnership, the police and local services?").fill("Weekly referrals.")
    click(page, "button", "Save and continue")
    page.axe.check("boroughs and amount")
    page.get_by_label("Hackney").check()
    page.get_by_label("How much are you asking for?").fill("5000")
    click(page, "button", "Save and continue")

    # The outcomes step, by keyboard alone
    page.locator(f"#id_outcomes-target_{victims.pk}_q1").focus()
    for value in ["10", "12", "2", "3"]:
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save and continue"
    page.keyboard.press("Enter")
    page.wait_for_url("**/budget/")
    page.axe.check("budget, reached by keyboard")

    # Part of the budget, then save and come back later
    page.locator("#id_budget-0-category").select_option("staff")
    page.locator("#id_budget-0-description").fill("Caseworker")
    page.locator("#id_budget-0-amount").fill("4000")
    click(page, "button", "Save and come back later")
    assert "In progress" in page.content()

    # Sign out, sign in again: the draft is still there
    click(page, "button", "Sign out")
    sign_in(page, "dana@example.org", "a-long-unusual-passphrase")
    page.axe.check()
    click(page, "link", "Hate crime reporting centre")
    click(page, "link", "Budget")
    assert page.locator("#id_budget-0-description").input_value() == "Caseworker"
    page.locator("#id_budget-1-category").select_option("access")
    page.locator("#id_budget-1-description").fill("BSL interpreters")
    page.locator("#id_budget-1-amount").fill("1000")
    click(page, "button", "Save and continue")

    # Invite a colleague
    page.goto("/applications/")
    page.axe.check()
    page.get_by_role("link", name=re.compile("Organisation details and team")).click()
    page.wait_for_load_state("load")
    page.axe.check("organisation")
    click(page, "button", "Invite a colleague")
    page.get_by_label("Colleague's email address").fill("ben@example.org")
    click(page, "button", "Send invitation")
    invitation_link = link_in_latest_email()
    click(page, "button", "Sign out")

    # The colleague accepts and finishes
    sign_in(page, colleague.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(invitation_link)
    page.axe.check("invitation")
    click(page, "button", "Accept invitation")
    click(page, "link", "Hate crime reporting centre")
    click(page, "link", "Documents")
    not_a_pdf = tmp_path / "accounts.pdf"
    not_a_pdf.write_bytes(b"plain text pretending to be a PDF" * 10)
    page.locator("#id_documents-accounts").set_input_files(str(not_a_pdf))
    click(page, "button", "Save and continue")
    assert "Latest accounts must be a PDF" in page.locator(".govuk-error-summary").inner_text()
    for kind in ["governing_document", "accounts", "safeguarding_policy", "equality_policy"]:
        upload = tmp_path / f"{kind}.pdf"
        upload.write_bytes(PDF_BYTES)
        page.locator(f"#id_documents-{kind}").set_input_files(str(upload))
    click(page, "button", "Save and continue")
    page.get_by_label("Your full name").fill("Ben Hughes")
    page.get_by_label("Your role in the organisation").fill("Treasurer")
    page.get_by_label("The information in this application is true and complete, as far as I know").check()
    page.get_by_label("I am allowed to apply on behalf of the organisation").check()
    page.get_by_label("We will not give the funder the names or contact details of the people we support").check()
    click(page, "button", "Save and continue")
    assert "Check your answers and send" in page.content()
    assert "BSL interpreters" in page.content()
    click(page, "button", "Send application")
    assert "Application sent" in page.content()
    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED
    assert application.reference in page.content()
    assert application.submitted_by == colleague


def test_a_half_typed_answer_survives_the_session_timing_out(page, settings):
    settings.SESSION_COOKIE_AGE = 10
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 4
    applicant = MembershipFactory(user__role=Role.APPLICANT).user
    application = ApplicationFactory(organisation=applicant.memberships.get().organisation, title="")
    project = reverse("applications:step", kwargs={"pk": application.pk, "step": "project"})
    sign_in(page, applicant.email, TEST_PASSWORD)
    page.axe.check("signed in")
    page.goto(project)
    page.axe.check()
    page.get_by_label("What need will your project meet?").fill("Many Disabled people in Hackney never report hate cr")
    # Nothing is pressed: the warning comes, then the page signs out, keeping what was typed on the way.
    page.wait_for_url("**/account/signed-out/", timeout=20_000)
    page.axe.check("after timing out")
    assert "You have been signed out" in page.content()
    sign_in(page, applicant.email, TEST_PASSWORD)
    page.goto(project)
    page.axe.check("with the typed answer filled in again")
    assert page.get_by_text("We saved what you had typed on").is_visible()
    assert page.get_by_label("What need will your project meet?").input_value() == (
        "Many Disabled people in Hackney never report hate cr"
    )
