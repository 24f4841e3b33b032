"""Seeding the benchmarks share beyond the ranking's round (ranking.seed): grants part-way through their monitoring.

Made in bulk, straight into the tables, in the states the services leave them in: far quicker than replaying each
grant's acceptance, payments and returns, and the pages read them alike.
"""

from datetime import timedelta
from decimal import Decimal


def grants_in_monitoring(count: int, manager):
    """A round in monitoring with `count` active grants, each with its offer letter, its three payments (the first
    paid, the second due, the third waiting on a return) and four quarterly returns (the first accepted with its
    figures, the second sent, the third due, the fourth not due yet). Returns the round."""
    from dateutil.relativedelta import relativedelta
    from django.utils import timezone

    from applications.models import Application, EligibilityCheck, Organisation, Round
    from applications.services import round_add_standard_indicators
    from grants.models import Award, Letter, Tranche
    from monitoring.models import IndicatorCount, Return

    now = timezone.now()
    started = timezone.localdate() - relativedelta(months=7)
    round_ = Round.objects.create(
        name="Benchmark grants", reference_prefix="GRA", summary="Benchmark grants", status=Round.Status.MONITORING,
        opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=300), budget=Decimal("5000000"),
        minimum_award=Decimal("1000"), maximum_award=Decimal("15000"),
    )
    round_add_standard_indicators(round_=round_, acting_user=manager)
    indicators = list(round_.indicators.all())
    organisations = Organisation.objects.bulk_create(Organisation(name=f"Grantee {n}") for n in range(count))
    checks = EligibilityCheck.objects.bulk_create(
        EligibilityCheck(round=round_, organisation=organisation, answers={}, failures=[]) for organisation in organisations
    )
    applications = Application.objects.bulk_create(
        Application(round=round_, organisation=organisation, eligibility_check=check, status=Application.Status.AWARDED,
                    reference=f"GRA-{n:04d}", title=f"Grant {n}", amount_requested=Decimal(4000 + n * 31 % 9000),
                    submitted_at=now - timedelta(days=330), decision_sent=Application.Status.AWARDED)
        for n, (organisation, check) in enumerate(zip(organisations, checks))
    )
    Letter.objects.bulk_create(
        Letter(application=application, kind="offer", file=f"letters/{application.reference}-offer.pdf",
               checksum="0" * 64, issued_by=manager)
        for application in applications
    )
    awards = Award.objects.bulk_create(
        Award(application=application, round=round_, status=Award.Status.ACTIVE, amount=application.amount_requested,
              offered_at=now - timedelta(days=250), accept_by=now - timedelta(days=222),
              accepted_at=now - timedelta(days=230), acceptor_name="Chair", acceptor_role="Chair",
              starts_on=started, ends_on=started + relativedelta(months=12) - timedelta(days=1))
        for application in applications
    )
    Tranche.objects.bulk_create(
        Tranche(award=award, number=number, share=share, amount=award.amount * share / 100, after=after,
                after_quarter=quarter, status=status, due_at=now - timedelta(days=200) if status != "scheduled" else None,
                rail=Tranche.Rail.BACS if status == "paid" else "", paid_on=started if status == "paid" else None,
                idempotency_key=f"tranche-{award.application.reference}-{number}")
        for award in awards
        for number, share, after, quarter, status in (
            (1, Decimal(50), "acceptance", None, Tranche.Status.PAID),
            (2, Decimal(25), "return", 2, Tranche.Status.DUE),
            (3, Decimal(25), "return", 4, Tranche.Status.SCHEDULED),
        )
    )
    returns = Return.objects.bulk_create(
        Return(award=award, quarter=quarter, status=status,
               period_start=started + relativedelta(months=3 * (quarter - 1)),
               period_end=started + relativedelta(months=3 * quarter) - timedelta(days=1),
               due_on=started + relativedelta(months=3 * quarter) + timedelta(days=29),
               submitted_at=now - timedelta(days=30) if status in {"submitted", "accepted"} else None,
               what_changed="More Disabled people reported hate crime." if status in {"submitted", "accepted"} else "")
        for award in awards
        for quarter, status in ((1, Return.Status.ACCEPTED), (2, Return.Status.SUBMITTED), (3, Return.Status.DUE),
                                (4, Return.Status.NOT_DUE))
    )
    IndicatorCount.objects.bulk_create(
        (IndicatorCount(monitoring_return=sent, indicator=indicator, value=(sent.pk + indicator.pk) % 12)
         for sent in returns if sent.submitted_at for indicator in indicators),
        batch_size=5000,
    )
    return round_
