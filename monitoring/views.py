"""Pages for quarterly returns: the grantee fills and sends them; programme managers review them."""

from datetime import date

from django.contrib import messages
from django.db.models import Max
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils.datastructures import MultiValueDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Role
from accounts.permissions import role_required
from applications.models import Round
from core.paging import page_of
from core.spreadsheets import FORMATS, ImportProblem
from core.downloads import download
from core.forms import field_limits, typed_values
from core.selectors import audit_events_for, draft_for
from core.services import DraftRefused, draft_discard, draft_keep
from core.refusals import ServiceError
from grants.clawbacks import clawable_from
from grants.completion import underspend_split
from grants.giving360 import as_json, publishable_awards
from grants.models import Award
from grants.selectors import award_for_member_or_404, clawbacks_with_repaid
from monitoring import selectors
from monitoring.checks import send_refusal
from monitoring.forms import (
    EndReportForm,
    EndReportReviewForm,
    AllowEarlyForm,
    FiguresUploadForm,
    PoorResponseForm,
    ReturnForm,
    ReturnsFilterForm,
    ReviewForm,
)
from monitoring.closing import end_report_opens_on, end_report_save, end_report_submit, end_report_review
from monitoring.models import EndReport, FiguresImport, ProgrammeReport, Return
from monitoring.evidence import Quarter, evidence_pack, evidence_pdf, evidence_sheet, responses_by_area_and_quarter
from monitoring.outcomes import round_outcomes
from monitoring.police import months_of, police_areas
from monitoring.public import public_results
from monitoring.report import quarter_returns
from monitoring.spreadsheets import figures_sheet, outcomes_sheet
from monitoring.services import (
    NARRATIVE,
    FiguresImpossible,
    PersonalDataFound,
    ReturnError,
    figures_import_start,
    poor_response_remove,
    poor_response_save,
    programme_report_issue,
    story_candidates,
    return_allow_early,
    return_review,
    return_save,
    return_submit,
)


@role_required(Role.APPLICANT)
def return_edit(request, pk: int, quarter: int):
    monitoring_return = selectors.return_for_member_or_404(request.user, pk, quarter)
    award = monitoring_return.award
    if not monitoring_return.is_editable:
        return _return_sent(request, monitoring_return)
    initial = {f"spend_{s.budget_line_id}": s.amount for s in monitoring_return.spending.all()}
    saved = list(monitoring_return.counts.prefetch_related("parts"))
    boroughs = list(award.application.boroughs.all())
    initial.update({name: getattr(monitoring_return, name) for name in NARRATIVE})
    initial["declarant_name"] = request.user.full_name
    sending = "send" in request.POST
    draft_key = f"return:{monitoring_return.pk}"

    def return_form(warned: bool, data=None) -> ReturnForm:
        return ReturnForm(data if data is not None else (request.POST or None), initial=initial,
                          indicators=award.round.indicators.all(), targets=selectors.targets_for(monitoring_return),
                          budget_lines=award.application.budget_lines.all(), boroughs=boroughs, saved=saved,
                          sending=sending, warned=warned)

    if request.method == "POST" and "autosave" in request.POST:
        # The page's script sends what is typed now and then, and before a timeout signs the person out.
        try:
            draft_keep(user=request.user, key=draft_key, data=dict(request.POST.lists()),
                       max_lengths=field_limits(return_form(warned=False)))
        except DraftRefused:
            return HttpResponseBadRequest()
        return HttpResponse(status=204)
    draft = draft_for(request.user, draft_key) if request.method == "GET" else None
    if draft:
        initial.update(typed_values(return_form(warned=False, data=MultiValueDict(draft.data)), MultiValueDict(draft.data)))
    form = return_form(warned="personal_data_checked" in request.POST or request.POST.get("warned") == "1")
    findings = []
    if request.method == "POST" and form.is_valid():
        try:
            return_save(monitoring_return=monitoring_return, counts=form.counts(), spending=form.spending(),
                        narrative=form.narrative(), acting_user=request.user)
            draft_discard(user=request.user, key=draft_key)
            if sending:
                return_submit(monitoring_return=monitoring_return, declarant_name=form.cleaned_data["declarant_name"],
                              acting_user=request.user, personal_data_checked=form.cleaned_data["personal_data_checked"])
        except FiguresImpossible as impossible:
            for indicator_id, problem in impossible.problems.items():
                form.add_error(form.figure_field(indicator_id), problem)
        except PersonalDataFound as found:
            findings = found.findings
            form = return_form(warned=True)  # shows the box to confirm there is no personal data
            form.is_valid()
        except ReturnError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Your return for quarter {quarter} has been sent. We will tell you when we have reviewed it."
                             if sending else "Your return is saved. You can come back to it at any time before you send it.")
            return redirect("grants:award", pk=award.pk)
    return render(request, "monitoring/return_form.html", {
        "monitoring_return": monitoring_return, "form": form, "findings": findings, "typed_draft": draft,
        "too_early": send_refusal(monitoring_return), "poor_responses": monitoring_return.poor_responses.all(),
    })


# The standard indicator that counts the poor police responses a return records one by one.
POOR_RESPONSE_COUNT = "police_response_poor"


def _return_sent(request, monitoring_return: Return):
    """A sent return as its grantee sent it: the figures, the spending and the story, which can no longer change."""
    counts, spending = selectors.return_review_rows(monitoring_return)
    return render(request, "monitoring/return_sent.html", {
        "monitoring_return": monitoring_return, "counts": counts, "spending": spending,
    })


def _return_page(monitoring_return: Return) -> str:
    # The page's top, where the message saying what happened is shown.
    return reverse("monitoring:return", kwargs={"pk": monitoring_return.award_id, "quarter": monitoring_return.quarter})


@role_required(Role.APPLICANT)
def poor_response_form(request, pk: int, quarter: int, response_pk: int | None = None):
    monitoring_return = selectors.return_for_member_or_404(request.user, pk, quarter)
    if not monitoring_return.is_editable:
        return _return_sent(request, monitoring_return)
    poor_response = get_object_or_404(monitoring_return.poor_responses, pk=response_pk) if response_pk else None

    def response_form(warned: bool) -> PoorResponseForm:
        initial = PoorResponseForm.initial_from(poor_response) if poor_response else {
            "seen": monitoring_return.poor_responses.aggregate(newest=Max("pk"))["newest"] or 0}
        return PoorResponseForm(request.POST or None, areas=police_areas(), months=months_of(monitoring_return),
                                warned=warned, initial=initial)

    form = response_form(warned="personal_data_checked" in request.POST or request.POST.get("warned") == "1")
    findings = []
    if request.method == "POST" and form.is_valid():
        try:
            poor_response_save(monitoring_return=monitoring_return, poor_response=poor_response,
                               fields=form.fields_to_save(), acting_user=request.user,
                               personal_data_checked=form.cleaned_data["personal_data_checked"],
                               seen_up_to=form.cleaned_data["seen"])
        except PersonalDataFound as found:
            findings = found.findings
            form = response_form(warned=True)  # shows the box to confirm there is no personal data
            form.is_valid()
        except ReturnError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The poor police response is saved with your return.")
            return redirect(_return_page(monitoring_return))
    return render(request, "monitoring/poor_response_form.html", {
        "monitoring_return": monitoring_return, "form": form, "findings": findings, "poor_response": poor_response,
    })


@role_required(Role.APPLICANT)
def poor_response_remove_confirm(request, pk: int, quarter: int, response_pk: int):
    monitoring_return = selectors.return_for_member_or_404(request.user, pk, quarter)
    poor_response = get_object_or_404(monitoring_return.poor_responses, pk=response_pk)
    if request.method == "POST":
        try:
            poor_response_remove(poor_response=poor_response, acting_user=request.user)
        except ReturnError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The poor police response is removed.")
        return redirect(_return_page(monitoring_return))
    return render(request, "monitoring/poor_response_remove.html", {
        "monitoring_return": monitoring_return, "poor_response": poor_response,
    })


@role_required(Role.PROGRAMME_MANAGER)
def returns_list(request):
    filters = ReturnsFilterForm(request.GET or None, rounds=Round.objects.exclude(awards=None).distinct())
    chosen = filters.chosen()
    page = page_of(request, selectors.returns_needing_attention(**chosen))
    round_id = chosen.get("round_id")
    return render(request, "monitoring/returns_list.html", {
        "filters": filters, "page": page, "returns": page.object_list,
        "to_review_count": selectors.returns_needing_attention(show="review", round_id=round_id).count(),
        "late_count": selectors.returns_needing_attention(show="late", round_id=round_id).count(),
        "end_reports": selectors.end_reports_to_review()[:END_REPORTS_LISTED],
    })


# End-of-grant reports come a few at a time, at the end of each grant: the returns page lists this many, oldest first.
END_REPORTS_LISTED = 50


@role_required(Role.PROGRAMME_MANAGER)
def return_review_view(request, pk: int):
    monitoring_return = get_object_or_404(
        Return.objects.select_related("award__application__organisation", "award__round", "early_allowed_by"), pk=pk
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return_review(monitoring_return=monitoring_return, accept=form.cleaned_data["outcome"] == "accept",
                          comments=form.cleaned_data["comments"], acting_user=request.user)
        except ReturnError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Review of {monitoring_return} saved.")
            return redirect("monitoring:returns")
    counts, spending = selectors.return_review_rows(monitoring_return)
    return render(request, "monitoring/return_review.html", {
        "monitoring_return": monitoring_return, "form": form, "counts": counts, "spending": spending,
        "poor_responses": monitoring_return.poor_responses.all(),
        "poor_counted": monitoring_return.counts.filter(indicator__code=POOR_RESPONSE_COUNT).values_list(
            "value", flat=True).first(),
        "too_early": send_refusal(monitoring_return) if monitoring_return.is_editable else "",
    })


@role_required(Role.PROGRAMME_MANAGER)
def return_allow_early_view(request, pk: int):
    monitoring_return = get_object_or_404(
        Return.objects.select_related("award__application__organisation", "award__round"), pk=pk
    )
    if not request.user.has_perm("monitoring.allow_early_return", monitoring_return):
        messages.error(request, "This return cannot be allowed early: it has been sent, its quarter has ended, or it "
                                "was allowed early already.")
        return redirect("monitoring:review", pk=monitoring_return.pk)
    form = AllowEarlyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return_allow_early(monitoring_return=monitoring_return, reason=form.cleaned_data["reason"],
                               acting_user=request.user)
        except ReturnError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{monitoring_return.award.application.organisation.name} can now send the "
                                      f"quarter {monitoring_return.quarter} return.")
            return redirect("monitoring:review", pk=monitoring_return.pk)
    return render(request, "monitoring/return_allow_early.html", {
        "monitoring_return": monitoring_return, "form": form, "too_early": send_refusal(monitoring_return),
    })


@role_required(Role.PROGRAMME_MANAGER)
def grant_page(request, pk: int):
    award = get_object_or_404(Award.objects.select_related("application__organisation", "round"), pk=pk)
    returns, tranches = list(award.returns.all()), list(award.tranches.all())
    page = page_of(request, audit_events_for(award, award.application, *returns, *tranches))
    return render(request, "monitoring/grant.html", {
        "award": award, "returns": returns, "tranches": tranches, "page": page, "events": page.object_list,
        "suspensions": award.suspensions.select_related("suspended_by", "lifted_by"),
        "clawbacks": clawbacks_with_repaid(award=award), "clawable": clawable_from(award),
        "end_report": EndReport.objects.filter(award=award).exclude(status=EndReport.Status.DRAFT).first(),
    })


@role_required(Role.PROGRAMME_MANAGER)
def outcomes(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    found = round_outcomes(round_)
    return render(request, "monitoring/outcomes.html", {"round": round_, "outcomes": found, "charts": found.charts()})


@role_required(Role.PROGRAMME_MANAGER)
def poor_responses(request, pk: int):
    """The poor police responses recorded in a round's accepted returns: true figures for staff, with each area and
    quarter's evidence pack, whose small figures are hidden, to send to the police or a scrutiny panel."""
    round_ = get_object_or_404(Round, pk=pk)
    quarters, areas = responses_by_area_and_quarter(round_)
    packs = [(area, quarter, count) for area, counts in areas for quarter, count in zip(quarters, counts) if count]
    return render(request, "monitoring/poor_responses.html", {"round": round_, "packs": packs})


def _published_round(pk: int) -> Round:
    """A round whose results anyone may read: any but one still being set up."""
    return get_object_or_404(Round.objects.exclude(status=Round.Status.DRAFT), pk=pk)


def round_results(request, pk: int):
    """Anyone, signed in or not: the round's ringfence, committed and paid, and its outcomes as they may be
    published."""
    return render(request, "monitoring/round_results.html", {"results": public_results(_published_round(pk))})


def round_grants_file(request, pk: int):
    """Anyone: the round's grants in the 360Giving Data Standard, with the DEI extension."""
    round_ = _published_round(pk)
    response = StreamingHttpResponse(as_json(publishable_awards(round_)), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{slugify(round_.reference_prefix)}-grants.json"'
    return response


@role_required(Role.PROGRAMME_MANAGER)
def programme_reports(request, pk: int):
    """The round's quarterly reports for its oversight committee, as issued, and a way to make the next."""
    round_ = get_object_or_404(Round, pk=pk)
    return render(request, "monitoring/programme_reports.html", {
        "round": round_, "reports": round_.programme_reports.select_related("issued_by"),
        "quarters": range(1, round_.quarters + 1),
    })


@role_required(Role.PROGRAMME_MANAGER)
def programme_report_new(request, pk: int, quarter: int):
    round_ = get_object_or_404(Round, pk=pk)
    if not 1 <= quarter <= round_.quarters:
        raise Http404
    candidates = list(story_candidates(round_, quarter))
    if request.method == "POST":
        chosen = [int(value) for value in request.POST.getlist("stories") if value.isdigit()]
        seen = request.POST.get("seen", "")
        try:
            programme_report_issue(round_=round_, quarter=quarter, story_returns=chosen, acting_user=request.user,
                                   seen_up_to=int(seen) if seen.isdigit() else None)
        except ReturnError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"The report for quarter {quarter} is issued. It is kept as it is now.")
            return redirect("monitoring:programme_reports", pk=round_.pk)
    accepted, due = quarter_returns(round_, quarter)
    return render(request, "monitoring/programme_report_new.html", {
        "round": round_, "quarter": quarter, "candidates": candidates, "accepted": accepted, "due": due,
        "issued": round_.programme_reports.filter(quarter=quarter).count(),
        "seen": round_.programme_reports.aggregate(newest=Max("pk"))["newest"] or 0,
    })


REPORT_FILES = {"pdf": ("pdf", "application/pdf"), "large-print.pdf": ("large_print_pdf", "application/pdf"),
                "csv": ("csv", "text/csv")}


@role_required(Role.PROGRAMME_MANAGER)
def programme_report_download(request, pk: int, kind: str):
    report = get_object_or_404(ProgrammeReport.objects.select_related("round"), pk=pk)
    if kind not in REPORT_FILES:
        raise Http404
    field, content_type = REPORT_FILES[kind]
    stored = getattr(report, field)
    name = slugify(f"{report.round.reference_prefix} quarter {report.quarter} report {report.issued_at:%Y-%m-%d}")
    return FileResponse(stored.open("rb"), as_attachment=True, content_type=content_type,
                        filename=f"{name}.{kind}")


@role_required(Role.PROGRAMME_MANAGER)
def evidence_download(request, pk: int, file_format: str):
    round_ = get_object_or_404(Round, pk=pk)
    area = request.GET.get("area", "")
    try:
        quarter = Quarter(date.fromisoformat(request.GET.get("quarter", "")))
    except ValueError:
        raise Http404
    if area not in police_areas() or quarter != Quarter.of(quarter.start) or file_format not in ("pdf", *FORMATS):
        raise Http404
    pack = evidence_pack(round_, area, quarter)
    name = slugify(f"{round_.reference_prefix} poor police responses {area} {quarter.start:%Y-%m}")
    if file_format == "pdf":
        large_print = request.GET.get("print") == "large"
        return download(evidence_pdf(pack, large_print=large_print), "application/pdf",
                        f"{name}{'-large-print' if large_print else ''}.pdf")
    content, content_type = evidence_sheet(pack, file_format)
    return download(content, content_type, f"{name}.{file_format}")


@role_required(Role.PROGRAMME_MANAGER)
def outcomes_download(request, pk: int, file_format: str):
    round_ = get_object_or_404(Round, pk=pk)
    if file_format not in FORMATS:
        raise Http404
    content, content_type = outcomes_sheet(round_outcomes(round_), file_format)
    return download(content, content_type, f"{round_.reference_prefix}-outcomes.{file_format}")


@role_required(Role.PROGRAMME_MANAGER)
def figures_download(request, pk: int, file_format: str):
    round_ = get_object_or_404(Round, pk=pk)
    if file_format not in FORMATS:
        raise Http404
    content, content_type = figures_sheet(round_, file_format)
    return download(content, content_type, f"{round_.reference_prefix}-returns.{file_format}")


@role_required(Role.PROGRAMME_MANAGER)
def figures_upload(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    form = FiguresUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        figures_import = figures_import_start(round_=round_, spreadsheet=form.cleaned_data["spreadsheet"],
                                              acting_user=request.user)
        return redirect("monitoring:figures_import", pk=figures_import.pk)
    return render(request, "monitoring/figures_upload.html", {"round": round_, "form": form})


@role_required(Role.PROGRAMME_MANAGER)
def figures_import(request, pk: int):
    figures_import = get_object_or_404(FiguresImport.objects.select_related("round"), pk=pk)
    if figures_import.outcome == FiguresImport.Outcome.REFUSED:
        # The upload page again, with what to correct above a fresh form that sends the corrected sheet there.
        form = FiguresUploadForm()
        form.helper.form_action = reverse("monitoring:figures_upload", kwargs={"pk": figures_import.round_id})
        return render(request, "monitoring/figures_upload.html", {
            "round": figures_import.round, "form": form,
            "problems": [ImportProblem(**problem) for problem in figures_import.problems],
        })
    return render(request, "monitoring/figures_import.html", {"figures_import": figures_import})




# Closing a grant ----------------------------------------------------------------------------------------------------


@role_required(Role.APPLICANT)
def end_report(request, pk: int):
    """The grantee's end-of-grant report: saved as they go, sent once the grant's last quarter has ended."""
    award = award_for_member_or_404(request.user, pk)
    report = EndReport.objects.filter(award=award).first() or EndReport(award=award)
    if not report.is_editable or award.status not in Award.RUNNING:
        return render(request, "monitoring/end_report_sent.html", {
            "award": award, "report": report, "promises": selectors.promised_and_achieved(award)})
    initial = {name: getattr(report, name) for name in ("achievements", "spent", "underspend_reason", "lessons", "story")}
    warned = "personal_data_checked" in request.POST or request.POST.get("warned") == "1"
    form = EndReportForm(request.POST or None, initial=initial, warned=warned)
    findings = []
    if request.method == "POST" and form.is_valid():
        sending = request.POST.get("action") == "send"
        try:
            # Saved first, so a report refused on sending keeps what was typed.
            report = end_report_save(award=award, fields=form.fields_to_save(), acting_user=request.user)
            if sending:
                end_report_submit(report=report, declarant_name=form.cleaned_data["declarant_name"],
                                  acting_user=request.user,
                                  personal_data_checked=form.cleaned_data["personal_data_checked"])
        except PersonalDataFound as found:
            findings = found.findings
            form = EndReportForm(request.POST, initial=initial, warned=True)
            form.is_valid()
        except ReturnError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your end-of-grant report is sent. We will tell you when we have read it."
                             if sending else "Your end-of-grant report is saved. You can come back to it at any time.")
            return redirect("monitoring:end_report", pk=award.pk)
    return render(request, "monitoring/end_report_form.html", {
        "award": award, "report": report, "form": form, "findings": findings,
        "promises": selectors.promised_and_achieved(award), "opens_later": end_report_opens_on(award) > timezone.localdate(),
    })


@role_required(Role.PROGRAMME_MANAGER)
def end_report_review_view(request, pk: int):
    award = get_object_or_404(Award.objects.select_related("application__organisation", "round"), pk=pk)
    report = get_object_or_404(EndReport.objects.select_related("reviewed_by"), award=award)
    not_needed, held = underspend_split(award, report.underspend) if report.spent is not None else (0, 0)
    form = EndReportReviewForm(request.POST or None, held_underspend=held)
    if request.method == "POST" and form.is_valid():
        try:
            end_report_review(report=report, accept=form.cleaned_data["outcome"] == "accept",
                              comments=form.cleaned_data["comments"],
                              underspend_outcome=form.cleaned_data["underspend_outcome"], acting_user=request.user,
                              site_url=request.build_absolute_uri("/").rstrip("/"))
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            report.refresh_from_db()
            messages.success(request, f"Grant {award.reference} is complete and its completion letter is issued."
                             if report.status == EndReport.Status.ACCEPTED
                             else "The grantee has been asked for changes to the report.")
            return redirect("monitoring:grant", pk=award.pk)
    return render(request, "monitoring/end_report_review.html", {
        "award": award, "report": report, "form": form, "promises": selectors.promised_and_achieved(award),
        "not_needed": not_needed, "held": held,
        "returns_waiting": award.returns.exclude(status=Return.Status.ACCEPTED).count(),
    })
