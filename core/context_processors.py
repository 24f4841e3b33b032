"""What every page needs: the service's names and the session timeout."""

from django.conf import settings


def service(request) -> dict:
    return {
        "service_name": settings.SERVICE_NAME,
        "funder_name": settings.FUNDER_NAME,
        "funder_email": settings.FUNDER_EMAIL,
        "service_phase": settings.SERVICE_PHASE,
        "session_timeout_seconds": settings.SESSION_COOKIE_AGE,
        "session_timeout_warning_seconds": settings.SESSION_TIMEOUT_WARNING_SECONDS,
    }
