"""The header's links, which depend on whether the person has finished signing in."""

from accounts.permissions import awaiting_second_factor
from core.navigation import navigation_for


def navigation(request) -> dict:
    # Half signed in, every link but "Sign out" would only lead back to the second-factor page.
    return {
        "navigation": (
            navigation_for(request.user, request.path)
            if hasattr(request, "user") and not awaiting_second_factor(request.user)
            else []
        )
    }
