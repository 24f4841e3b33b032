"""The organisations that apply, the boroughs they work in, their members and invitations to join."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.db.models import F, Q
from django.utils import timezone


class Borough(models.Model):
    """A London borough, with the police Basic Command Unit that covers it (reference data)."""

    gss_code = models.CharField("GSS code", max_length=9, primary_key=True)
    name = models.CharField(max_length=100, unique=True)
    police_force = models.CharField(max_length=100)
    bcu_code = models.CharField("BCU code", max_length=4, blank=True)
    bcu_name = models.CharField("BCU name", max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def police_area(self) -> str:
        """Its police BCU, "<name> BCU", or its force where it has no BCU of its own (the City of London), as the
        outcomes dashboard names it in SQL (monitoring.outcomes._bcu_of)."""
        return f"{self.bcu_name} BCU" if self.bcu_name else self.police_force


class Organisation(models.Model):
    class LegalForm(models.TextChoices):
        REGISTERED_CHARITY = "registered_charity", "Registered charity"
        CIO = "cio", "Charitable incorporated organisation (CIO)"
        CIC = "cic", "Community interest company (CIC)"
        COMPANY_LIMITED_BY_GUARANTEE = "clg", "Company limited by guarantee"
        COMMUNITY_BENEFIT_SOCIETY = "cbs", "Community benefit society"
        UNINCORPORATED_ASSOCIATION = "unincorporated", "Unincorporated association"

    name = models.CharField(max_length=200)
    legal_form = models.CharField(max_length=20, choices=LegalForm.choices, blank=True)
    charity_number = models.CharField(max_length=10, blank=True)
    company_number = models.CharField(max_length=8, blank=True)
    society_number = models.CharField("society registration number", max_length=10, blank=True)
    address_line_1 = models.CharField(max_length=100, blank=True)
    address_line_2 = models.CharField(max_length=100, blank=True)
    town = models.CharField("town or city", max_length=60, blank=True, default="London")
    postcode = models.CharField(max_length=8, blank=True)
    boroughs = models.ManyToManyField(Borough, blank=True, related_name="organisations")
    annual_income = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    board_size = models.PositiveSmallIntegerField(null=True, blank=True)
    disabled_board_members = models.PositiveSmallIntegerField(null=True, blank=True)
    leader_is_disabled = models.BooleanField(null=True, blank=True)
    staff_count = models.PositiveSmallIntegerField(null=True, blank=True)
    disabled_staff_count = models.PositiveSmallIntegerField(null=True, blank=True)
    has_safeguarding_policy = models.BooleanField(null=True, blank=True)
    has_governing_document = models.BooleanField(null=True, blank=True)
    contact_name = models.CharField("main contact's name", max_length=150, blank=True)
    contact_email = models.EmailField("main contact's email address", blank=True)
    contact_phone = models.CharField("main contact's phone number", max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moves on every save: a sent application's page keeps its answers, which show these details, until it does.
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disabled_board_members__lte=F("board_size")) | Q(board_size__isnull=True),
                name="organisation_disabled_board_within_board",
            ),
            models.CheckConstraint(
                condition=Q(disabled_staff_count__lte=F("staff_count")) | Q(staff_count__isnull=True),
                name="organisation_disabled_staff_within_staff",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return "\n".join(part for part in [self.address_line_1, self.address_line_2, self.town, self.postcode] if part)

    @property
    def registration_numbers(self) -> str:
        numbers = [
            f"{label} {number}"
            for label, number in [("Charity", self.charity_number), ("Company", self.company_number),
                                  ("Society", self.society_number)]
            if number
        ]
        return ", ".join(numbers) or "Not registered"

    @property
    def main_contact(self) -> str:
        return ", ".join(part for part in [self.contact_name, self.contact_email, self.contact_phone] if part)


class Membership(models.Model):
    """A person acting for an organisation: owners can also invite colleagues."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        EDITOR = "editor", "Editor"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_person_per_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.organisation}"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """An owner's invitation to a colleague, by email, to work on the organisation's applications."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Membership.Role.choices, default=Membership.Role.EDITOR)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to join {self.organisation}"

    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
