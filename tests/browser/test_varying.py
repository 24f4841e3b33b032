"""Varying a grant in Chromium: the grantee asks from their grant page to move money to interpreters and to raise a
later payment, above the round's threshold; one programme manager approves, a second confirms; the grantee sees the
new payments, the earlier version and the variation letter. axe-core checks every page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from grants.models import Letter
from tests.browser.conftest import sign_in
from tests.browser.test_awarding import sign_out
from tests.factories import TEST_PASSWORD, UserFactory, grant_under_way
from variations.models import Variation

pytestmark = pytest.mark.django_db(transaction=True)


def open_link(page, name: str, context: str, role: str = "link") -> None:
    page.get_by_role(role, name=name).first.click()
    page.wait_for_load_state("load")
    page.axe.check(context)


def test_ask_approve_confirm_and_read_the_new_schedule_and_the_letter(page):
    grant = grant_under_way()
    grantee = grant.application.organisation.memberships.get().user
    manager = UserFactory(role=Role.PROGRAMME_MANAGER, full_name="Erin Manager")
    second = UserFactory(role=Role.PROGRAMME_MANAGER, full_name="Hana Second")

    sign_in(page, grantee.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("grants:award", kwargs={"pk": grant.pk}))
    page.axe.check("grant")
    assert "This is version 1 of the grant" in page.content()
    open_link(page, "Ask to change your grant", "the form")
    # A mistake first: the budget no longer adds up, and the page says so without losing what was typed.
    page.get_by_label("Why do you need to change the grant?").fill("More Deaf people come to us than we planned.")
    page.get_by_label("Staff costs: Caseworker").fill("4,000")
    page.get_by_role("button", name="Ask for the change").click()
    page.wait_for_load_state("load")
    page.axe.check("the form with a mistake")
    summary = page.get_by_role("alert")
    assert "The budget lines must still add up to £8,000" in summary.inner_text()
    assert page.get_by_label("Staff costs: Caseworker").input_value() == "4,000"
    page.get_by_label("Access costs (for example BSL interpreters, captioning, easy read): BSL interpreters").fill(
        "2,000")
    page.get_by_label("Total grant").fill("8,500")
    page.get_by_label("Part 3: amount").fill("2,500")
    page.get_by_role("button", name="Ask for the change").click()
    page.wait_for_load_state("load")
    page.axe.check("the variation asked for")
    assert "You have asked for the change" in page.content()
    variation = Variation.objects.get()
    assert (variation.status, variation.money_moved) == ("requested", Decimal("1500.00"))
    sign_out(page)

    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check()
    open_link(page, "Changes to grants", "waiting")
    open_link(page, f"Variation 1 of {grant.reference}", "the variation, to decide")
    open_link(page, "Approve or refuse", "approve", role="button")
    assert "about 19% of the grant" in page.content()
    page.get_by_role("button", name="Approve the change").click()
    page.wait_for_load_state("load")
    page.axe.check("approved, waiting for a second")
    assert "another programme manager must now confirm it" in page.content()
    assert "Another programme manager must confirm the change you approved." in page.content()
    sign_out(page)

    sign_in(page, second.email, TEST_PASSWORD)
    page.axe.check()
    open_link(page, "Changes to grants", "waiting for a second")
    open_link(page, f"Variation 1 of {grant.reference}", "the variation, to confirm")
    open_link(page, "Confirm or refuse", "confirm", role="button")
    page.get_by_role("button", name="Confirm the change").click()
    page.wait_for_load_state("load")
    page.axe.check("confirmed")
    assert "is confirmed and made: the grant is now version 2" in page.content()
    open_link(page, grant.reference, "the staff grant page")
    assert "Approved and confirmed" in page.content()
    sign_out(page)

    sign_in(page, grantee.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("grants:award", kwargs={"pk": grant.pk}))
    page.axe.check("the grant, varied")
    content = page.content()
    assert "This is version 2 of the grant" in content and "£8,500" in content and "£2,500" in content
    page.get_by_text("Version 1, before variation 1").click()
    page.axe.check("the earlier version open")
    open_link(page, "Variation 1", "the variation made")
    assert "Variation of the grant, version 1 (PDF)" in page.content()
    open_link(page, "All the letters about this grant", "letters")
    letter = Letter.objects.get(kind=Letter.Kind.VARIATION, large_print=False)
    response = page.request.get(reverse("grants:letter", kwargs={"pk": letter.pk}))
    assert response.status == 200 and response.body().startswith(b"%PDF")
