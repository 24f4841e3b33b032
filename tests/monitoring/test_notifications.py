import pytest
from django.core import mail
from django.urls import reverse

from core.models import Notification
from grants.notifications import PAYMENT_DUE
from monitoring.models import Return
from monitoring.notifications import RETURN_ACCEPTED, RETURN_CHANGES_ASKED
from monitoring.services import return_review

pytestmark = pytest.mark.django_db


def sent(award, quarter: int) -> Return:
    """A return the grantee has sent, as it stands when a programme manager reviews it."""
    Return.objects.filter(award=award, quarter=quarter).update(status=Return.Status.SUBMITTED)
    return award.returns.get(quarter=quarter)


def test_the_grantee_is_told_when_changes_are_asked_for_without_the_comments_in_the_email(
    award, applicant, programme_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        return_review(monitoring_return=sent(award, 1), accept=False, comments="Add spend on venues",
                      acting_user=programme_manager)
    notification = Notification.objects.get(kind=RETURN_CHANGES_ASKED.code)
    assert notification.recipient == applicant
    assert notification.subject == f"Changes needed to your return for quarter 1 of grant {award.reference}"
    assert notification.link == reverse("monitoring:return", kwargs={"pk": award.pk, "quarter": 1})
    (email,) = mail.outbox
    assert email.to == [applicant.email]
    assert "Add spend on venues" not in email.body
    assert notification.link in email.body


def test_the_grantee_is_told_when_a_return_is_accepted_and_finance_when_it_releases_a_payment(
    award, applicant, programme_manager, finance_officer
):
    Notification.objects.all().delete()
    return_review(monitoring_return=sent(award, 2), accept=True, comments="", acting_user=programme_manager)
    assert list(Notification.objects.filter(kind=RETURN_ACCEPTED.code).values_list("recipient", "subject")) == [
        (applicant.pk, f"We have accepted your return for quarter 2 of grant {award.reference}")]
    assert list(Notification.objects.filter(kind=PAYMENT_DUE.code).values_list("recipient", flat=True)) == [
        finance_officer.pk]


def test_the_grantee_reads_the_changes_asked_for_on_the_returns_page(award, applicant, programme_manager, client_for):
    return_review(monitoring_return=sent(award, 1), accept=False, comments="Add spend on venues",
                  acting_user=programme_manager)
    response = client_for(applicant).get(Notification.objects.get(kind=RETURN_CHANGES_ASKED.code).link)
    assert response.status_code == 200
    assert "Add spend on venues" in response.content.decode()
