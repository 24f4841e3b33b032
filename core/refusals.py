"""Refusals: the one exception a service raises to say no, and the one place that turns it into a message.

A middleware rather than a decorator on each view, because the failure it guards against is the view nobody
thought could be refused: a second click on a button, a form left open in another tab while the status moved on.
Views that can explain a refusal beside a question still catch it themselves and show it in their form.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


class ServiceError(Exception):
    """A request the rules refuse as things stand; its message is written for the person who asked."""


class RefusalMiddleware:
    """A ServiceError escaping a POST becomes an error banner on the page the person came from (or on the same
    address), never a server error. The service's transaction has already rolled back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ServiceError) or request.method != "POST":
            return None
        messages.error(request, str(exception))
        came_from = request.headers.get("Referer", "")
        if url_has_allowed_host_and_scheme(came_from, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            return redirect(came_from)
        return redirect(request.get_full_path())
