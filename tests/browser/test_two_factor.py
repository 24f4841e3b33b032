"""Two-factor sign-in in Chromium: setting up an app by typing its key, recovery codes, and a manager's reset."""

from base64 import b32decode

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from accounts.two_factor import authenticator_code_now
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, AuthenticatorFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_with_password_only(page, email: str) -> None:
    page.goto("/account/sign-in/")
    page.axe.check()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def test_staff_set_up_an_app_by_typing_the_key_then_sign_in_with_a_recovery_code(page):
    officer = UserFactory(role=Role.FINANCE_OFFICER)
    sign_in_with_password_only(page, officer.email)
    assert "/account/two-factor/set-up/" in page.url
    page.axe.check()
    assert page.get_by_role("img", name="QR code").count() == 1

    # The key as written on the page is all a person needs: no scanning.
    key = page.locator(".govuk-summary-list__row", has_text="Setup key").locator("code").inner_text()
    typed_into_an_app = TOTPDevice(key=b32decode(key.replace(" ", "")).hex())
    code_box = page.get_by_label("Code from your authenticator app")
    assert code_box.get_attribute("autocomplete") == "one-time-code"
    assert code_box.get_attribute("inputmode") == "numeric"
    code_box.fill("12 34")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")
    page.axe.check("with an error")
    assert page.get_by_role("alert").filter(has_text="The code must be 6 digits").count() == 1
    page.get_by_label("Code from your authenticator app").fill(authenticator_code_now(typed_into_an_app))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/account/two-factor/recovery-codes/**")
    page.axe.check()
    codes = page.get_by_role("list", name="Your recovery codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved my recovery codes").click()
    page.wait_for_load_state("load")
    page.axe.check()
    assert page.get_by_role("link", name="Payments").count() >= 1

    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_load_state("load")
    page.axe.check()
    sign_in_with_password_only(page, officer.email)
    page.axe.check()
    page.get_by_role("link", name="use one of your recovery codes").click()
    page.wait_for_load_state("load")
    page.axe.check()
    page.get_by_label("Recovery code").fill(codes[3])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")
    page.axe.check()
    assert "You have 9 recovery codes left" in page.content()


def test_a_programme_manager_resets_a_colleagues_second_factor(page):
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    colleague = UserFactory(role=Role.ASSESSOR, full_name="Sam Lost-Phone")
    AuthenticatorFactory(user=colleague)
    sign_in(page, manager.email, TEST_PASSWORD)
    page.axe.check()
    page.get_by_role("link", name="Your account").click()
    page.wait_for_load_state("load")
    page.axe.check()
    page.get_by_role("link", name="Reset a colleague's two-factor sign-in").click()
    page.wait_for_load_state("load")
    page.axe.check()
    page.get_by_role("link", name="Reset two-factor sign-in for Sam Lost-Phone").click()
    page.wait_for_load_state("load")
    page.axe.check()
    page.get_by_role("button", name="Reset two-factor sign-in").click()
    page.wait_for_load_state("load")
    page.axe.check("with an error")
    page.get_by_label("Why are you resetting it?").fill("Lost their phone; I called them on their desk number")
    page.get_by_role("button", name="Reset two-factor sign-in").click()
    page.wait_for_load_state("load")
    page.axe.check()
    assert "Sam Lost-Phone will set up two-factor sign-in again" in page.content()
    assert not TOTPDevice.objects.filter(user=colleague).exists()
