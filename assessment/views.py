"""Pages for assessment: assessors declare interests and score; programme managers screen, allocate, moderate and rank."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from accounts.models import Role, User
from accounts.permissions import role_required
from applications.models import Application, Round
from applications.querysets import SCOREABLE
from applications.round_setup import criteria_problems
from applications.selectors import application_for_review, application_with_answers, panel_of
from applications.services import ApplicationError
from assessment import selectors
from assessment.forms import (
    AllocationFilterForm,
    AllocationForm,
    ConflictFilterForm,
    ConflictForm,
    ModerationForm,
    PanelMemberForm,
    RankingFilterForm,
    ScoringForm,
    ScreeningFilterForm,
    ScreeningForm,
    SpreadsheetUploadForm,
)
from assessment.models import Allocation, Assessment, ScoresImport
from assessment.permissions import interests_of
from assessment.selectors import AllocationsShown
from assessment.services import (
    allocation_add,
    allocation_auto,
    allocation_remove,
    application_screen,
    assessment_revise,
    assessment_save,
    conflict_declare,
    moderation_record,
    round_panel_add,
    round_panel_remove,
    scores_import_start,
)
from assessment.exports import RANKING
from assessment.spreadsheets import scoring_sheet
from core.downloads import download
from core.services import export_start
from core.spreadsheets import FORMATS, ImportProblem
from core import paging
from core.paging import page_of

# The allocation page names the first few applications short of assessors; a filter lists them all.
SHORTFALLS_NAMED = 10


# Assessors ----------------------------------------------------------------------------------------------------------


@role_required(Role.ASSESSOR)
def assessor_dashboard(request):
    page = page_of(request, selectors.allocations_for_assessor(request.user))
    return render(request, "assessment/assess/dashboard.html",
                  {"page": page, "allocations": selectors.assessor_progress(page.object_list)})


@role_required(Role.ASSESSOR)
def declare(request, pk: int):
    allocation = selectors.allocation_for_assessor_or_404(request.user, pk)
    application = allocation.application
    interests = interests_of(request.user, application)
    if interests.conflicted:
        # Most often the back button after declaring: the answer stands, and the application stays hidden.
        messages.info(request, f"You declared a conflict of interest with {application.reference}, so it will be "
                               "given to someone else.")
        return redirect("assessment:assessor_dashboard")
    if interests.cleared:
        return redirect("assessment:assess", pk=allocation.pk)
    form = ConflictForm(request.POST or None, organisation=application.organisation)
    if request.method == "POST" and form.is_valid():
        conflict_declare(allocation=allocation, has_conflict=form.cleaned_data["has_conflict"],
                         nature=form.cleaned_data["nature"], acting_user=request.user)
        if form.cleaned_data["has_conflict"]:
            messages.success(request, "Thank you. We will give this application to someone else.")
            return redirect("assessment:assessor_dashboard")
        return redirect("assessment:assess", pk=allocation.pk)
    return render(request, "assessment/assess/declare.html", {"form": form, "allocation": allocation})


@role_required(Role.ASSESSOR)
def assess(request, pk: int):
    """The application beside the scoring form. A conflict, or no declaration yet, keeps the application hidden."""
    allocation = selectors.allocation_for_assessor_or_404(request.user, pk)
    application = allocation.application
    interests = interests_of(request.user, application)
    if not interests.declared:
        return redirect("assessment:declare", pk=allocation.pk)
    if interests.conflicted:
        raise Http404("You declared a conflict of interest with this application")
    round_ = application.round
    criteria = list(round_.criteria.prefetch_related("descriptors").order_by("position", "id"))
    current = selectors.assessment_current(allocation)
    editable = application.status in SCOREABLE and (current is None or current.status == Assessment.Status.DRAFT)
    submitting = "submit" in request.POST
    initial = {}
    if current:
        for score in current.scores.all():
            initial[f"score_{score.criterion_id}"] = score.score
            initial[f"justification_{score.criterion_id}"] = score.justification
    form = ScoringForm(request.POST or None, initial=initial, criteria=criteria, scale_max=round_.score_scale_max,
                       submitting=submitting)
    # A page left open after the scores were sent still posts: the service says why it cannot be saved.
    if request.method == "POST" and form.is_valid():
        try:
            assessment_save(allocation=allocation, scores=form.scores(), acting_user=request.user, submit=submitting)
        except ApplicationError as error:
            form.add_error(None, str(error))
        else:
            if submitting:
                messages.success(request, f"Your scores for {application.reference} have been sent.")
                return redirect("assessment:assessor_dashboard")
            messages.success(request, "Your draft scores are saved.")
            return redirect("assessment:assess", pk=allocation.pk)
    return render(request, "assessment/assess/assess.html", {
        "allocation": allocation, "application": application, "form": form, "current": current, "editable": editable,
        "answers": application_with_answers(application), "problems": criteria_problems(round_, criteria),
    })


@require_POST
@role_required(Role.ASSESSOR)
def revise(request, pk: int):
    allocation = selectors.allocation_for_assessor_or_404(request.user, pk)
    try:
        draft = assessment_revise(allocation=allocation, acting_user=request.user)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You are now changing your scores as version {draft.version}. Your sent scores "
                                  "count until you send the new version.")
    return redirect("assessment:assess", pk=allocation.pk)


@role_required(Role.ASSESSOR)
def scoring_sheet_download(request, file_format: str):
    if file_format not in FORMATS:
        raise Http404
    content, content_type = scoring_sheet(request.user, file_format)
    return download(content, content_type, f"my-scores.{file_format}")


@role_required(Role.ASSESSOR)
def scoring_sheet_upload(request):
    form = SpreadsheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        scores_import = scores_import_start(spreadsheet=form.cleaned_data["spreadsheet"], acting_user=request.user)
        return redirect("assessment:scoring_import", pk=scores_import.pk)
    return render(request, "assessment/assess/upload.html", {"form": form})


@role_required(Role.ASSESSOR)
def scoring_sheet_import(request, pk: int):
    scores_import = selectors.scores_import_for_assessor_or_404(request.user, pk)
    if scores_import.outcome == ScoresImport.Outcome.REFUSED:
        # The upload page again, with what to correct above a fresh form that sends the corrected sheet there.
        form = SpreadsheetUploadForm()
        form.helper.form_action = reverse("assessment:scoring_upload")
        return render(request, "assessment/assess/upload.html", {
            "form": form, "problems": [ImportProblem(**problem) for problem in scores_import.problems],
        })
    return render(request, "assessment/assess/import.html", {"scores_import": scores_import})


# Programme managers -------------------------------------------------------------------------------------------------


@role_required(Role.PROGRAMME_MANAGER)
def screening_list(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    filters = ScreeningFilterForm(request.GET or None)
    page = page_of(request, selectors.applications_for_screening(round_, **filters.chosen()))
    return render(request, "assessment/manage/screening.html", {
        "round": round_, "filters": filters, "page": page, "applications": page.object_list,
        "place_query": urlencode(list_place(request.GET, ScreeningFilterForm)),
    })


@role_required(Role.PROGRAMME_MANAGER)
def screen(request, pk: int):
    application = application_for_review(pk)
    # Back to the page and filter of the screening list it was opened from.
    screening = list_at("assessment:screening", application.round_id, request.GET, ScreeningFilterForm)
    if not application.can_transition_to(Application.Status.ELIGIBLE):
        messages.error(request, f"{application} has already been screened.")
        return redirect(screening)
    form = ScreeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        application_screen(application=application, eligible=form.cleaned_data["eligible"],
                           reason=form.cleaned_data["reason"], acting_user=request.user)
        messages.success(request, f"{application} screened.")
        return redirect(screening)
    return render(request, "assessment/manage/screen.html", {
        "application": application, "form": form, "answers": application_with_answers(application),
        "screening": screening,
    })


@role_required(Role.PROGRAMME_MANAGER)
def allocations(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    if request.method == "POST" and "auto" in request.POST:
        try:
            made = allocation_auto(round_=round_, acting_user=request.user)
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{made} new allocations made.")
        return redirect("assessment:allocations", pk=round_.pk)
    panel = list(panel_of(round_).order_by("full_name", "pk"))
    filters = AllocationFilterForm(request.GET or None)
    page = page_of(request, selectors.round_allocations(round_, panel, **filters.chosen()))
    shortfalls = selectors.assessor_shortfalls(round_, panel)
    place = list_place(request.GET, AllocationFilterForm)
    return render(request, "assessment/manage/allocations.html", {
        "round": round_, "panel": panel, "filters": filters, "page": page, "applications": page.object_list,
        "shortfalls": shortfalls[:SHORTFALLS_NAMED], "shortfall_count": shortfalls.count(),
        "too_few_possible": AllocationsShown.TOO_FEW_POSSIBLE, "place": place, "place_query": urlencode(place),
        "problems": criteria_problems(round_),
    })


def list_place(data, filters) -> dict:
    """Which page and filter of a list it is at, read from its address or from a form or link that left it, so that
    what is done there comes back to the same place. `filters` is the list's filter form class."""
    return {name: data[name] for name in ("page", *filters.base_fields) if data.get(name)}


def list_at(url_name: str, round_pk: int, data, filters) -> str:
    place = list_place(data, filters)
    url = reverse(url_name, kwargs={"pk": round_pk})
    return f"{url}?{urlencode(place)}" if place else url


def allocations_at(round_pk: int, data) -> str:
    return list_at("assessment:allocations", round_pk, data, AllocationFilterForm)


@role_required(Role.PROGRAMME_MANAGER)
def panel(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    members = round_.assessors.annotate(
        given=Count("allocations", filter=Q(allocations__application__round=round_))
    ).order_by("full_name", "pk")
    return render(request, "assessment/manage/panel.html", {"round": round_, "members": members})


@role_required(Role.PROGRAMME_MANAGER)
@require_POST
def panel_remove(request, pk: int, assessor_pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    assessor = get_object_or_404(User, pk=assessor_pk)
    round_panel_remove(round_=round_, assessor=assessor, acting_user=request.user)
    messages.success(request, f"{assessor} is no longer on the panel for {round_}.")
    return redirect("assessment:panel", pk=round_.pk)


@role_required(Role.PROGRAMME_MANAGER)
def panel_add(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    # Back to the page the manager came from: the panel in the round's set-up, or the allocations.
    back = "assessment:panel" if request.GET.get("from") == "panel" else "assessment:allocations"
    form = PanelMemberForm(request.POST or None, round_=round_)
    if request.method == "POST" and form.is_valid():
        try:
            round_panel_add(round_=round_, assessor=form.cleaned_data["assessor"], acting_user=request.user)
        except ApplicationError as error:
            form.add_error("assessor", str(error))
        else:
            messages.success(request, f"{form.cleaned_data['assessor']} is now on the panel for {round_}.")
            return redirect(back, pk=round_.pk)
    return render(request, "assessment/manage/panel_add.html", {"round": round_, "form": form, "back": back})


@role_required(Role.PROGRAMME_MANAGER)
def allocate(request, pk: int):
    application = application_for_review(pk)
    form = AllocationForm(request.POST or None, application=application)
    if request.method == "POST" and form.is_valid():
        try:
            allocation_add(application=application, assessor=form.cleaned_data["assessor"], acting_user=request.user)
        except ApplicationError as error:
            form.add_error("assessor", str(error))
        else:
            messages.success(request, f"{application} given to {form.cleaned_data['assessor']}.")
            return redirect(allocations_at(application.round_id, request.GET))
    return render(request, "assessment/manage/allocate.html", {
        "application": application, "form": form, "allocations": allocations_at(application.round_id, request.GET),
    })


@require_POST
@role_required(Role.PROGRAMME_MANAGER)
def unallocate(request, pk: int):
    allocation = get_object_or_404(Allocation.objects.select_related("application", "assessor"), pk=pk)
    try:
        allocation_remove(allocation=allocation, acting_user=request.user)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{allocation.application} taken back from {allocation.assessor}.")
    return redirect(allocations_at(allocation.application.round_id, request.POST))


@role_required(Role.PROGRAMME_MANAGER)
def conflicts(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    filters = ConflictFilterForm(request.GET or None)
    page = page_of(request, selectors.conflict_register(round_, **filters.chosen()))
    return render(request, "assessment/manage/conflicts.html",
                  {"round": round_, "filters": filters, "page": page, "declarations": page.object_list})


@role_required(Role.PROGRAMME_MANAGER)
def ranking(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    filters = RankingFilterForm(request.GET or None)
    ranking = selectors.ranking_for(round_, **filters.chosen())
    page = ranking.page(request.GET.get("page"), paging.PAGE_SIZE)
    figures = ranking.figures
    return render(request, "assessment/manage/ranking.html", {
        "round": round_, "criteria": ranking.criteria, "page": page, "entries": page.object_list, "filters": filters,
        "within_count": figures.within, "requested_within": figures.requested_within,
        "ranked_count": figures.ranked, "unranked_count": figures.unranked,
    })


@role_required(Role.PROGRAMME_MANAGER)
@require_POST
def ranking_export(request, pk: int, file_format: str):
    if file_format not in FORMATS:
        raise Http404
    round_ = get_object_or_404(Round, pk=pk)
    # The filters come from the ranking page's own form, so the file holds what the page shows.
    filters = RankingFilterForm(request.POST).chosen()
    export = export_start(name=RANKING.name, acting_user=request.user,
                          parameters={"round_pk": round_.pk, "file_format": file_format, "filters": filters})
    return redirect(export)


@role_required(Role.PROGRAMME_MANAGER)
def moderate(request, pk: int):
    application = application_for_review(pk)
    round_ = application.round
    criteria = list(round_.criteria.order_by("position", "id"))
    summary = selectors.criterion_scores_for(round_, application_ids=[application.pk]).get(application.pk, {})
    per_criterion = selectors.criterion_scores_of(criteria, summary)
    sheets = selectors.assessments_for_moderation(application)
    criterion = next((c for c in criteria if str(c.pk) == request.GET.get("criterion", request.POST.get("criterion"))), None)
    form = None
    if criterion is not None:
        form = ModerationForm(request.POST or None, criterion=criterion, scale_max=round_.score_scale_max)
        if request.method == "POST" and form.is_valid():
            moderation_record(application=application, criterion=criterion, score=form.cleaned_data["score"],
                              reason=form.cleaned_data["reason"], acting_user=request.user)
            messages.success(request, f"Agreed score for '{criterion}' saved beside the assessors' scores.")
            return redirect("assessment:moderate", pk=application.pk)
    rows = [
        {
            "criterion": each, "scores": [sheet_scores.get(each.pk) for sheet_scores in sheets.values()],
            "moderated": scores.moderated, "flagged": scores.needs_moderation(round_.moderation_threshold),
        }
        for each, scores in zip(criteria, per_criterion)
    ]
    return render(request, "assessment/manage/moderate.html", {
        "application": application, "rows": rows, "assessors": list(sheets.keys()), "form": form, "criterion": criterion,
    })
