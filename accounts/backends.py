"""How a password signs someone in, and how their session finds them again on each request."""

from django.contrib.auth.backends import AllowAllUsersModelBackend


class PasswordBackend(AllowAllUsersModelBackend):
    """Finds unconfirmed accounts at sign-in, so the form can say "confirm your address" rather than "wrong
    password", but never lets a session outlive its account being made inactive."""

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
