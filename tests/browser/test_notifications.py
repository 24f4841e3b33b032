import pytest
from django.urls import reverse

from core.models import Notification
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, ApplicationFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_applicant_follows_the_count_to_their_notifications_and_on_to_the_application(page):
    applicant = MembershipFactory().user
    application = ApplicationFactory(organisation=applicant.memberships.get().organisation, status="eligible",
                                     reference="R-0007")
    link = reverse("applications:detail", kwargs={"pk": application.pk})
    for subject in ["Application R-0007 received", "Your application R-0007 has been checked and will now be scored"]:
        Notification.objects.create(recipient=applicant, kind="assessment.screened", subject=subject, link=link)
    sign_in(page, applicant.email, TEST_PASSWORD)
    page.axe.check("dashboard with its count")
    page.get_by_role("link", name="2 new notifications").click()
    page.wait_for_url("**/notifications/")
    page.axe.check("notifications")
    assert page.locator(".govuk-tag", has_text="New").count() == 2
    page.get_by_role("link", name="Your application R-0007 has been checked and will now be scored").click()
    page.wait_for_url(f"**{link}")
    page.axe.check("the application the notification named")
    page.goto("/account/")
    page.axe.check("account page with the emails we send")
    assert "Emails we send you" in page.content()
    page.get_by_role("link", name="Choose which emails we send you").click()
    page.wait_for_url("**/notifications/emails/")
    page.axe.check("choosing emails")
    page.get_by_label("When we accept your organisation's quarterly return").uncheck()
    page.get_by_role("button", name="Save your choices").click()
    page.wait_for_url("**/account/")
    page.axe.check("account page after choosing")
    assert "(turned off: listed on your notifications page only)" in page.content()
    page.goto("/applications/")
    assert "Your notifications (none new)" in page.content()
