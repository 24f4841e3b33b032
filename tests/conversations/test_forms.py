from django.core.files.uploadedfile import SimpleUploadedFile

from conversations.forms import BulkMessageForm, MessageForm
from conversations.services import Upload
from tests.factories import MP3_BYTES, MP4_BYTES, PDF_BYTES


def test_only_staffs_form_asks_who_a_message_is_for():
    assert "note" in MessageForm(staff=True).fields
    assert "note" not in MessageForm(staff=False).fields


def test_checked_files_come_back_with_the_type_their_contents_show():
    form = MessageForm({"body": ""}, {"recording": SimpleUploadedFile("sign.mp3", MP3_BYTES),
                                      "attachment": SimpleUploadedFile("plan.pdf", PDF_BYTES)}, staff=False)
    assert form.is_valid(), form.errors
    assert isinstance(form.cleaned_data["recording"], Upload)
    assert form.cleaned_data["recording"].content_type == "audio/mpeg"
    assert form.cleaned_data["attachment"].content_type == "application/pdf"


def test_a_document_in_the_recordings_place_is_refused_by_its_contents():
    form = MessageForm({"body": "Hello"}, {"recording": SimpleUploadedFile("sign.mp4", PDF_BYTES)}, staff=False)
    assert not form.is_valid()
    assert form.errors["recording"] == [
        "The video or audio recording must be an MP4, MOV, WEBM, MP3, M4A, WAV or OGG. Its name says .mp4 but its "
        "contents are not"]


def test_a_document_over_the_answers_size_limit_is_refused(settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("plan.pdf", PDF_BYTES + b" " * 2048)
    form = MessageForm({"body": "Hello"}, {"attachment": big}, staff=False)
    assert not form.is_valid()
    assert form.errors["attachment"] == ["The document must be smaller than 1KB"]


def test_a_recording_alone_is_a_message_but_nothing_at_all_is_not():
    assert MessageForm({"body": ""}, {"recording": SimpleUploadedFile("sign.mp4", MP4_BYTES)}, staff=False).is_valid()
    empty = MessageForm({"body": "   "}, staff=False)
    assert not empty.is_valid()
    assert empty.errors["body"] == ["Write your message, or upload a video or audio recording"]


def test_a_message_too_long_is_told_so_once_in_words_about_a_message():
    form = MessageForm({"body": "a" * 5001}, staff=False)
    assert not form.is_valid()
    assert form.errors["body"] == ["Your message must be 5,000 characters or fewer. It has 5001 characters."]


def test_a_bulk_message_needs_a_group_and_words():
    form = BulkMessageForm({})
    assert not form.is_valid()
    assert form.errors["audience"] == ["Choose who to send the message to"]
    assert form.errors["body"] == ["Write your message"]
