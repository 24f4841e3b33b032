import pytest

from grants.models import Award
from tests.factories import AwardFactory

pytestmark = pytest.mark.django_db


def test_committed_awards_are_those_whose_money_counts_against_the_ringfence():
    by_status = {status: AwardFactory(status=status) for status in Award.Status.values}
    committed = set(Award.objects.committed())
    assert committed == {by_status[status] for status in (
        Award.Status.OFFERED, Award.Status.ACCEPTED, Award.Status.ACTIVE, Award.Status.SUSPENDED, Award.Status.COMPLETED,
    )}
