import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.uploads import check_document, check_media_answer
from tests.factories import MP3_BYTES, MP4_BYTES, PDF_BYTES, PNG_BYTES


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(("name", "content", "kind"), [("a.pdf", PDF_BYTES, "application/pdf"), ("a.PNG", PNG_BYTES, "image/png")])
def test_real_documents_are_accepted_with_their_sniffed_type(name, content, kind):
    assert check_document(upload(name, content)) == kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.pdf", b"", "The selected file is empty"),
        ("virus.exe", b"MZ" + b"\x00" * 100, "The selected file must be a PDF, DOCX, ODT, JPG or PNG"),
        ("no-extension", PDF_BYTES, "The selected file must be a PDF, DOCX, ODT, JPG or PNG"),
        ("fake.pdf", b"<html>not a pdf</html>" * 10, "Its name says .pdf but its contents are not"),
        ("picture.pdf", PNG_BYTES, "Its name says .pdf but its contents are not"),
    ],
)
def test_bad_documents_are_refused_with_a_plain_message(name, content, message):
    with pytest.raises(ValidationError) as refused:
        check_document(upload(name, content))
    assert message in refused.value.messages[0]


def test_documents_over_the_size_limit_are_refused(settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        check_document(upload("big.pdf", PDF_BYTES + b"0" * 2048))
    assert refused.value.messages == ["The selected file must be smaller than 1KB"]


@pytest.mark.parametrize(("name", "content"), [("answer.mp3", MP3_BYTES), ("answer.mp4", MP4_BYTES)])
def test_audio_and_video_answers_are_accepted(name, content):
    assert check_media_answer(upload(name, content))


def test_a_document_is_not_accepted_as_a_video_answer():
    with pytest.raises(ValidationError):
        check_media_answer(upload("answer.pdf", PDF_BYTES))
