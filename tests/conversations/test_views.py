import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conversations.models import BulkMessage, Message
from conversations.services import message_send
from tests.factories import MP4_BYTES, PDF_BYTES, ApplicationFactory, AwardFactory, MessageFactory, MessageFileFactory

pytestmark = pytest.mark.django_db


def thread_url(application) -> str:
    return reverse("conversations:thread", kwargs={"pk": application.pk})


def test_an_applicant_sends_a_message_with_a_video_and_a_document(client_for, application, applicant):
    response = client_for(applicant).post(thread_url(application), {
        "body": "Can we move £500 from quarter 2 to quarter 3?",
        "recording": SimpleUploadedFile("question.mp4", MP4_BYTES),
        "attachment": SimpleUploadedFile("budget.pdf", PDF_BYTES),
    })
    message = Message.objects.get()
    assert response.status_code == 302 and response.url == f"{thread_url(application)}#message-{message.pk}"
    assert {stored.kind for stored in message.files.all()} == {"recording", "attachment"}
    page = client_for(applicant).get(thread_url(application)).content.decode()
    assert "Can we move £500" in page
    assert "<video" in page and "controls" in page
    assert "Download the video question.mp4" in page
    assert "Download the attached document budget.pdf" in page


def test_a_message_with_neither_words_nor_a_recording_is_refused_and_shown(client_for, application, applicant):
    response = client_for(applicant).post(thread_url(application), {"body": "  "})
    assert response.status_code == 200
    assert "Write your message, or upload a video or audio recording" in response.content.decode()
    assert not Message.objects.exists()


def test_a_file_of_the_wrong_kind_is_refused_keeping_the_words(client_for, application, applicant):
    response = client_for(applicant).post(thread_url(application), {
        "body": "Here is our plan.", "attachment": SimpleUploadedFile("plan.pdf", MP4_BYTES),
    })
    page = response.content.decode()
    assert response.status_code == 200
    assert "The document must be a PDF, DOCX, ODT, JPG or PNG" in page
    assert "Here is our plan." in page
    assert not Message.objects.exists()


def test_personal_data_is_warned_of_keeping_the_words_then_sent_once_confirmed(client_for, application, applicant):
    client = client_for(applicant)
    typed = {"body": "Our volunteer Sam can be reached on 07700 900123."}
    warned = client.post(thread_url(application), typed)
    page = warned.content.decode()
    assert warned.status_code == 200
    assert "Check for personal data before you send" in page
    assert "07700 900123" in page and "Our volunteer Sam" in page
    assert 'name="personal_data_checked"' in page
    assert not Message.objects.exists()
    sent = client.post(thread_url(application), {**typed, "warned": "1", "personal_data_checked": "on"})
    assert sent.status_code == 302
    assert Message.objects.get().body == typed["body"]


def test_a_programme_manager_adds_a_note_the_team_never_sees(client_for, application, applicant, programme_manager):
    manager = client_for(programme_manager)
    assert manager.post(thread_url(application), {"note": "note", "body": "Finance agreed the move."}).status_code == 302
    assert Message.objects.get().is_note
    assert "Note for staff only" in manager.get(thread_url(application)).content.decode()
    page = client_for(applicant).get(thread_url(application)).content.decode()
    assert "Finance agreed the move." not in page and "Note for staff only" not in page
    assert "Messages (1 unread)" not in page


def test_an_applicant_cannot_write_a_note_by_posting_one(client_for, application, applicant):
    client_for(applicant).post(thread_url(application), {"note": "note", "body": "Hello"})
    assert Message.objects.get().kind == "message"


def test_opening_a_thread_clears_its_unread_count_in_the_header(client_for, application, applicant):
    MessageFactory(application=application)
    client = client_for(applicant)
    assert "Messages (1 unread)" in client.get(reverse("conversations:inbox")).content.decode()
    page = client.get(thread_url(application)).content.decode()
    assert "Messages (1 unread)" not in page
    assert "Messages (1 unread)" not in client.get(reverse("conversations:inbox")).content.decode()


def test_another_organisations_thread_and_files_are_not_found(client_for, application, other_applicant):
    stored = MessageFileFactory(message__application=application)
    client = client_for(other_applicant)
    assert client.get(thread_url(application)).status_code == 404
    assert client.post(thread_url(application), {"body": "Hello"}).status_code == 404
    url = reverse("conversations:file", kwargs={"pk": application.pk, "file_pk": stored.pk})
    assert client.get(url).status_code == 404


def test_a_notes_file_is_never_served_to_the_team(client_for, application, applicant, programme_manager):
    stored = MessageFileFactory(message__application=application, message__kind="note")
    url = reverse("conversations:file", kwargs={"pk": application.pk, "file_pk": stored.pk})
    assert client_for(applicant).get(url).status_code == 404
    response = client_for(programme_manager).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES


def test_a_file_is_found_only_through_its_own_thread(client_for, application, organisation, applicant):
    elsewhere = MessageFileFactory(message__application=ApplicationFactory(
        organisation=organisation, status="submitted", reference="A-0999"))
    url = reverse("conversations:file", kwargs={"pk": application.pk, "file_pk": elsewhere.pk})
    assert client_for(applicant).get(url).status_code == 404


def test_a_recording_plays_in_ranges(client_for, application, applicant):
    message = message_send(application=application, body="", acting_user=applicant, recording=__import__(
        "conversations.services", fromlist=["Upload"]).Upload(SimpleUploadedFile("hello.mp4", MP4_BYTES), "video/mp4"))
    url = reverse("conversations:file", kwargs={"pk": application.pk, "file_pk": message.files.get().pk})
    response = client_for(applicant).get(f"{url}?play", HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206 and response["Content-Type"] == "video/mp4"


@pytest.mark.parametrize("role", ["assessor", "finance_officer"])
def test_assessors_and_finance_officers_cannot_open_a_thread(client_for, request, application, role):
    assert client_for(request.getfixturevalue(role)).get(thread_url(application)).status_code == 403


def test_the_thread_page_queries_stay_few_however_long_the_thread(
    client_for, application, applicant, django_assert_max_num_queries
):
    for _ in range(3):
        MessageFileFactory(message__application=application)
    client = client_for(applicant)
    client.get(thread_url(application))
    MessageFileFactory(message__application=application)  # so that both visits measured have a new message to read
    with django_assert_max_num_queries(8) as few:
        assert client.get(thread_url(application)).status_code == 200
    for _ in range(20):
        MessageFileFactory(message__application=application)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(thread_url(application))
    assert response.status_code == 200


@pytest.mark.parametrize("person", ["applicant", "programme_manager"])
def test_the_inbox_queries_stay_few_however_many_threads(
    client_for, request, organisation, person, django_assert_max_num_queries
):
    for number in range(30):
        application = ApplicationFactory(organisation=organisation, status="submitted", reference=f"IN-{number}")
        MessageFactory(application=application, from_staff=False)
    client = client_for(request.getfixturevalue(person))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("conversations:inbox"))
    assert response.status_code == 200
    assert "Page 1 of 2" in response.content.decode()


def test_the_thread_is_linked_from_the_grant_pages_on_both_sides(client_for, organisation, applicant,
                                                                 programme_manager):
    award = AwardFactory(application__organisation=organisation)
    link = f'href="{thread_url(award.application)}"'
    assert link in client_for(applicant).get(reverse("grants:award", kwargs={"pk": award.pk})).content.decode()
    assert link in client_for(programme_manager).get(
        reverse("monitoring:grant", kwargs={"pk": award.pk})).content.decode()
    assert link in client_for(applicant).get(
        reverse("applications:detail", kwargs={"pk": award.application_id})).content.decode()
    assert link in client_for(programme_manager).get(
        reverse("applications:manage_application", kwargs={"pk": award.application_id})).content.decode()


def test_the_dashboards_say_how_many_messages_are_unread(client_for, application, applicant, programme_manager):
    MessageFactory(application=application)
    MessageFactory(application=application, from_staff=False, author=applicant)
    assert "You have 1 unread message" in client_for(applicant).get(
        reverse("applications:dashboard")).content.decode()
    assert "You have 1 unread message" in client_for(programme_manager).get(
        reverse("applications:manage_rounds")).content.decode()


def bulk_url(round_) -> str:
    return reverse("conversations:bulk_message_new", kwargs={"pk": round_.pk})


def test_a_bulk_message_shows_how_many_it_goes_to_before_it_is_sent(
    client_for, open_round, programme_manager, django_capture_on_commit_callbacks
):
    for number in range(2):
        ApplicationFactory(round=open_round, status="submitted", reference=f"BV-{number}")
    client = client_for(programme_manager)
    typed = {"audience": "everyone", "body": "Reports are due on 30 July."}
    preview = client.post(bulk_url(open_round), typed)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "This message will go to <strong>2 organisations</strong>" in page
    assert 'value="Send to 2 organisations"' in page and "Reports are due on 30 July." in page
    assert not BulkMessage.objects.exists()
    # Changing the group after the preview shows the new count rather than sending.
    changed = client.post(bulk_url(open_round), {**typed, "audience": "awarded", "previewed": "everyone",
                                                 "send": "Send"})
    assert "No organisation in this round is in the group you chose" in changed.content.decode()
    assert not BulkMessage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(bulk_url(open_round), {**typed, "previewed": "everyone", "send": "Send"})
    bulk = BulkMessage.objects.get()
    assert sent.status_code == 302 and sent.url == reverse("conversations:bulk_message", kwargs={"pk": bulk.pk})
    assert bulk.items.count() == 2


def test_a_bulk_message_with_personal_data_is_warned_of_first(client_for, open_round, programme_manager):
    ApplicationFactory(round=open_round, status="submitted", reference="BV-1")
    typed = {"audience": "everyone", "body": "Ring Sam on 07700 900123.", "previewed": "everyone", "send": "Send"}
    warned = client_for(programme_manager).post(bulk_url(open_round), typed)
    assert "Check for personal data before you send" in warned.content.decode()
    assert not BulkMessage.objects.exists()
    sent = client_for(programme_manager).post(bulk_url(open_round), {**typed, "personal_data_checked": "on",
                                                                     "warned": "1"})
    assert sent.status_code == 302


def test_a_bulk_message_form_without_a_group_is_an_error_not_a_crash(client_for, open_round, programme_manager):
    response = client_for(programme_manager).post(bulk_url(open_round), {"body": "Hello", "send": "Send"})
    assert response.status_code == 200
    assert "Choose who to send the message to" in response.content.decode()


def test_the_bulk_progress_page_queries_stay_few(client_for, open_round, programme_manager,
                                                 django_assert_max_num_queries):
    ApplicationFactory(round=open_round, status="submitted", reference="BV-1")
    bulk = BulkMessage.objects.create(round=open_round, audience="everyone", body="Hello")
    client = client_for(programme_manager)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("conversations:bulk_message", kwargs={"pk": bulk.pk}))
    assert response.status_code == 200


def test_a_message_sent_twice_by_a_second_click_is_sent_once(client_for, application, applicant):
    client = client_for(applicant)
    typed = {"body": "Can we move spend to quarter 3?", "seen": "0"}
    assert client.post(thread_url(application), typed).status_code == 302
    assert client.post(thread_url(application), typed).status_code == 302
    assert Message.objects.count() == 1
    # Sent again after the page showed the first, the same words are a new message.
    client.post(thread_url(application), {**typed, "seen": str(Message.objects.get().pk)})
    assert Message.objects.count() == 2


def test_a_bulk_message_sent_twice_by_a_second_click_starts_once(client_for, open_round, programme_manager):
    ApplicationFactory(round=open_round, status="submitted", reference="BV-1")
    client = client_for(programme_manager)
    typed = {"audience": "everyone", "body": "Hello", "previewed": "everyone", "seen": "0", "send": "Send"}
    first, second = client.post(bulk_url(open_round), typed), client.post(bulk_url(open_round), typed)
    assert first.url == second.url
    assert BulkMessage.objects.count() == 1


def test_a_group_with_nobody_in_it_offers_no_button_to_send(client_for, open_round, programme_manager):
    ApplicationFactory(round=open_round, status="submitted", reference="BV-1")
    response = client_for(programme_manager).post(bulk_url(open_round), {"audience": "awarded", "body": "Hello"})
    page = response.content.decode()
    assert "No organisation in this round is in the group you chose" in page
    assert "Send to 0" not in page and 'value="Check who it goes to"' in page


def test_the_audit_trail_says_what_was_sent_never_the_words(client_for, application, applicant, programme_manager):
    client_for(applicant).post(thread_url(application), {"body": "Our caseworker is unwell."})
    client_for(programme_manager).post(thread_url(application), {"note": "note", "body": "Offer a pause."})
    history = client_for(programme_manager).get(reverse(
        "core:audit_history", kwargs={"app_label": "applications", "model": "application", "object_id": application.pk}
    )).content.decode()
    assert "sent a message" in history and "added a note for staff only" in history
    assert "caseworker" not in history and "Offer a pause" not in history
