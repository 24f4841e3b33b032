"""The person signing in: one account per email address, with the role the funder gave them."""

import unicodedata

import rules
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    # Applicants act for an organisation through their membership of it (applications.Membership).
    APPLICANT = "applicant", "Applicant"
    ASSESSOR = "assessor", "Assessor"
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    FINANCE_OFFICER = "finance_officer", "Finance officer"


def normalise_email(address: str) -> str:
    """The one spelling of an address that is stored, signed in with, and counted by the sign-in lockout.

    Lookups match this spelling exactly rather than ignoring case in the database: PostgreSQL's UPPER() turns a
    dotless ı into I, so a case-blind lookup let "applıcant@" into "applicant@" under a different lockout count.
    """
    return unicodedata.normalize("NFKC", address).strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email: str):
        return self.get(email=normalise_email(email))

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        # The technical operator: no funding role of their own, so they count as nobody's second pair of eyes.
        return self.create_user(email, password, is_staff=True, is_superuser=True, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField("full name", max_length=150)
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.APPLICANT)
    is_active = models.BooleanField(
        default=True, help_text="Inactive accounts cannot sign in, for example before the email address is confirmed."
    )
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the admin site.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            # Four eyes: a superuser can do anything in the admin site, so a programme manager must never be one.
            models.CheckConstraint(
                condition=~models.Q(role=Role.PROGRAMME_MANAGER, is_superuser=True),
                name="programme_managers_are_never_superusers",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @classmethod
    def normalize_username(cls, username):
        # Django's hook for forms built on the model, such as the admin's: they store the same spelling.
        return normalise_email(username)

    def has_perm(self, perm: str, obj=None) -> bool:
        # A named permission (from an app's permissions.py) follows the funding role alone. Django would give an
        # active superuser every permission, but the superuser is the technical operator, with no funding role.
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class RoleGrant(models.Model):
    """Who gave someone a role, and from when until when: the four-eyes rule asks who held a role at a past moment."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(ended_at__isnull=True), name="one_current_role_grant"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True) | models.Q(ended_at__gte=models.F("granted_at")),
                name="role_grant_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} from {self.granted_at:%Y-%m-%d %H:%M}"
