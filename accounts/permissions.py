"""Named checks of who may do what, used by views and templates alike."""

from collections.abc import Callable
from functools import wraps

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from accounts.models import Role

STAFF_ROLES = (Role.ASSESSOR, Role.PROGRAMME_MANAGER, Role.FINANCE_OFFICER)


def has_role(user, *roles: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in roles)


def is_applicant(user) -> bool:
    return has_role(user, Role.APPLICANT)


def is_assessor(user) -> bool:
    return has_role(user, Role.ASSESSOR)


def is_programme_manager(user) -> bool:
    return has_role(user, Role.PROGRAMME_MANAGER)


def is_finance_officer(user) -> bool:
    return has_role(user, Role.FINANCE_OFFICER)


def can_read_audit_trail(user) -> bool:
    return is_programme_manager(user)


rules.add_perm("accounts.read_audit_trail", can_read_audit_trail)


def needs_second_factor(user) -> bool:
    """Staff move money and read sensitive applications, and the admin site can change anything: both need a code."""
    return bool(user.is_authenticated and (user.role in STAFF_ROLES or user.is_staff or user.is_superuser))


def awaiting_second_factor(user) -> bool:
    """Signed in with a password but not yet with a code (needs django-otp's middleware, which sets is_verified)."""
    return needs_second_factor(user) and not user.is_verified()


def can_reset_second_factor(user) -> bool:
    """Who can let a colleague who lost their phone set up two-factor sign-in again."""
    return is_programme_manager(user) or bool(user.is_authenticated and user.is_active and user.is_superuser)


def can_reset_second_factor_of(user, colleague) -> bool:
    """Only a superuser resets a superuser's, who alone can hand out roles. (Nobody resets their own: the service
    says so in words.)"""
    return can_reset_second_factor(user) and (user.is_superuser or not colleague.is_superuser)


def role_required(*roles: str) -> Callable:
    """Sends anonymous visitors to sign in and refuses signed-in users without one of the roles."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
