"""A sent application of the applicant's organisation, whose thread the tests write in."""

import pytest

from tests.factories import ApplicationFactory


@pytest.fixture
def application(organisation):
    return ApplicationFactory(organisation=organisation, status="submitted", reference="A-0100")


@pytest.fixture
def colleague(organisation):
    """A second member of the applicant's organisation."""
    from tests.factories import MembershipFactory

    return MembershipFactory(organisation=organisation, user__full_name="Bea Colleague").user
