"""Reads about people: their roles, and the staff who sign in with a second factor."""

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import RoleGrant, User
from accounts.permissions import STAFF_ROLES


def staff_accounts() -> QuerySet[User]:
    """Everyone who signs in with a second factor, marked with whether they have set one up."""
    return (
        User.objects.filter(Q(role__in=STAFF_ROLES) | Q(is_staff=True) | Q(is_superuser=True))
        .annotate(has_second_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .order_by("full_name", "email")
    )


def held_role_since(user: User, role: str, moment: datetime) -> bool:
    """Whether the person has held the role without a break since at or before the moment, and still does.

    Read from the database, not the object in hand, which may be older than a role change.
    """
    return RoleGrant.objects.filter(
        user=user, user__is_active=True, user__role=role, role=role, granted_at__lte=moment, ended_at__isnull=True
    ).exists()
