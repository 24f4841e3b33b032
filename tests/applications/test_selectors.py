from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import Round
from applications.selectors import round_current
from tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def test_current_round_prefers_the_open_one_over_one_still_to_open():
    now = timezone.now()
    RoundFactory(status=Round.Status.DRAFT, opens_at=now + timedelta(days=5), closes_at=now + timedelta(days=50))
    upcoming = RoundFactory(opens_at=now + timedelta(days=10), closes_at=now + timedelta(days=40))
    assert round_current() == upcoming
    open_now = RoundFactory()
    assert round_current() == open_now


def test_current_round_falls_back_to_the_latest_closed_round():
    now = timezone.now()
    closed = RoundFactory(status=Round.Status.CLOSED, opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=1))
    assert round_current() == closed
