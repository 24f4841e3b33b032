from datetime import date

import pytest
from django.utils import timezone

from monitoring.police import BRITISH_TRANSPORT_POLICE, months_of, police_areas

pytestmark = pytest.mark.django_db


def test_the_police_areas_are_londons_bcus_the_city_and_the_transport_police():
    areas = police_areas()
    assert "Central East BCU" in areas and "City of London Police" in areas and areas[-1] == BRITISH_TRANSPORT_POLICE
    assert len(areas) == len(set(areas)) == 14


def test_a_response_can_be_from_any_month_since_the_grant_started_but_never_a_month_to_come(award):
    first = award.returns.get(quarter=1)
    months = months_of(first)
    assert months[0] == award.starts_on.replace(day=1)
    assert months[-1] == min(first.period_end, timezone.localdate()).replace(day=1)
    later = award.returns.get(quarter=4)  # its quarter has not begun
    assert months_of(later)[-1] == timezone.localdate().replace(day=1)
    assert all(month <= date.today() for month in months_of(later))
