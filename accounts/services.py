"""Every change to an account: registering an applicant and confirming their email address."""

from django.db import transaction
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Role, User, normalise_email
from accounts.tokens import email_confirmation_token
from core.emails import email_send_on_commit
from core.services import audit_record


def applicant_register(*, full_name: str, email: str, password: str, site_url: str, next_path: str = "") -> User | None:
    """Creates an applicant account that cannot sign in until its email address is confirmed.

    Someone registering an address that already has an account gets an email saying so, and the page shows the
    same message either way, so nobody can use this form to find out who has an account.
    """
    email = normalise_email(email)
    with transaction.atomic():
        existing = User.objects.select_for_update().filter(email=email).first()
        if existing is not None and not existing.is_active and existing.last_login is None:
            # Never confirmed: whoever registers now gets a fresh link, and their name and password.
            existing.full_name = full_name
            existing.set_password(password)
            existing.save()
            _send_confirmation(existing, site_url, next_path)
            return existing
        if existing is not None:
            email_send_on_commit(
                to=existing.email,
                subject="You already have an account",
                template="accounts/emails/already_registered.txt",
                context={"user": existing, "sign_in_url": site_url + reverse("accounts:sign_in"),
                         "reset_url": site_url + reverse("accounts:password_reset")},
            )
            return None
        user = User.objects.create_user(email, password, full_name=full_name, role=Role.APPLICANT, is_active=False)
        audit_record(acting_user=user, action="registered", target=user, to_state="unconfirmed")
        _send_confirmation(user, site_url, next_path)
        return user


def _send_confirmation(user: User, site_url: str, next_path: str) -> None:
    """The link carries where to go next (an invitation, say), so it works on whichever device opens it."""
    confirm_path = reverse(
        "accounts:confirm_email",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": email_confirmation_token.make_token(user)},
    )
    if next_path:
        confirm_path += "?" + urlencode({"next": next_path})
    email_send_on_commit(
        to=user.email,
        subject="Confirm your email address",
        template="accounts/emails/confirm_email.txt",
        context={"user": user, "confirm_url": site_url + confirm_path},
    )


def account_confirm_email(*, user: User) -> None:
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(acting_user=user, action="confirmed email address", target=user, from_state="unconfirmed", to_state="active")
