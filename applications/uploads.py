"""Checks on uploaded files: size, and that the content really is one of the allowed kinds, not only its name."""

from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class FileRule:
    description: str  # how the error message names the allowed kinds
    kinds: dict[str, set[str]]  # file extension -> the content types its bytes may show

    @property
    def accept(self) -> str:
        return ",".join(f".{extension}" for extension in self.kinds)


ZIP_BASED = {"application/zip"}  # older files and some tools make DOCX and ODT that sniff as plain ZIP
DOCUMENTS = FileRule(
    "a PDF, DOCX, ODT, JPG or PNG",
    {
        "pdf": {"application/pdf"},
        "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", *ZIP_BASED},
        "odt": {"application/vnd.oasis.opendocument.text", *ZIP_BASED},
        "jpg": {"image/jpeg"},
        "jpeg": {"image/jpeg"},
        "png": {"image/png"},
    },
)
MEDIA = FileRule(
    "an MP4, MOV, WEBM, MP3, M4A, WAV or OGG",
    {
        "mp4": {"video/mp4", "video/quicktime"},
        "mov": {"video/quicktime", "video/mp4"},
        "webm": {"video/webm"},
        "mp3": {"audio/mpeg"},
        "m4a": {"audio/mp4", "audio/m4a", "video/mp4"},
        "wav": {"audio/x-wav", "audio/wav"},
        "ogg": {"audio/ogg", "video/ogg"},
    },
)


def describe_size(size: int) -> str:
    """10MB, 200MB, 512KB: as GOV.UK's file upload messages write sizes."""
    megabytes = size / (1024 * 1024)
    return f"{megabytes:g}MB" if megabytes >= 1 else f"{size // 1024}KB"


def check_upload(upload, rule: FileRule, max_bytes: int, subject: str = "The selected file") -> str:
    """Refuses an empty, oversized or wrongly typed file with a GOV.UK-style message; returns its content type.

    `subject` names the file in the message, so two refused files on one page get different messages.
    """
    params = {"subject": subject, "kinds": rule.description}
    if upload.size == 0:
        raise ValidationError("%(subject)s is empty", code="empty", params=params)
    if upload.size > max_bytes:
        raise ValidationError(
            "%(subject)s must be smaller than %(limit)s", code="too_big", params={**params, "limit": describe_size(max_bytes)}
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in rule.kinds:
        raise ValidationError("%(subject)s must be %(kinds)s", code="wrong_type", params=params)
    upload.seek(0)
    sniffed = filetype.guess(upload.read(8192))
    upload.seek(0)
    if sniffed is None or sniffed.mime not in rule.kinds[extension]:
        raise ValidationError(
            "%(subject)s must be %(kinds)s. Its name says .%(extension)s but its contents are not",
            code="contents_do_not_match",
            params={**params, "extension": extension},
        )
    return sniffed.mime


def check_document(upload, subject: str = "The selected file") -> str:
    return check_upload(upload, DOCUMENTS, settings.DOCUMENT_MAX_BYTES, subject)


def check_media_answer(upload, subject: str = "The selected file") -> str:
    return check_upload(upload, MEDIA, settings.MEDIA_ANSWER_MAX_BYTES, subject)
