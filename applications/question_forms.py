"""One of the round's own sections as a page of the application, its fields made from the section's questions."""

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from applications.forms import note_stored
from applications.models import Question, Section
from applications.questions import question_shown, stored_value
from applications.uploads import DOCUMENTS, MEDIA, check_document, check_media_answer
from applications.validators import MaxWordsValidator
from core.fields import CountField, DateField, LongTextField, PoundsField, YesNoField
from core.forms import GovukFormMixin

SHORT_TEXT_LIMIT = 300
LONG_TEXT_LIMIT = 20_000


def required_message(question: Question) -> str:
    if question.kind in (Question.Kind.YES_NO, Question.Kind.ONE_CHOICE, Question.Kind.SEVERAL_CHOICES):
        return f"Select an answer to ‘{question.label}’"
    if question.kind == Question.Kind.FILE:
        return f"Upload a file for ‘{question.label}’"
    return f"Answer ‘{question.label}’"


def question_field(question: Question) -> forms.Field:
    """The form field that asks one question, with its limits and plain-English errors."""
    Kind = Question.Kind
    hint = question.hint
    if question.kind == Question.Kind.SEVERAL_CHOICES:
        hint = f"{hint} Select all that apply." if hint else "Select all that apply."
    label = question.label if question.required else f"{question.label} (optional)"
    common = {"label": label, "help_text": hint, "required": question.required}
    message = required_message(question)
    if question.kind == Kind.SHORT_TEXT:
        field = forms.CharField(max_length=question.max_chars or SHORT_TEXT_LIMIT, **common)
        field.error_messages["required"] = message
    elif question.kind == Kind.LONG_TEXT:
        field = LongTextField(rows=8, max_length=question.max_chars or LONG_TEXT_LIMIT, **common)
        field.error_messages["required"] = message
        if question.max_words:
            field.validators.append(MaxWordsValidator(question.max_words, f"Your answer to ‘{question.label}’"))
            # crispy-forms-gds adds the word count to the hint it expects every counted answer to have: start empty.
            field.widget.attrs.setdefault("aria-describedby", "")
    elif question.kind == Kind.NUMBER:
        field = CountField(required_message=message, subject=f"your answer to ‘{question.label}’", **common)
    elif question.kind == Kind.MONEY:
        field = PoundsField(required_message=message, subject="the amount", **common)
    elif question.kind == Kind.YES_NO:
        field = YesNoField(required_message=message, **common)
    elif question.kind == Kind.DATE:
        field = DateField(required_message=message, **common)
    elif question.kind == Kind.FILE:
        # Required or not, a file kept from an earlier save answers it: SectionForm.clean checks.
        field = forms.FileField(**{**common, "required": False},
                                widget=forms.ClearableFileInput(attrs={"accept": DOCUMENTS.accept}))
    else:
        choices = [(choice, choice) for choice in question.choices]
        if question.kind == Kind.ONE_CHOICE:
            field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        else:
            field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
        field.error_messages["required"] = message
    return field


def question_layout(question: Question, field_name: str):
    Kind = Question.Kind
    if question.kind == Kind.LONG_TEXT:
        return Field.textarea(field_name, rows=8, max_words=question.max_words) if question.max_words \
            else Field.textarea(field_name, rows=8)
    if question.kind in (Kind.YES_NO, Kind.ONE_CHOICE):
        return Field.radios(field_name, legend_size=Size.SMALL, small=True, inline=question.kind == Kind.YES_NO)
    if question.kind == Kind.SEVERAL_CHOICES:
        return Field.checkboxes(field_name, legend_size=Size.SMALL, small=True)
    if question.kind in (Kind.DATE, Kind.FILE):
        return Field(field_name)
    return Field.text(field_name)


class SectionForm(GovukFormMixin, forms.Form):
    """Asks a section's questions. A question asked only for a certain answer to an earlier one is asked only then:
    when both are on this page, it follows that question with a hint saying when to answer it, and is required only
    for that answer (nothing is hidden, so it reads the same with or without JavaScript or a screen reader); otherwise
    it is left out unless the saved answer matches. Where the organisation may answer in BSL video or audio, a
    recording can replace a written answer."""

    submit_label = "Save and continue"

    def __init__(self, *args, section: Section, questions: list[Question], earlier_answers: dict,
                 recorded=(), allow_recordings=False, uploaded_files=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        self.earlier_answers = earlier_answers
        self.recorded = set(recorded)
        self.uploaded_files = uploaded_files or {}  # question code -> the name of the file kept for it
        here = {question.pk for question in questions}
        # Asked only for an answer on this page: shown, and checked once that answer is known.
        self.shown_beside = {question.pk for question in questions if question.shown_if_id in here}
        self.questions = [
            question for question in questions
            if question.shown_if_id is None or question.pk in self.shown_beside or question_shown(question, earlier_answers)
        ]
        self.recordable = []
        for question in self.questions:
            self.fields[question.code] = question_field(question)
            if question.kind == Question.Kind.FILE and question.code in self.uploaded_files:
                note_stored(self, question.code, self.uploaded_files[question.code])
            if question.pk in self.shown_beside:
                field = self.fields[question.code]
                field.required = False
                when = f"Answer only if your answer to ‘{question.shown_if.label}’ is {question.shown_if_answer}."
                field.help_text = f"{field.help_text} {when}" if field.help_text else when
            if question.recording_allowed and question.is_written and allow_recordings:
                self.recordable.append(question)
                self.fields[question.code].required = False
                self.fields[f"{question.code}_media"] = forms.FileField(
                    label="Or upload a BSL video or audio answer instead",
                    required=False,
                    help_text=(
                        "You have already uploaded an answer. Upload a new file to replace it."
                        if question.code in self.recorded else "MP4, MOV, WEBM, MP3, M4A, WAV or OGG."
                    ),
                    widget=forms.ClearableFileInput(attrs={"accept": MEDIA.accept}),
                )
        self.helper.layout = Layout(*map(self._layout_of, self.questions))

    def _layout_of(self, question: Question):
        parts = [question_layout(question, question.code)]
        if question in self.recordable:
            parts.append(Field(f"{question.code}_media"))
        return Layout(*parts) if len(parts) > 1 else parts[0]

    def clean(self):
        cleaned = super().clean()
        self.file_types = {}
        values = self._values()
        for question in self.questions:
            if question.pk in self.shown_beside and question.code in self.errors and not question_shown(question, values):
                del self.errors[question.code]  # not asked, given the answer it depends on
        self.media_types = {}
        for question in self.recordable:
            media = cleaned.get(f"{question.code}_media")
            if media:
                try:
                    self.media_types[question.code] = check_media_answer(media, subject="The video or audio answer")
                except forms.ValidationError as error:
                    self.add_error(f"{question.code}_media", error)
                    continue
            has_media = bool(media) or question.code in self.recorded
            if question.required and question_shown(question, values) and not cleaned.get(question.code) and not has_media and not self.has_error(question.code):
                self.add_error(question.code, required_message(question) + ", or upload a video or audio answer")
        for question in (asked for asked in self.questions if asked.kind == Question.Kind.FILE):
            upload = cleaned.get(question.code)
            if upload:
                try:
                    self.file_types[question.code] = check_document(upload, subject=f"The file for ‘{question.label}’")
                except forms.ValidationError as error:
                    self.add_error(question.code, error)
            elif question.required and question_shown(question, values) and question.code not in self.uploaded_files:
                self.add_error(question.code, required_message(question))
        for question in self.questions:
            if question.required and question.pk in self.shown_beside and question not in self.recordable \
                    and question_shown(question, values) and not self.has_error(question.code) \
                    and values[question.code] in (None, "", []):
                self.add_error(question.code, required_message(question))
        return cleaned

    def answers(self) -> dict:
        """{question: value as stored}, with questions not asked (given an earlier answer) left out."""
        values = self._values()
        return {question: values[question.code] for question in self.questions if question_shown(question, values)}

    def _values(self) -> dict:
        """Every answer a condition here may name, as stored: those on this page and the earlier sections'. A file
        question's answer is the name of its file, uploaded now or kept from before."""
        return {**self.earlier_answers, **{
            question.code: self._file_name(question) if question.kind == Question.Kind.FILE
            else stored_value(question, self.cleaned_data.get(question.code))
            for question in self.questions
        }}

    def _file_name(self, question: Question) -> str | None:
        upload = self.cleaned_data.get(question.code)
        return upload.name[:200] if upload and question.code in self.file_types else self.uploaded_files.get(question.code)

    def file_uploads(self) -> dict:
        """Files that passed their checks: question -> (file, content type)."""
        return {question: (self.files[self.add_prefix(question.code)], self.file_types[question.code])
                for question in self.questions if question.code in self.file_types and not self.has_error(question.code)}

    def note_stored(self, field_name: str, name: str) -> None:
        note_stored(self, field_name, name)

    def media_uploads(self) -> dict:
        """Video or audio answers that passed their checks: question code -> (file, content type)."""
        return {code: (self.cleaned_data[f"{code}_media"], content_type) for code, content_type in self.media_types.items()}

