"""Every other page of the applicants and round-management issue, each checked by axe-core."""

import pytest
from django.urls import reverse

from accounts.models import Role
from applications.models import EligibilityCheck
from tests.browser.conftest import sign_in
from tests.factories import (
    TEST_PASSWORD,
    AdjustmentRequestFactory,
    ApplicationDocumentFactory,
    ApplicationFactory,
    MembershipFactory,
    RoundFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def records(db):
    round_ = RoundFactory()
    membership = MembershipFactory()
    organisation = membership.organisation
    draft = ApplicationFactory(round=round_, organisation=organisation)
    sent = ApplicationFactory(round=RoundFactory(), organisation=organisation, status="submitted", reference="R999-0001")
    ApplicationDocumentFactory(application=sent)
    failed = EligibilityCheck.objects.create(
        round=round_, organisation=organisation, answers={}, failures=["Your chair or chief officer must be a Disabled person."]
    )
    return {
        "applicant": membership.user, "round": round_, "organisation": organisation, "draft": draft, "sent": sent,
        "failed_check": failed, "adjustment": AdjustmentRequestFactory(application=draft),
    }


def test_applicant_pages_pass_axe(page, records):
    sign_in(page, records["applicant"].email, TEST_PASSWORD)
    page.axe.check()
    draft, sent, organisation = records["draft"], records["sent"], records["organisation"]
    for path in [
        reverse("applications:detail", kwargs={"pk": sent.pk}),
        reverse("applications:withdraw", kwargs={"pk": draft.pk}),
        reverse("applications:adjustment_new", kwargs={"pk": draft.pk}),
        reverse("applications:organisation_edit", kwargs={"pk": organisation.pk}),
        reverse("applications:eligibility_result", kwargs={"pk": records["failed_check"].pk}),
        reverse("applications:step", kwargs={"pk": draft.pk, "step": "declarations"}),
    ]:
        page.goto(path)
        page.axe.check()
    page.goto(reverse("applications:adjustment_new", kwargs={"pk": draft.pk}))
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state("load")
    assert "Select what you need" in page.locator(".govuk-error-summary").inner_text()
    page.axe.check("with errors")


def test_round_management_pages_pass_axe(page, records):
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check()
    for path in [
        reverse("applications:manage_rounds"),
        reverse("applications:manage_round", kwargs={"pk": records["round"].pk}),
        reverse("applications:extension_new", kwargs={"pk": records["round"].pk}),
        reverse("applications:adjustment", kwargs={"pk": records["adjustment"].pk}),
        reverse("applications:manage_application", kwargs={"pk": records["sent"].pk}),
    ]:
        page.goto(path)
        page.axe.check()
    page.goto(reverse("applications:extension_new", kwargs={"pk": records["round"].pk}))
    page.get_by_role("button", name="Give more time").click()
    page.wait_for_load_state("load")
    assert "Choose the organisation" in page.locator(".govuk-error-summary").inner_text()
    page.axe.check("with errors")


def test_a_programme_manager_opens_a_round_once_it_is_set_up(page):
    from applications.models import Round
    from tests.factories import set_up_to_open

    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    unready = RoundFactory(status=Round.Status.DRAFT, name="Half-made round")
    ready = RoundFactory(status=Round.Status.DRAFT, name="Hate Crime Support 2028")
    set_up_to_open(ready)
    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check("the rounds")
    page.goto(reverse("applications:manage_round", kwargs={"pk": unready.pk}))
    assert "The round has no criteria for assessors to score against." in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Open the round").count() == 0
    page.axe.check("a round not ready to open")
    page.goto(reverse("applications:round_stage", kwargs={"pk": unready.pk, "status": "open"}))
    assert "It cannot move on yet" in page.locator("main").inner_text()
    page.axe.check("the stage page of a round not ready to open")

    page.goto(reverse("applications:manage_round", kwargs={"pk": ready.pk}))
    page.get_by_role("link", name="Open the round").click()
    page.get_by_role("button", name="Open the round").click()
    page.wait_for_load_state("load")
    assert "Enter why the round is moving on now" in page.locator(".govuk-error-summary").inner_text()
    page.axe.check("the stage page with errors")
    page.get_by_label("Why now?").fill("The panel and the criteria are ready")
    page.get_by_role("button", name="Open the round").click()
    page.wait_for_load_state("load")
    assert "Hate Crime Support 2028 is now open." in page.locator("main").inner_text()
    assert "then closes by itself." in page.locator("main").inner_text()
    page.axe.check("an open round")
    ready.refresh_from_db()
    assert ready.status == Round.Status.OPEN


def test_a_programme_manager_starts_a_round_and_works_through_its_set_up(page):
    from applications.models import Round

    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    assessors = [UserFactory(role=Role.ASSESSOR, full_name=name) for name in ("Ade Assessor", "Bea Assessor")]
    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check("the rounds")
    page.get_by_role("link", name="Start a new round").click()
    page.get_by_role("button", name="Start setting the round up").click()
    page.wait_for_load_state("load")
    assert "Enter the name of the round" in page.locator(".govuk-error-summary").inner_text()
    page.axe.check("a new round with errors")
    page.get_by_label("Name of the round").fill("Small grants 2030")
    page.get_by_label("Reference prefix").fill("SG30")
    page.get_by_label("Summary").fill("Small grants for groups led by Disabled people.")
    for label, (day, month, year) in (("Opening date", ("1", "4", "2030")), ("Closing date", ("30", "6", "2030"))):
        group = page.get_by_role("group", name=label)
        group.get_by_label("Day").fill(day)
        group.get_by_label("Month").fill(month)
        group.get_by_label("Year").fill(year)
    page.get_by_label("12 months (4 quarters)").check()
    page.get_by_label("Ringfenced budget").fill("60,000")
    page.get_by_role("button", name="Start setting the round up").click()
    page.wait_for_load_state("load")
    assert "Set up Small grants 2030" in page.locator("h1").inner_text()
    page.axe.check("the set-up task list")
    for task in ("Name, summary and dates", "Budget and award limits", "Who can apply", "How applications are scored"):
        page.get_by_role("link", name=task).click()
        page.axe.check(task)
        page.get_by_role("button", name="Save and return to the set-up").click()
        page.wait_for_load_state("load")
        assert f"{task}: saved." in page.locator("main").inner_text()
    page.get_by_role("link", name="How grants are paid, and deadlines for offers and returns").click()
    page.get_by_label("Paid when the quarter 4 return is accepted (%)").fill("")
    page.get_by_role("button", name="Save and return to the set-up").click()
    page.wait_for_load_state("load")
    assert "The parts add up to 75% of the grant" in page.locator(".govuk-error-summary").inner_text()
    page.axe.check("the payments page with errors")
    page.get_by_label("Paid when the quarter 4 return is accepted (%)").fill("25")
    page.get_by_role("button", name="Save and return to the set-up").click()
    page.wait_for_load_state("load")

    # Criteria: one at 100%, every score described.
    page.get_by_role("link", name="Criteria, weights and what each score means").click()
    assert "The round has no criteria for assessors to score against." in page.locator("main").inner_text()
    page.axe.check("no criteria yet")
    page.get_by_role("link", name="Add a criterion").click()
    page.get_by_label("Criterion", exact=True).fill("Need for the project")
    page.get_by_label("Weight (%)").fill("100")
    page.get_by_role("button", name="Save criterion").click()
    page.wait_for_load_state("load")
    assert "Enter what a score of 0 means" in page.locator(".govuk-error-summary").inner_text()
    page.axe.check("a criterion with errors")
    for score in range(6):
        page.get_by_label(f"A score of {score} means").fill(f"What {score} looks like")
    page.get_by_role("button", name="Save criterion").click()
    page.wait_for_load_state("load")
    assert "The criterion Need for the project is saved." in page.locator("main").inner_text()
    page.axe.check("the criteria")
    page.get_by_role("link", name="Back to the set-up of Small grants 2030").click()

    # Questions: the standard project questions, then one of the round's own asked only for one answer.
    page.get_by_role("link", name="Questions applicants answer").click()
    page.axe.check("no questions yet")
    page.get_by_role("button", name="Add the standard project questions").click()
    page.wait_for_load_state("load")
    page.axe.check("the standard questions")
    page.get_by_role("link", name="Add a question to Your project").click()
    page.axe.check("a new question")
    page.get_by_label("Question", exact=True).fill("Are you led by Deaf people?")
    page.get_by_label("Yes or no").check()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Save question").click()
    page.wait_for_load_state("load")
    assert "Are you led by Deaf people?" in page.locator("main").inner_text()
    page.axe.check("the questions, with one of the round's own")
    page.get_by_role("link", name="Add a question to Your project").click()
    page.get_by_label("Question", exact=True).fill("How do Deaf people lead your group?")
    page.get_by_label("Long text").check()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Ask it only for an answer to an earlier question? (optional)").select_option(
        label="Your project: Are you led by Deaf people?")
    page.get_by_label("The answer it is asked for").fill("Perhaps")
    page.get_by_role("button", name="Save question").click()
    page.wait_for_load_state("load")
    assert "Choose one of the answers to ‘Are you led by Deaf people?’: Yes, No." in (
        page.locator(".govuk-error-summary").inner_text())
    page.axe.check("a conditional question, with errors")
    page.get_by_label("The answer it is asked for").fill("Yes")
    page.get_by_role("button", name="Save question").click()
    page.wait_for_load_state("load")
    assert "Asked only when the answer to ‘Are you led by Deaf people?’ is Yes" in page.locator("main").inner_text()
    page.axe.check("the questions, with a conditional one")
    page.get_by_role("link", name="Back to the set-up of Small grants 2030").click()

    # Indicators: the standard set.
    page.get_by_role("link", name="Indicators grantees report on").click()
    page.axe.check("no indicators yet")
    page.get_by_role("button", name="Add the standard victim-support indicators").click()
    page.wait_for_load_state("load")
    assert "Disabled victims supported" in page.locator("table").inner_text()
    page.axe.check("the indicators")
    page.get_by_role("link", name="Add an indicator").click()
    page.axe.check("a new indicator")
    page.get_by_role("link", name="Back to the indicators").click()
    page.get_by_role("link", name="Back to the set-up of Small grants 2030").click()
    assert "The panel has 0 assessors: each application needs 2." in page.locator(".govuk-task-list").inner_text()

    # The panel: two assessors, as each application needs.
    page.get_by_role("link", name="Panel of assessors").click()
    page.axe.check("an empty panel")
    for assessor in assessors:
        page.get_by_role("link", name="Add a panel member").click()
        page.axe.check("adding a panel member")
        page.get_by_label("Who should join the panel?").select_option(label=f"{assessor.full_name} ({assessor.email})")
        page.get_by_role("button", name="Add to the panel").click()
        page.wait_for_load_state("load")
    page.axe.check("the panel")
    page.get_by_role("link", name="Back to the set-up of Small grants 2030").click()
    assert "Incomplete" not in page.locator(".govuk-task-list").inner_text()

    round_ = Round.objects.get(reference_prefix="SG30")
    page.goto(reverse("applications:manage_round", kwargs={"pk": round_.pk}))
    page.axe.check("a round ready to open")
    page.get_by_role("link", name="Open the round").click()
    page.axe.check("opening the round")
    page.get_by_label("Why now?").fill("Set up and checked")
    page.get_by_role("button", name="Open the round").click()
    page.wait_for_load_state("load")
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN
    page.axe.check("the open round")

    # Copied for next year: the copy asks the same questions, its condition on the copy's own question.
    page.get_by_role("link", name="Copy the round").click()
    page.axe.check("copying the round")
    page.get_by_role("button", name="Copy the round").click()
    page.wait_for_load_state("load")
    page.axe.check("the copy's set-up")
    copy = Round.objects.exclude(pk=round_.pk).get(name__startswith="Small grants 2030")
    page.goto(reverse("applications:round_questions", kwargs={"pk": copy.pk}))
    assert "Asked only when the answer to ‘Are you led by Deaf people?’ is Yes" in page.locator("main").inner_text()
    page.axe.check("the copy's questions")


def wav_bytes(seconds: float = 1.0) -> bytes:
    """A real, playable sound recording: silence, long enough for the player to find its length."""
    import io
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(b"\x00\x00" * int(8000 * seconds))
    return out.getvalue()


def test_a_recorded_answer_plays_in_the_page_and_its_transcript_is_added_and_read(page, records):
    from django.core.files.base import ContentFile

    from tests.factories import MediaAnswerFactory

    sound = wav_bytes()
    answer = MediaAnswerFactory(application=records["sent"], file=ContentFile(sound, name="need.wav"),
                                original_name="need.wav", content_type="audio/x-wav", size=len(sound))
    played = []
    page.on("response", lambda response: "/answers/" in response.url and played.append(response.status))
    sign_in(page, records["applicant"].email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("applications:detail", kwargs={"pk": records["sent"].pk}))
    page.axe.check("application with a recorded answer")
    player = page.get_by_label("Sound recording answer to: What need will your project meet?")
    assert player.evaluate("element => element.tagName") == "AUDIO"
    page.wait_for_function("document.querySelector('audio').readyState >= 1")
    assert player.evaluate("element => element.duration") == pytest.approx(1.0, abs=0.05)
    assert played and set(played) <= {200, 206}, played
    assert page.get_by_role("link", name="Download need.wav (answer to: What need will your project meet?)").get_attribute("download") is not None

    page.get_by_role("link", name="Add a transcript of the answer to: What need will your project meet?").click()
    page.wait_for_load_state("load")
    page.axe.check("transcript page")
    page.get_by_label("Transcript").fill("We help Deaf people report hate crime, in BSL.")
    page.get_by_role("button", name="Save transcript").click()
    page.wait_for_load_state("load")
    page.axe.check("after saving the transcript")
    assert "The transcript is saved." in page.content()
    page.locator(".app-media-answer .govuk-details__summary").click()
    assert page.get_by_text("We help Deaf people report hate crime, in BSL.").is_visible()
    answer.refresh_from_db()
    assert answer.transcript == "We help Deaf people report hate crime, in BSL."


def test_a_manager_asks_for_more_and_the_team_answers_a_conditional_question_and_sends_it_back(page):
    from datetime import date, timedelta

    from django.utils import timezone

    from applications.models import FileAnswer, Question
    from tests.factories import PDF_BYTES, FileAnswerFactory, answers_given

    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    round_ = RoundFactory(name="Small grants 2031")
    section = round_.sections.get()
    online = Question.objects.create(section=section, code="online", label="Do you support people online?",
                                     kind="yes_no", position=10)
    Question.objects.create(section=section, code="platforms", label="Which platforms do you use?", kind="short_text",
                            position=11, shown_if=online, shown_if_answer="Yes")
    policy = Question.objects.create(section=section, code="policy", label="Upload your online safety policy",
                                     kind="file", required=False, position=12)
    membership = MembershipFactory()
    application = ApplicationFactory(round=round_, organisation=membership.organisation, complete=True,
                                     status="submitted", reference="SG31-0001", submitted_at=timezone.now())
    answers_given(application, title="Reporting centre", summary="We help.", need="Few report.", activities="Drop-ins.",
                  beneficiaries="Disabled adults.", partnership="CATCH.", online=False, policy="policy-2025.pdf")
    FileAnswerFactory(application=application, question=policy, original_name="policy-2025.pdf")

    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check("the manager's rounds")
    page.goto(reverse("applications:manage_application", kwargs={"pk": application.pk}))
    page.axe.check("a sent application")
    page.get_by_role("link", name="Ask for more information").click()
    page.axe.check("asking for more information")
    page.get_by_role("button", name="Ask for more information").click()
    page.wait_for_load_state("load")
    assert "Select at least one section to reopen" in page.locator(".govuk-error-summary").inner_text()
    page.axe.check("asking, with errors")
    page.get_by_label("Your project").check()
    page.get_by_label("What do you need to know?").fill("Do you support people online too?")
    answer_by = date.today() + timedelta(days=10)
    for part, value in zip(("Day", "Month", "Year"), (answer_by.day, answer_by.month, answer_by.year)):
        page.get_by_label(part).fill(str(value))
    page.get_by_role("button", name="Ask for more information").click()
    page.wait_for_load_state("load")
    assert "Waiting for the organisation" in page.locator("main").inner_text()
    page.axe.check("the application, waiting for the organisation")
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_load_state("load")
    page.axe.check("signed out")

    sign_in(page, membership.user.email, TEST_PASSWORD)
    page.axe.check("the applicant's dashboard")
    page.goto(reverse("applications:detail", kwargs={"pk": application.pk}))
    assert "Do you support people online too?" in page.locator(".govuk-notification-banner").inner_text()
    page.axe.check("the sent application, reopened")
    page.get_by_role("link", name="Your project").click()
    page.wait_for_load_state("load")
    assert "Answer only if your answer to ‘Do you support people online?’ is Yes." in page.locator("main").inner_text()
    page.get_by_label("Yes", exact=True).check()
    page.axe.check("the reopened section, with its conditional question")
    assert "You have uploaded policy-2025.pdf" in page.locator("main").inner_text()
    page.get_by_label("Upload your online safety policy").set_input_files(
        files=[{"name": "policy-2026.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}])
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state("load")
    assert "Answer ‘Which platforms do you use?’" in page.locator(".govuk-error-summary").inner_text()
    assert "You have uploaded policy-2026.pdf" in page.locator("main").inner_text()
    page.axe.check("the reopened section, with errors")
    page.get_by_label("Which platforms do you use?").fill("WhatsApp groups")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state("load")
    # Saved but not sent: the application's file is still the one sent.
    assert [answer.original_name for answer in FileAnswer.objects.filter(application=application)] == ["policy-2025.pdf"]
    page.get_by_role("button", name="Send your changes").click()
    page.wait_for_load_state("load")
    assert "Your changes are sent." in page.locator("main").inner_text()
    page.axe.check("changes sent")
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_load_state("load")
    page.axe.check("signed out again")

    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check("the manager's rounds")
    page.goto(reverse("applications:manage_application", kwargs={"pk": application.pk}))
    changes = page.locator("main").inner_text()
    assert "Changed after we asked for more information" in changes and "WhatsApp groups" in changes
    assert page.get_by_role("link", name="policy-2026.pdf").is_visible()
    page.axe.check("what changed")
