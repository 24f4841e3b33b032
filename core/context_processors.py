"""What every page needs: the service's names, the header's links and the session timeout."""

from django.conf import settings

from accounts.permissions import awaiting_second_factor
from core.navigation import navigation_for


def service(request) -> dict:
    return {
        "service_name": settings.SERVICE_NAME,
        "funder_name": settings.FUNDER_NAME,
        "funder_email": settings.FUNDER_EMAIL,
        "service_phase": settings.SERVICE_PHASE,
        # Half signed in, every link but "Sign out" would only lead back to the second-factor page.
        "navigation": (
            navigation_for(request.user, request.path)
            if hasattr(request, "user") and not awaiting_second_factor(request.user)
            else []
        ),
        "session_timeout_seconds": settings.SESSION_COOKIE_AGE,
        "session_timeout_warning_seconds": settings.SESSION_TIMEOUT_WARNING_SECONDS,
    }
