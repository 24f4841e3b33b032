"""Who may act on decisions, awards and letters; views, services and templates ask these, never the models."""

from datetime import datetime

import rules

from accounts.models import Role
from accounts.permissions import is_finance_officer, is_programme_manager
from accounts.selectors import role_held_since
from applications.models import Application
from applications.permissions import is_member, is_owner
from grants.models import Award, Clawback, Decision, Letter


OFFER_LETTER_PENDING = "Your offer letter is being prepared. You can accept the offer once it has been issued."


def offer_letter_issued(award: Award) -> bool:
    """Whether the offer letter has told the organisation of its grant. `letter_issue` records the decision each
    letter sends, so this reads the application rather than looking for the letter; `AwardQuerySet.told` is the
    same rule as a query."""
    return award.application.decision_sent == Application.Status.AWARDED


def offer_closed_reason(award: Award) -> str | None:
    """Why nobody can accept or decline this offer now, in words for the grantee; None while it is open to answer.

    An offer is answered on the strength of its letter, which sets out the conditions and the deadline: until the
    letter is issued there is nothing to accept.
    """
    if award.status != Award.Status.OFFERED:
        return f"This offer is no longer open: the grant is {award.get_status_display().lower()}."
    if not offer_letter_issued(award):
        return OFFER_LETTER_PENDING
    return None


def can_respond_to_offer(user, award: Award) -> bool:
    """Accepting binds the organisation to the conditions, so it is for its owners, once the offer letter exists."""
    return is_owner(user, award.application.organisation) and offer_closed_reason(award) is None


def can_read_award(user, award: Award) -> bool:
    """The organisation's members, once the offer letter has told them of the grant (as `awards_of_member`)."""
    return offer_letter_issued(award) and is_member(user, award.application.organisation)


def can_read_letter(user, letter: Letter) -> bool:
    return is_member(user, letter.application.organisation) or is_programme_manager(user)


def can_manage_payout_account(user, award: Award) -> bool:
    return award.status in (Award.Status.ACCEPTED, Award.Status.ACTIVE) and is_owner(user, award.application.organisation)


def second_manager_refusals(user, proposals: dict[int, tuple[int, datetime]], noun: str) -> dict[int, str | None]:
    """For each proposal (its id -> who proposed it and when), why this programme manager may not check it, in words
    for them, or None when they may. `noun` names what was proposed: "decision", "clawback".

    Four eyes means two people who were both trusted as programme managers before the proposal was made: a manager
    appointed afterwards might have been appointed to agree.
    """
    since = role_held_since({user.pk, *(proposer for proposer, _ in proposals.values())}, Role.PROGRAMME_MANAGER)

    def held_at(user_id, moment) -> bool:
        return user_id in since and since[user_id] <= moment

    def refusal(proposer: int, proposed_at: datetime) -> str | None:
        if proposer == user.pk:
            return f"Another programme manager must check your {noun}."
        if not held_at(user.pk, proposed_at):
            return f"Only someone who was a programme manager before this {noun} was proposed can check it."
        if not held_at(proposer, proposed_at):
            return f"The person who proposed this {noun} is no longer a programme manager: propose it again."
        return None

    return {pk: refusal(*proposal) for pk, proposal in proposals.items()}


def decision_confirm_refusals(user, decisions) -> dict[int, str | None]:
    """For each decision, why this programme manager may not check it (confirm it or send it back), or None when they
    may. `decided_at` is when the decision was last proposed."""
    return second_manager_refusals(
        user, {decision.pk: (decision.decided_by_id, decision.decided_at) for decision in decisions}, "decision"
    )


def clawback_check_refusal(user, clawback: Clawback) -> str | None:
    """Why this person may not confirm or refuse a proposed clawback, or None when they may."""
    if not is_programme_manager(user):
        return "Only a programme manager can check a clawback."
    return second_manager_refusals(user, {clawback.pk: (clawback.proposed_by_id, clawback.proposed_at)},
                                   "clawback")[clawback.pk]


def can_check_decision(user, decision: Decision) -> bool:
    """Confirming and sending back are the same four-eyes check, by someone other than the proposer."""
    return is_programme_manager(user) and decision_confirm_refusals(user, [decision])[decision.pk] is None


rules.add_perm("grants.read_award", can_read_award)
rules.add_perm("grants.respond_to_offer", can_respond_to_offer)
rules.add_perm("grants.manage_payout_account", can_manage_payout_account)
rules.add_perm("grants.check_decision", can_check_decision)
rules.add_perm("grants.correct_letter", is_programme_manager)
rules.add_perm("grants.export_360giving", is_programme_manager)
rules.add_perm("grants.export_ledger", rules.predicate(is_finance_officer) | rules.predicate(is_programme_manager))
