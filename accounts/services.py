"""Every change to an account: registering an applicant, confirming their email address, and the roles and admin
access the funder gives people."""

from urllib.parse import urlencode

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.audit import AuditAction
from accounts.models import Role, RoleGrant, User, normalise_email
from accounts.tokens import email_confirmation_token
from core.emails import email_send_on_commit
from core.refusals import ServiceError
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
        audit_record(acting_user=user, action=AuditAction.REGISTERED, target=user, to_state="unconfirmed")
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
        audit_record(acting_user=user, action=AuditAction.EMAIL_CONFIRMED, target=user, from_state="unconfirmed",
                     to_state="active")


class AccountError(ServiceError):
    """A request the rules refuse; its message is written for the person who asked."""


# The admin site's groups: a role that needs the admin site gets its group and nothing more, so nobody needs to be
# a superuser to set rounds up. Programme managers only read people: changing someone's password or access would
# let one manager act as another and be their own second pair of eyes.
ADMIN_GROUPS: dict[str, tuple[str, list[str]]] = {
    Role.PROGRAMME_MANAGER: (
        "Programme managers",
        [
            "applications.add_round", "applications.change_round", "applications.view_round",
            "applications.add_criterion", "applications.change_criterion", "applications.delete_criterion",
            "applications.view_criterion",
            "applications.add_scoredescriptor", "applications.change_scoredescriptor",
            "applications.delete_scoredescriptor", "applications.view_scoredescriptor",
            "applications.add_indicator", "applications.change_indicator", "applications.delete_indicator",
            "applications.view_indicator",
            "applications.view_borough",
            "applications.change_organisation", "applications.view_organisation",
            "applications.add_membership", "applications.change_membership", "applications.delete_membership",
            "applications.view_membership",
            "applications.view_application",
            "accounts.view_user",
            "core.view_auditevent",
            "auditlog.view_logentry",
        ],
    ),
}


# A superuser can do anything in the admin site, so a manager who was one could act as their own second pair of eyes.
NEVER_SUPERUSERS = "Programme managers are never superusers, so that every decision has a second manager's eyes."


def user_role_change(*, user: User, role: str, acting_user: User | None, reason: str) -> User:
    """Gives someone a new role, ending the one they had, with the admin access that goes with it.

    Only a superuser (the technical operator) may do it, never for themselves: a programme manager who could make
    another programme manager could also make their own second pair of eyes. `acting_user` is None only for the
    demo data.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _check_may_change_access(acting_user, user, reason)
        if role not in Role.values:
            raise AccountError("Choose a role from the list.")
        if role == user.role:
            raise AccountError(f"{user} is already {_with_article(Role(role).label.lower())}.")
        if role == Role.PROGRAMME_MANAGER and user.is_superuser:
            raise AccountError(f"{user} is a superuser. {NEVER_SUPERUSERS} Take their superuser access away first.")
        now = timezone.now()
        previous = user.role
        RoleGrant.objects.filter(user=user, ended_at__isnull=True).update(ended_at=now)
        RoleGrant.objects.create(user=user, role=role, granted_at=now, granted_by=acting_user)
        user.role = role
        _set_admin_access(user)
        audit_record(acting_user=acting_user, action=AuditAction.ROLE_CHANGED, target=user, from_state=previous,
                     to_state=role, reason=reason)
        return user


def user_superuser_change(*, user: User, is_superuser: bool, acting_user: User | None, reason: str) -> User:
    """Makes someone the technical operator, with every permission in the admin site, or stops them being one."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _check_may_change_access(acting_user, user, reason)
        if user.is_superuser == is_superuser:
            raise AccountError(f"{user} is already {'a' if is_superuser else 'not a'} superuser.")
        if is_superuser and user.role == Role.PROGRAMME_MANAGER:
            raise AccountError(f"{user} is a programme manager. {NEVER_SUPERUSERS}")
        user.is_superuser = is_superuser
        _set_admin_access(user)
        audit_record(acting_user=acting_user, action=AuditAction.SUPERUSER_ACCESS_CHANGED, target=user,
                     from_state=_superuser_label(not is_superuser), to_state=_superuser_label(is_superuser),
                     reason=reason)
        return user


def _with_article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _superuser_label(is_superuser: bool) -> str:
    return "superuser" if is_superuser else "not superuser"


def _check_may_change_access(acting_user: User | None, user: User, reason: str) -> None:
    if acting_user is not None and not (acting_user.is_active and acting_user.is_superuser):
        raise AccountError("Only a superuser can change people's roles and access.")
    if acting_user is not None and acting_user.pk == user.pk:
        raise AccountError("You cannot change your own role or access: ask another superuser.")
    if not reason.strip():
        raise AccountError("Give a reason for the change.")


def _set_admin_access(user: User) -> None:
    """The admin site is for superusers and the roles with an admin group; each such role gets its group only."""
    groups = {role: admin_group(role) for role in ADMIN_GROUPS}
    keep = groups.get(user.role)
    # Only groups they are in: removing the others would write "removed from a group" to the history for nothing.
    user.groups.remove(*user.groups.filter(pk__in=[group.pk for group in groups.values() if group != keep]))
    if keep:
        user.groups.add(keep)
    user.is_staff = user.is_superuser or user.role in ADMIN_GROUPS
    user.save(update_fields=["role", "is_superuser", "is_staff"])


def admin_group(role: str, *, group_model=Group, permission_model=Permission) -> Group:
    """The role's admin group with exactly its permissions. A migration passes its historical models."""
    name, permission_names = ADMIN_GROUPS[role]
    group, _ = group_model.objects.get_or_create(name=name)
    wanted = Q(pk__in=[])
    for permission_name in permission_names:
        app_label, codename = permission_name.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.set(permission_model.objects.filter(wanted))
    return group
