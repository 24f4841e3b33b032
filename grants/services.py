"""Every change to decisions and awards: proposing and confirming decisions within the ringfence, offers,
acceptance, declining and lapsing. Each runs in one transaction with its audit event."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications.models import Application, Round
from applications.selectors import applicant_status
from assessment.scoring import Ranked
from assessment.selectors import ranking_for
from core.emails import email_send_on_commit
from core.refusals import ServiceError
from core.services import audit_record
from core.state import InvalidTransition
from core.templatetags.govuk import pounds
from grants.audit import AuditAction
from grants.letters import not_funded_letter_pdf, offer_letter_pdf
from grants import tasks
from grants.models import Award, Decision, Letter, LetterBatch, LetterBatchItem, Tranche
from grants.notifications import finance_notify_payment_due, managers_notify_decisions_wait, proposer_notify_sent_back
from grants.permissions import decision_confirm_refusals, offer_closed_reason
from grants.schedule import acceptance_deadline, tranche_amounts
from grants.selectors import (
    applications_awaiting_letters,
    committed_in,
    decided_in,
    decisions_confirmed,
    not_funded_content,
    offer_content,
)

logger = logging.getLogger(__name__)


class GrantError(ServiceError):
    """A request the rules refuse; its message is written for the person who asked."""


class RingfenceExceeded(GrantError):
    pass


# Decisions ----------------------------------------------------------------------------------------------------------


# Applications a decision can be recorded on: scored, or not funded while money may still come back to the pot.
DECIDABLE = [Application.Status.SCORED, Application.Status.NOT_FUNDED]
NO_PROPOSAL = (Decision.Outcome.NOT_FUND, None)

# Decisions wait for applications to close; they stay allowed in the later stages because money freed by a declined
# or lapsed offer is shared out again after the round is decided.
DECIDING_ROUND_STATUSES = [Round.Status.CLOSED, Round.Status.ASSESSING, Round.Status.DECIDED, Round.Status.MONITORING]


def round_decision_blocker(round_: Round) -> str | None:
    """Why nothing in the round can be decided at its current stage, or None when decisions are allowed."""
    if round_.status in DECIDING_ROUND_STATUSES:
        return None
    if round_.status == Round.Status.COMPLETED:
        return "The round is completed."
    return "The round has not closed yet."


def decision_blockers(round_: Round, entry: Ranked | None) -> list[str]:
    """What must happen before an application can be decided, in words for the programme manager; empty when it
    can be. `entry` is the application's place in the round's ranking (`round_ranked`), None when it is not there:
    its flags say how many scores are in and which criteria need moderation."""
    blockers = [blocker] if (blocker := round_decision_blocker(round_)) else []
    return blockers + (entry.flags if entry else ["It has not been scored."])


def round_ranked(round_: Round) -> list[Ranked]:
    """The whole round in rank order, as the decisions read it: every application's place, amount, status and flags,
    without the per-criterion scores they do not need."""
    return list(ranking_for(round_, scores=False))


def ranked_entry(ranked: list[Ranked], application: Application) -> Ranked | None:
    return next((entry for entry in ranked if entry.application_id == application.pk), None)


def _refuse_if_blocked(application: Application, blockers: list[str]) -> None:
    if blockers:
        raise GrantError(f"{application} cannot be decided yet. " + " ".join(
            blocker if blocker.endswith(".") else blocker + "." for blocker in blockers
        ))


def decision_proposals(round_: Round, *, ranked: list | None = None) -> dict[int, tuple[str, Decimal | None]]:
    """Funds ranked applications in rank order, in full, while the ringfence has room: application id -> proposal.

    Money already promised to awards counts first; an application that does not fit is proposed not to be funded,
    and a smaller one further down may still fit. Only those the ranking's running total counts take up room: one
    still waiting for scores or moderation holds no money, as the ranking page shows. `ranked` is the round's
    ranking (`round_ranked`) when the caller has read it already: reading it is most of the work.
    """
    room = round_.budget - committed_in(round_)
    proposals = {}
    if ranked is None:
        ranked = round_ranked(round_)
    for entry in ranked:
        if entry.running_total is None or entry.application.status not in DECIDABLE:
            continue
        if entry.amount_requested <= room:
            proposals[entry.application_id] = (Decision.Outcome.FUND, entry.amount_requested)
            room -= entry.amount_requested
        else:
            proposals[entry.application_id] = (Decision.Outcome.NOT_FUND, None)
    return proposals


def decision_record(
    *, application: Application, outcome: str, amount: Decimal | None, reason: str, acting_user: User,
    ranked: list[Ranked] | None = None,
) -> Decision:
    """Records one manager's decision. Anything other than the ranking's proposal needs a written reason.

    The round is ranked before the application's row is locked, not while the lock is held, or `ranked` is its
    ranking when the caller has just read it: the lock protects only this application's status.
    """
    round_ = Round.objects.get(pk=application.round_id)  # its stage as it is now, not as the caller last read it
    if ranked is None:
        ranked = round_ranked(round_)
    _refuse_if_blocked(application, decision_blockers(round_, ranked_entry(ranked, application)))
    proposal = decision_proposals(round_, ranked=ranked).get(application.pk, NO_PROPOSAL)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        decision = _decision_save(application, proposal, outcome=outcome, amount=amount, reason=reason,
                                  acting_user=acting_user)
        managers_notify_decisions_wait(round_=round_, proposer=acting_user)
        return decision


@dataclass(frozen=True)
class ProposalsRecorded:
    """What recording the ranking's proposals did: how many it recorded, and each ranked application still undecided
    (by reference) with what it needs before it can be decided."""

    recorded: int
    left: dict[str, list[str]]


def decisions_accept_proposals(*, round_: Round, acting_user: User) -> ProposalsRecorded:
    """Records the ranking's proposal for every ranked application not yet decided that can be decided now.

    The round is ranked once, and every decision is recorded in one transaction under the same row locks that
    `decision_record` takes, so either all of them are recorded or, if one is refused, none is.
    """
    ranked = round_ranked(round_)
    proposals = decision_proposals(round_, ranked=ranked)
    ranked = [entry for entry in ranked if entry.rank]
    blockers = {entry.application_id: decision_blockers(round_, entry) for entry in ranked}
    with transaction.atomic():
        undecided = (
            Application.objects.select_for_update().filter(round=round_, status__in=DECIDABLE)
            .exclude(pk__in=Decision.objects.filter(application__round=round_).values("application_id"))
            .order_by("pk")
        )
        applications = [
            application for application in undecided if application.pk in proposals and not blockers[application.pk]
        ]
        for application in applications:
            outcome, amount = proposal = proposals[application.pk]
            _decision_save(application, proposal, outcome=outcome, amount=amount, reason="", acting_user=acting_user)
        if applications:
            managers_notify_decisions_wait(round_=round_, proposer=acting_user)
        decided = decided_in(round_)
        return ProposalsRecorded(recorded=len(applications), left={
            entry.application.reference: blockers[entry.application_id] for entry in ranked
            if blockers[entry.application_id] and entry.application_id not in decided
        })


def _decision_save(
    application: Application, proposal: tuple, *, outcome: str, amount: Decimal | None, reason: str, acting_user: User
) -> Decision:
    """Checks and saves one decision on an application whose row the caller has locked."""
    if application.status not in DECIDABLE:
        raise GrantError(f"{application} cannot be decided now: it is {application.get_status_display().lower()}.")
    if Award.objects.filter(application=application).exists():
        raise GrantError(f"{application} already has an award.")
    proposed_outcome, proposed_amount = proposal
    if outcome == Decision.Outcome.FUND:
        if amount is None or amount <= 0:
            raise GrantError("Enter the amount to offer.")
        if amount > application.amount_requested:
            raise GrantError(f"You cannot offer more than the {pounds(application.amount_requested)} asked for.")
    else:
        amount = None
    departs = (outcome, amount) != (proposed_outcome, proposed_amount)
    if departs and not reason.strip():
        raise GrantError("Give a reason: this decision is different from what the ranking proposes.")
    # One sent back, or a confirmed decision not to fund made again, is proposed afresh for a second manager.
    decision = Decision.objects.filter(application=application).first() or Decision(application=application)
    if decision.pk and decision.status != Decision.Status.PROPOSED:
        decision.transition_to(Decision.Status.PROPOSED)
    decision.outcome, decision.amount, decision.reason = outcome, amount, reason.strip()
    decision.proposed_outcome, decision.proposed_amount = proposed_outcome, proposed_amount
    decision.decided_by, decision.confirmed_by, decision.confirmed_at = acting_user, None, None
    decision.save()
    if amount:
        audit_record(acting_user=acting_user, action=AuditAction.FUNDING_PROPOSED, target=application,
                     to_state=decision.get_outcome_display(), reason=reason, data={"amount": amount})
    else:
        audit_record(acting_user=acting_user, action=AuditAction.NOT_FUNDING_PROPOSED, target=application,
                     to_state=decision.get_outcome_display(), reason=reason)
    return decision


def decision_confirm(
    *, decision: Decision, acting_user: User, proposed_at: datetime, ranked: list | None = None
) -> Decision:
    """A second programme manager confirms: a funded application gets its offer within the ringfence.

    `proposed_at` is when the decision they looked at was proposed: one proposed again since then (another amount,
    another outcome) is not what they checked, so it is refused rather than confirmed unseen. An application that
    can no longer be decided (a score added or moderation asked for since) is refused too; the round is ranked for
    that before any row is locked, or `ranked` is its ranking when the caller confirms several decisions at once.
    """
    application = decision.application
    round_ = Round.objects.get(pk=application.round_id)
    if ranked is None:
        ranked = round_ranked(round_)
    blockers = decision_blockers(round_, ranked_entry(ranked, application))
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("application__round").get(pk=decision.pk)
        if decision.status == Decision.Status.CONFIRMED:
            return decision
        _refuse_if_not_as_shown(decision, proposed_at, acting_user)
        application = decision.application
        _refuse_if_blocked(application, blockers)
        if decision.outcome == Decision.Outcome.FUND:
            award_offer(application=application, amount=decision.amount, acting_user=acting_user)
        else:
            previous = application.transition_to(Application.Status.NOT_FUNDED)
            application.save(update_fields=["status", "updated_at"])
            audit_record(acting_user=acting_user, action=AuditAction.NOT_FUNDING_CONFIRMED, target=application,
                         from_state=previous, to_state=application.status, reason=decision.reason)
        decision.transition_to(Decision.Status.CONFIRMED)
        decision.confirmed_by = acting_user
        decision.confirmed_at = timezone.now()
        decision.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        return decision


def decision_send_back(*, decision: Decision, reason: str, acting_user: User, proposed_at: datetime) -> Decision:
    """A second programme manager sends a proposed decision back to be revised, saying why. Nothing is offered;
    the decisions page shows the reason, and the decision waits for someone to propose it again.

    The same four-eyes rule as confirming applies, and, as there, only the decision as it was shown can be sent back.
    """
    if not reason.strip():
        raise GrantError("Say why you are sending the decision back.")
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("application").get(pk=decision.pk)
        _refuse_if_not_as_shown(decision, proposed_at, acting_user)
        previous = decision.transition_to(Decision.Status.SENT_BACK)
        decision.sent_back_by, decision.sent_back_at = acting_user, timezone.now()
        decision.sent_back_reason = reason.strip()
        # Not saved whole: `decided_at` stays the moment it was proposed.
        decision.save(update_fields=["status", "sent_back_by", "sent_back_at", "sent_back_reason"])
        audit_record(acting_user=acting_user, action=AuditAction.DECISION_SENT_BACK, target=decision.application,
                     from_state=previous, to_state=decision.status, reason=decision.sent_back_reason)
        proposer_notify_sent_back(decision)
        return decision


def _refuse_if_not_as_shown(decision: Decision, proposed_at: datetime, acting_user: User) -> None:
    """Refuses to check a decision (its row locked) that is no longer the one the manager was shown, or that the
    four-eyes rule keeps from them."""
    reference = decision.application.reference
    if decision.status == Decision.Status.SENT_BACK:
        raise GrantError(f"The decision on {reference} was sent back after you opened the page.")
    if decision.status == Decision.Status.CONFIRMED:
        raise GrantError(f"The decision on {reference} was confirmed after you opened the page.")
    if decision.decided_at != proposed_at:
        raise GrantError(f"The decision on {reference} was changed after you opened the page: check it again.")
    if refusal := decision_confirm_refusals(acting_user, [decision])[decision.pk]:
        raise GrantError(refusal)


# Awards -------------------------------------------------------------------------------------------------------------


def award_offer(*, application: Application, amount: Decimal, acting_user: User) -> Award:
    """Offers a grant. The round's row is locked while the ringfence is checked, so two offers at the same
    moment cannot together promise more than the budget."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=application.round_id)
        if blocker := round_decision_blocker(round_):
            raise GrantError(f"No offer can be made on {application} now. {blocker}")
        room = round_.budget - committed_in(round_)
        if amount > room:
            raise RingfenceExceeded(
                f"Offering {pounds(amount)} to {application} would go over the ringfence: only {pounds(room)} is left."
            )
        application = Application.objects.select_for_update().get(pk=application.pk)
        previous = application.transition_to(Application.Status.AWARDED)
        application.save(update_fields=["status", "updated_at"])
        # No deadline yet: the days to accept run from the offer letter, which `letter_issue` dates.
        award = Award.objects.create(application=application, round=round_, amount=amount, offered_at=timezone.now())
        audit_record(acting_user=acting_user, action=AuditAction.OFFERED, target=application,
                     from_state=previous, to_state=application.status, data={"amount": amount})
        return award


# Apps built on top of grants (monitoring) add functions here to act on an acceptance in the same transaction.
# Grants never imports them: they register themselves when Django starts (see monitoring.apps).
ACCEPTANCE_HOOKS: list = []


def award_accept(*, award: Award, name: str, role: str, acting_user: User) -> Award:
    """The grantee accepts, once the offer letter is issued and before its deadline; the payment schedule is set and
    the first part falls due."""
    with transaction.atomic():
        award = Award.objects.select_for_update().select_related("round", "application").get(pk=award.pk)
        now = timezone.now()
        _refuse_unless_open(award, now)
        if award.status != Award.Status.OFFERED:
            # Only an offer is accepted: a suspended grant may go back to accepted, but by lifting the suspension.
            raise InvalidTransition(award, Award.Status.ACCEPTED)
        previous = award.transition_to(Award.Status.ACCEPTED)
        award.accepted_at, award.accepted_by, award.accepted_amount = now, acting_user, award.amount
        award.acceptor_name, award.acceptor_role = name, role
        award.starts_on = timezone.localdate()
        award.ends_on = award.starts_on + relativedelta(months=3 * award.round.quarters) - timedelta(days=1)
        award.save()
        schedule = award.round.tranche_schedule
        amounts = tranche_amounts(award.amount, [Decimal(part["share"]) for part in schedule])
        for number, (part, amount) in enumerate(zip(schedule, amounts), start=1):
            on_acceptance = part["after"] == "acceptance"
            tranche = Tranche.objects.create(
                award=award, number=number, share=Decimal(part["share"]), amount=amount, after=part["after"],
                after_quarter=part.get("quarter"), status=Tranche.Status.DUE if on_acceptance else Tranche.Status.SCHEDULED,
                due_at=now if on_acceptance else None, idempotency_key=f"tranche-{award.reference}-{number}",
            )
            if on_acceptance:
                finance_notify_payment_due(tranche)
        audit_record(acting_user=acting_user, action=AuditAction.OFFER_ACCEPTED, target=award, from_state=previous,
                     to_state=award.status, reason=f"{name}, {role}")
        for hook in ACCEPTANCE_HOOKS:
            hook(award=award, acting_user=acting_user)
        return award


def tranche_make_due(*, award: Award, quarter: int, acting_user: User) -> Tranche | None:
    """Makes the tranche that waits for a quarter's return due for finance to pay, if there is one."""
    with transaction.atomic():
        tranche = Tranche.objects.select_for_update().filter(
            award=award, after="return", after_quarter=quarter, status=Tranche.Status.SCHEDULED
        ).first()
        if tranche is None:
            return None
        previous = tranche.transition_to(Tranche.Status.DUE)
        tranche.due_at = timezone.now()
        tranche.save(update_fields=["status", "due_at"])
        audit_record(acting_user=acting_user, action=AuditAction.TRANCHE_DUE, target=tranche,
                     from_state=previous, to_state=tranche.status, data={"quarter": quarter})
        finance_notify_payment_due(tranche)
        return tranche


def _refuse_unless_open(award: Award, now: datetime) -> None:
    """An open offer can be answered only once its letter is issued and until its deadline. An offer no longer open
    is left to its status machine, which refuses the move as a second click."""
    if award.status != Award.Status.OFFERED:
        return
    if reason := offer_closed_reason(award):
        raise GrantError(reason)
    if now > award.accept_by:
        raise GrantError("The deadline to accept this offer has passed.")


def award_decline(*, award: Award, reason: str, acting_user: User) -> Award:
    with transaction.atomic():
        award = Award.objects.select_for_update(of=("self",)).select_related("application").get(pk=award.pk)
        _refuse_unless_open(award, timezone.now())
        previous = award.transition_to(Award.Status.DECLINED)
        award.declined_reason = reason
        award.save(update_fields=["status", "declined_reason"])
        audit_record(acting_user=acting_user, action=AuditAction.OFFER_DECLINED, target=award, from_state=previous,
                     to_state=award.status, reason=reason)
        return award


def awards_lapse(*, now=None) -> int:
    """Lapses every offer past its deadline; their money returns to the ringfence. Safe to run as often as wanted."""
    now = now or timezone.now()
    lapsed = 0
    for award in Award.objects.filter(status=Award.Status.OFFERED, accept_by__lt=now):
        with transaction.atomic():
            award = Award.objects.select_for_update().get(pk=award.pk)
            if award.status != Award.Status.OFFERED:
                continue
            previous = award.transition_to(Award.Status.LAPSED)
            award.save(update_fields=["status"])
            audit_record(acting_user=None, action=AuditAction.OFFER_LAPSED, target=award, from_state=previous,
                         to_state=award.status)
            lapsed += 1
    return lapsed



# Letters ------------------------------------------------------------------------------------------------------------


def letter_issue(*, application: Application, acting_user: User | None, site_url: str, correction_reason: str = ""):
    """Issues the decision letter (offer or not funded) in standard and large print, each stored with its
    SHA-256 checksum. An issued letter never changes: issuing again is a correction, a new version with a reason.

    The letter is what tells the organisation: from now on the applicant sees the decision, and the first offer
    letter starts the days to accept. A correction keeps the deadline the first letter gave."""
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("round", "organisation").get(pk=application.pk)
        # Only the award's own row: the round's stays free for the other letters being made at the same time.
        award = (Award.objects.select_for_update(of=("self",)).filter(application=application)
                 .select_related("round", "application__organisation").first())
        if award is None and application.status != Application.Status.NOT_FUNDED:
            raise GrantError(f"{application} has no confirmed decision to write to them about.")
        kind = Letter.Kind.OFFER if award is not None else Letter.Kind.NOT_FUNDED
        previous = Letter.objects.filter(application=application, kind=kind).order_by("-version").first()
        if previous and not correction_reason.strip():
            raise GrantError("This letter has been issued. To correct it, give a reason: it will be a new version.")
        issued_at = timezone.now()
        if award is not None:
            if award.accept_by is None:
                award.accept_by = acceptance_deadline(issued_at, award.round.offer_acceptance_days)
                award.save(update_fields=["accept_by"])
            content, render = offer_content(award, dated=timezone.localdate(issued_at)), offer_letter_pdf
        else:
            content = not_funded_content(application, dated=timezone.localdate(issued_at))
            render = not_funded_letter_pdf
        application.decision_sent = (
            Application.Status.AWARDED if kind == Letter.Kind.OFFER else Application.Status.NOT_FUNDED
        )
        application.save(update_fields=["decision_sent"])
        letters = letters_store(application=application, kind=kind, version=previous.version + 1 if previous else 1,
                                pdf_of=partial(render, content), correction_reason=correction_reason,
                                acting_user=acting_user)
        for membership in application.organisation.memberships.select_related("user"):
            email_send_on_commit(
                to=membership.user.email,
                subject=f"A letter about your application {application.reference}",
                template="grants/emails/letter_issued.txt",
                context={"application": application, "person": membership.user, "kind": kind,
                         "status": applicant_status(application).label,
                         "letters_url": site_url + reverse("grants:letters", kwargs={"pk": application.pk})},
            )
        return letters


def letters_store(
    *, application: Application, kind: str, version: int, pdf_of, correction_reason: str = "", acting_user: User | None
) -> list[Letter]:
    """Stores a letter in standard and large print, each with its SHA-256 checksum, and audits its issue.
    `pdf_of(large_print=...)` makes the PDF."""
    letters = []
    for large_print in (False, True):
        pdf = pdf_of(large_print=large_print)
        name = f"{application.reference}-{kind}-v{version}{'-large-print' if large_print else ''}.pdf"
        letters.append(Letter.objects.create(
            application=application, kind=kind, version=version, large_print=large_print,
            file=ContentFile(pdf, name=name), checksum=hashlib.sha256(pdf).hexdigest(),
            correction_reason=correction_reason.strip(), issued_by=acting_user,
        ))
    audit_record(acting_user=acting_user, action=AuditAction.LETTER_ISSUED, target=application,
                 to_state=kind, reason=correction_reason, data={"version": version})
    return letters


def letter_batch_start(*, round_: Round, acting_user: User, site_url: str) -> LetterBatch:
    """Takes the confirmed decisions still without a letter into a batch, and queues one task for each letter once
    the batch is committed: any number of workers share them out, and `letter_batch_item_issue` does each.

    With nothing waiting (a page left open while someone else issued the letters) no batch is made: an empty one
    would only say that nothing happened."""
    with transaction.atomic():
        applications = list(applications_awaiting_letters(round_))
        if not applications:
            raise GrantError("There are no letters to issue: " + (
                "every confirmed decision already has its letter." if decisions_confirmed(round_).exists()
                else "no decisions have been confirmed yet."
            ))
        batch = LetterBatch.objects.create(round=round_, started_by=acting_user)
        items = LetterBatchItem.objects.bulk_create(
            LetterBatchItem(batch=batch, application=application) for application in applications
        )
        for item in items:
            transaction.on_commit(partial(tasks.issue_batch_letter.enqueue, item_pk=item.pk, site_url=site_url))
        return batch


def letter_failure_reason(error: Exception) -> str:
    """Why a letter could not be made, in words a programme manager can act on; the traceback goes to the log."""
    if isinstance(error, ServiceError):
        return str(error)
    if isinstance(error, OperationalError):
        return "The database was busy and the letter could not be saved. Nothing was sent. Try again."
    if isinstance(error, OSError):
        return "The letter's file could not be stored. Nothing was sent. Try again; if it fails again, ask your " \
               "technical team to check the space for uploaded files."
    return "Something went wrong in the service while making the letter. Nothing was sent. Try again; if it fails " \
           "again, ask your technical team to look in the service's log."


def letter_batch_retry_failed(*, batch: LetterBatch, acting_user: User, site_url: str) -> int:
    """Queues the batch's failed letters again, each through the task queue as before; returns how many."""
    with transaction.atomic():
        failed = list(
            LetterBatchItem.objects.select_for_update().filter(batch=batch, outcome=LetterBatchItem.Outcome.FAILED)
        )
        if not failed:
            raise GrantError("There are no failed letters to try again: they may have been retried already.")
        for item in failed:
            item.outcome, item.failure, item.settled_at = LetterBatchItem.Outcome.WAITING, "", None
            item.save(update_fields=["outcome", "failure", "settled_at"])
            transaction.on_commit(partial(tasks.issue_batch_letter.enqueue, item_pk=item.pk, site_url=site_url))
        audit_record(acting_user=acting_user, action=AuditAction.LETTERS_RETRIED, target=batch,
                     data={"count": len(failed)})
        return len(failed)


def letter_batch_item_issue(*, item_pk: int, site_url: str) -> LetterBatchItem:
    """Issues one letter of a batch and settles its outcome in the same transaction. Safe to run again: a task
    whose worker was killed is queued again, and finds its letter issued and its outcome settled."""
    with transaction.atomic():
        item = LetterBatchItem.objects.select_for_update().select_related("batch").get(pk=item_pk)
        if item.outcome != LetterBatchItem.Outcome.WAITING:
            return item
        # Another batch's task for the same application waits here until that one's letter is committed.
        application = Application.objects.select_for_update().get(pk=item.application_id)
        kind = Letter.Kind.OFFER if Award.objects.filter(application=application).exists() else Letter.Kind.NOT_FUNDED
        if Letter.objects.filter(application=application, kind=kind).exists():
            item.outcome = LetterBatchItem.Outcome.ALREADY_ISSUED
        else:
            try:
                with transaction.atomic():
                    letter_issue(application=application, acting_user=item.batch.started_by, site_url=site_url)
                item.outcome = LetterBatchItem.Outcome.ISSUED
            except Exception as error:  # noqa: BLE001 - one bad letter must not stop the rest; it is counted and logged
                logger.exception("Could not issue the letter for %s", application)
                item.outcome, item.failure = LetterBatchItem.Outcome.FAILED, letter_failure_reason(error)
        item.settled_at = timezone.now()
        item.save(update_fields=["outcome", "failure", "settled_at"])
        return item
