"""One-use links for confirming an email address: a link stops working once used or once the account changes."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        # Django's own hash covers the password and last_login: registering again (a new password) voids earlier
        # links, and signing in voids the one used, even if the account is deactivated later.
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


email_confirmation_token = EmailConfirmationTokenGenerator()
