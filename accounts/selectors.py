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
    since = role_held_since([user.pk], role).get(user.pk)
    return since is not None and since <= moment


def role_held_since(user_ids, role: str) -> dict[int, datetime]:
    """When each of these people, who hold the role today, last started holding it: one query for many people."""
    return dict(
        RoleGrant.objects.filter(
            user_id__in=user_ids, user__is_active=True, user__role=role, role=role, ended_at__isnull=True
        ).values_list("user_id", "granted_at")
    )
