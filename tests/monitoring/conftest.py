"""An accepted grant of the applicant's organisation, three months under way, with its quarterly returns scheduled."""

from decimal import Decimal

import pytest

from applications.models import BudgetLine, OutcomeTarget
from grants.services import award_accept
from tests.factories import AwardFactory, IndicatorFactory, award_started_months_ago


@pytest.fixture
def award(organisation, programme_manager):
    award = AwardFactory(amount=Decimal("8000.00"), application__organisation=organisation)
    award_accept(award=award, name="Amara", role="Chair", acting_user=programme_manager)
    award.refresh_from_db()
    # Started three months ago: quarter 1 has just ended, so its return can be sent; later ones cannot yet.
    return award_started_months_ago(award)


@pytest.fixture
def supported(award):
    """The round's headline indicator, with a target of 20 people in each quarter."""
    indicator = IndicatorFactory(round=award.round, code="victims_supported", name="Disabled victims supported")
    for quarter in range(1, award.round.quarters + 1):
        OutcomeTarget.objects.create(application=award.application, indicator=indicator, quarter=quarter, target=20)
    return indicator


@pytest.fixture
def caseworker(award):
    return BudgetLine.objects.create(application=award.application, category="staff", description="Caseworker",
                                     amount=Decimal("4000.00"))


@pytest.fixture
def reports(award):
    """Hate crime reports made, and the part of them the police took: a return never gives more of the part."""
    made = IndicatorFactory(round=award.round, code="reports_with_support", name="Hate crime reports made",
                            has_target=False)
    taken = IndicatorFactory(round=award.round, code="police_report_taken", name="Reports the police took",
                             has_target=False, part_of=made)
    return made, taken


@pytest.fixture
def satisfied(award):
    """A percentage: never more than 100."""
    return IndicatorFactory(round=award.round, code="satisfied", name="Victims satisfied with the support",
                            has_target=False, unit="percentage")


@pytest.fixture
def hotspots(award):
    """Incidents split by the boroughs the grant works in (Camden and Islington here)."""
    from applications.models import Borough

    award.application.boroughs.set(Borough.objects.filter(name__in=["Camden", "Islington"]))
    return IndicatorFactory(round=award.round, code="incidents_by_borough", name="Incidents by borough",
                            has_target=False, kind="by_borough")


@pytest.fixture
def satisfaction(award):
    """A survey of the people supported: how many were asked, and how many gave each answer."""
    return IndicatorFactory(round=award.round, code="satisfaction_overall", name="Satisfaction with the police",
                            has_target=False, kind="survey",
                            options=["Satisfied", "Neither", "Dissatisfied"])
