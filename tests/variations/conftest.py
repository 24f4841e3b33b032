"""A grant under way for variations: accepted, with three budget lines, a target for each quarter and its payments
(£4,000 paid on acceptance once finance records it, £2,000 after the quarter 2 and quarter 4 returns)."""

from datetime import date

import pytest

from accounts.models import Role
from grants.payments import tranche_record_bacs
from tests.factories import MembershipFactory, UserFactory, grant_under_way


@pytest.fixture
def grant(applicant):
    return grant_under_way(application__organisation=applicant.memberships.get().organisation)


@pytest.fixture
def paid_grant(grant, finance_officer):
    """The first part paid by bank transfer: the grant is active."""
    tranche_record_bacs(tranche=grant.tranches.get(number=1), bank_reference="BACS-1", paid_on=date.today(),
                        acting_user=finance_officer)
    grant.refresh_from_db()
    return grant


@pytest.fixture
def second_manager(db):
    return UserFactory(role=Role.PROGRAMME_MANAGER, full_name="Hana Second")


@pytest.fixture
def stranger(db):
    """A member of another organisation."""
    return MembershipFactory(user__role=Role.APPLICANT).user


def lines_of(grant):
    return list(grant.application.budget_lines.order_by("position"))
