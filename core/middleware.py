"""Headers on every response (the browser features pages may use, and what a browser or proxy must not keep), and
the session's inactivity timeout started again as people use the service."""

from django.utils.cache import add_never_cache_headers

from core.sessions import session_refresh, session_refresh_due

# The service uses none of these. BSL and audio answers are uploaded as files, never recorded in the browser,
# and card or bank details are only ever entered on Stripe's own pages.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # Signed-in pages and downloaded files hold applicants' personal details and money: a shared computer's
        # back button or disk cache, or a proxy, must not keep a copy.
        if request.user.is_authenticated or response.has_header("Content-Disposition"):
            add_never_cache_headers(response)
        return response


class SessionRefreshMiddleware:
    """Any request is activity: it starts the session's timeout again, writing the session at most once a minute.

    Decided before the view runs, so that the page it renders tells the time left from this refresh.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if session_refresh_due(request.session):
            session_refresh(request.session)
        return self.get_response(request)
