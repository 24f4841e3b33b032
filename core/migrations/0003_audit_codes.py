"""Events recorded before codes existed stored a sentence with the figures inside ("offered a grant of 6500.00"):
each becomes its code and data. A sentence matching none of them is kept whole under "legacy", so no event is lost.

The sentences are written out here, not read from the apps' AuditAction classes, because a migration must keep
meaning what it meant when it was written."""

import re

from django.db import migrations

# (code, the sentence as it was stored, with each figure as a named placeholder), most specific first.
SENTENCES = [
    ("account.registered", "registered"),
    ("account.email_confirmed", "confirmed email address"),
    ("account.role_changed", "changed role"),
    ("account.superuser_access_changed", "changed superuser access"),
    ("account.two_factor_set_up", "set up two-factor sign-in"),
    ("account.recovery_code_used", "signed in with a recovery code"),
    ("account.recovery_codes_made", "made new recovery codes"),
    ("account.two_factor_reset", "reset two-factor sign-in"),
    ("organisation.created", "created organisation"),
    ("organisation.updated", "updated organisation details"),
    ("organisation.member_invited", "invited {email}"),
    ("organisation.staff_join_refused", "refused: staff cannot join an applicant organisation"),
    ("organisation.member_joined", "joined organisation"),
    ("organisation.eligibility_checked", "checked eligibility"),
    ("organisation.deadline_extended", "gave more time"),
    ("application.started", "started application"),
    ("application.media_answer_uploaded", "uploaded a video or audio answer ({question})"),
    ("application.document_uploaded", "uploaded {document}"),
    ("application.submitted", "sent application"),
    ("application.withdrawn", "withdrew application"),
    ("application.adjustment_requested", "asked for an adjustment: {kind}"),
    ("application.adjustment_answered", "answered an adjustment request: {kind}"),
    ("round.standard_indicators_added", "added {count} standard indicators"),
    ("round.copied", "copied from {source}"),
    ("round.budget_changed", "changed the budget"),
    ("round.status_changed", "changed the round's status"),
    ("assessment.screened", "screened application"),
    ("assessment.allocated", "gave to {assessor} to score"),
    ("assessment.allocation_removed", "took back from {assessor}"),
    ("assessment.shared_out", "shared out applications to score ({allocations} allocations)"),
    ("assessment.interests_declared", "declared interests"),
    ("assessment.scores_sent", "sent scores (version {version})"),
    ("assessment.all_scores_in", "all scores in"),
    ("assessment.revision_started", "started version {version} of their scores"),
    ("assessment.moderated", "moderated '{criterion}'"),
    ("decision.not_funding_confirmed", "confirmed not funding"),
    ("award.offered", "offered a grant of {amount}"),
    ("award.accepted", "accepted the offer"),
    ("award.declined", "declined the offer"),
    ("award.lapsed", "offer lapsed at its deadline"),
    ("award.first_payment_made", "first payment made"),
    ("letter.issued", "issued letter version {version}"),
    ("tranche.due", "quarter {quarter} return accepted: payment due"),
    ("tranche.bacs_payment_recorded", "recorded a BACS payment of {amount}"),
    ("tranche.stripe_payment_begun", "began paying by Stripe"),
    ("tranche.stripe_released", "released {amount} by Stripe"),
    ("tranche.stripe_confirmed", "Stripe confirmed the transfer"),
    ("tranche.stripe_reversed", "Stripe reversed the transfer"),
    ("payout_account.created", "created a Stripe payout account"),
    ("return.due", "quarter {quarter} ended: return due"),
    ("return.sent", "sent the quarter {quarter} return"),
    ("return.reviewed", "reviewed the quarter {quarter} return"),
    ("return.figures_imported", "saved figures from a spreadsheet"),
]
# Whole numbers in the sentence; every other figure (amounts included) stays text, as Decimal is stored in JSON.
NUMBERS = {"count", "allocations", "version", "quarter"}
AMOUNT = r"\d+(?:\.\d+)?"
PATTERNS = {"amount": AMOUNT} | dict.fromkeys(NUMBERS, r"\d+")

# A proposed decision kept its amount in the "To" column: "Fund 6500.00", or "Do not fund".
PROPOSED = "proposed a decision"
PROPOSED_FUNDING = re.compile(rf"(?P<outcome>Fund) (?P<amount>{AMOUNT})")
FUNDING_PROPOSED, NOT_FUNDING_PROPOSED = "decision.funding_proposed", "decision.not_funding_proposed"
LEGACY = "legacy"


def _pattern(sentence: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", sentence)
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>{PATTERNS.get(part, '.+')})"
        for index, part in enumerate(parts)
    )
    return re.compile(regex)


MATCHERS = [(code, _pattern(sentence)) for code, sentence in SENTENCES]
TEMPLATES = dict(SENTENCES)
CODES = {code for code, _ in SENTENCES} | {FUNDING_PROPOSED, NOT_FUNDING_PROPOSED, LEGACY}


def _coded(event) -> bool:
    """Gives an event its code and data; False for one already coded (written by a later version of a migration)."""
    if event.action in CODES:
        return False
    if event.action == PROPOSED:
        funding = PROPOSED_FUNDING.fullmatch(event.to_state)
        if funding:
            event.action, event.to_state = FUNDING_PROPOSED, funding["outcome"]
            event.data = {"amount": funding["amount"]}
        else:
            event.action = NOT_FUNDING_PROPOSED
        return True
    for code, pattern in MATCHERS:
        found = pattern.fullmatch(event.action)
        if found:
            event.action = code
            event.data = {key: int(value) if key in NUMBERS else value for key, value in found.groupdict().items()}
            return True
    event.action, event.data = LEGACY, {"sentence": event.action}
    return True


def _sentence(event) -> bool:
    if event.action == LEGACY:
        event.action = event.data["sentence"]
    elif event.action == FUNDING_PROPOSED:
        event.action, event.to_state = PROPOSED, f"{event.to_state} {event.data['amount']}"
    elif event.action == NOT_FUNDING_PROPOSED:
        event.action = PROPOSED
    elif event.action in TEMPLATES:
        event.action = TEMPLATES[event.action].format(**event.data)[:100]
    else:
        return False
    event.data = {}
    return True


def _rewrite(apps, change, batch: int = 2000) -> None:
    # In batches by id, never writing to the table while a query over it is still being read: SQLite would see it.
    AuditEvent = apps.get_model("core", "AuditEvent")
    last = 0
    fields = ["action", "to_state", "data"]
    while events := list(AuditEvent.objects.filter(pk__gt=last).order_by("pk").only(*fields)[:batch]):
        AuditEvent.objects.bulk_update([event for event in events if change(event)], fields)
        last = events[-1].pk


def codes_from_sentences(apps, schema_editor):
    _rewrite(apps, _coded)


def sentences_from_codes(apps, schema_editor):
    _rewrite(apps, _sentence)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_auditevent_data"),
    ]

    operations = [
        migrations.RunPython(codes_from_sentences, sentences_from_codes),
    ]
