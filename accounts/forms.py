"""Sign-in, registration and password forms, with plain-English error messages."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.validators import MaxLengthValidator

from accounts.models import User, normalise_email
from core.forms import GovukFormMixin
from core.text import strip_invisible

# An email address has at most 254 characters (RFC 5321); a longer one is refused before anything looks it up or
# records the attempt, as django-axes does in a column that holds only 255.
EMAIL_MAX_LENGTH = 254
EMAIL_TOO_LONG = f"Your email address must be {EMAIL_MAX_LENGTH} characters or fewer"


class SignInForm(GovukFormMixin, auth_forms.AuthenticationForm):
    submit_label = "Sign in"
    error_messages = {
        "invalid_login": "Enter a correct email address and password. Passwords are case-sensitive.",
        "inactive": (
            "Confirm your email address before you sign in. To get a new link, create your account again "
            "with the same email address."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
        self.fields["username"].error_messages.update({"required": "Enter your email address", "max_length": EMAIL_TOO_LONG})
        # AuthenticationForm sets the field's max_length after making it, so the length is not yet checked.
        self.fields["username"].validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))
        self.fields["password"].error_messages["required"] = "Enter your password"


class RegistrationForm(GovukFormMixin, forms.Form):
    submit_label = "Create account"

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter your full name", "max_length": "Your name must be 150 characters or fewer"},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=EMAIL_MAX_LENGTH,
        help_text="We will send a link to this address to confirm it is yours.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": EMAIL_TOO_LONG,
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Create a password",
        strip=False,
        help_text="Use at least 12 characters. A few unrelated words together make a strong password.",
        error_messages={"required": "Enter a password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirmation = forms.CharField(
        label="Enter the password again",
        strip=False,
        error_messages={"required": "Enter the password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_full_name(self) -> str:
        name = strip_invisible(self.cleaned_data["full_name"])
        if not name:
            raise forms.ValidationError("Enter your full name", code="required")
        return name

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        confirmation = cleaned.get("password_confirmation")
        if password and confirmation and password != confirmation:
            self.add_error("password_confirmation", "The passwords do not match")
        if password and not self.has_error("password"):
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class PasswordResetRequestForm(GovukFormMixin, auth_forms.PasswordResetForm):
    submit_label = "Send reset link"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages.update(
            {
                "required": "Enter your email address",
                "invalid": "Enter an email address in the correct format, like name@example.org",
                "max_length": EMAIL_TOO_LONG,
            }
        )


def _word_new_password_fields(form) -> None:
    """Both ways of setting a new password ask the same two questions in the same words."""
    form.fields["new_password1"].label = "New password"
    form.fields["new_password1"].help_text = "Use at least 12 characters."
    form.fields["new_password1"].error_messages["required"] = "Enter a new password"
    form.fields["new_password2"].label = "Enter the new password again"
    form.fields["new_password2"].help_text = ""
    form.fields["new_password2"].error_messages["required"] = "Enter the new password again"
    form.error_messages = {**form.error_messages, "password_mismatch": "The passwords do not match"}


class NewPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    submit_label = "Save new password"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _word_new_password_fields(self)


class ChangePasswordForm(GovukFormMixin, auth_forms.PasswordChangeForm):
    submit_label = "Change password"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _word_new_password_fields(self)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.error_messages["password_incorrect"] = "Your current password is not right. Enter it again"


def _code_input(**attrs) -> forms.TextInput:
    # A one-time code is typed or pasted, never remembered: let the browser or phone offer the code it received.
    return forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none", **attrs})


def _without_spaces(value: str) -> str:
    # Apps show codes as "123 456" and people copy recovery codes with the hyphen we never print; neither matters.
    return "".join(value.split()).replace("-", "")


class AuthenticatorCodeForm(GovukFormMixin, forms.Form):
    submit_label = "Continue"

    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows for this service. A new code shows every 30 seconds.",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=_code_input(inputmode="numeric", **{"class": "govuk-input--width-5"}),
    )

    def clean_code(self) -> str:
        code = _without_spaces(self.cleaned_data["code"])
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("The code must be 6 digits, like 123456", code="format")
        return code


class RecoveryCodeForm(GovukFormMixin, forms.Form):
    submit_label = "Continue"

    code = forms.CharField(
        label="Recovery code",
        help_text="One of the 8-character codes you kept when you set up two-factor sign-in. Each code works once.",
        error_messages={"required": "Enter one of your recovery codes"},
        widget=_code_input(**{"class": "govuk-input--width-10"}),
    )

    def clean_code(self) -> str:
        code = _without_spaces(self.cleaned_data["code"]).lower()
        if len(code) != 8 or not code.isalnum():
            raise forms.ValidationError("A recovery code is 8 letters and numbers, like abcd2345", code="format")
        return code


class SecondFactorResetForm(GovukFormMixin, forms.Form):
    submit_label = "Reset two-factor sign-in"

    reason = forms.CharField(
        label="Why are you resetting it?",
        help_text="For example, they have lost their phone. This goes in the audit trail.",
        max_length=500,
        error_messages={
            "required": "Enter why you are resetting their two-factor sign-in",
            "max_length": "The reason must be 500 characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reason(self) -> str:
        reason = strip_invisible(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError("Enter why you are resetting their two-factor sign-in", code="required")
        return reason
