"""Where and when a poor police response happened, as coarsely as it is kept: the police area (London's BCUs, the
City of London Police, and the British Transport Police, who police public transport) and the month."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from applications.models import Borough
from monitoring.models import Return

BRITISH_TRANSPORT_POLICE = "British Transport Police"


def police_areas() -> list[str]:
    areas = {borough.police_area for borough in Borough.objects.all()}
    return [*sorted(areas), BRITISH_TRANSPORT_POLICE]


def months_of(monitoring_return: Return) -> list[date]:
    """The months a response recorded with the return can have happened in: from the grant's start (one reported
    late may have happened in an earlier quarter) to the end of the return's quarter, and never after this month."""
    month = (monitoring_return.award.starts_on or monitoring_return.period_start).replace(day=1)
    last = min(monitoring_return.period_end, timezone.localdate())
    months = []
    while month <= last:
        months.append(month)
        month += relativedelta(months=1)
    return months
