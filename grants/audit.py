"""What the audit trail records about decisions, awards, letters and payments: each code, and the sentence shown for
it, filled from the event's data."""

from django.db import models


class AuditAction(models.TextChoices):
    FUNDING_PROPOSED = "decision.funding_proposed", "proposed funding of {amount:pounds}"
    NOT_FUNDING_PROPOSED = "decision.not_funding_proposed", "proposed not funding"
    NOT_FUNDING_CONFIRMED = "decision.not_funding_confirmed", "confirmed not funding"
    DECISION_SENT_BACK = "decision.sent_back", "sent the decision back to be revised"
    OFFERED = "award.offered", "offered a grant of {amount:pounds}"
    OFFER_ACCEPTED = "award.accepted", "accepted the offer"
    OFFER_DECLINED = "award.declined", "declined the offer"
    OFFER_LAPSED = "award.lapsed", "offer lapsed at its deadline"
    FIRST_PAYMENT_MADE = "award.first_payment_made", "first payment made"
    LETTER_ISSUED = "letter.issued", "issued letter version {version}"
    LETTERS_RETRIED = "letter.retried", "queued {count:count failed letter} to be made again"
    TRANCHE_DUE = "tranche.due", "quarter {quarter} return accepted: payment due"
    BACS_PAYMENT_RECORDED = "tranche.bacs_payment_recorded", "recorded a BACS payment of {amount:pounds}"
    STRIPE_PAYMENT_BEGUN = "tranche.stripe_payment_begun", "began paying by Stripe"
    STRIPE_RELEASED = "tranche.stripe_released", "released {amount:pounds} by Stripe"
    STRIPE_CONFIRMED = "tranche.stripe_confirmed", "Stripe confirmed the transfer"
    STRIPE_REVERSED = "tranche.stripe_reversed", "Stripe reversed the transfer"
    SUSPENDED = "award.suspended", "suspended the grant: payments stop"
    SUSPENSION_LIFTED = "award.suspension_lifted", "lifted the suspension: payments start again"
    CLAWBACK_PROPOSED = "clawback.proposed", "proposed clawing back {amount:pounds}"
    CLAWBACK_CONFIRMED = "clawback.confirmed", "confirmed clawing back {amount:pounds}: it is owed"
    CLAWBACK_REFUSED = "clawback.refused", "did not confirm clawing back {amount:pounds}"
    REPAYMENT_RECORDED = "clawback.repayment_recorded", "recorded a repayment of {amount:pounds}"
    TRANCHE_NOT_NEEDED = "tranche.not_needed", "not needed, as less was spent: {amount:pounds} not paid"
    TRANCHE_DUE_ON_END_REPORT = "tranche.due_on_end_report", "end-of-grant report accepted: payment due"
    COMPLETED = "award.completed", "completed the grant: {amount:pounds} not needed went back to the ringfence"
    PAYOUT_ACCOUNT_CREATED = "payout_account.created", "created a Stripe payout account"
