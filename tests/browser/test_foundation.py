import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.two_factor import authenticator_code_now
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, AuthenticatorFactory, MembershipFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = [
    "/",
    "/accessibility/",
    "/privacy/",
    "/cookies/",
    "/account/sign-in/",
    "/account/register/",
    "/account/register/check-your-email/",
    "/account/password/reset/",
    "/account/password/reset/sent/",
    "/account/password/reset/MQ/not-a-token/",
    "/account/confirm/MQ/not-a-token/",
    "/account/signed-out/",
    "/no-such-page/",
]


def test_every_public_page_passes_axe(page):
    RoundFactory()
    for path in PUBLIC_PAGES:
        page.goto(path)
        page.axe.check()


def test_the_skip_link_is_the_first_thing_the_keyboard_reaches(page):
    page.goto("/")
    page.axe.check()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("#main-content$"))
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_no_font_but_arial_is_used(page):
    page.goto("/")
    page.axe.check()
    family = page.evaluate("getComputedStyle(document.querySelector('.govuk-heading-xl')).fontFamily")
    assert family.lower().startswith("arial")
    assert "GDS Transport" not in family


@pytest.mark.parametrize(
    ("role", "links"),
    [
        (Role.APPLICANT, ["Your applications", "Messages", "Your account"]),
        (Role.ASSESSOR, ["Applications to score", "Your account"]),
        (Role.PROGRAMME_MANAGER, ["Rounds", "Returns", "Changes to grants", "Messages", "Audit trail", "Your account"]),
        (Role.FINANCE_OFFICER, ["Payments", "Your account"]),
    ],
)
def test_each_role_signs_in_by_keyboard_and_sees_its_own_navigation(page, role, links):
    user = UserFactory(role=role)
    authenticator = AuthenticatorFactory(user=user) if role != Role.APPLICANT else None
    page.goto("/account/sign-in/")
    page.axe.check()
    page.get_by_label("Email address").focus()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/sign-in/" not in url)
    page.axe.check()
    navigation = page.get_by_role("navigation", name="Menu")
    if role != Role.APPLICANT:
        assert "/account/two-factor/" in page.url
        assert navigation.get_by_role("link").count() == 0
        page.get_by_label("Code from your authenticator app").focus()
        page.keyboard.type(authenticator_code_now(authenticator))
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/two-factor/" not in url)
        page.axe.check()
    assert [text.strip() for text in navigation.get_by_role("link").all_inner_texts()] == links
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url("**/")
    page.axe.check()
    assert page.get_by_role("link", name="Sign in").count() >= 1


def test_a_failed_sign_in_shows_an_accessible_error_summary(page):
    user = UserFactory()
    sign_in(page, user.email, "wrong-password")
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    page.axe.check("with an error summary")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_username"


def test_too_many_failed_sign_ins_show_the_locked_out_page(page, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, user.email, "wrong-password")
    assert "You have tried to sign in too many times" in page.content()
    page.axe.check("locked out")


def test_registering_confirming_and_signing_in(page):
    page.goto("/account/register/")
    page.axe.check()
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state("load")
    assert "Enter your full name" in page.locator(".govuk-error-summary").inner_text()
    page.axe.check("with errors")

    page.get_by_label("Full name").fill("Dana Lewis")
    page.get_by_label("Email address").fill("dana@example.org")
    page.get_by_label("Create a password").fill("a-long-unusual-passphrase")
    page.get_by_label("Enter the password again").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/check-your-email/")
    page.axe.check()

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.wait_for_url("**/applications/")
    page.axe.check()
    assert "Your email address is confirmed" in page.content()
    assert User.objects.get(email="dana@example.org").is_active


def test_programme_manager_reads_the_audit_trail_and_an_objects_history(page):
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    applicant = MembershipFactory().user
    from applications.audit import AuditAction
    from core.services import audit_record

    audit_record(acting_user=applicant, action=AuditAction.ORGANISATION_CREATED,
                 target=applicant.memberships.get().organisation)
    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check()
    page.get_by_role("link", name="Audit trail", exact=True).click()
    page.wait_for_url("**/audit/")
    page.axe.check()
    page.locator("table a").first.click()
    page.wait_for_load_state("load")
    page.axe.check("object history")
    assert "History" in page.content()


def test_every_signed_in_page_for_a_programme_manager_passes_axe(page):
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check()
    for path in ["/account/password/change/", "/audit/", "/accessibility/"]:
        page.goto(path)
        page.axe.check()
    page.goto("/audit/")
    page.axe.check()


def test_forbidden_page_passes_axe(page):
    applicant = UserFactory(role=Role.APPLICANT)
    sign_in(page, applicant.email, TEST_PASSWORD)
    page.axe.check()
    page.goto("/audit/")
    assert "You cannot see this page" in page.content()
    page.axe.check("403")


def test_timeout_warning_lets_the_user_stay_signed_in_by_keyboard(page, settings):
    settings.SESSION_COOKIE_AGE = 60
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 58
    user = UserFactory()
    sign_in(page, user.email, TEST_PASSWORD)
    page.axe.check()
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    dialog.wait_for(state="visible", timeout=10_000)
    page.axe.check("with the timeout warning open")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Stay signed in"
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    assert "/signed-out/" not in page.url


def test_the_warning_counts_down_to_when_the_server_ends_the_session(page, settings):
    settings.SESSION_COOKIE_AGE = 120
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 110
    page.clock.install()
    user = UserFactory()
    sign_in(page, user.email, TEST_PASSWORD)
    page.axe.check()
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    assert not dialog.is_visible()
    # 15 seconds on, the server does not start the timeout again (it does every 30 seconds at this timeout): the page
    # must warn at once, as the server ends the session in at most 105 seconds, not count 120 from its own loading.
    with time_machine.travel(timezone.now() + timedelta(seconds=15)):
        page.clock.fast_forward(15_000)
        page.goto(reverse("accounts:home"))
        page.axe.check()
        dialog.wait_for(state="visible", timeout=5_000)
        page.axe.check("with the timeout warning open")
        seconds = re.fullmatch(r"1 minute (\d+) seconds", dialog.locator("[data-countdown]").inner_text()).group(1)
        assert int(seconds) <= 45


def test_typing_counts_as_activity_so_nobody_is_signed_out_mid_sentence(page, settings):
    settings.SESSION_COOKIE_AGE = 8
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 3
    user = UserFactory()
    sign_in(page, user.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("applications:organisation_new"))
    field = page.get_by_label("Organisation name")
    for letter in "Hackney Deaf Forum":
        field.press_sequentially(letter)
        page.wait_for_timeout(800)
    assert "/signed-out/" not in page.url
    assert not page.get_by_role("dialog", name="You will be signed out soon").is_visible()
    page.reload()
    assert "/sign-in/" not in page.url
    page.axe.check()


def test_doing_nothing_after_the_warning_signs_the_user_out(page, settings):
    settings.SESSION_COOKIE_AGE = 6
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 4
    user = UserFactory()
    sign_in(page, user.email, TEST_PASSWORD)
    page.axe.check()
    page.wait_for_url("**/account/signed-out/", timeout=15_000)
    page.axe.check()
    assert "You have been signed out" in page.content()
    page.goto("/account/")
    page.wait_for_url("**/account/sign-in/**")
    page.axe.check("after timing out")
