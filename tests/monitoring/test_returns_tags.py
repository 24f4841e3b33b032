from datetime import timedelta

from django.utils import timezone

from monitoring.models import Return
from monitoring.templatetags.returns import return_status_tag


def a_return(status: str, days_past_due: int) -> Return:
    return Return(status=status, due_on=timezone.localdate() - timedelta(days=days_past_due))


def test_a_return_still_with_the_grantee_after_its_due_date_is_late():
    assert return_status_tag(a_return(Return.Status.DUE, 1)) == {"label": "Late", "colour": "govuk-tag--red"}
    assert return_status_tag(a_return(Return.Status.CHANGES_REQUESTED, 1))["label"] == "Late"


def test_a_return_on_time_or_sent_shows_its_own_status():
    assert return_status_tag(a_return(Return.Status.DUE, 0))["label"] == "Due"
    assert return_status_tag(a_return(Return.Status.SUBMITTED, 30))["label"] == Return.Status.SUBMITTED.label
