"""Reads about people and their roles."""

from datetime import datetime

from accounts.models import RoleGrant, User


def held_role_since(user: User, role: str, moment: datetime) -> bool:
    """Whether the person has held the role without a break since at or before the moment, and still does."""
    return (
        user.is_active
        and user.role == role
        and RoleGrant.objects.filter(user=user, role=role, granted_at__lte=moment, ended_at__isnull=True).exists()
    )
