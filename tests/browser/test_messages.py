"""Messages in Chromium: a grantee sends a message with a BSL video; a programme manager sees it counted as unread,
reads it (the count clears), replies and adds a note for staff only; the grantee reads the reply and never the
note. A programme manager then writes to every organisation in a round, sees how many it goes to, sends it and
watches it go. axe-core checks every page."""

from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Role
from conversations.models import BulkMessageItem, Message
from conversations.services import bulk_message_start
from tests.browser.conftest import sign_in
from tests.browser.test_awarding import sign_out
from tests.factories import TEST_PASSWORD, ApplicationFactory, AwardFactory, MembershipFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# One second of real VP8 video, made in Chromium: small enough to keep with the tests, real enough to play.
BSL_VIDEO = Path(__file__).resolve().parent / "data" / "message-in-bsl.webm"


def open_thread_from_the_header(page, expected_link: str):
    page.get_by_role("link", name=expected_link).click()
    page.wait_for_load_state("load")
    page.axe.check("messages")


def test_a_grantee_and_a_manager_write_to_each_other_and_the_note_stays_with_staff(page):
    manager = UserFactory(role=Role.PROGRAMME_MANAGER, full_name="Priya Manager")
    grantee = MembershipFactory(user__role=Role.APPLICANT, user__full_name="Amara Okafor").user
    award = AwardFactory(application__organisation=grantee.memberships.get().organisation)

    sign_in(page, grantee.email, TEST_PASSWORD)
    page.axe.check("dashboard")
    page.goto(reverse("grants:award", kwargs={"pk": award.pk}))
    page.axe.check("grant")
    page.get_by_role("link", name=f"Messages about {award.reference}").click()
    page.wait_for_load_state("load")
    page.axe.check("empty thread")
    page.get_by_label("Your message").fill("Can we move £600 of interpreter spend from quarter 2 to quarter 3?")
    page.get_by_label("Add a BSL video or audio recording (optional)").set_input_files(str(BSL_VIDEO))
    page.get_by_role("button", name="Send message").click()
    page.wait_for_load_state("load")
    page.axe.check("thread with the grantee's message")
    assert "Your message is sent." in page.content()
    video = page.locator("video[controls] source")
    assert video.get_attribute("type") == "video/webm"
    assert page.get_by_role("link", name="Download the video message-in-bsl.webm").count() == 1
    sign_out(page)

    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check("rounds")
    assert "You have 1 unread message" in page.content()
    open_thread_from_the_header(page, "Messages (1 unread)")
    assert "1 unread" in page.locator(".govuk-table").inner_text()
    page.get_by_role("link", name=f"{award.reference} messages").click()
    page.wait_for_load_state("load")
    page.axe.check("the manager reads the thread")
    assert page.get_by_role("link", name="Messages (1 unread)").count() == 0
    assert page.get_by_role("link", name="Messages", exact=True).count() == 1
    # The recording plays from the service, in the page.
    duration = page.evaluate("""() => new Promise(done => {
        const video = document.querySelector('video'); video.muted = true;
        if (video.readyState >= 1) done(video.duration); else video.addEventListener('loadedmetadata', () => done(video.duration));
    })""")
    assert duration > 0
    page.get_by_label("Your message").fill("Yes: show it against the same budget line in your quarter 3 return.")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_load_state("load")
    page.axe.check("the manager's reply")
    page.get_by_label("The funder's staff only: a note the organisation never sees").check()
    page.get_by_label("Your message").fill("Within the 10% the conditions allow between quarters.")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_load_state("load")
    page.axe.check("the manager's note")
    assert "Your note for staff is added." in page.content()
    assert page.get_by_text("Note for staff only", exact=True).count() == 1
    sign_out(page)

    sign_in(page, grantee.email, TEST_PASSWORD)
    page.axe.check("dashboard")
    open_thread_from_the_header(page, "Messages (1 unread)")
    page.get_by_role("link", name=f"{award.reference} messages").click()
    page.wait_for_load_state("load")
    page.axe.check("the grantee reads the reply")
    content = page.content()
    assert "show it against the same budget line" in content
    assert "Within the 10%" not in content and "Note for staff only" not in content
    assert Message.objects.filter(kind="note").count() == 1


def test_a_manager_writes_to_a_round_sees_who_it_goes_to_and_watches_it_go(page, run_worker):
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    round_ = RoundFactory(name="Hate Crime Support 2027")
    for number in range(3):
        ApplicationFactory(round=round_, status="submitted", reference=f"HC-{number}")
    ApplicationFactory(round=round_)  # a draft: not sent anything

    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check("rounds")
    page.goto(reverse("applications:manage_round", kwargs={"pk": round_.pk}))
    page.axe.check("round")
    page.get_by_role("link", name="Message organisations in this round").click()
    page.wait_for_load_state("load")
    page.axe.check("message a round")
    page.get_by_label("Every organisation that sent an application").check()
    page.get_by_label("Your message").fill("We will tell you our decisions by 30 June.")
    page.get_by_role("button", name="Check who it goes to").click()
    page.wait_for_load_state("load")
    page.axe.check("who it goes to")
    assert "This message will go to 3 organisations" in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Send to 3 organisations").click()
    page.wait_for_load_state("load")
    page.axe.check("sending")
    assert "Sent to 0 of 3 organisations so far." in page.content()
    run_worker()
    # The page asks for the progress by itself.
    page.get_by_text("Finished: sent to 3 of 3 organisations.").wait_for()
    page.reload()
    page.axe.check("sent")
    assert Message.objects.filter(body="We will tell you our decisions by 30 June.").count() == 3


def test_a_manager_sends_a_message_again_to_the_organisation_it_failed_to_reach(page, run_worker):
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    round_ = RoundFactory(name="Hate Crime Support 2027")
    for number in range(2):
        ApplicationFactory(round=round_, status="submitted", reference=f"HC-{number}")
    bulk = bulk_message_start(round_=round_, audience="everyone", body="Returns are due on 30 July.",
                              acting_user=manager)
    run_worker()
    # One organisation's copy could not be sent, as when the service failed part-way.
    failed = bulk.items.order_by("pk").first()
    Message.objects.filter(pk=failed.message_id).delete()
    BulkMessageItem.objects.filter(pk=failed.pk).update(
        outcome=BulkMessageItem.Outcome.FAILED, message=None, failure="Something went wrong in the service.")

    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check("rounds")
    page.goto(reverse("conversations:bulk_message", kwargs={"pk": bulk.pk}))
    page.axe.check("a failure")
    assert "1 could not be sent: see why below." in page.content()
    page.get_by_role("button", name="Try again to send it to this organisation").click()
    page.wait_for_load_state("load")
    page.axe.check("sending again")
    assert "The message is queued to be sent again to 1 organisation." in page.content()
    run_worker()
    page.get_by_text("Finished: sent to 2 of 2 organisations.").wait_for()
    page.reload()
    page.axe.check("sent again")
    assert Message.objects.filter(bulk_message=bulk).count() == 2
