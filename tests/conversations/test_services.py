import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conversations.audit import AuditAction
from conversations.models import Message, MessageFile, Reading
from conversations.services import MessageError, PersonalDataFound, Upload, message_send, thread_mark_read
from core.models import AuditEvent
from tests.factories import MP4_BYTES, PDF_BYTES, ApplicationFactory

pytestmark = pytest.mark.django_db


def test_a_member_sends_a_message_from_the_team_audited_without_its_words(application, applicant):
    message = message_send(application=application, body="  Can we move spend to quarter 3?  ", acting_user=applicant)
    assert (message.body, message.from_staff, message.kind) == ("Can we move spend to quarter 3?", False, "message")
    assert message.author_name == applicant.full_name
    event = AuditEvent.objects.get(action=AuditAction.MESSAGE_SENT)
    assert (event.actor, event.target_id) == (applicant, str(application.pk))
    assert event.data == {"message": message.pk, "attachment": False, "recording": False}
    assert "quarter 3" not in str(event.data) + event.target_label + event.reason


def test_a_programme_manager_replies_from_the_staff_and_adds_a_note(application, programme_manager):
    reply = message_send(application=application, body="Yes, that is fine.", acting_user=programme_manager)
    note = message_send(application=application, body="Agreed with finance.", acting_user=programme_manager,
                        note=True)
    assert reply.from_staff and reply.kind == "message"
    assert note.from_staff and note.is_note
    assert AuditEvent.objects.filter(action=AuditAction.NOTE_ADDED, data__message=note.pk).exists()


def test_an_applicant_cannot_post_to_another_organisations_thread(application, other_applicant):
    with pytest.raises(MessageError):
        message_send(application=application, body="Hello", acting_user=other_applicant)
    assert not Message.objects.exists()


def test_an_applicant_cannot_add_a_note(application, applicant):
    with pytest.raises(MessageError, match="Only the funder's staff"):
        message_send(application=application, body="Hello", acting_user=applicant, note=True)
    assert not Message.objects.exists()


@pytest.mark.parametrize("role", ["assessor", "finance_officer"])
def test_assessors_and_finance_officers_cannot_write_in_a_thread(request, application, role):
    with pytest.raises(MessageError):
        message_send(application=application, body="Hello", acting_user=request.getfixturevalue(role))


def test_nobody_writes_in_a_drafts_thread(organisation, applicant, programme_manager):
    draft = ApplicationFactory(organisation=organisation)
    for person in (applicant, programme_manager):
        with pytest.raises(MessageError):
            message_send(application=draft, body="Hello", acting_user=person)


def test_a_message_needs_words_or_a_recording(application, applicant):
    with pytest.raises(MessageError, match="Write your message"):
        message_send(application=application, body="   ", acting_user=applicant)
    recording = Upload(SimpleUploadedFile("hello.mp4", MP4_BYTES), "video/mp4")
    message = message_send(application=application, body="", acting_user=applicant, recording=recording)
    stored = message.files.get()
    assert (stored.kind, stored.original_name, stored.content_type, stored.size) == (
        MessageFile.Kind.RECORDING, "hello.mp4", "video/mp4", len(MP4_BYTES))
    assert stored.is_video


def test_a_document_is_kept_with_the_message(application, applicant):
    attachment = Upload(SimpleUploadedFile("budget.pdf", PDF_BYTES), "application/pdf")
    message = message_send(application=application, body="Our new budget.", acting_user=applicant,
                           attachment=attachment)
    assert message.files.get().kind == MessageFile.Kind.ATTACHMENT
    assert AuditEvent.objects.get(action=AuditAction.MESSAGE_SENT).data["attachment"] is True


@pytest.mark.parametrize("note", [False, True])
def test_personal_data_is_refused_until_the_writer_confirms(application, programme_manager, note):
    body = "Her number is 07700 900123."
    with pytest.raises(PersonalDataFound) as found:
        message_send(application=application, body=body, acting_user=programme_manager, note=note)
    assert [finding.kind for finding in found.value.findings] == ["a phone number"]
    assert not Message.objects.exists()
    message_send(application=application, body=body, acting_user=programme_manager, note=note,
                 personal_data_checked=True)
    assert AuditEvent.objects.get(action__startswith="message.").reason == "Personal-data warning checked by the writer"


def test_a_team_message_to_staff_is_checked_for_personal_data_too(application, applicant):
    with pytest.raises(PersonalDataFound):
        message_send(application=application, body="Write to them at someone@example.org", acting_user=applicant)


def test_the_writer_has_read_the_thread_up_to_their_own_message(application, applicant):
    message = message_send(application=application, body="Hello", acting_user=applicant)
    assert Reading.objects.get(person=applicant, application=application).read_up_to == message.pk


def test_marking_a_thread_read_never_moves_back(application, applicant):
    thread_mark_read(application=application, person=applicant, up_to=10)
    thread_mark_read(application=application, person=applicant, up_to=4)
    assert Reading.objects.get().read_up_to == 10
    thread_mark_read(application=application, person=applicant, up_to=12)
    assert Reading.objects.get().read_up_to == 12
