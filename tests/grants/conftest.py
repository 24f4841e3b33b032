"""A scored round, closed and ready for decisions: applications ranked by weighted total, two programme managers; an accepted
award to pay, connected to Stripe's stand-in (`fake_stripe`, shared from tests/conftest.py)."""

from decimal import Decimal

import pytest

from accounts.models import Role
from applications.models import Round
from applications.services import round_status_change
from assessment.models import Allocation
from assessment.services import assessment_save, conflict_declare
from grants.models import ConnectedAccount
from grants.services import award_accept
from tests.factories import (
    ApplicationFactory,
    AwardFactory,
    MembershipFactory,
    RoundFactory,
    UserFactory,
    described_criteria,
)


def scored(round_, assessors, *, reference, amount, score):
    """An application each of `assessors` has scored: `score` on every criterion, or one score per assessor."""
    application = ApplicationFactory(round=round_, status="eligible", reference=reference, amount_requested=amount,
                                     title=f"Project {reference}")
    MembershipFactory(organisation=application.organisation)
    scores = score if isinstance(score, tuple) else (score,) * len(assessors)
    for assessor, score in zip(assessors, scores, strict=True):
        allocation = Allocation.objects.create(application=application, assessor=assessor)
        conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=assessor)
        assessment_save(allocation=allocation, acting_user=assessor, submit=True,
                        scores={c.pk: (score, f"Comment on {c.name}") for c in round_.criteria.all()})
    application.refresh_from_db()
    return application


@pytest.fixture
def scored_round(programme_manager):
    round_ = RoundFactory(budget="10000.00", maximum_award="10000.00")
    round_.refresh_from_db()  # amounts as the database gives them: Decimal, not the strings above
    described_criteria(round_)
    assessors = [UserFactory(role=Role.ASSESSOR) for _ in range(2)]
    round_.assessors.add(*assessors)
    first = scored(round_, assessors, reference="D-0001", amount="6000.00", score=5)
    second = scored(round_, assessors, reference="D-0002", amount="5000.00", score=4)
    third = scored(round_, assessors, reference="D-0003", amount="3000.00", score=3)
    round_ = round_status_change(round_=round_, status=Round.Status.CLOSED, acting_user=programme_manager,
                                 reason="Every application is scored.")
    return round_, [first, second, third]


@pytest.fixture
def second_manager(db):
    return UserFactory(role=Role.PROGRAMME_MANAGER, full_name="Second Manager")


@pytest.fixture
def accepted_award(programme_manager):
    award = AwardFactory(amount=Decimal("8000.00"))
    award_accept(award=award, name="Amara", role="Chair", acting_user=programme_manager)
    return award


@pytest.fixture
def connected(accepted_award):
    return ConnectedAccount.objects.create(
        organisation=accepted_award.application.organisation, stripe_account_id="acct_grantee", transfers_enabled=True
    )


@pytest.fixture
def open_scored_round(db):
    """A round still taking applications whose one application is already fully scored."""
    round_ = RoundFactory(budget="10000.00", maximum_award="10000.00")
    round_.refresh_from_db()
    described_criteria(round_)
    assessors = [UserFactory(role=Role.ASSESSOR) for _ in range(2)]
    round_.assessors.add(*assessors)
    return round_, scored(round_, assessors, reference="D-0001", amount="6000.00", score=5)
