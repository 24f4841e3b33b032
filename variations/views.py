"""Pages for variations: the grantee asks to change their grant and follows the request; programme managers see the
requests waiting, approve or refuse them, and confirm the larger ones."""

from datetime import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import Role
from accounts.permissions import is_applicant, role_required
from core.paging import page_of
from core.refusals import ServiceError
from grants import selectors as grant_selectors
from grants.models import Letter
from variations import selectors
from variations.changes import GrantState
from variations.forms import ApproveForm, ConfirmForm, RefuseForm, VariationForm
from variations.models import Variation
from variations.permissions import can_ask_for_variation, confirm_refusal, variation_closed_reason
from variations.services import (
    VariationRefused,
    variation_approve,
    variation_confirm,
    variation_refuse,
    variation_request,
)


# Grantees -----------------------------------------------------------------------------------------------------------


@role_required(Role.APPLICANT)
def variation_new(request, pk: int):
    award = grant_selectors.award_for_member_or_404(request.user, pk)
    if not can_ask_for_variation(request.user, award):
        messages.error(request, variation_closed_reason(award) or "You cannot ask to change this grant.")
        return redirect("grants:award", pk=award.pk)
    if waiting := award.variations.waiting().first():
        messages.info(request, f"You have already asked for a change to this grant: wait for our decision on "
                               f"variation {waiting.number} before asking for another.")
        return redirect("variations:detail", pk=waiting.pk)
    state = selectors.grant_state(award)
    form = VariationForm(request.POST or None, state=state)
    if request.method == "POST" and form.is_valid():
        try:
            variation = variation_request(award=award, asked=form.asked(), reason=form.cleaned_data["reason"],
                                          acting_user=request.user)
        except VariationRefused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "You have asked for the change. A programme manager will look at it and we "
                                      "will tell you what they decide.")
            return redirect("variations:detail", pk=variation.pk)
    return render(request, "variations/new.html", {"award": award, "form": form})


def _variation_for(request, pk: int) -> Variation:
    if is_applicant(request.user):
        return selectors.variation_for_member_or_404(request.user, pk)
    return get_object_or_404(selectors.variations_with_grants(), pk=pk)


@role_required(Role.APPLICANT, Role.PROGRAMME_MANAGER)
def variation_detail(request, pk: int):
    variation = _variation_for(request, pk)
    award = variation.award
    replaced = getattr(variation, "replaced", None) if variation.in_force else None
    letters = (Letter.objects.filter(application=award.application, kind=Letter.Kind.VARIATION,
                                     version=variation.letter_version).order_by("large_print")
               if variation.letter_version else [])
    return render(request, "variations/detail.html", {
        "variation": variation, "award": award, "replaced": replaced, "letters": letters,
        "share": _share_of_grant(variation), "confirm_refusal": confirm_refusal(request.user, variation),
        "applicant_view": is_applicant(request.user), "staff_view": not is_applicant(request.user),
    })


def _share_of_grant(variation: Variation):
    """The money the variation moves, as a share of the grant, for the threshold; whole percent."""
    amount = variation.award.amount - (variation.amount_change if variation.in_force else 0)
    return round(variation.money_moved * 100 / amount) if amount else 0


# Programme managers -------------------------------------------------------------------------------------------------


@role_required(Role.PROGRAMME_MANAGER)
def waiting(request):
    page = page_of(request, selectors.variations_waiting())
    return render(request, "variations/waiting.html", {"page": page, "variations": page.object_list})


def _decision_page(request, variation: Variation, form, template: str, extra: dict | None = None):
    state: GrantState = selectors.grant_state(variation.award)
    return render(request, template, {
        "variation": variation, "award": state.award, "form": form, "state": state,
        "share": _share_of_grant(variation), "staff_view": True, **(extra or {}),
    })


@role_required(Role.PROGRAMME_MANAGER)
def approve(request, pk: int):
    variation = get_object_or_404(selectors.variations_with_grants(), pk=pk)
    if request.method == "GET" and variation.status != Variation.Status.REQUESTED:
        messages.info(request, f"{variation} is not waiting for a decision: it is {variation.status_label.lower()}.")
        return redirect("variations:detail", pk=variation.pk)
    # A form with nothing to type in: a refusal is shown as a banner on the variation's page, which shows it as it
    # now stands.
    form = ApproveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            variation = variation_approve(variation=variation, acting_user=request.user)
        except ServiceError as error:
            messages.error(request, str(error))
            return redirect("variations:detail", pk=variation.pk)
        else:
            if variation.in_force:
                messages.success(request, f"{variation} is approved and made: the grant is now version "
                                          f"{variation.version}, and its letter has been sent to the grantee.")
            else:
                messages.success(request, f"{variation} is approved. It is above the round's threshold, so another "
                                          "programme manager must now confirm it.")
            return redirect("variations:detail", pk=variation.pk)
    return _decision_page(request, variation, form, "variations/approve.html")


@role_required(Role.PROGRAMME_MANAGER)
def confirm(request, pk: int):
    variation = get_object_or_404(selectors.variations_with_grants(), pk=pk)
    if request.method == "GET" and (refusal := confirm_refusal(request.user, variation)):
        messages.info(request, refusal)
        return redirect("variations:detail", pk=variation.pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None,
                       initial={"shown": variation.approved_at.isoformat() if variation.approved_at else ""})
    if request.method == "POST" and form.is_valid():
        try:
            variation = variation_confirm(variation=variation, acting_user=request.user,
                                          approved_at=_moment(form.cleaned_data["shown"]))
        except ServiceError as error:
            messages.error(request, str(error))
            return redirect("variations:detail", pk=variation.pk)
        else:
            messages.success(request, f"{variation} is confirmed and made: the grant is now version "
                                      f"{variation.version}, and its letter has been sent to the grantee.")
            return redirect("variations:detail", pk=variation.pk)
    return _decision_page(request, variation, form, "variations/confirm.html")


def _moment(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


@role_required(Role.PROGRAMME_MANAGER)
def refuse(request, pk: int):
    variation = get_object_or_404(selectors.variations_with_grants(), pk=pk)
    if request.method == "GET" and not (variation.status == Variation.Status.REQUESTED or variation.waits_for_second):
        messages.info(request, f"{variation} is not waiting for a decision: it is {variation.status_label.lower()}.")
        return redirect("variations:detail", pk=variation.pk)
    form = RefuseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            variation = variation_refuse(variation=variation, reason=form.cleaned_data["reason"],
                                         acting_user=request.user)
        except ServiceError as error:
            form.add_error(None, str(error))
            variation = get_object_or_404(selectors.variations_with_grants(), pk=pk)
        else:
            messages.success(request, f"{variation} is refused. The grantee has been told, with your reason.")
            return redirect("variations:detail", pk=variation.pk)
    return _decision_page(request, variation, form, "variations/refuse.html")
