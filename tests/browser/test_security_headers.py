"""The Content-Security-Policy holds in a real browser, and nothing the service or its admin shows breaks it."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import Role
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, ApplicationFactory, MembershipFactory, RoundFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Collects every refusal the page reports; added through the DevTools protocol, so the policy does not block it.
LISTEN_FOR_REFUSALS = """
window.refusals = [];
document.addEventListener("securitypolicyviolation", (event) => window.refusals.push(
  `${event.violatedDirective} refused ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`));
"""


def refusals_on(page, path: str) -> list[str]:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.refusals")


@pytest.fixture
def listening(page):
    page.add_init_script(LISTEN_FOR_REFUSALS)
    return page


def test_the_browser_refuses_inline_script_and_style(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.add_init_script(LISTEN_FOR_REFUSALS)
    page.goto("/")
    ran = page.evaluate("""() => {
      const script = document.createElement("script");
      script.textContent = "window.inlineScriptRan = true";
      document.body.append(script);
      document.body.insertAdjacentHTML("beforeend", '<p id="styled" style="color: rgb(255, 0, 0)">Red</p>');
      return window.inlineScriptRan === true;
    }""")
    assert not ran
    assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
    page.wait_for_function("window.refusals.length >= 2")
    directives = {refusal.split()[0] for refusal in page.evaluate("window.refusals")}
    assert directives == {"script-src-elem", "style-src-attr"}
    context.close()


def test_public_pages_break_no_policy(listening):
    RoundFactory()
    for path in ["/", "/account/sign-in/", "/account/register/", "/no-such-page/"]:
        assert refusals_on(listening, path) == [], path
        listening.axe.check()


def test_signed_in_pages_with_their_scripts_break_no_policy(listening):
    applicant = MembershipFactory(user__role=Role.APPLICANT).user
    application = ApplicationFactory(organisation=applicant.memberships.get().organisation)
    sign_in(listening, applicant.email, TEST_PASSWORD)
    for path in [
        reverse("applications:dashboard"),
        reverse("applications:detail", kwargs={"pk": application.pk}),
        reverse("applications:step", kwargs={"pk": application.pk, "step": "project"}),
    ]:
        assert refusals_on(listening, path) == [], path
        # Both scripts ran: the one marking the page for GOV.UK Frontend, and the module that starts its components.
        assert listening.evaluate("document.body.classList.contains('govuk-frontend-supported')")
        assert listening.locator(".govuk-skip-link[data-govuk-skip-link-init]").count() == 1
        listening.axe.check()


def test_the_admin_breaks_no_policy(browser, live_server, client_for, superuser):
    # Django's own admin is not held to axe-core here, so it gets a page of its own rather than the checked one.
    round_ = RoundFactory()
    client = client_for(superuser)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    page.add_init_script(LISTEN_FOR_REFUSALS)
    for path in [
        reverse("admin:index"),
        reverse("admin:applications_round_changelist"),
        reverse("admin:applications_round_change", args=[round_.pk]),
        reverse("admin:applications_round_add"),
        reverse("admin:core_auditevent_changelist"),
    ]:
        assert refusals_on(page, path) == [], path
        assert page.url.endswith(path)
    context.close()
