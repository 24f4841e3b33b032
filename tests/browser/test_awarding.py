"""Awards in Chromium: a manager decides and a second confirms, letters go out, the grantee opens the PDF and
accepts, finance pays the first part by BACS, the ledger shows it, and finance downloads it once the worker has made
the file. axe-core checks every page."""

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role
from applications.models import Round
from applications.services import round_status_change
from grants.services import decisions_accept_proposals
from grants.models import Award, Decision, Tranche
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, RoundFactory, UserFactory, described_criteria
from tests.grants.conftest import scored

pytestmark = pytest.mark.django_db(transaction=True)


def sign_out(page):
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_load_state("load")
    page.axe.check("signed out")


def test_decide_confirm_issue_accept_pay_and_read_the_ledger(page, run_worker):
    round_ = RoundFactory(name="Hate Crime Support 2027", budget="10000.00", maximum_award="10000.00")
    round_.refresh_from_db()
    described_criteria(round_)
    assessors = [UserFactory(role=Role.ASSESSOR) for _ in range(2)]
    round_.assessors.add(*assessors)
    funded = scored(round_, assessors, reference="DHC27-0001", amount="6000.00", score=5)
    scored(round_, assessors, reference="DHC27-0002", amount="5000.00", score=4)
    first_manager, second_manager = (UserFactory(role=Role.PROGRAMME_MANAGER) for _ in range(2))
    finance = UserFactory(role=Role.FINANCE_OFFICER)
    grantee = funded.organisation.memberships.get().user

    sign_in(page, first_manager.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("grants:decisions", kwargs={"pk": round_.pk}))
    page.axe.check("decisions while the round is open")
    assert "The round has not closed yet." in page.content()
    assert page.get_by_role("button", name="Record the 2 proposed decisions").count() == 0
    round_status_change(round_=round_, status=Round.Status.CLOSED, acting_user=first_manager, reason="Scored")
    page.reload()
    page.axe.check("decisions")
    page.get_by_role("button", name="Record the 2 proposed decisions").click()
    page.wait_for_load_state("load")
    page.axe.check("after recording")
    sign_out(page)

    sign_in(page, second_manager.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("grants:confirm", kwargs={"pk": round_.pk}))
    page.axe.check("confirm")
    page.get_by_role("button", name="Confirm all 2 decisions shown").click()
    page.wait_for_load_state("load")
    page.axe.check("after confirming")
    sign_out(page)

    # Confirmed, but no letter yet: the grantee still sees their application as being decided, and cannot accept.
    sign_in(page, grantee.email, TEST_PASSWORD)
    page.goto(reverse("applications:dashboard"))
    page.axe.check("dashboard before the letter")
    assert page.locator(".govuk-table .govuk-tag").all_inner_texts() == ["Being decided"]
    assert page.get_by_role("link", name="See your grant").count() == 0
    award = Award.objects.get(application=funded)
    # Nor is there a grant page to find: it would tell of the offer before the letter does.
    assert page.goto(reverse("grants:award", kwargs={"pk": award.pk})).status == 404
    page.axe.check("grant before the letter")
    assert page.get_by_role("button", name="Accept the offer").count() == 0
    sign_out(page)

    sign_in(page, second_manager.email, TEST_PASSWORD)
    page.goto(reverse("grants:letters_for_round", kwargs={"pk": round_.pk}))
    page.axe.check("letters")
    page.get_by_role("button", name="Issue 2 letters").click()
    page.wait_for_load_state("load")
    page.axe.check("letter batch")
    assert "0 of 2 letters issued so far" in page.content()
    run_worker()
    # The page asks for the progress by itself every two seconds.
    page.get_by_text("Finished: 2 of 2 letters issued").wait_for()
    page.reload()
    page.axe.check("letter batch finished")
    assert "Finished: 2 of 2 letters issued" in page.content()
    page.goto(reverse("grants:ledger", kwargs={"pk": round_.pk}))
    page.axe.check("ledger before payment")
    sign_out(page)

    sign_in(page, grantee.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("applications:dashboard"))
    assert page.locator(".govuk-table .govuk-tag").all_inner_texts() == ["Awarded"]
    page.goto(reverse("grants:letters", kwargs={"pk": funded.pk}))
    page.axe.check("letters for the grantee")
    # The grantee's browser fetches the PDF link with their own session; its text is the offer.
    link = page.get_by_role("link", name="Offer of a grant, version 1 (PDF)").get_attribute("href")
    letter = page.request.get(link)
    assert letter.ok and letter.headers["content-type"] == "application/pdf"
    text = " ".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(letter.body())).pages)
    assert "Offer of a grant of £6,000" in " ".join(text.split())
    page.goto(reverse("grants:award", kwargs={"pk": award.pk}))
    page.axe.check("award")
    page.get_by_role("button", name="Accept the offer").click()
    page.wait_for_load_state("load")
    page.axe.check("accept form")
    page.get_by_label("Your role in the organisation").fill("Chair")
    page.get_by_label("I have read the offer letter and, on behalf of the organisation, agree to its conditions").check()
    page.get_by_role("button", name="Accept the offer").click()
    page.wait_for_load_state("load")
    page.axe.check("after accepting")
    assert "You have accepted the grant" in page.content()
    page.get_by_role("link", name="How you will be paid").click()
    page.wait_for_load_state("load")
    page.axe.check("payout")
    sign_out(page)

    sign_in(page, finance.email, TEST_PASSWORD)
    page.axe.check("payments")
    page.get_by_role("link", name=f"Pay part 1 of {award.reference}").click()
    page.wait_for_load_state("load")
    page.axe.check("pay by BACS")
    page.get_by_label("Bank payment reference").fill("BACS-2027-001")
    today = date.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Record the payment").click()
    page.wait_for_load_state("load")
    page.axe.check("after paying")
    assert Tranche.objects.get(award=award, number=1).status == Tranche.Status.PAID
    page.get_by_role("link", name="Hate Crime Support 2027").click()
    page.wait_for_load_state("load")
    page.axe.check("ledger after payment")
    assert "£3,000" in page.content() and "paid on" in page.content()

    page.get_by_role("button", name="Download the ledger (CSV)").click()
    page.wait_for_load_state("load")
    page.axe.check("preparing the ledger")
    assert "Preparing your file" in page.content()
    run_worker()
    page.get_by_role("link", name="Refresh this page").click()
    page.wait_for_load_state("load")
    page.axe.check("ledger ready")
    link = page.get_by_role("link", name=f"Download {round_.reference_prefix}-ledger.csv").get_attribute("href")
    ledger = page.request.get(link)
    assert ledger.ok and ledger.headers["content-type"] == "text/csv"
    assert "BACS-2027-001" in ledger.text() and award.reference in ledger.text()


def test_a_letter_that_could_not_be_made_says_why_and_is_made_on_a_second_try(page, run_worker, monkeypatch):
    from grants.letters import offer_letter_pdf
    from grants.models import LetterBatch
    from tests.grants.test_tasks import awarded

    round_, manager, (award,) = awarded(count=1)
    monkeypatch.setattr("grants.services.offer_letter_pdf", lambda *args, **kwargs: 1 / 0)
    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("grants:letters_for_round", kwargs={"pk": round_.pk}))
    page.axe.check("letters")
    page.get_by_role("button", name="Issue 1 letter").click()
    page.wait_for_load_state("load")
    page.axe.check("letter batch")
    run_worker()
    # The page sees the batch finish by itself and shows the failure with its reason.
    page.get_by_role("heading", name="Letters that could not be made").wait_for()
    page.axe.check("letter batch with a failure")
    assert "Finished: 0 of 1 letter issued. 1 could not be made" in page.content()
    assert "the letters carry on" not in page.content()
    assert f"{award.reference}, {award.application.organisation.name}" in page.content()
    monkeypatch.setattr("grants.services.offer_letter_pdf", offer_letter_pdf)
    page.get_by_role("button", name="Try again to make this letter").click()
    page.wait_for_load_state("load")
    page.axe.check("after retrying")
    assert "1 letter queued to be made again." in page.content()
    run_worker()
    page.get_by_text("Finished: 1 of 1 letter issued.").wait_for()
    assert LetterBatch.objects.count() == 1


def test_a_second_manager_sends_one_decision_back_and_confirms_another(page):
    round_ = RoundFactory(name="Hate Crime Support 2027", budget="10000.00", maximum_award="10000.00")
    round_.refresh_from_db()
    described_criteria(round_)
    assessors = [UserFactory(role=Role.ASSESSOR) for _ in range(2)]
    round_.assessors.add(*assessors)
    first = scored(round_, assessors, reference="DHC27-0001", amount="6000.00", score=5)
    second = scored(round_, assessors, reference="DHC27-0002", amount="3000.00", score=4)
    proposer, checker = (UserFactory(role=Role.PROGRAMME_MANAGER) for _ in range(2))
    round_ = round_status_change(round_=round_, status=Round.Status.CLOSED, acting_user=proposer, reason="Scored")
    assert decisions_accept_proposals(round_=round_, acting_user=proposer).recorded == 2

    sign_in(page, checker.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("grants:confirm", kwargs={"pk": round_.pk}))
    page.axe.check("confirm, two decisions")
    card = page.locator(".govuk-summary-card", has_text="DHC27-0002")
    assert "No moderation needed" in card.inner_text() and "No reason given" in card.inner_text()
    card.get_by_role("link", name="Send back the decision on DHC27-0002").click()
    page.wait_for_load_state("load")
    page.axe.check("send back")
    page.get_by_role("button", name="Send back").click()
    page.wait_for_load_state("load")
    page.axe.check("send back without a reason")
    # The error summary's link takes the keyboard to the reason box.
    page.locator(".govuk-error-summary").get_by_role("link", name="Say why you are sending the decision back").click()
    assert page.evaluate("document.activeElement.id") == "id_reason"
    page.keyboard.type("Check the venue costs: they are counted twice.")
    page.get_by_role("button", name="Send back").click()
    page.wait_for_load_state("load")
    page.axe.check("confirm, one decision left")
    assert "The decision on DHC27-0002 was sent back" in page.content()
    page.get_by_role("button", name="Confirm the decision on DHC27-0001").click()
    page.wait_for_load_state("load")
    page.axe.check("confirm, none left")
    assert "1 decision confirmed" in page.content()
    assert Award.objects.get().application == first
    assert Decision.objects.get(application=second).status == Decision.Status.SENT_BACK
    sign_out(page)

    sign_in(page, proposer.email, TEST_PASSWORD)
    page.goto(reverse("grants:decisions", kwargs={"pk": round_.pk}))
    page.axe.check("decisions with one sent back")
    assert "Check the venue costs: they are counted twice." in page.content()
    page.get_by_role("link", name="Change the decision on DHC27-0002").click()
    page.wait_for_load_state("load")
    page.axe.check("revising a decision sent back")
    assert "sent this decision back" in page.content()
