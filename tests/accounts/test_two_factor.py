import re
import time

import pytest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import AuditAction
from accounts.models import Role
from accounts.two_factor import (
    SecondFactorRefused,
    has_second_factor,
    authenticator_begin,
    authenticator_code_now,
    authenticator_confirm,
    authenticator_qr_code,
    authenticator_secret,
    recovery_codes_regenerate,
    second_factor_reset,
    second_factor_verify,
)
from core.models import AuditEvent
from tests.factories import AuthenticatorFactory, UserFactory

pytestmark = pytest.mark.django_db


def enrolled(user) -> list[str]:
    device = authenticator_begin(acting_user=user)
    return authenticator_confirm(acting_user=user, code=authenticator_code_now(device)).recovery_codes


def wrong_code(device) -> str:
    return f"{(int(authenticator_code_now(device)) + 500_000) % 1_000_000:06d}"


def test_setting_up_offers_the_same_key_until_a_code_confirms_it(assessor):
    first = authenticator_begin(acting_user=assessor)
    again = authenticator_begin(acting_user=assessor)
    assert first.pk == again.pk and first.key == again.key
    assert not first.confirmed


def test_a_code_from_the_app_confirms_it_and_makes_ten_recovery_codes_once(assessor):
    device = authenticator_begin(acting_user=assessor)
    enrolment = authenticator_confirm(acting_user=assessor, code=authenticator_code_now(device))
    device.refresh_from_db()
    assert device.confirmed
    assert len(set(enrolment.recovery_codes)) == 10
    assert sorted(StaticToken.objects.filter(device__user=assessor).values_list("token", flat=True)) == sorted(
        enrolment.recovery_codes
    )
    assert AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_SET_UP).actor == assessor


def test_setting_up_is_refused_once_an_app_is_confirmed(assessor):
    enrolled(assessor)
    with pytest.raises(SecondFactorRefused):
        authenticator_begin(acting_user=assessor)
    with pytest.raises(SecondFactorRefused):
        authenticator_confirm(acting_user=assessor, code="123456")


def test_a_wrong_code_while_setting_up_is_refused_and_counts_towards_the_throttle(assessor):
    device = authenticator_begin(acting_user=assessor)
    with pytest.raises(SecondFactorRefused, match="wrong or has run out"):
        authenticator_confirm(acting_user=assessor, code=wrong_code(device))
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1
    assert not AuditEvent.objects.exists()


def test_the_apps_code_verifies_the_person_and_cannot_be_used_twice(assessor, monkeypatch):
    # One moment, so both tries fall in the same 30 seconds, as signing in twice quickly does.
    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.0)
    device = AuthenticatorFactory(user=assessor)
    code = authenticator_code_now(device)
    assert second_factor_verify(acting_user=assessor, code=code) == device
    with pytest.raises(SecondFactorRefused, match="already been used. Wait for your app to show a new code"):
        second_factor_verify(acting_user=assessor, code=code)


def test_repeated_wrong_codes_are_throttled_even_when_the_next_code_is_right(assessor):
    device = AuthenticatorFactory(user=assessor)
    with pytest.raises(SecondFactorRefused, match="wrong or has run out"):
        second_factor_verify(acting_user=assessor, code=wrong_code(device))
    with pytest.raises(SecondFactorRefused, match=r"too many times. Wait \d+ seconds?"):
        second_factor_verify(acting_user=assessor, code=authenticator_code_now(device))
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_a_recovery_code_works_once_and_is_audited(assessor):
    code = enrolled(assessor)[0]
    assert isinstance(second_factor_verify(acting_user=assessor, code=code, recovery_code=True), StaticDevice)
    assert AuditEvent.objects.filter(action=AuditAction.RECOVERY_CODE_USED, target_id=str(assessor.pk)).count() == 1
    StaticDevice.objects.filter(user=assessor).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    with pytest.raises(SecondFactorRefused, match="wrong or has been used"):
        second_factor_verify(acting_user=assessor, code=code, recovery_code=True)
    assert StaticToken.objects.filter(device__user=assessor).count() == 9


def test_someone_without_recovery_codes_is_told_who_can_help(assessor):
    AuthenticatorFactory(user=assessor)
    with pytest.raises(SecondFactorRefused, match="Ask a programme manager"):
        second_factor_verify(acting_user=assessor, code="abcd2345", recovery_code=True)


def test_new_recovery_codes_replace_every_old_one(assessor):
    old = enrolled(assessor)
    new = recovery_codes_regenerate(acting_user=assessor)
    assert len(new) == 10 and not set(old) & set(new)
    with pytest.raises(SecondFactorRefused):
        second_factor_verify(acting_user=assessor, code=old[1], recovery_code=True)
    assert AuditEvent.objects.filter(action=AuditAction.RECOVERY_CODES_MADE).count() == 1


def test_recovery_codes_need_an_app_set_up_first(assessor):
    with pytest.raises(SecondFactorRefused):
        recovery_codes_regenerate(acting_user=assessor)


def test_a_programme_manager_resets_a_colleagues_lost_phone_with_a_reason(assessor, programme_manager):
    enrolled(assessor)
    second_factor_reset(acting_user=programme_manager, user=assessor, reason="Lost phone on the bus")
    assert not TOTPDevice.objects.filter(user=assessor).exists()
    assert not StaticDevice.objects.filter(user=assessor).exists()
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_RESET)
    assert (event.actor, event.target, event.reason) == (programme_manager, assessor, "Lost phone on the bus")
    # They can set up a new app straight away.
    assert authenticator_begin(acting_user=assessor)


def test_nobody_resets_their_own_second_factor(programme_manager):
    enrolled(programme_manager)
    with pytest.raises(SecondFactorRefused, match="your own"):
        second_factor_reset(acting_user=programme_manager, user=programme_manager, reason="Lost phone")
    assert TOTPDevice.objects.filter(user=programme_manager).exists()


def test_applicants_have_no_second_factor_to_reset(applicant, programme_manager):
    with pytest.raises(SecondFactorRefused):
        second_factor_reset(acting_user=programme_manager, user=applicant, reason="Asked to")
    assert not AuditEvent.objects.exists()


def test_the_key_is_shown_in_groups_of_four_letters_and_numbers_that_apps_accept():
    device = AuthenticatorFactory(user=UserFactory(role=Role.FINANCE_OFFICER))
    secret = authenticator_secret(device)
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4}){7}", secret)
    assert secret.replace(" ", "") in device.config_url


def test_the_qr_code_is_a_labelled_inline_svg_without_script_or_style(settings):
    settings.OTP_TOTP_ISSUER = "Grants"
    svg = authenticator_qr_code(AuthenticatorFactory(user=UserFactory(role=Role.ASSESSOR)))
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-label="QR code' in svg
    assert "<script" not in svg and "style=" not in svg


def test_the_admin_site_offers_no_way_round_the_audited_pages():
    from django.contrib import admin

    assert TOTPDevice not in admin.site._registry and StaticDevice not in admin.site._registry


def test_only_a_superuser_resets_a_superusers_second_factor(programme_manager, superuser):
    AuthenticatorFactory(user=superuser)
    with pytest.raises(SecondFactorRefused, match="Only a superuser"):
        second_factor_reset(acting_user=programme_manager, user=superuser, reason="Lost phone")
    assert has_second_factor(superuser)
    colleague = UserFactory(is_superuser=True, is_staff=True)
    second_factor_reset(acting_user=colleague, user=superuser, reason="Lost phone")
    assert not has_second_factor(superuser)


def test_a_second_reset_is_refused_in_words_and_audited_once(assessor, programme_manager):
    AuthenticatorFactory(user=assessor)
    second_factor_reset(acting_user=programme_manager, user=assessor, reason="Lost phone")
    with pytest.raises(SecondFactorRefused, match="already been reset"):
        second_factor_reset(acting_user=programme_manager, user=assessor, reason="Lost phone")
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_RESET).count() == 1
