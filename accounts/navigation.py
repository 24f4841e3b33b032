"""The header's links to sign in or register, to the admin site for the technical operator, and to one's account."""

from accounts.permissions import is_operator


def links(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return [("Sign in", "accounts:sign_in"), ("Create an account", "accounts:register")]
    # The technical operator works in the admin site, not the applicant's journey.
    return [*([("Admin site", "admin:index")] if is_operator(user) else []), ("Your account", "accounts:home")]
