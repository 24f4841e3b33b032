"""Reads of accounts that pages list."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.permissions import STAFF_ROLES


def staff_accounts() -> QuerySet[User]:
    """Everyone who signs in with a second factor, marked with whether they have set one up."""
    return (
        User.objects.filter(Q(role__in=STAFF_ROLES) | Q(is_staff=True) | Q(is_superuser=True))
        .annotate(has_second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .order_by("full_name", "email")
    )
