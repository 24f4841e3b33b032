"""One-use links for confirming an email address: the token stops working once the account is active."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        # Signing in sets last_login, so a link stops working once used, even if the account is deactivated later.
        login_timestamp = user.last_login.replace(microsecond=0, tzinfo=None) if user.last_login else ""
        return f"{user.pk}{user.email}{user.is_active}{login_timestamp}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()
