"""Pages for decisions and letters (programme managers) and for offers (grantees)."""

from datetime import datetime, timedelta

import stripe
from django.contrib import messages
from django.db.models import Max
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import is_applicant, role_required
from applications import selectors as application_selectors
from applications.models import Round
from assessment.scoring import moderation_state
from core.paging import page_of
from assessment.selectors import criterion_scores_for, criterion_scores_of
from core.performance import without_cyclic_gc
from core.forms import embed_in_page_form
from core.services import export_start
from core.templatetags.govuk import pounds
from grants import selectors
from grants.exports import GIVING360, GIVING360_FORMATS, LEDGER
from grants.clawbacks import (
    clawable_from,
    clawback_confirm,
    clawback_propose,
    clawback_refuse,
    repayment_record,
)
from grants.forms import (
    AcceptForm,
    BacsPaymentForm,
    ClawbackForm,
    ClawbackRefuseForm,
    CorrectionForm,
    DeclineForm,
    DecisionForm,
    RepaymentForm,
    ResumeForm,
    SendBackForm,
    SuspendForm,
)
from grants.models import Award, Clawback, ConnectedAccount, Decision, Letter, LetterBatch, Tranche
from grants.payments import (
    BadWebhook,
    connected_account_link,
    connected_account_refresh,
    rail_for,
    stripe_enabled,
    tranche_record_bacs,
    tranche_release_stripe,
    webhook_receive,
)
from grants.permissions import (
    can_manage_payout_account,
    can_read_letter,
    can_respond_to_offer,
    clawback_check_refusal,
    decision_confirm_refusals,
    offer_closed_reason,
)
from grants.suspensions import award_resume, award_suspend
from grants.services import (
    GrantError,
    award_accept,
    award_decline,
    committed_in,
    decision_blockers,
    decision_confirm,
    decision_proposals,
    decision_record,
    decision_send_back,
    decisions_accept_proposals,
    letter_batch_retry_failed,
    letter_batch_start,
    letter_issue,
    ranked_entry,
    round_decision_blocker,
    round_ranked,
)


# As many rows as the ranking shows on a page: the time a page takes then grows only as ranking the round does.

WORKER_EXPECTED_WITHIN = timedelta(minutes=2)

# How many of the applications left undecided the message after recording proposals names; the table shows them all.
LEFT_UNDECIDED_NAMED = 10

# Money owed back is rare: the payments page lists this many, oldest first, and says if there are more.
OWED_LISTED = 50


def site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# Programme managers -------------------------------------------------------------------------------------------------


@role_required(Role.PROGRAMME_MANAGER)
@without_cyclic_gc
def decisions(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    if request.method == "POST":
        result = decisions_accept_proposals(round_=round_, acting_user=request.user)
        messages.success(request, f"{count_of(result.recorded, 'proposed decision')} recorded. Another programme "
                                  f"manager must now confirm {'it' if result.recorded == 1 else 'them'}.")
        if result.left:
            named = list(result.left.items())[:LEFT_UNDECIDED_NAMED]
            more = len(result.left) - len(named)
            messages.info(request, f"{len(result.left)} left undecided: " + " ".join(
                f"{reference}: {'; '.join(blockers)}." for reference, blockers in named
            ) + (f" And {more} more: the table says what each still needs." if more else ""))
        return redirect("grants:decisions", pk=round_.pk)
    ranked = round_ranked(round_)
    proposals = decision_proposals(round_, ranked=ranked)
    ranked = [entry for entry in ranked if entry.rank]
    decided = selectors.decided_in(round_)
    blockers = {entry.application_id: decision_blockers(round_, entry) for entry in ranked}
    page = page_of(request, ranked)
    recorded = selectors.decisions_for([entry.application_id for entry in page.object_list])
    rows = [
        {"entry": entry, "proposal": proposals.get(entry.application_id), "decision": recorded.get(entry.application_id),
         "blockers": blockers[entry.application_id]}
        for entry in page.object_list
    ]
    committed = committed_in(round_)
    return render(request, "grants/decisions.html", {
        "round": round_, "rows": rows, "page": page, "committed": committed, "remaining": round_.budget - committed,
        "round_blocker": round_decision_blocker(round_),
        "undecided": sum(
            1 for entry in ranked if entry.application_id not in decided and not blockers[entry.application_id]
        ),
    })


@role_required(Role.PROGRAMME_MANAGER)
def decide(request, pk: int):
    application = application_selectors.application_for_review(pk)
    form = DecisionForm(request.POST or None)
    # Ranked once, for recording the decision and for showing the page again if it is refused.
    ranked = round_ranked(application.round)
    if request.method == "POST" and form.is_valid():
        try:
            decision_record(application=application, outcome=form.cleaned_data["outcome"],
                            amount=form.cleaned_data["amount"], reason=form.cleaned_data["reason"],
                            acting_user=request.user, ranked=ranked)
        except GrantError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Decision on {application} saved. Another programme manager must confirm it.")
            return redirect("grants:decisions", pk=application.round_id)
    blockers = decision_blockers(application.round, ranked_entry(ranked, application))
    proposal = decision_proposals(application.round, ranked=ranked).get(application.pk)
    existing = Decision.objects.filter(application=application).select_related("sent_back_by").first()
    if not form.is_bound:
        form.initial = {"outcome": existing.outcome, "amount": existing.amount, "reason": existing.reason} if existing else (
            {"outcome": proposal[0], "amount": proposal[1]} if proposal and not blockers else {}
        )
    return render(request, "grants/decide.html", {
        "application": application, "form": form, "proposal": proposal, "blockers": blockers, "existing": existing,
    })


@role_required(Role.PROGRAMME_MANAGER)
def confirm(request, pk: int):
    """The second programme manager's check: each decision with what it rests on, confirmed one at a time or all
    at once as shown, or sent back with a reason (`send_back`)."""
    round_ = get_object_or_404(Round, pk=pk)
    waiting = list(selectors.decisions_awaiting_confirmation(round_))
    refusals = decision_confirm_refusals(request.user, waiting)
    mine = [decision for decision in waiting if decision.decided_by_id == request.user.pk]
    theirs = [decision for decision in waiting if refusals[decision.pk] is None]
    # Someone else's decision that this manager may not confirm either says why, rather than vanishing.
    held_back = [(decision, refusals[decision.pk]) for decision in waiting if refusals[decision.pk] and decision not in mine]
    # Ranked once for all of them: the page shows each one's place, and each confirmation checks its application
    # is still fully scored.
    ranked = round_ranked(round_)
    if request.method == "POST":
        # Only what the page showed is confirmed, as it was shown: a decision proposed or changed since waits.
        shown = decisions_shown(request.POST.getlist("shown"))
        confirmed, problems = 0, []
        for decision in theirs:
            if decision.pk not in shown:
                # Confirming all of them, the manager is told of one they did not see; one row's button is for it alone.
                if "all" in request.POST:
                    problems.append(f"The decision on {decision.application.reference} was proposed after you "
                                    "opened the page: check it below before you confirm it.")
                continue
            try:
                decision_confirm(decision=decision, acting_user=request.user, proposed_at=shown[decision.pk],
                                 ranked=ranked)
                confirmed += 1
            except GrantError as error:
                problems.append(str(error))
        for problem in problems:
            messages.error(request, problem)
        if confirmed:
            messages.success(request, f"{count_of(confirmed, 'decision')} confirmed. You can now issue the letters.")
        elif not problems:
            messages.info(request, "There was nothing left to confirm: the decisions on the page were confirmed or "
                                   "sent back before.")
        return redirect("grants:confirm", pk=round_.pk)
    entries = {entry.application_id: entry for entry in ranked}
    scores = criterion_scores_for(round_, application_ids=[decision.application_id for decision in theirs])
    criteria = list(round_.criteria.order_by("position", "id"))
    rows = [
        {"decision": decision, "entry": entries.get(decision.application_id),
         "moderation": moderation_state(criterion_scores_of(criteria, scores.get(decision.application_id, {})),
                                        round_.moderation_threshold)
         if decision.application_id in entries else "Not scored"}
        for decision in theirs
    ]
    return render(request, "grants/confirm.html", {
        "round": round_, "rows": rows, "theirs": theirs, "mine": mine, "held_back": held_back,
    })


def count_of(number: int, noun: str) -> str:
    """1 decision, 2 decisions."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@role_required(Role.PROGRAMME_MANAGER)
def send_back(request, pk: int):
    decision = get_object_or_404(selectors.decisions_with_people(), pk=pk)
    confirm_url = reverse("grants:confirm", kwargs={"pk": decision.application.round_id})
    if decision.status != Decision.Status.PROPOSED:
        messages.info(request, f"The decision on {decision.application.reference} is not waiting to be checked: it "
                               f"is {decision.get_status_display().lower()}.")
        return redirect(confirm_url)
    if refusal := decision_confirm_refusals(request.user, [decision])[decision.pk]:
        messages.error(request, refusal)
        return redirect(confirm_url)
    form = SendBackForm(request.POST or None, initial={"shown": f"{decision.pk}@{decision.decided_at.isoformat()}"})
    if request.method == "POST" and form.is_valid():
        shown = decisions_shown([form.cleaned_data["shown"]])
        try:
            if decision.pk not in shown:
                raise GrantError(f"The decision on {decision.application.reference} was changed after you opened "
                                 "the page: check it again.")
            decision_send_back(decision=decision, reason=form.cleaned_data["reason"], acting_user=request.user,
                               proposed_at=shown[decision.pk])
        except GrantError as error:
            form.add_error(None, str(error))
            # The page now shows the decision as it is: sending that back is what the next press asks for.
            form.data["shown"] = f"{decision.pk}@{decision.decided_at.isoformat()}"
        else:
            messages.success(request, f"The decision on {decision.application.reference} was sent back to "
                                      f"{decision.decided_by.full_name} with your reason.")
            return redirect(confirm_url)
    return render(request, "grants/send_back.html", {"decision": decision, "form": form, "confirm_url": confirm_url})


def decisions_shown(values: list[str]) -> dict[int, datetime]:
    """The decisions a confirmation page showed, each posted as `id@when it was proposed`; anything else is ignored."""
    shown = {}
    for value in values:
        pk, _, proposed_at = value.partition("@")
        try:
            shown[int(pk)] = datetime.fromisoformat(proposed_at)
        except ValueError:
            continue
    return shown


@role_required(Role.PROGRAMME_MANAGER)
def letters_for_round(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    if request.method == "POST":
        try:
            batch = letter_batch_start(round_=round_, acting_user=request.user, site_url=site_url(request))
        except GrantError as error:
            messages.info(request, str(error))
            return redirect("grants:letters_for_round", pk=round_.pk)
        return redirect("grants:letter_batch", pk=batch.pk)
    return render(request, "grants/letters_for_round.html", {
        "round": round_, "waiting": selectors.applications_awaiting_letters(round_),
        # Asked only when nothing is waiting, to tell "all done" from "nothing confirmed yet".
        "confirmed": selectors.decisions_confirmed(round_),
        "batches": selectors.letter_batches_with_progress().filter(round=round_)[:5],
    })


@role_required(Role.PROGRAMME_MANAGER)
def letter_batch(request, pk: int):
    batch = get_object_or_404(selectors.letter_batches_with_progress(), pk=pk)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"done": batch.done, "failed": batch.failed, "total": batch.total,
                             "finished": not batch.waiting, "message": batch_progress(batch)})
    # Tasks start within seconds while a worker runs: a batch untouched for longer suggests none is running.
    unstarted = batch.waiting == batch.total > 0 and timezone.now() - batch.started_at > WORKER_EXPECTED_WITHIN
    page = page_of(request, selectors.letter_batch_failures(batch))
    return render(request, "grants/letter_batch.html", {
        "batch": batch, "unstarted": unstarted, "progress": batch_progress(batch), "page": page,
        "failures": page.object_list,
    })


def _letters(count: int) -> str:
    return "letter" if count == 1 else "letters"


def batch_progress(batch) -> str:
    """Where a batch stands, in words that fit it: still going, finished with failures, or finished."""
    done, failed, total = batch.done, batch.failed, batch.total
    if not total:
        return "This batch had no letters to issue."
    if batch.waiting:
        so_far = f" {failed} could not be made so far." if failed else ""
        return f"{done} of {total} {_letters(total)} issued so far.{so_far}"
    if failed:
        return (f"Finished: {done} of {total} {_letters(total)} issued. {failed} could not be made: see why below, "
                "then try again.")
    return f"Finished: {done} of {total} {_letters(total)} issued."


@role_required(Role.PROGRAMME_MANAGER)
@require_POST
def letter_batch_retry(request, pk: int):
    batch = get_object_or_404(LetterBatch, pk=pk)
    try:
        count = letter_batch_retry_failed(batch=batch, acting_user=request.user, site_url=site_url(request))
    except GrantError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, f"{count} {'letter' if count == 1 else 'letters'} queued to be made again.")
    return redirect("grants:letter_batch", pk=batch.pk)


@role_required(Role.PROGRAMME_MANAGER)
def letter_correct(request, pk: int):
    application = application_selectors.application_for_review(pk)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            letter_issue(application=application, acting_user=request.user, site_url=site_url(request),
                         correction_reason=form.cleaned_data["reason"])
        except GrantError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"A corrected letter for {application} has been issued.")
            return redirect("grants:letters", pk=application.pk)
    return render(request, "grants/letter_correct.html", {"application": application, "form": form})


# Letters, for the organisation and the funder ----------------------------------------------------------------------


@role_required(Role.APPLICANT, Role.PROGRAMME_MANAGER)
def letters(request, pk: int):
    if is_applicant(request.user):
        application = application_selectors.application_for_member_or_404(request.user, pk)
    else:
        application = application_selectors.application_for_review(pk)
    return render(request, "grants/letters.html", {
        "application": application, "letters": selectors.letters_of(application),
        "award": Award.objects.filter(application=application).select_related("application__organisation").first(),
        "applicant_view": is_applicant(request.user),
    })


@role_required(Role.APPLICANT, Role.PROGRAMME_MANAGER)
def letter_download(request, pk: int):
    letter = get_object_or_404(Letter.objects.select_related("application__organisation"), pk=pk)
    if not can_read_letter(request.user, letter):
        raise Http404
    return FileResponse(letter.file.open("rb"), content_type="application/pdf",
                        filename=letter.file.name.rsplit("/", 1)[-1])


# Grantees -----------------------------------------------------------------------------------------------------------


@role_required(Role.APPLICANT)
def award_detail(request, pk: int):
    award = selectors.award_for_member_or_404(request.user, pk)
    return render(request, "grants/award.html", {
        "award": award, "letters": selectors.letters_of(award.application), "now": timezone.now(),
        "closed_reason": offer_closed_reason(award),
        "tranches": award.tranches.all(),
        "returns": award.returns.all(),
        "suspension": selectors.open_suspension(award) if award.status == Award.Status.SUSPENDED else None,
        "clawbacks": selectors.clawbacks_with_repaid(award=award, status__in=[Clawback.Status.OWED,
                                                                               Clawback.Status.REPAID]),
    })


@role_required(Role.APPLICANT)
def application_grant(request, pk: int):
    """The grant made on one of the organisation's applications, for pages that know the application, not the award."""
    return redirect("grants:award", pk=selectors.award_of_application_for_member_or_404(request.user, pk).pk)


def why_no_response(award: Award, verb: str) -> str:
    """Most often a second click, after the offer was answered, or a visit before the offer letter is issued."""
    return offer_closed_reason(award) or f"Only an owner of the organisation can {verb} an open offer."


@role_required(Role.APPLICANT)
def award_accept_view(request, pk: int):
    award = selectors.award_for_member_or_404(request.user, pk)
    if not can_respond_to_offer(request.user, award):
        messages.error(request, why_no_response(award, "accept"))
        return redirect("grants:award", pk=award.pk)
    form = AcceptForm(request.POST or None, initial={"name": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            award_accept(award=award, name=form.cleaned_data["name"], role=form.cleaned_data["role"],
                         acting_user=request.user)
        except GrantError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "You have accepted the grant. We will pay the first part soon.")
            return redirect("grants:award", pk=award.pk)
    return render(request, "grants/accept.html", {"award": award, "form": form})


@role_required(Role.APPLICANT)
def award_decline_view(request, pk: int):
    award = selectors.award_for_member_or_404(request.user, pk)
    if not can_respond_to_offer(request.user, award):
        messages.error(request, why_no_response(award, "decline"))
        return redirect("grants:award", pk=award.pk)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirm"]:
            award_decline(award=award, reason=form.cleaned_data["reason"], acting_user=request.user)
            messages.success(request, "You have declined the grant. Thank you for letting us know.")
        return redirect("grants:award", pk=award.pk)
    return render(request, "grants/decline.html", {"award": award, "form": form})



# After the award: suspension and clawback ---------------------------------------------------------------------------


def _staff_grant_url(award: Award) -> str:
    return reverse("monitoring:grant", kwargs={"pk": award.pk})


@role_required(Role.PROGRAMME_MANAGER)
def award_suspend_view(request, pk: int):
    return _suspension_page(
        request, pk, form_class=SuspendForm, change=award_suspend, template="grants/suspend.html",
        done="Grant {reference} is suspended: no payment will be made on it until you lift the suspension. The "
             "grantee has been told.",
    )


@role_required(Role.PROGRAMME_MANAGER)
def award_resume_view(request, pk: int):
    return _suspension_page(
        request, pk, form_class=ResumeForm, change=award_resume, template="grants/resume.html",
        done="The suspension of grant {reference} is lifted: due payments can be made again. The grantee has been "
             "told.",
        shown=lambda award: {"suspension": selectors.open_suspension(award)},
    )


def _suspension_page(request, pk: int, *, form_class, change, template: str, done: str, shown=lambda award: {}):
    """Suspending a grant or lifting its suspension: the reason, the change, and back to the grant saying what
    was `done`."""
    award = get_object_or_404(Award.objects.select_related("application__organisation"), pk=pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change(award=award, reason=form.cleaned_data["reason"], acting_user=request.user)
        except GrantError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done.format(reference=award.reference))
            return redirect(_staff_grant_url(award))
    return render(request, template, {"award": award, "form": form, "back": _staff_grant_url(award), **shown(award)})


@role_required(Role.PROGRAMME_MANAGER)
def clawback_new(request, pk: int):
    award = get_object_or_404(Award.objects.select_related("application__organisation"), pk=pk)
    form = ClawbackForm(request.POST or None,
                        initial={"seen": award.clawbacks.aggregate(newest=Max("pk"))["newest"] or 0})
    if request.method == "POST" and form.is_valid():
        try:
            clawback = clawback_propose(award=award, amount=form.cleaned_data["amount"],
                                        reason=form.cleaned_data["reason"], acting_user=request.user,
                                        seen_up_to=form.cleaned_data["seen"])
        except GrantError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The clawback is proposed. Another programme manager must confirm it before "
                                      "the grantee is asked to pay it back.")
            return redirect("grants:clawback", pk=clawback.pk)
    return render(request, "grants/clawback_new.html", {
        "award": award, "form": form, "back": _staff_grant_url(award), "clawable": clawable_from(award),
    })


@role_required(Role.PROGRAMME_MANAGER, Role.FINANCE_OFFICER)
def clawback_detail(request, pk: int):
    """A clawback: a second programme manager confirms it or says why not; finance records what is paid back."""
    clawback = get_object_or_404(selectors.clawbacks_with_repaid(), pk=pk)
    refuse_form = embed_in_page_form(
        ClawbackRefuseForm(request.POST if request.POST.get("action") == "refuse" else None))
    refusal = None
    if request.method == "POST" and request.user.role == Role.PROGRAMME_MANAGER:
        try:
            proposed_at = datetime.fromisoformat(request.POST.get("shown", ""))
        except ValueError:
            proposed_at = None
        try:
            if proposed_at is None:
                raise GrantError("This clawback was changed after you opened the page: check it again.")
            if request.POST.get("action") == "confirm":
                clawback_confirm(clawback=clawback, proposed_at=proposed_at, acting_user=request.user)
                messages.success(request, "The clawback is confirmed: the grantee has been asked to pay it back, and "
                                          "finance told to look out for it.")
                return redirect("grants:clawback", pk=clawback.pk)
            if refuse_form.is_valid():
                clawback_refuse(clawback=clawback, proposed_at=proposed_at, reason=refuse_form.cleaned_data["reason"],
                                acting_user=request.user)
                messages.success(request, "You did not confirm the clawback: nothing is owed.")
                return redirect("grants:clawback", pk=clawback.pk)
        except GrantError as error:
            refusal = str(error)
            clawback = selectors.clawbacks_with_repaid().get(pk=pk)
    return render(request, "grants/clawback.html", {
        "clawback": clawback, "repayments": clawback.repayments.select_related("recorded_by"),
        "refuse_form": refuse_form, "refusal": refusal, "check_refusal": clawback_check_refusal(request.user, clawback),
    })


@role_required(Role.FINANCE_OFFICER)
def repayment_new(request, pk: int):
    clawback = get_object_or_404(selectors.clawbacks_with_repaid(), pk=pk)
    form = RepaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            repayment_record(clawback=clawback, amount=form.cleaned_data["amount"],
                             received_on=form.cleaned_data["received_on"],
                             bank_reference=form.cleaned_data["bank_reference"], acting_user=request.user)
        except GrantError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Repayment of {pounds(form.cleaned_data['amount'])} recorded.")
            return redirect("grants:clawback", pk=clawback.pk)
    return render(request, "grants/repayment_new.html", {"clawback": clawback, "form": form})


# Finance ------------------------------------------------------------------------------------------------------------


@role_required(Role.FINANCE_OFFICER)
def payments_due(request):
    page = page_of(request, selectors.tranches_for_finance())
    return render(request, "grants/payments.html", {
        "page": page, "tranches": page.object_list, "rounds": Round.objects.exclude(awards=None).distinct(),
        "stripe_enabled": stripe_enabled(), "owed": selectors.money_owed_to_finance()[:OWED_LISTED],
    })


@role_required(Role.FINANCE_OFFICER)
def tranche_release(request, pk: int):
    tranches = Tranche.objects.select_related("award__application__organisation")
    tranche = get_object_or_404(tranches, pk=pk)
    by_stripe = request.POST.get("route") == Tranche.Rail.STRIPE
    form = BacsPaymentForm(request.POST if request.method == "POST" and not by_stripe else None, tranche=tranche)
    refusal = None
    if request.method == "POST":
        try:
            if by_stripe:
                tranche_release_stripe(tranche=tranche, acting_user=request.user)
                messages.success(request, f"{tranche} released to the grantee's Stripe account.")
                return redirect("grants:payments")
            if form.is_valid():
                tranche_record_bacs(tranche=tranche, bank_reference=form.cleaned_data["bank_reference"],
                                    paid_on=form.cleaned_data["paid_on"], acting_user=request.user)
                messages.success(request, f"Payment of {tranche} recorded.")
                return redirect("grants:payments")
        except GrantError as error:
            refusal = str(error)
            tranche = tranches.get(pk=pk)  # as it is now, so the page shows the route that was recorded
        except stripe.StripeError:
            messages.error(request, "Stripe did not answer. Nothing has been paid twice: try again in a few minutes.")
            return redirect("grants:payments")
    rail = rail_for(tranche)
    return render(request, "grants/tranche_release.html", {
        "tranche": tranche, "rail": rail, "rail_label": Tranche.Rail(rail).label, "form": form, "refusal": refusal,
    })


@role_required(Role.FINANCE_OFFICER, Role.PROGRAMME_MANAGER)
def ledger(request, pk: int):
    """The round's money, for the whole round, above one page of its awards with their payments."""
    round_ = get_object_or_404(Round, pk=pk)
    page = page_of(request, selectors.ledger_awards(round_))
    return render(request, "grants/ledger.html", {
        "round": round_, "page": page, "awards": page.object_list,
    })


@role_required(Role.FINANCE_OFFICER, Role.PROGRAMME_MANAGER)
@require_POST
def ledger_export(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk)
    return redirect(export_start(name=LEDGER.name, parameters={"round_pk": round_.pk}, acting_user=request.user))


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe calls this; the signature, not a session, says it is Stripe."""
    try:
        webhook_receive(payload=request.body, signature=request.headers.get("Stripe-Signature"))
    except BadWebhook:
        return HttpResponse(status=400)
    return HttpResponse(status=200)


@role_required(Role.APPLICANT)
def payout_account(request, pk: int):
    award = selectors.award_for_member_or_404(request.user, pk)
    if request.method == "POST" and stripe_enabled() and can_manage_payout_account(request.user, award):
        url = connected_account_link(
            organisation=award.application.organisation, acting_user=request.user,
            refresh_url=request.build_absolute_uri(), return_url=request.build_absolute_uri("done/"),
        )
        return redirect(url)
    return render(request, "grants/payout_account.html", {
        "award": award, "stripe_enabled": stripe_enabled(),
        "account": ConnectedAccount.objects.filter(organisation=award.application.organisation).first(),
    })


@role_required(Role.APPLICANT)
def payout_account_done(request, pk: int):
    award = selectors.award_for_member_or_404(request.user, pk)
    if stripe_enabled():
        account = connected_account_refresh(organisation=award.application.organisation)
        if account and account.transfers_enabled:
            messages.success(request, "Your payout account is ready. We will pay your grant into it.")
        else:
            messages.info(request, "Stripe has not finished checking your account yet. We will pay you once it has.")
    return redirect("grants:payout_account", pk=award.pk)


@role_required(Role.PROGRAMME_MANAGER)
@require_POST
def three_sixty_giving_export(request, pk: int, file_format: str):
    round_ = get_object_or_404(Round, pk=pk)
    if file_format not in GIVING360_FORMATS:
        raise Http404
    export = export_start(name=GIVING360.name, parameters={"round_pk": round_.pk, "file_format": file_format},
                          acting_user=request.user)
    return redirect(export)
