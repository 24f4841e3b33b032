"""Pages for applicants (organisation, eligibility, application) and for programme managers running a round."""

from datetime import datetime, time
from decimal import Decimal
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import is_applicant, role_required
from accounts.throttling import limit_emails_sent
from applications import selectors
from applications.round_forms import (
    CriterionForm,
    IndicatorForm,
    QuestionSetUpForm,
    SectionSetUpForm,
    RoundDetailsForm,
    RoundEligibilityForm,
    RoundMoneyForm,
    RoundNewForm,
    RoundPaymentsForm,
    RoundScoringForm,
)
from applications.round_setup import criteria_problems, round_setup_tasks, value_in_words
from applications.forms import (
    InformationRequestForm,
    AdjustmentDecisionForm,
    AdjustmentRequestForm,
    ExtensionForm,
    InvitationForm,
    OrganisationForm,
    RoundStageForm,
    SentApplicationFilterForm,
    TranscriptForm,
    WithdrawForm,
)
from applications.models import AdjustmentRequest, EligibilityCheck, Invitation, Question, Round
from applications.questions import STANDARD_SECTION
from applications.pdf import application_pdf
from applications.permissions import (
    can_read_application,
    can_transcribe_media_answer,
    can_withdraw_application,
    is_owner,
)
from applications.services import (
    INFORMATION_STATUSES,
    ApplicationError,
    adjustment_decide,
    adjustment_request,
    application_start,
    application_withdraw,
    extension_grant,
    information_request,
    information_send,
    invitation_accept,
    invitation_send,
    media_answer_transcribe,
    organisation_create,
    organisation_update,
    CHANGEABLE_ONCE_OPEN,
    criterion_remove,
    criterion_save,
    indicator_remove,
    indicator_save,
    question_move,
    question_remove,
    question_save,
    round_add_standard_indicators,
    round_add_standard_questions,
    round_copies_made,
    round_copy,
    round_closing_time,
    round_create,
    round_stage_blockers,
    round_status_change,
    round_update,
    section_move,
    section_remove,
    section_save,
    set_up_closed_reason,
)
from applications.sections import incomplete_sections, section_statuses
from core.downloads import stored_file_response
from core.paging import page_of
from core.state import InvalidTransition


def site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def start(request):
    round_, now = selectors.round_current(), timezone.now()
    return render(
        request,
        "applications/start.html",
        {"round": round_, "now": now, "round_is_open": round_ is not None and selectors.round_open_for(round_, moment=now)},
    )


# Applicants ---------------------------------------------------------------------------------------------------------


@role_required(Role.APPLICANT)
def dashboard(request):
    """Each of the person's organisations, with its applications and what it can do in each open round."""
    applications = list(selectors.applications_of(request.user))
    open_rounds = list(selectors.rounds_open())
    organisations = list(selectors.organisations_of(request.user))
    checks = selectors.latest_eligibility_checks(organisations, open_rounds)
    rows = []
    for organisation in organisations:
        own = [application for application in applications if application.organisation_id == organisation.pk]
        live = {a.round_id: a for a in own if a.status != a.Status.WITHDRAWN}
        rows.append({
            "organisation": organisation,
            "applications": own,
            "rounds": [
                (round_, live.get(round_.pk), checks.get((organisation.pk, round_.pk))) for round_ in open_rounds
            ],
        })
    return render(request, "applications/dashboard.html", {"rows": rows, "open_rounds": open_rounds})


@role_required(Role.APPLICANT)
def organisation_new(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = organisation_create(acting_user=request.user, fields=form.cleaned_data)
        messages.success(request, f"{organisation} has been added. You can now check whether it can apply.")
        return redirect("applications:dashboard")
    return render(request, "applications/organisation_form.html", {"form": form, "heading": "Add your organisation"})


@role_required(Role.APPLICANT)
def organisation_detail(request, pk: int):
    organisation = selectors.organisation_for_member_or_404(request.user, pk)
    return render(
        request,
        "applications/organisation_detail.html",
        {
            "organisation": organisation,
            "members": selectors.organisation_members(organisation),
            "invitations": selectors.invitations_pending(organisation),
            "is_owner": is_owner(request.user, organisation),
        },
    )


@role_required(Role.APPLICANT)
def organisation_edit(request, pk: int):
    organisation = selectors.organisation_for_member_or_404(request.user, pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    form.submit_label = "Save"
    if request.method == "POST" and form.is_valid():
        organisation_update(organisation=organisation, acting_user=request.user, fields=form.cleaned_data)
        messages.success(request, "Your organisation's details have been saved.")
        return redirect("applications:organisation", pk=organisation.pk)
    return render(request, "applications/organisation_form.html", {"form": form, "heading": "Change your organisation's details"})


@role_required(Role.APPLICANT)
@limit_emails_sent("invite")
def organisation_invite(request, pk: int):
    organisation = selectors.organisation_for_member_or_404(request.user, pk)
    if not is_owner(request.user, organisation):
        raise Http404("Only owners can invite colleagues")
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_send(
                organisation=organisation, email=form.cleaned_data["email"], role=form.cleaned_data["role"],
                acting_user=request.user, site_url=site_url(request),
            )
        except ApplicationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"We have sent an invitation to {form.cleaned_data['email']}.")
            return redirect("applications:organisation", pk=organisation.pk)
    return render(request, "applications/organisation_invite.html", {"form": form, "organisation": organisation})


def invitation(request, token: str):
    """Anyone with the link may read the invitation; accepting needs the invited person signed in."""
    invitation = get_object_or_404(Invitation.objects.select_related("organisation", "invited_by"), token=token)
    error = None
    if request.method == "POST" and request.user.is_authenticated:
        try:
            invitation_accept(invitation=invitation, acting_user=request.user)
        except ApplicationError as refused:
            error = str(refused)
        else:
            messages.success(request, f"You are now a member of {invitation.organisation}.")
            return redirect("applications:dashboard")
    return render(request, "applications/invitation.html", {"invitation": invitation, "error": error})


@role_required(Role.APPLICANT)
def eligibility_result(request, pk: int):
    check = get_object_or_404(
        EligibilityCheck.objects.filter(organisation__memberships__user=request.user).select_related("round", "organisation"),
        pk=pk,
    )
    return render(
        request,
        "applications/eligibility_result.html",
        {"check": check, "existing": selectors.live_application(check.round, check.organisation)},
    )


@require_POST
@role_required(Role.APPLICANT)
def application_begin(request, pk: int):
    check = get_object_or_404(EligibilityCheck.objects.filter(organisation__memberships__user=request.user), pk=pk)
    try:
        application = application_start(eligibility_check=check, acting_user=request.user)
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect("applications:eligibility_result", pk=check.pk)
    return redirect("applications:detail", pk=application.pk)


# How long a worker keeps a sent application's page that nobody has asked for again.
SENT_PAGE_KEPT_SECONDS = 24 * 60 * 60


@role_required(Role.APPLICANT)
def application_detail(request, pk: int):
    application = selectors.application_page_for_member_or_404(request.user, pk)
    if application.is_editable:
        deadline = selectors.deadline_for(application.round, application.organisation)
        return render(request, "applications/task_list.html", {
            "application": application,
            "deadline": deadline,
            "deadline_passed": not selectors.round_open_for(application.round, deadline=deadline),
            "adjustments": application.adjustments.all(),
            "sections": section_statuses(application),
            "all_complete": not incomplete_sections(application),
            "members": selectors.organisation_members(application.organisation),
        })
    # A sent application's page is made again, its answers read whole, only when something it shows has changed
    # since a visit last made it: most visits make no more queries than the application's own.
    can_withdraw = can_withdraw_application(request.user, application)
    return render(request, "applications/application_summary.html", {
        "application": application,
        "information_request": SimpleLazyObject(partial(_information_asked, application)),
        "answers": SimpleLazyObject(partial(selectors.application_with_answers, application)),
        "can_withdraw": can_withdraw,
        "page_version": selectors.sent_page_version(
            application, can_withdraw=can_withdraw,
            can_transcribe=can_transcribe_media_answer(request.user, application),
        ),
        "page_kept_seconds": SENT_PAGE_KEPT_SECONDS,
    })


def _information_asked(application) -> dict | None:
    """The open request for more information with the state of each section it reopened, or None."""
    request = selectors.open_information_request(application)
    if request is None:
        return None
    saved = selectors.application_sections(application)

    def status(section) -> str:
        if section.slug in saved and not saved[section.slug].completed_at:
            return "In progress"
        return "Changed" if section.slug in request.pending else "Not changed yet"

    return {"request": request, "sections": [(section, status(section)) for section in request.sections.all()]}


@role_required(Role.APPLICANT)
def application_submitted(request, pk: int):
    application = selectors.application_for_member_or_404(request.user, pk)
    if application.submitted_at is None:
        return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/submitted.html", {"application": application})


@role_required(Role.APPLICANT, Role.PROGRAMME_MANAGER, Role.ASSESSOR)
def application_download(request, pk: int):
    application = _readable_application(request, pk)
    pdf = application_pdf(selectors.application_with_answers(application))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{application.reference or "draft-application"}.pdf"'
    return response


@role_required(Role.APPLICANT, Role.PROGRAMME_MANAGER, Role.ASSESSOR)
def document_download(request, pk: int, document_pk: int):
    application = _readable_application(request, pk)
    document = get_object_or_404(application.documents, pk=document_pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name,
                        content_type=document.content_type)


@role_required(Role.APPLICANT, Role.PROGRAMME_MANAGER, Role.ASSESSOR)
def file_answer_download(request, pk: int, question_pk: int):
    application = _readable_application(request, pk)
    answer = get_object_or_404(application.file_answers, question_id=question_pk)
    return FileResponse(answer.file.open("rb"), as_attachment=True, filename=answer.original_name,
                        content_type=answer.content_type)


@role_required(Role.APPLICANT, Role.PROGRAMME_MANAGER, Role.ASSESSOR)
def media_answer_download(request, pk: int, answer_pk: int):
    """The recording, saved as a file, or with ?play shown inline for the page's player, which asks for it in
    ranges so a long BSL video can start at once and be wound on."""
    application = _readable_application(request, pk)
    answer = get_object_or_404(application.media_answers, pk=answer_pk)
    return stored_file_response(request, answer.file, content_type=answer.content_type, filename=answer.original_name,
                                as_attachment="play" not in request.GET)


@role_required(Role.APPLICANT, Role.PROGRAMME_MANAGER)
def media_answer_transcript(request, pk: int, answer_pk: int):
    application = _readable_application(request, pk)
    answer = get_object_or_404(application.media_answers, pk=answer_pk)
    if not can_transcribe_media_answer(request.user, application):
        raise Http404
    back = _answers_page(request, application)
    form = TranscriptForm(request.POST or None, initial={"transcript": answer.transcript})
    if request.method == "POST" and form.is_valid():
        try:
            media_answer_transcribe(answer=answer, transcript=form.cleaned_data["transcript"], acting_user=request.user)
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The transcript is saved." if form.cleaned_data["transcript"].strip()
                             else "The transcript is removed.")
            return redirect(back)
    question = next((asked.label for asked in selectors.round_questions(application.round)
                     if asked.code == answer.question), answer.question)
    return render(request, "applications/transcript.html",
                  {"form": form, "application": application, "answer": answer, "question": question, "back": back})


def _answers_page(request, application) -> str:
    """Where the person saw the recording: the answers they are checking, their application, or the staff page."""
    if is_applicant(request.user):
        if application.is_editable:
            return reverse("applications:step", kwargs={"pk": application.pk, "step": "check"})
        return reverse("applications:detail", kwargs={"pk": application.pk})
    return reverse("applications:manage_application", kwargs={"pk": application.pk})


def _readable_application(request, pk: int):
    """Members read their own; programme managers any; assessors only what they were given and declared no conflict on."""
    if is_applicant(request.user):
        return selectors.application_for_member_or_404(request.user, pk)
    application = selectors.application_for_review(pk)
    if not can_read_application(request.user, application):
        raise Http404
    return application


@role_required(Role.APPLICANT)
def application_withdraw_confirm(request, pk: int):
    application = selectors.application_for_member_or_404(request.user, pk)
    if application.status == application.Status.WITHDRAWN:
        messages.info(request, "This application has already been withdrawn.")
        return redirect("applications:detail", pk=application.pk)
    if not can_withdraw_application(request.user, application):
        messages.error(request, "Only an owner of the organisation can withdraw an application, and only before a decision.")
        return redirect("applications:detail", pk=application.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        application_withdraw(application=application, acting_user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"{application} has been withdrawn.")
        return redirect("applications:dashboard")
    return render(request, "applications/withdraw.html", {"form": form, "application": application})


@role_required(Role.APPLICANT)
def adjustment_new(request, pk: int):
    application = selectors.application_for_member_or_404(request.user, pk)
    if not application.is_editable:
        messages.info(request, f"This application has been sent. For help now, email {settings.FUNDER_EMAIL}.")
        return redirect("applications:detail", pk=application.pk)
    form = AdjustmentRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        adjustment = adjustment_request(
            application=application, kind=form.cleaned_data["kind"], details=form.cleaned_data["details"],
            acting_user=request.user, site_url=site_url(request),
        )
        if adjustment.status == AdjustmentRequest.Status.AGREED:
            messages.success(request, "You can now upload a BSL video or audio answer for each long question in 'Your project'.")
        else:
            messages.success(request, "We have your request. We will reply by email within 5 working days.")
        return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/adjustment_form.html", {"form": form, "application": application})


# Programme managers -------------------------------------------------------------------------------------------------


@role_required(Role.PROGRAMME_MANAGER)
def round_list(request):
    page = page_of(request, selectors.rounds_newest_first())
    return render(request, "applications/manage/round_list.html", {"page": page, "rounds": page.object_list})


# The button that moves a round on to each stage.
ROUND_STAGE_ACTIONS = {
    Round.Status.OPEN: "Open the round",
    Round.Status.CLOSED: "Close the round",
    Round.Status.ASSESSING: "Start assessing",
    Round.Status.DECIDED: "Mark the round as decided",
    Round.Status.MONITORING: "Start monitoring grants",
    Round.Status.COMPLETED: "Mark the round as completed",
}


def _next_stage(round_: Round) -> dict | None:
    """The round's next stage for its page: where it goes, the button's words, and what stops it going there."""
    if round_.next_status is None:
        return None
    closing_time, now = round_closing_time(round_), timezone.now()
    return {"status": round_.next_status, "action": ROUND_STAGE_ACTIONS[round_.next_status],
            "blockers": round_stage_blockers(round_, round_.next_status),
            "opens_later": round_.opens_at > now, "closing_time": closing_time, "closing_time_passed": closing_time <= now}


@role_required(Role.PROGRAMME_MANAGER)
def round_detail(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    filters = SentApplicationFilterForm(request.GET or None)
    page = page_of(request, selectors.round_applications(round_, **filters.chosen()))
    return render(
        request,
        "applications/manage/round_detail.html",
        {
            "round": round_,
            "next_stage": _next_stage(round_),
            "filters": filters,
            "page": page,
            "applications": page.object_list,
            "drafts": round_.applications.filter(status="draft").count(),
            "extensions": selectors.round_extensions(round_),
            "adjustments": selectors.adjustments_waiting(round_),
        },
    )


@role_required(Role.PROGRAMME_MANAGER)
def round_stage(request, pk: int, status: str):
    """Moves the round on to `status`, its next stage, once the programme manager says why. The stage is in the
    address, so a second click, or a page left open while someone else moved the round on, is refused rather than
    moving the round on again."""
    round_ = get_object_or_404(Round, pk=pk)
    next_stage = _next_stage(round_)
    if next_stage is None or next_stage["status"] != status:
        if request.method == "POST":
            raise InvalidTransition(round_, status)
        messages.info(request, f"{round_} is at the ‘{round_.get_status_display()}’ stage, so it cannot move to "
                               f"‘{dict(Round.Status.choices).get(status, status)}’ now.")
        return redirect("applications:manage_round", pk=round_.pk)
    form = RoundStageForm(request.POST or None, submit_label=next_stage["action"])
    if request.method == "POST" and form.is_valid():
        round_ = round_status_change(round_=round_, status=status, acting_user=request.user,
                                     reason=form.cleaned_data["reason"])
        messages.success(request, f"{round_} is now {round_.get_status_display().lower()}.")
        return redirect("applications:manage_round", pk=round_.pk)
    return render(request, "applications/manage/round_stage.html", {
        "round": round_, "form": form, "next_stage": next_stage,
    })


@role_required(Role.PROGRAMME_MANAGER)
def round_new(request):
    form = RoundNewForm(request.POST or None, taken_names=Round.objects.values_list("name", flat=True),
                        taken_prefixes=Round.objects.values_list("reference_prefix", flat=True))
    if request.method == "POST" and form.is_valid():
        try:
            round_ = round_create(fields=form.changes(), acting_user=request.user)
        except ApplicationError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{round_} has been started as a draft. Work through its set-up, then open it.")
            return redirect("applications:round_setup", pk=round_.pk)
    return render(request, "applications/manage/round_new.html", {"form": form})


@role_required(Role.PROGRAMME_MANAGER)
def round_setup(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    return render(request, "applications/manage/round_setup.html", {
        "round": round_, "tasks": round_setup_tasks(round_), "changeable_once_open": CHANGEABLE_ONCE_OPEN,
    })


def _round_setup_page(request, pk: int, form_class, heading: str, **form_kwargs):
    """One task of a round's set-up: its form, filled from the round, saved through `round_update`. Once the round
    has opened, only what may still change is asked."""
    round_ = get_object_or_404(Round, pk=pk)
    changeable = None if round_.is_being_set_up else CHANGEABLE_ONCE_OPEN
    extra = {name: make(round_) for name, make in form_kwargs.items()}
    form = form_class(request.POST or None, initial=form_class.initial_from(round_), changeable=changeable, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            round_update(round_=round_, fields=form.changes(), acting_user=request.user)
        except ApplicationError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{heading}: saved.")
            return redirect("applications:round_setup", pk=round_.pk)
    return render(request, "applications/manage/round_setup_form.html", {
        "round": round_, "form": form, "heading": heading, "settled": [] if changeable is None else [
            (Round._meta.get_field(name).verbose_name, value_in_words(Round, name, getattr(round_, name)))
            for name in form_class.round_fields if name not in changeable
        ],
    })


@role_required(Role.PROGRAMME_MANAGER)
def round_details(request, pk: int):
    return _round_setup_page(
        request, pk, RoundDetailsForm, "Name, summary and dates",
        taken_names=lambda round_: Round.objects.exclude(pk=round_.pk).values_list("name", flat=True),
        taken_prefixes=lambda round_: Round.objects.exclude(pk=round_.pk).values_list("reference_prefix", flat=True),
        schedule=lambda round_: round_.tranche_schedule,
    )


@role_required(Role.PROGRAMME_MANAGER)
def round_money(request, pk: int):
    return _round_setup_page(request, pk, RoundMoneyForm, "Budget and award limits")


@role_required(Role.PROGRAMME_MANAGER)
def round_eligibility(request, pk: int):
    return _round_setup_page(request, pk, RoundEligibilityForm, "Who can apply")


@role_required(Role.PROGRAMME_MANAGER)
def round_scoring(request, pk: int):
    return _round_setup_page(request, pk, RoundScoringForm, "How applications are scored")


@role_required(Role.PROGRAMME_MANAGER)
def round_payments(request, pk: int):
    return _round_setup_page(request, pk, RoundPaymentsForm, "How grants are paid",
                             quarters=lambda round_: round_.quarters)


def _set_up_closed(request, round_: Round, back: str):
    messages.info(request, set_up_closed_reason(round_))
    return redirect(back, pk=round_.pk)


@role_required(Role.PROGRAMME_MANAGER)
def round_criteria(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    criteria = list(round_.criteria.prefetch_related("descriptors"))
    return render(request, "applications/manage/round_criteria.html", {
        "round": round_, "criteria": criteria, "total": sum((criterion.weight for criterion in criteria), Decimal(0)),
        "problems": criteria_problems(round_),
    })


@role_required(Role.PROGRAMME_MANAGER)
def criterion_form(request, pk: int, criterion_pk: int | None = None):
    round_ = get_object_or_404(Round, pk=pk)
    if not round_.is_being_set_up:
        return _set_up_closed(request, round_, "applications:round_criteria")
    criterion = get_object_or_404(round_.criteria, pk=criterion_pk) if criterion_pk else None
    form = CriterionForm(request.POST or None, score_scale_max=round_.score_scale_max,
                         initial=CriterionForm.initial_from(criterion) if criterion else None)
    if request.method == "POST" and form.is_valid():
        fields, descriptions = form.fields_and_descriptions()
        try:
            criterion = criterion_save(round_=round_, criterion=criterion, fields=fields, descriptions=descriptions,
                                       acting_user=request.user)
        except ApplicationError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"The criterion {criterion.name} is saved.")
            return redirect("applications:round_criteria", pk=round_.pk)
    return render(request, "applications/manage/round_setup_form.html", {
        "round": round_, "form": form, "heading": "Change the criterion" if criterion else "Add a criterion",
        "back": reverse("applications:round_criteria", kwargs={"pk": round_.pk}), "back_to": "the criteria",
    })


@role_required(Role.PROGRAMME_MANAGER)
def criterion_remove_confirm(request, pk: int, criterion_pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    if not round_.is_being_set_up:
        return _set_up_closed(request, round_, "applications:round_criteria")
    criterion = get_object_or_404(round_.criteria, pk=criterion_pk)
    if request.method == "POST":
        criterion_remove(criterion=criterion, acting_user=request.user)
        messages.success(request, f"The criterion {criterion.name} is removed.")
        return redirect("applications:round_criteria", pk=round_.pk)
    return render(request, "applications/manage/round_remove.html", {
        "round": round_, "what": f"the criterion {criterion.name}",
        "back": reverse("applications:round_criteria", kwargs={"pk": round_.pk}), "back_to": "the criteria",
    })


@role_required(Role.PROGRAMME_MANAGER)
def round_indicators(request, pk: int):
    """The round's indicators; a POST adds the standard victim-support ones it does not have yet."""
    round_ = get_object_or_404(Round, pk=pk)
    if request.method == "POST":
        if not round_.is_being_set_up:
            return _set_up_closed(request, round_, "applications:round_indicators")
        added = round_add_standard_indicators(round_=round_, acting_user=request.user)
        messages.success(request, f"Added {added} standard indicator{pluralize(added)}." if added
                         else "The round has every standard indicator already.")
        return redirect("applications:round_indicators", pk=round_.pk)
    return render(request, "applications/manage/round_indicators.html", {
        "round": round_, "indicators": round_.indicators.select_related("part_of").order_by("position", "id"),
    })


@role_required(Role.PROGRAMME_MANAGER)
def indicator_form(request, pk: int, indicator_pk: int | None = None):
    round_ = get_object_or_404(Round, pk=pk)
    if not round_.is_being_set_up:
        return _set_up_closed(request, round_, "applications:round_indicators")
    indicator = get_object_or_404(round_.indicators, pk=indicator_pk) if indicator_pk else None
    form = IndicatorForm(request.POST or None, round_=round_, indicator=indicator,
                         initial=IndicatorForm.initial_from(indicator) if indicator else {"unit": "number",
                                                                                          "kind": "count"})
    if request.method == "POST" and form.is_valid():
        try:
            indicator = indicator_save(round_=round_, indicator=indicator, fields=form.cleaned_data,
                                       acting_user=request.user)
        except ApplicationError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"The indicator {indicator.name} is saved.")
            return redirect("applications:round_indicators", pk=round_.pk)
    return render(request, "applications/manage/round_setup_form.html", {
        "round": round_, "form": form, "heading": "Change the indicator" if indicator else "Add an indicator",
        "back": reverse("applications:round_indicators", kwargs={"pk": round_.pk}), "back_to": "the indicators",
    })


@role_required(Role.PROGRAMME_MANAGER)
def indicator_remove_confirm(request, pk: int, indicator_pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    if not round_.is_being_set_up:
        return _set_up_closed(request, round_, "applications:round_indicators")
    indicator = get_object_or_404(round_.indicators, pk=indicator_pk)
    if request.method == "POST":
        indicator_remove(indicator=indicator, acting_user=request.user)
        messages.success(request, f"The indicator {indicator.name} is removed.")
        return redirect("applications:round_indicators", pk=round_.pk)
    parts = [part.name for part in indicator.parts.order_by("position")]
    return render(request, "applications/manage/round_remove.html", {
        "round": round_, "what": f"the indicator {indicator.name}",
        "then": f"What counted as part of it ({', '.join(parts)}) will then stand on its own." if parts else "",
        "back": reverse("applications:round_indicators", kwargs={"pk": round_.pk}), "back_to": "the indicators",
    })


@role_required(Role.PROGRAMME_MANAGER)
def round_copy_confirm(request, pk: int):
    source = get_object_or_404(Round, pk=pk)
    if request.method == "POST":
        copy = round_copy(source=source, acting_user=request.user, copies_seen=_count_from(request.POST, "copies_seen"))
        messages.success(request, f"{source} is copied to {copy}, a draft. Check its set-up, then open it.")
        return redirect("applications:round_setup", pk=copy.pk)
    return render(request, "applications/manage/round_copy.html", {
        "round": source, "copies_seen": round_copies_made(source),
    })


def _count_from(data, name: str) -> int:
    """A count a form carried back unchanged; a missing or altered one counts as none, so the check still holds."""
    value = data.get(name, "")
    return int(value) if value.isdigit() else -1


def end_of_day_in_london(day) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(settings.TIME_ZONE))


@role_required(Role.PROGRAMME_MANAGER)
def extension_new(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    form = ExtensionForm(request.POST or None, round_=round_)
    if request.method == "POST" and form.is_valid():
        extension = extension_grant(
            round_=round_, organisation=form.cleaned_data["organisation"],
            closes_at=end_of_day_in_london(form.cleaned_data["closes_on"]), reason=form.cleaned_data["reason"],
            acting_user=request.user,
        )
        messages.success(request, f"{extension.organisation} now has until {timezone.localtime(extension.closes_at):%-d %B %Y}.")
        return redirect("applications:manage_round", pk=round_.pk)
    return render(request, "applications/manage/extension_form.html", {"form": form, "round": round_})


@role_required(Role.PROGRAMME_MANAGER)
def adjustment_detail(request, pk: int):
    adjustment = get_object_or_404(AdjustmentRequest.objects.select_related("application__organisation", "application__round"), pk=pk)
    if not adjustment.can_transition_to(AdjustmentRequest.Status.AGREED):
        return render(request, "applications/manage/adjustment_answered.html", {"adjustment": adjustment})
    form = AdjustmentDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            adjustment_decide(adjustment=adjustment, agreed=form.cleaned_data["agreed"],
                              response=form.cleaned_data["response"], acting_user=request.user)
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Your reply has been sent.")
        return redirect("applications:manage_round", pk=adjustment.application.round_id)
    return render(request, "applications/manage/adjustment_detail.html", {"form": form, "adjustment": adjustment})


@role_required(Role.PROGRAMME_MANAGER)
def manage_application(request, pk: int):
    application = selectors.application_for_review(pk)
    return render(
        request,
        "applications/manage/application_detail.html",
        {"application": application, "answers": selectors.application_with_answers(application),
         "information_requests": application.information_requests.prefetch_related("sections").select_related(
             "requested_by"),
         "can_ask": application.status in INFORMATION_STATUSES and selectors.open_information_request(application) is None},
    )


@role_required(Role.PROGRAMME_MANAGER)
def round_questions(request, pk: int):
    """The round's sections and their questions; a POST adds the standard "Your project" section."""
    round_ = get_object_or_404(Round, pk=pk)
    if request.method == "POST":
        if not round_.is_being_set_up:
            return _set_up_closed(request, round_, "applications:round_questions")
        added = round_add_standard_questions(round_=round_, acting_user=request.user)
        messages.success(request, "Added the standard project questions." if added
                         else "The round has a section called Your project already.")
        return redirect("applications:round_questions", pk=round_.pk)
    return render(request, "applications/manage/round_questions.html", {
        "round": round_, "sections": selectors.round_sections(round_),
        "has_standard": any(section.slug == STANDARD_SECTION["slug"] for section in selectors.round_sections(round_)),
    })


@role_required(Role.PROGRAMME_MANAGER)
def section_form(request, pk: int, section_pk: int | None = None):
    round_ = get_object_or_404(Round, pk=pk)
    if not round_.is_being_set_up:
        return _set_up_closed(request, round_, "applications:round_questions")
    section = get_object_or_404(round_.sections, pk=section_pk) if section_pk else None
    form = SectionSetUpForm(request.POST or None, initial=SectionSetUpForm.initial_from(section) if section else None)
    if request.method == "POST" and form.is_valid():
        try:
            section = section_save(round_=round_, section=section, fields=form.cleaned_data, acting_user=request.user)
        except ApplicationError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"The section {section.title} is saved.")
            return redirect("applications:round_questions", pk=round_.pk)
    return render(request, "applications/manage/round_setup_form.html", {
        "round": round_, "form": form, "heading": "Change the section" if section else "Add a section of questions",
        "back": reverse("applications:round_questions", kwargs={"pk": round_.pk}), "back_to": "the questions",
    })


@role_required(Role.PROGRAMME_MANAGER)
def section_remove_confirm(request, pk: int, section_pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    if not round_.is_being_set_up:
        return _set_up_closed(request, round_, "applications:round_questions")
    section = get_object_or_404(round_.sections, pk=section_pk)
    back = reverse("applications:round_questions", kwargs={"pk": round_.pk})
    error = None
    if request.method == "POST":
        try:
            section_remove(section=section, acting_user=request.user)
        except ApplicationError as refused:
            error = str(refused)
        else:
            messages.success(request, f"The section {section.title} is removed.")
            return redirect(back)
    count = section.questions.count()
    return render(request, "applications/manage/round_remove.html", {
        "round": round_, "what": f"the section {section.title}", "error": error,
        "then": f"Its {count} question{pluralize(count)} will be removed with it." if count else "",
        "back": back, "back_to": "the questions",
    })


@role_required(Role.PROGRAMME_MANAGER)
@require_POST
def question_order_change(request, pk: int, section_pk: int | None = None, question_pk: int | None = None):
    """Moves a section, or a question within its section, one place up or down, and goes back to it on the page."""
    round_ = get_object_or_404(Round, pk=pk)
    if not round_.is_being_set_up:
        return _set_up_closed(request, round_, "applications:round_questions")
    up = request.POST.get("direction") == "up"
    seen_at = int(request.POST["at"]) if request.POST.get("at", "").isdigit() else None
    if section_pk is not None:
        section = get_object_or_404(round_.sections, pk=section_pk)
        moving, anchor, name = partial(section_move, section=section), f"section-{section.pk}", section.title
    else:
        question = get_object_or_404(Question.objects.select_related("section"), section__round=round_, pk=question_pk)
        moving, anchor, name = partial(question_move, question=question), f"question-{question.pk}", f"‘{question.label}’"
    back = reverse("applications:round_questions", kwargs={"pk": round_.pk})
    try:
        moved = moving(up=up, acting_user=request.user, seen_at=seen_at)
    except ApplicationError as refused:
        messages.info(request, f"Not moved: {refused}")
        return redirect(back)
    if moved:
        messages.success(request, f"{name} moved {'up' if up else 'down'}.")
    else:
        messages.info(request, f"{name} is already where it is shown: the order changed after the page was opened.")
    return redirect(f"{back}#{anchor}")


@role_required(Role.PROGRAMME_MANAGER)
def question_form(request, pk: int, section_pk: int | None = None, question_pk: int | None = None):
    round_ = get_object_or_404(Round, pk=pk)
    if not round_.is_being_set_up:
        return _set_up_closed(request, round_, "applications:round_questions")
    question = get_object_or_404(Question.objects.select_related("section"), section__round=round_,
                                 pk=question_pk) if question_pk else None
    section = question.section if question else get_object_or_404(round_.sections, pk=section_pk)
    form = QuestionSetUpForm(request.POST or None, section=section, question=question,
                             initial=QuestionSetUpForm.initial_from(question) if question else {"required": True})
    if request.method == "POST" and form.is_valid():
        try:
            question = question_save(section=section, question=question, fields=form.cleaned_data,
                                     acting_user=request.user)
        except ApplicationError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"The question ‘{question.label}’ is saved.")
            return redirect("applications:round_questions", pk=round_.pk)
    return render(request, "applications/manage/round_setup_form.html", {
        "round": round_, "form": form,
        "heading": "Change the question" if question else f"Add a question to {section.title}",
        "back": reverse("applications:round_questions", kwargs={"pk": round_.pk}), "back_to": "the questions",
    })


@role_required(Role.PROGRAMME_MANAGER)
def question_remove_confirm(request, pk: int, question_pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    if not round_.is_being_set_up:
        return _set_up_closed(request, round_, "applications:round_questions")
    question = get_object_or_404(Question.objects.select_related("section"), section__round=round_, pk=question_pk)
    back = reverse("applications:round_questions", kwargs={"pk": round_.pk})
    error = None
    if request.method == "POST":
        try:
            question_remove(question=question, acting_user=request.user)
        except ApplicationError as refused:
            error = str(refused)
        else:
            messages.success(request, f"The question ‘{question.label}’ is removed.")
            return redirect(back)
    return render(request, "applications/manage/round_remove.html", {
        "round": round_, "what": f"the question ‘{question.label}’", "error": error, "then": "",
        "back": back, "back_to": "the questions",
    })


@role_required(Role.PROGRAMME_MANAGER)
def information_request_new(request, pk: int):
    application = selectors.application_for_review(pk)
    form = InformationRequestForm(request.POST or None, round_=application.round)
    if request.method == "POST" and form.is_valid():
        try:
            information_request(
                application=application, sections=list(form.cleaned_data["sections"]),
                message=form.cleaned_data["message"], respond_by=end_of_day_in_london(form.cleaned_data["respond_by"]),
                acting_user=request.user,
            )
        except ApplicationError as refused:
            waiting = selectors.open_information_request(application)
            if not (waiting and waiting.requested_by == request.user
                    and waiting.message == form.cleaned_data["message"].strip()):
                form.add_error(None, str(refused))
        if form.is_valid():  # asked now, or by this person's own second click a moment ago
            messages.success(request, f"The organisation's team is asked for more information on {application}.")
            return redirect("applications:manage_application", pk=application.pk)
    return render(request, "applications/manage/information_request.html", {"application": application, "form": form})


@role_required(Role.APPLICANT)
def information_send_view(request, pk: int):
    application = selectors.application_for_member_or_404(request.user, pk)
    if request.method == "POST":
        try:
            information_send(application=application, acting_user=request.user)
        except ApplicationError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "Your changes are sent. We will tell the assessors what changed.")
    return redirect("applications:detail", pk=application.pk)
