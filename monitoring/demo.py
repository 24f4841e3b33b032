"""Last year's round, its grants part-way through, so the returns, review and outcome pages have something to show.

The demo applicant's organisation has a grant whose quarter 2 return waits for review; another group's grant has
quarters 1 and 2 accepted and its second payment due; a third group's quarter 2 return is late, and its
quarter 3 return may be sent before the quarter ends. The round's standard indicators say which is part of which
(police took the report, of the reports made), so the demo figures are ones that could be true.
"""

from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import User
from applications.demo import sections_complete
from applications.models import Application, Borough, BudgetLine, EligibilityCheck, Organisation, Round
from applications.services import round_add_standard_indicators
from grants.models import Award, Decision
from grants.services import award_accept, letter_issue
from monitoring.services import return_allow_early, return_review, return_save, return_submit, returns_mark_due

DEMO_SITE_URL = "http://127.0.0.1:8000"
DEMO_ROUND_NAME = "Disability Hate Crime Victim Support Small Grants 2026"
MONTHS_UNDER_WAY = 8
# (organisation, boroughs, reference, amount, returns accepted, return waiting for review)
DEMO_GRANTS = [
    ("Tower Hamlets Deaf and Disabled People's Forum", ["E09000030", "E09000012"], "DHC26-0001", "9000.00", [1], 2),
    ("Lambeth Disabled Survivors Network", ["E09000022"], "DHC26-0002", "7500.00", [1, 2], None),
    ("Ealing Deaf Hate Crime Project", ["E09000009"], "DHC26-0003", "6000.00", [1], None),
]
TARGETS = {"victims_supported": 15, "reports_with_support": 8, "third_party_reports": 4, "referrals_catch": 5,
           "awareness_sessions": 2, "people_reached": 60, "volunteers": 4}


def seed(stdout) -> None:
    manager = User.objects.get(email="manager@example.org")
    applicant = User.objects.get(email="applicant@example.org")
    now = timezone.now()
    round_, created = Round.objects.get_or_create(
        reference_prefix="DHC26",
        defaults={"name": DEMO_ROUND_NAME, "summary": "Last year's round: grants under way and reporting quarterly.",
                  "status": Round.Status.CLOSED, "opens_at": now - timedelta(days=400),
                  "closes_at": now - timedelta(days=340), "budget": Decimal("100000.00"),
                  "minimum_award": Decimal("2000.00"), "maximum_award": Decimal("15000.00")},
    )
    if created:
        round_add_standard_indicators(round_=round_, acting_user=manager)
        for position, grant in enumerate(DEMO_GRANTS):
            _grant_under_way(round_, manager, applicant, position, *grant)
        returns_mark_due()
        # The Ealing project's caseworker leaves before quarter 3 ends: its return may be sent early.
        return_allow_early(monitoring_return=Award.objects.get(application__reference="DHC26-0003").returns.get(quarter=3),
                           reason="Our caseworker leaves before the quarter ends, so we agreed the group reports "
                                  "on the quarter while she can still give the figures.", acting_user=manager)
    stdout.write(f"Demo grants: {len(DEMO_GRANTS)} from {DEMO_ROUND_NAME}, with quarterly returns to review")


def _grant_under_way(round_, manager, applicant, position, name, boroughs, reference, amount, accepted, waiting):
    organisation, _ = Organisation.objects.get_or_create(
        name=name, defaults={"legal_form": "cio", "charity_number": "1100000", "postcode": "E1 6AN",
                             "address_line_1": "1 High Street", "contact_name": "Demo contact",
                             "contact_email": "contact@example.org", "contact_phone": "02079460000"},
    )
    check = EligibilityCheck.objects.create(round=round_, organisation=organisation, answers={}, failures=[])
    application = Application.objects.create(
        round=round_, organisation=organisation, eligibility_check=check, title=f"Hate crime support with {name}",
        amount_requested=Decimal(amount),
    )
    application.boroughs.set(Borough.objects.filter(gss_code__in=boroughs))
    sections_complete(application=application, acting_user=applicant, targets=TARGETS, budget_lines=[
        {"category": BudgetLine.Category.STAFF, "description": "Caseworker", "amount": Decimal(amount)},
    ])
    # Sent, scored and awarded last year: the story starts after that, so those steps are set rather than replayed.
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.AWARDED, reference=reference, submitted_at=timezone.now() - timedelta(days=340)
    )
    application.refresh_from_db()
    indicators = {indicator.code: indicator for indicator in round_.indicators.all()}
    line = application.budget_lines.get()
    # Four eyes last year too: Erin proposed each grant and Hana, the second programme manager, confirmed it.
    Decision.objects.create(
        application=application, outcome=Decision.Outcome.FUND, amount=Decimal(amount),
        proposed_outcome=Decision.Outcome.FUND, proposed_amount=Decimal(amount), decided_by=manager,
        reason="Ranked within the ringfence by the panel.", status=Decision.Status.CONFIRMED,
        confirmed_by=User.objects.get(email="second.manager@example.org"), confirmed_at=timezone.now(),
    )
    award = Award.objects.create(application=application, round=round_, amount=Decimal(amount),
                                 offered_at=timezone.now())
    # The offer letter is issued through the service, as for any grant: it sets the deadline, and only then can the
    # grantee accept.
    letter_issue(application=application, acting_user=manager, site_url=DEMO_SITE_URL)
    award = award_accept(award=award, name="Demo chair", role="Chair", acting_user=manager)
    _started_months_ago(award)
    for quarter in [*accepted, *([waiting] if waiting else [])]:
        monitoring_return = award.returns.get(quarter=quarter)
        counts = {indicator.pk: _figure(code, quarter, position) for code, indicator in indicators.items()}
        return_save(monitoring_return=monitoring_return, counts=counts,
                    spending={line.pk: Decimal(amount) * quarter / 5}, acting_user=applicant,
                    narrative={"what_changed": "More Disabled people reported hate crime with our support.",
                               "challenges": "Some police officers did not know how to book a BSL interpreter."})
        return_submit(monitoring_return=monitoring_return, declarant_name="Demo chair", acting_user=applicant)
        if quarter in accepted:
            return_review(monitoring_return=monitoring_return, accept=True, comments="", acting_user=manager)


def _started_months_ago(award: Award) -> None:
    """Moves a grant accepted today back in time, as if it had started some months ago."""
    shift = relativedelta(months=MONTHS_UNDER_WAY)
    award.starts_on -= shift
    award.ends_on -= shift
    award.save(update_fields=["starts_on", "ends_on"])
    for monitoring_return in award.returns.all():
        monitoring_return.period_start -= shift
        monitoring_return.period_end -= shift
        monitoring_return.due_on -= shift
        monitoring_return.save(update_fields=["period_start", "period_end", "due_on"])


def _figure(code: str, quarter: int, position: int) -> int:
    """Plausible counts that differ by grant and quarter."""
    base = TARGETS.get(code, 3)
    return max(0, base - 4 + 3 * quarter + 2 * position)
