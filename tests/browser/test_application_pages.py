"""Every other page of the applicants and round-management issue, each checked by axe-core."""

import pytest
from django.urls import reverse

from accounts.models import Role
from applications.models import EligibilityCheck
from tests.browser.conftest import sign_in
from tests.factories import (
    TEST_PASSWORD,
    AdjustmentRequestFactory,
    ApplicationDocumentFactory,
    ApplicationFactory,
    MembershipFactory,
    RoundFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def records(db):
    round_ = RoundFactory()
    membership = MembershipFactory()
    organisation = membership.organisation
    draft = ApplicationFactory(round=round_, organisation=organisation)
    sent = ApplicationFactory(round=RoundFactory(), organisation=organisation, status="submitted", reference="R999-0001")
    ApplicationDocumentFactory(application=sent)
    failed = EligibilityCheck.objects.create(
        round=round_, organisation=organisation, answers={}, failures=["Your chair or chief officer must be a Disabled person."]
    )
    return {
        "applicant": membership.user, "round": round_, "organisation": organisation, "draft": draft, "sent": sent,
        "failed_check": failed, "adjustment": AdjustmentRequestFactory(application=draft),
    }


def test_applicant_pages_pass_axe(page, records):
    sign_in(page, records["applicant"].email, TEST_PASSWORD)
    page.axe.check()
    draft, sent, organisation = records["draft"], records["sent"], records["organisation"]
    for path in [
        reverse("applications:detail", kwargs={"pk": sent.pk}),
        reverse("applications:withdraw", kwargs={"pk": draft.pk}),
        reverse("applications:adjustment_new", kwargs={"pk": draft.pk}),
        reverse("applications:organisation_edit", kwargs={"pk": organisation.pk}),
        reverse("applications:eligibility_result", kwargs={"pk": records["failed_check"].pk}),
        reverse("applications:step", kwargs={"pk": draft.pk, "step": "declarations"}),
    ]:
        page.goto(path)
        page.axe.check()
    page.goto(reverse("applications:adjustment_new", kwargs={"pk": draft.pk}))
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state("load")
    assert "Select what you need" in page.locator(".govuk-error-summary").inner_text()
    page.axe.check("with errors")


def test_round_management_pages_pass_axe(page, records):
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check()
    for path in [
        reverse("applications:manage_rounds"),
        reverse("applications:manage_round", kwargs={"pk": records["round"].pk}),
        reverse("applications:extension_new", kwargs={"pk": records["round"].pk}),
        reverse("applications:adjustment", kwargs={"pk": records["adjustment"].pk}),
        reverse("applications:manage_application", kwargs={"pk": records["sent"].pk}),
    ]:
        page.goto(path)
        page.axe.check()
    page.goto(reverse("applications:extension_new", kwargs={"pk": records["round"].pk}))
    page.get_by_role("button", name="Give more time").click()
    page.wait_for_load_state("load")
    assert "Choose the organisation" in page.locator(".govuk-error-summary").inner_text()
    page.axe.check("with errors")
