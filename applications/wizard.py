"""The staged application: a django-formtools wizard whose storage is the draft application itself.

Each step's answers are saved to the database as soon as the step is completed (or saved to finish later), so a draft
survives signing out, a different device, and a colleague from the same organisation carrying on. Only the step a
person is looking at is kept in their own session.
"""

from django.contrib import messages
from django.forms import BaseFormSet
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from formtools.wizard.storage.base import BaseStorage
from django.views.generic import TemplateView
from formtools.wizard.views import NamedUrlWizardView, StepsHelper, WizardView

from applications import forms as application_forms
from applications import section_forms
from applications.models import Application, DocumentKind, InformationRequest, Question
from applications.permissions import can_edit_application
from applications.question_forms import SectionForm
from applications.questions import as_posted, sections_in_words
from applications.sections import application_steps, incomplete_sections, section_statuses
from applications.selectors import (
    alternative_format_agreed,
    application_for_member_or_404,
    application_sections,
    application_with_answers,
    deadline_for,
    files_being_changed,
    open_information_request,
    recordings_being_changed,
    round_sections,
)
from core.forms import embed_in_page_form, field_limits, typed_values
from core.selectors import draft_for
from core.services import DraftRefused, draft_discard, draft_keep
from core.wizards import KnownStepsOnly
from core.text import without_nul
from applications.services import (
    DeadlinePassed,
    application_save_section,
    application_store_documents,
    application_store_file_answers,
    application_store_media_answers,
    application_submit,
)

FIXED_FORMS = {
    "organisation": application_forms.OrganisationForm,
    "request": section_forms.RequestForm,
    "outcomes": section_forms.OutcomesForm,
    "budget": section_forms.BudgetFormSet,
    "documents": section_forms.DocumentsForm,
    "declarations": section_forms.DeclarationsForm,
    "check": section_forms.CheckAnswersForm,
}
CHECK_TITLE = "Check your answers and send"
# Steps whose typing is not kept as a draft while the person types: uploads are stored as soon as they are checked.
UNTYPED_STEPS = {"documents", "check"}


def wizard_steps(round_) -> dict:
    """{step: form class} for the round's application, in order: its own sections all ask through SectionForm."""
    return {
        step: FIXED_FORMS.get(step, SectionForm) for step in [*application_steps(round_), "check"]
    }


def step_titles(round_) -> dict[str, str]:
    return {**application_steps(round_), "check": CHECK_TITLE}


def step_form_kwargs(round_, step: str, *, earlier_answers, recorded, allow_recordings, amount_requested, uploaded,
                     uploaded_files) -> dict:
    """What a step's form needs beyond what was posted, for an application or a preview of the round. Each callable
    is read only by the step that needs it."""
    if FIXED_FORMS.get(step, SectionForm) is SectionForm:
        section = next(section for section in round_sections(round_) if section.slug == step)
        asks_for_files = any(question.kind == Question.Kind.FILE for question in section.asked)
        return {"section": section, "questions": section.asked, "earlier_answers": earlier_answers(),
                "recorded": recorded(), "allow_recordings": allow_recordings(),
                "uploaded_files": uploaded_files() if asks_for_files else {}}
    if step in ("request", "outcomes"):
        return {"round_": round_}
    if step == "budget":
        return {"amount_requested": amount_requested}
    if step == "documents":
        return {"required_kinds": [kind for kind in DocumentKind.values if kind in round_.required_documents],
                "uploaded": uploaded()}
    return {}


class DraftApplicationStorage(BaseStorage):
    """formtools storage: completed steps come from the application's sections; the current step from the session."""

    def __init__(self, prefix, request, file_storage=None, *, application: Application,
                 information_request: InformationRequest | None):
        super().__init__(prefix, request, file_storage)
        self.application = application
        self.information_request = information_request
        self.sections = application_sections(application)
        request.session.setdefault(self.prefix, {"step": None, "extra_data": {}})

    @property
    def _session(self) -> dict:
        self.request.session.modified = True
        return self.request.session[self.prefix]

    def _get_current_step(self):
        return self._session["step"]

    def _set_current_step(self, step):
        self._session["step"] = step

    def _get_extra_data(self):
        return self._session["extra_data"]

    def _set_extra_data(self, extra_data):
        self._session["extra_data"] = extra_data

    def get_step_data(self, step):
        if step == "check":
            return MultiValueDict()  # the check step asks nothing, so it is always complete
        section = self.sections.get(step)
        if not (section and section.completed_at):
            return None
        asked = next((asked for asked in round_sections(self.application.round) if asked.slug == step), None)
        if asked is None:
            return MultiValueDict(section.data)
        # One of the round's own sections: its answers as kept, or as changed since a request for more information.
        posted = {}
        for question, value in self._kept_answers(asked).items():
            posted.update(as_posted(question, value, step))
        return MultiValueDict(posted)

    def _kept_answers(self, section) -> dict:
        """{question: value} for a section of the round's questions: the changes waiting to be sent, if any."""
        request = self.information_request
        if request is not None and section.slug in request.pending:
            waiting = request.pending[section.slug]
            return {question: waiting[question.code] for question in section.asked if question.code in waiting}
        kept = dict(self.application.answers.filter(question__section=section).values_list("question_id", "value"))
        return {question: kept[question.pk] for question in section.asked if question.pk in kept}

    def set_step_data(self, step, cleaned_data):
        # The view's process_step has already saved the section, with its answers, through the service.
        self.sections = application_sections(self.application)

    def get_step_files(self, step):
        return None  # Uploads are stored as documents the moment they pass their checks.

    def set_step_files(self, step, files):
        pass

    def reset(self):
        self._session.update({"step": None, "extra_data": {}})


def step_data(request_data, prefix: str) -> dict:
    """What was posted for one step, as the section keeps it."""
    return {key: without_nul(values) for key, values in request_data.lists() if key.startswith(f"{prefix}-")}


def draft_key(application: Application, step: str) -> str:
    return f"application:{application.pk}:{step}"


class ApplicationWizard(KnownStepsOnly, NamedUrlWizardView):
    # The round's own sections join these once the application, and so its round, is known (see dispatch).
    form_list = list(FIXED_FORMS.items())
    template_name = "applications/wizard_step.html"

    def dispatch(self, request, *args, **kwargs):
        self.application = application_for_member_or_404(request.user, kwargs["pk"])
        # A sent application reopens only the sections a programme manager asked about, until its team sends them.
        self.reopened = not can_edit_application(request.user, self.application)
        self.information_request = open_information_request(self.application) if self.reopened else None
        if self.reopened and (self.information_request is None
                              or kwargs["step"] not in self.information_request.reopened_steps):
            messages.info(request, self._not_changeable())
            return redirect("applications:detail", pk=self.application.pk)
        self.form_list = wizard_steps(self.application.round)
        if kwargs["step"] not in (*self.form_list, self.done_step_name):
            raise Http404("No such step of this application")
        self.step_titles = step_titles(self.application.round)
        # As NamedUrlWizardView.dispatch, with the storage bound to this application.
        self.prefix = self.get_prefix(request, *args, **kwargs)
        self.storage = DraftApplicationStorage(self.prefix, request, application=self.application,
                                               information_request=self.information_request)
        self.steps = StepsHelper(self)
        response = TemplateView.dispatch(self, request, *args, **kwargs)
        self.storage.update_response(response)
        return response

    def _not_changeable(self) -> str:
        asked = self.information_request
        if asked is None:
            return f"{self.application} has been sent, so its answers can no longer be changed."
        return f"Only the sections we asked about can be changed: {sections_in_words(asked.sections.all())}."

    def get_prefix(self, request, *args, **kwargs):
        return f"application_{kwargs['pk']}"

    def get_step_url(self, step):
        return reverse(self.url_name, kwargs={"pk": self.application.pk, "step": step})

    def restart_url(self) -> str:
        return reverse("applications:detail", kwargs={"pk": self.application.pk})

    def get_form_kwargs(self, step=None):
        application = self.application
        return step_form_kwargs(
            application.round, step,
            earlier_answers=lambda: dict(application.answers.values_list("question__code", "value")),
            recorded=lambda: recordings_being_changed(application, self.information_request),
            allow_recordings=lambda: alternative_format_agreed(application),
            amount_requested=application.amount_requested,
            uploaded=lambda: {document.kind: document for document in application.documents.all()},
            uploaded_files=lambda: files_being_changed(application, self.information_request),
        )

    def get_form_instance(self, step):
        if step == "organisation":
            return self.application.organisation
        if step == "declarations":
            return self.application
        return None

    def get_form(self, step=None, data=None, files=None):
        self._binding = data is not None
        return embed_in_page_form(super().get_form(step, data, files))

    def get_form_initial(self, step):
        # Initial values only fill an empty page. Given to a bound formset, they would make its unchanged rows
        # look empty, and so be skipped.
        if self._binding:
            return {}
        section = self.storage.sections.get(step)
        draft = draft_for(self.request.user, draft_key(self.application, step)) if step not in UNTYPED_STEPS else None
        if draft and (section is None or draft.saved_at > section.saved_at):
            # What this person typed after the section was last saved (by them or a colleague), kept as they typed.
            self.typed_draft = draft
            return self._initial_from_draft(step, MultiValueDict(draft.data))
        if section and not section.completed_at:
            return self._initial_from_draft(step, MultiValueDict(section.data))
        if step == "declarations":
            return {"declarant_name": self.request.user.full_name, "declared_on": timezone.localdate()}
        return {}

    def _initial_from_draft(self, step, data):
        form_class = self.get_form_list()[step]
        probe = form_class(data=data, prefix=self.get_form_prefix(step, form_class), **self.get_form_kwargs(step))
        if isinstance(probe, BaseFormSet):
            rows = [typed_values(form, data) for form in probe.forms]
            return [row for row in rows if any(value not in ("", None, []) for key, value in row.items() if key != "DELETE")]
        return typed_values(probe, data)

    def get(self, *args, **kwargs):
        step = kwargs.get("step")
        if step == self.done_step_name:
            # An application is sent only by its "Send application" button, never by opening an address.
            return redirect(self.get_step_url("check"))
        if step == "check" and incomplete_sections(self.application):
            messages.error(self.request, "Complete every section before you check your answers and send.")
            return redirect("applications:detail", pk=self.application.pk)
        return super().get(*args, **kwargs)

    def post(self, *args, **kwargs):
        if kwargs.get("step") not in self.get_form_list():
            return redirect(self.get_step_url("check"))
        # The step in the address is the one being answered, whatever another tab or device last opened.
        self.storage.current_step = kwargs["step"]
        if "autosave" in self.request.POST:
            return self._keep_typing()
        if "save_draft" in self.request.POST or "more_lines" in self.request.POST:
            return self._save_draft()
        return super().post(*args, **kwargs)

    def _keep_typing(self):
        """The page's script sends what is typed now and then, and before a timeout signs the person out."""
        step = self.steps.current
        if step in UNTYPED_STEPS:
            return HttpResponseBadRequest()
        form = self.get_form(data=self.request.POST)
        try:
            draft_keep(user=self.request.user, key=draft_key(self.application, step),
                       data=dict(self.request.POST.lists()), max_lengths=field_limits(form))
        except DraftRefused:
            return HttpResponseBadRequest()
        return HttpResponse(status=204)

    def _save_draft(self):
        """Keeps whatever was typed. Answers that are already complete and correct stay "Completed"."""
        step = self.steps.current
        form = self.get_form(data=self.request.POST, files=self.request.FILES)
        data = step_data(self.request.POST, self.get_form_prefix(step, form))
        if form.is_valid():
            self.process_step(form)
        else:
            self._keep_checked_uploads(step, form)
            application_save_section(
                application=self.application, step=step, data=data, acting_user=self.request.user, completed=False
            )
            draft_discard(user=self.request.user, key=draft_key(self.application, step))
        if "more_lines" in self.request.POST:
            return redirect(self.get_step_url(step))
        messages.success(self.request, f"Your answers to '{self.step_titles[step]}' are saved. You can come back to them at any time.")
        return redirect("applications:detail", pk=self.application.pk)

    def _keep_checked_uploads(self, step, form) -> None:
        """A file that passed its checks is kept even when something else on the page needs correcting."""
        form.is_valid()
        if step == "documents":
            uploads = {kind: (upload, form.content_types[kind]) for kind, upload in form.valid_uploads().items()}
            if uploads:
                application_store_documents(application=self.application, uploads=uploads, acting_user=self.request.user)
                for document in self.application.documents.filter(kind__in=uploads):
                    form.note_stored(document.kind, document.original_name)
        if isinstance(form, SectionForm):
            uploads = form.media_uploads()
            if uploads:
                application_store_media_answers(application=self.application, uploads=uploads, acting_user=self.request.user)
                for question, (upload, _) in uploads.items():
                    form.note_stored(f"{question}_media", upload.name)
            files = form.file_uploads()
            if files:
                application_store_file_answers(application=self.application, uploads=files, acting_user=self.request.user)
                for question, (upload, _) in files.items():
                    form.note_stored(question.code, upload.name)

    def render(self, form=None, **kwargs):
        if form is not None and form.is_bound and not form.is_valid():
            self._keep_checked_uploads(self.steps.current, form)
        return super().render(form, **kwargs)

    def process_step(self, form):
        step = self.steps.current
        data = step_data(form.data, form.prefix)
        if step == "check":
            return data  # nothing to keep: sending is what this step does
        application_save_section(
            application=self.application,
            step=step,
            data=data,
            acting_user=self.request.user,
            completed=True,
            answers=self._answers(step, form),
        )
        draft_discard(user=self.request.user, key=draft_key(self.application, step))
        # A changed amount requested changes what the budget must add up to.
        self.application.refresh_from_db()
        return data

    def _answers(self, step, form) -> dict | None:
        if step == "organisation":
            return form.cleaned_data
        if isinstance(form, SectionForm):
            return {"section": form.section, "answers": form.answers(), "media": form.media_uploads(),
                    "files": form.file_uploads()}
        if step == "request":
            return form.cleaned_data
        if step == "outcomes":
            return {"targets": form.targets()}
        if step == "budget":
            return {"lines": form.lines()}
        if step == "documents":
            return {"uploads": {kind: (upload, form.content_types[kind]) for kind, upload in form.valid_uploads().items()}}
        if step == "declarations":
            return form.cleaned_data
        return None

    def render_next_step(self, form, **kwargs):
        if self.reopened:  # the other sections stay as they were sent: back to the request and its other sections
            messages.success(self.request, f"Your answers to '{self.step_titles[self.steps.current]}' are saved. "
                                           "Send your changes when you have answered everything we asked.")
            return redirect("applications:detail", pk=self.application.pk)
        return super().render_next_step(form, **kwargs)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = self.steps.current
        context.update(
            application=self.application,
            step_title=self.step_titles[step],
            is_formset=isinstance(form, BaseFormSet),
            deadline=deadline_for(self.application.round, self.application.organisation),
            typed_draft=getattr(self, "typed_draft", None),
            keeps_typing=step not in UNTYPED_STEPS,
            information_request=self.information_request,
        )
        if step == "check":
            context["answers"] = application_with_answers(self.application)
            context["sections"] = section_statuses(self.application)
            context["all_complete"] = not incomplete_sections(self.application)
        return context

    def render_done(self, form, **kwargs):
        # Straight from the "Send application" button: checks every section again and sends, without the redirect
        # to a "done" address that NamedUrlWizardView would make (which would let a plain link send).
        try:
            return WizardView.render_done(self, form, **kwargs)
        except DeadlinePassed as error:
            return render(self.request, "applications/deadline_passed.html", {"application": self.application, "error": error})

    def render_revalidation_failure(self, failed_step, form, **kwargs):
        # A section left unfinished since this page was opened (in another tab, or by a colleague): say which.
        messages.error(self.request, f"Complete ‘{self.step_titles[failed_step]}’ before you send your application.")
        return super().render_revalidation_failure(failed_step, form, **kwargs)

    def done(self, form_list, **kwargs):
        application_submit(
            application=self.application,
            acting_user=self.request.user,
            site_url=self.request.build_absolute_uri("/").rstrip("/"),
        )
        return redirect("applications:submitted", pk=self.application.pk)

