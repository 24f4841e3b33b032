"""Admin for people. Roles and admin access change only through the audited services, on forms of their own that
only a superuser can use; the plain change form shows them read-only."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from accounts.services import user_role_change, user_superuser_change
from core.admin import ServiceForm, ServiceFormsAdminMixin

ACCESS_FIELDS = ["role", "is_staff", "is_superuser", "groups", "user_permissions"]


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=Role.choices, help_text="Programme managers get the admin site's programme-manager group with it."
    )
    reason = forms.CharField(label="Why is their role changing?", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, obj: User, **kwargs):
        super().__init__(*args, initial={"role": obj.role}, **kwargs)


class SuperuserForm(forms.Form):
    is_superuser = forms.BooleanField(
        label="Superuser", required=False,
        help_text="Every permission in the admin site: for the technical operator only, never for funding roles.",
    )
    reason = forms.CharField(label="Why is their access changing?", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, obj: User, **kwargs):
        super().__init__(*args, initial={"is_superuser": obj.is_superuser}, **kwargs)


@admin.register(User)
class UserAdmin(ServiceFormsAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "role"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    # New people start as applicants; a staff role is given afterwards, through the role form.
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    service_forms = (
        ServiceForm("role", "Change role", RoleForm, "change_role", superuser_only=True),
        ServiceForm("superuser", "Change superuser access", SuperuserForm, "change_superuser", superuser_only=True),
    )

    def get_readonly_fields(self, request, obj=None):
        return [*ACCESS_FIELDS, "last_login", "date_joined"] if obj else []

    def change_role(self, request, user: User, data: dict) -> str:
        user = user_role_change(user=user, role=data["role"], acting_user=request.user, reason=data["reason"])
        return f"{user} is now {user.get_role_display().lower()}."

    def change_superuser(self, request, user: User, data: dict) -> str:
        user = user_superuser_change(
            user=user, is_superuser=data["is_superuser"], acting_user=request.user, reason=data["reason"]
        )
        return f"{user} is {'now' if user.is_superuser else 'no longer'} a superuser."


# Second-factor devices change only through the audited pages (setting up, new recovery codes, a manager's reset):
# django-otp's own admin pages would show the secret keys and delete devices without an audit row.
for device_model in (TOTPDevice, StaticDevice):
    admin.site.unregister(device_model)
