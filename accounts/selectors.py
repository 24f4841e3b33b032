"""Reads about people and their roles."""

from datetime import datetime

from accounts.models import RoleGrant, User


def held_role_since(user: User, role: str, moment: datetime) -> bool:
    """Whether the person has held the role without a break since at or before the moment, and still does.

    Read from the database, not the object in hand, which may be older than a role change.
    """
    return RoleGrant.objects.filter(
        user=user, user__is_active=True, user__role=role, role=role, granted_at__lte=moment, ended_at__isnull=True
    ).exists()
