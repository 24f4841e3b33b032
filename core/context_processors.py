"""What every page needs: the service's names and the session timeout."""

from django.conf import settings

from core.sessions import session_seconds_left


def service(request) -> dict:
    return {
        "service_name": settings.SERVICE_NAME,
        "funder_name": settings.FUNDER_NAME,
        "funder_email": settings.FUNDER_EMAIL,
        "service_phase": settings.SERVICE_PHASE,
        "session_timeout_seconds": settings.SESSION_COOKIE_AGE,
        "session_timeout_warning_seconds": settings.SESSION_TIMEOUT_WARNING_SECONDS,
        # Up to a minute less than the timeout: the session is not written on every request (core.sessions). Read
        # only by the timeout warning, which signed-in pages carry: a request without a session never asks.
        "session_seconds_left": lambda: session_seconds_left(request.session),
    }
