"""The forms for writing in a thread and for writing to many organisations at once: input checks only."""

from crispy_forms_gds.layout import HTML, Field, Layout, Size, Submit
from django import forms

from applications.uploads import DOCUMENTS, MEDIA, check_document, check_media_answer
from conversations.models import BulkMessage
from conversations.services import Upload
from core.fields import LongTextField
from core.forms import GovukFormMixin

WARNED = HTML('<input type="hidden" name="warned" value="1">')
PERSONAL_DATA_LABEL = "I have checked: none of this identifies anyone the organisation supports"


class MessageForm(GovukFormMixin, forms.Form):
    """A message: words, a recording, or both, with a document if wanted. Staff may write a note instead."""

    submit_label = "Send message"

    note = forms.TypedChoiceField(
        label="Who is this for?", widget=forms.RadioSelect, coerce=lambda value: value == "note", required=False,
        choices=[("message", "The organisation's team and the funder's staff: a message"),
                 ("note", "The funder's staff only: a note the organisation never sees")],
        initial="message",
    )
    body = LongTextField(
        label="Your message", required=False, rows=6, max_length=5000, subject="Your message",
        help_text="Do not give the names or details of anyone your organisation supports.",
    )
    recording = forms.FileField(
        label="Add a BSL video or audio recording (optional)", required=False,
        help_text="You can send a recording instead of writing, or as well. MP4, MOV, WEBM, MP3, M4A, WAV or OGG.",
        widget=forms.ClearableFileInput(attrs={"accept": MEDIA.accept}),
    )
    attachment = forms.FileField(
        label="Attach a document (optional)", required=False, help_text="PDF, DOCX, ODT, JPG or PNG.",
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENTS.accept}),
    )
    personal_data_checked = forms.BooleanField(label=PERSONAL_DATA_LABEL, required=False)
    # The newest message the page showed, so that a second click sends the message once.
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, staff: bool, warned: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = staff
        if not staff:
            del self.fields["note"]
            self.fields["body"].help_text = "Do not give the names or details of anyone you support."
        layout = [Field.radios("note", legend_size=Size.SMALL, small=True)] if staff else []
        layout += [Field.textarea("body", rows=6), Field("recording"), Field("attachment"), Field("seen")]
        if warned:  # kept shown until sent, ticked or not
            for name in ("recording", "attachment"):
                self.fields[name].help_text += " A file chosen before is not kept: choose it again."
            layout += [Field.checkbox("personal_data_checked"), WARNED]
        self.helper.layout = Layout(*layout)

    def clean(self):
        cleaned = super().clean()
        for name, check, subject in (("recording", check_media_answer, "The video or audio recording"),
                                     ("attachment", check_document, "The document")):
            upload = cleaned.get(name)
            if upload:
                try:
                    cleaned[name] = Upload(file=upload, content_type=check(upload, subject=subject))
                except forms.ValidationError as error:
                    self.add_error(name, error)
        nothing_sent = not (cleaned.get("body") or "").strip() and not cleaned.get("recording")
        if nothing_sent and not self.has_error("recording") and not self.has_error("body"):
            self.add_error("body", "Write your message, or upload a video or audio recording")
        return cleaned


class BulkMessageForm(GovukFormMixin, forms.Form):
    """One message to every organisation in a round, or to those in one part of it."""

    submit_label = "Check who it goes to"

    audience = forms.ChoiceField(
        label="Who should get this message?", widget=forms.RadioSelect, choices=BulkMessage.Audience.choices,
        error_messages={"required": "Choose who to send the message to",
                        "invalid_choice": "Choose who to send the message to from the list"},
    )
    body = LongTextField(
        label="Your message", rows=8, max_length=5000,
        help_text="Each organisation gets it in the messages about its application or grant, and an email that "
                  "tells them it is there.",
        error_messages={"required": "Write your message"},
    )
    personal_data_checked = forms.BooleanField(label=PERSONAL_DATA_LABEL, required=False)
    # The group whose size the manager was shown: sending goes ahead only for that group, so a choice changed
    # after the preview is shown again before anything is sent.
    previewed = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)
    # The newest bulk message the round had when the page was first shown, so that a second click sends once.
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, warned: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        layout = [Field.radios("audience", legend_size=Size.SMALL, small=True), Field.textarea("body", rows=8)]
        if warned:
            layout += [Field.checkbox("personal_data_checked"), WARNED]
        self.helper.layout = Layout(*layout, Field("previewed"), Field("seen"))

    def previewing(self, audience: str, count: int) -> None:
        """Shows the count's button to send, and keeps the button to check again after changing the choice. With
        nobody in the group there is nothing to send: only checking again is offered."""
        if not count:
            return
        self.data = self.data.copy()
        self.data["previewed"] = audience
        self.helper.inputs = [
            Submit("send", f"Send to {count} {'organisation' if count == 1 else 'organisations'}"),
            Submit("check", "Check who it goes to again", css_class="govuk-button--secondary"),
        ]
