"""Two-factor sign-in for staff: setting up an authenticator app, checking codes, recovery codes and resets.

The codes themselves are django-otp's: a TOTP device for the app and a static device holding single-use recovery
codes. Both throttle wrong guesses, doubling the wait after each one.
"""

import time
from base64 import b32encode
from dataclasses import dataclass
from xml.etree import ElementTree

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import AuditAction
from accounts.models import User
from accounts.permissions import can_reset_second_factor_of, needs_second_factor
from core.refusals import ServiceError
from core.services import audit_record

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
ALREADY_SET_UP = "Two-factor sign-in is already set up for this account."


class SecondFactorRefused(ServiceError):
    """A code that is wrong, spent, or tried too soon after too many wrong ones."""


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


def authenticator_for(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=confirmed).first()


def recovery_codes_for(user: User) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


def authenticator_secret(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32, in groups of four so it can be read out and checked."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def authenticator_qr_code(device: TOTPDevice) -> str:
    """An inline SVG of the app's set-up address: no script, no separate request, nothing for a policy to block."""
    svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).get_image()
    # The viewBox scales it: a fixed size that phones scan easily and that fits the narrowest screen.
    svg.set("width", "240")
    svg.set("height", "240")
    svg.set("role", "img")
    svg.set("aria-label", "QR code to scan with your authenticator app. The same key is written out as text.")
    svg.set("focusable", "false")
    return ElementTree.tostring(svg, encoding="unicode")


def _totp_now(device: TOTPDevice) -> TOTP:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp


def authenticator_code_now(device: TOTPDevice) -> str:
    """The code the app shows at this moment: for the demo and for tests that sign in as staff."""
    totp = _totp_now(device)
    return f"{totp.token():0{device.digits}d}"


def _already_used(device: TOTPDevice, code: str) -> bool:
    """django-otp accepts each code once, so signing in twice within 30 seconds finds the app's code spent."""
    return device.last_t is not None and device.last_t >= _totp_now(device).t() and code == authenticator_code_now(device)


def authenticator_begin(*, acting_user: User) -> TOTPDevice:
    """The not yet confirmed app being set up: the same key each time the page is opened, until a code confirms it."""
    if has_second_factor(acting_user):
        raise SecondFactorRefused(ALREADY_SET_UP)
    device, _ = TOTPDevice.objects.get_or_create(user=acting_user, confirmed=False, defaults={"name": AUTHENTICATOR_NAME})
    return device


def authenticator_confirm(*, acting_user: User, code: str) -> Enrolment:
    """Confirms the app with the code it shows, and makes the first set of recovery codes."""
    with transaction.atomic():
        if has_second_factor(acting_user):
            raise SecondFactorRefused(ALREADY_SET_UP)
        device = TOTPDevice.objects.select_for_update().filter(user=acting_user, confirmed=False).first()
        if device is None:
            raise SecondFactorRefused("Scan the QR code or enter the key again, then enter the code the app shows.")
        refusal = _refusal(device, code)
        if refusal is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_recovery_codes(acting_user)
            audit_record(acting_user=acting_user, action=AuditAction.TWO_FACTOR_SET_UP, target=acting_user)
    # Raised outside the transaction, so the wrong guess still counts towards the throttle.
    if refusal is not None:
        raise refusal
    return Enrolment(device=device, recovery_codes=codes)


def second_factor_verify(*, acting_user: User, code: str, recovery_code: bool = False) -> StaticDevice | TOTPDevice:
    """Checks a code from the app, or spends one recovery code. Returns the device to record in the session."""
    with transaction.atomic():
        model = StaticDevice if recovery_code else TOTPDevice
        device = model.objects.devices_for_user(acting_user, confirmed=True).select_for_update().first()
        if device is None:
            raise SecondFactorRefused(
                "You have no recovery codes left. Ask a programme manager to reset your two-factor sign-in."
                if recovery_code
                else "Two-factor sign-in is not set up for this account."
            )
        refusal = _refusal(device, code)
        if refusal is None and recovery_code:
            audit_record(acting_user=acting_user, action=AuditAction.RECOVERY_CODE_USED, target=acting_user)
    if refusal is not None:
        raise refusal
    return device


def recovery_codes_regenerate(*, acting_user: User) -> list[str]:
    """New codes replace every old one, used or not."""
    with transaction.atomic():
        if not has_second_factor(acting_user):
            raise SecondFactorRefused("Set up two-factor sign-in before you make recovery codes.")
        codes = _new_recovery_codes(acting_user)
        audit_record(acting_user=acting_user, action=AuditAction.RECOVERY_CODES_MADE, target=acting_user)
    return codes


def second_factor_reset(*, acting_user: User, user: User, reason: str) -> None:
    """For a colleague who lost their phone: they set up an app again the next time they sign in.

    Removing the devices also ends the second factor of any session they have open, as django-otp finds the
    session's device by its id.
    """
    if user.pk == acting_user.pk:
        raise SecondFactorRefused("You cannot reset your own two-factor sign-in. Ask another programme manager.")
    if not can_reset_second_factor_of(acting_user, user):
        raise SecondFactorRefused(f"Only a superuser can reset {user}'s two-factor sign-in.")
    if not needs_second_factor(user):
        raise SecondFactorRefused(f"{user} does not use two-factor sign-in.")
    with transaction.atomic():
        if not has_second_factor(user):
            raise SecondFactorRefused(f"{user}'s two-factor sign-in has already been reset: they will set it up again "
                                      "the next time they sign in.")
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(acting_user=acting_user, action=AuditAction.TWO_FACTOR_RESET, target=user, reason=reason)


def _refusal(device: TOTPDevice | StaticDevice, code: str) -> SecondFactorRefused | None:
    """Checks a code with django-otp, which counts a wrong one against the device's throttle."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        seconds = max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)
        unit = "second" if seconds == 1 else "seconds"
        return SecondFactorRefused(f"You have entered a wrong code too many times. Wait {seconds} {unit}, then try again.")
    if not device.verify_token(code):
        if isinstance(device, StaticDevice):
            return SecondFactorRefused("That recovery code is wrong or has been used. Check it and enter it again.")
        if _already_used(device, code):
            return SecondFactorRefused("That code has already been used. Wait for your app to show a new code, "
                                       "then enter it.")
        return SecondFactorRefused("The code is wrong or has run out. Enter the code your app shows now.")
    return None


def _new_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": RECOVERY_CODES_NAME, "confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
