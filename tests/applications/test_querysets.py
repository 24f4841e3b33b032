import pytest

from applications.models import Application
from applications.querysets import SCOREABLE
from tests.factories import ApplicationFactory, RoundFactory

pytestmark = pytest.mark.django_db


def test_scoreable_applications_are_the_eligible_and_the_scored():
    round_ = RoundFactory()
    by_status = {status: ApplicationFactory(round=round_, status=status) for status in Application.Status.values}
    scoreable = set(round_.applications.scoreable())
    assert scoreable == {by_status[Application.Status.ELIGIBLE], by_status[Application.Status.SCORED]}
    assert set(SCOREABLE) <= set(Application.Status.values)
