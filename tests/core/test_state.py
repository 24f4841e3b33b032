import pytest

from grants.models import Tranche


@pytest.mark.parametrize(
    ("status", "reported", "reached"),
    [
        ("released", "released", True),  # the same news twice
        ("paid", "released", True),  # paid follows released
        ("reversed", "paid", True),  # a late confirmation of a transfer already reversed
        ("due", "released", False),
        ("released", "paid", False),
        ("paid", "reversed", False),
    ],
)
def test_a_status_is_reached_when_it_or_one_that_follows_it_is_current(status, reported, reached):
    assert Tranche(status=status).has_reached(reported) is reached
