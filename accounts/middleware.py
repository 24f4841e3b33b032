"""Keeps staff who have only given their password on the second-factor pages until they give a code."""

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from accounts.permissions import awaiting_second_factor

# What someone half signed in may still open: the second-factor pages, signing out, and the service's own pages.
OPEN_BEFORE_SECOND_FACTOR = {
    "accounts:two_factor",
    "accounts:two_factor_setup",
    "accounts:sign_out",
    "accounts:timed_out",
    "accounts:session_extend",
    "core:accessibility",
    "core:privacy",
    "core:cookies",
    "core:favicon",
}


class SecondFactorRequiredMiddleware:
    """Covers every view, the admin site's included, so no staff page can be missed by forgetting a decorator."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not awaiting_second_factor(request.user):
            return None
        if request.resolver_match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        return redirect_to_login(request.get_full_path(), login_url=reverse("accounts:two_factor"))
