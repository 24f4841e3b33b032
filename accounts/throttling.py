"""Limits on repeated attempts: how django-axes names a sign-in attempt, and how often a form that sends someone
an email may be posted."""

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django_ratelimit.decorators import ratelimit

from accounts.models import normalise_email


def attempted_email(request, credentials) -> str | None:
    # Cut to what axes can store. The service's sign-in form refuses longer addresses, but the admin's sign-in
    # form does not, and a longer name would be a database error when axes records the attempt.
    username = (credentials or {}).get("username") or request.POST.get("username")
    return normalise_email(username)[: AccessAttempt._meta.get_field("username").max_length] if username else None


def posted_email(group, request) -> str:
    return normalise_email(request.POST.get("email", ""))


def client_ip(group, request) -> str:
    # The same address the sign-in lockout counts, so one setting decides how a proxy's header is trusted.
    return get_client_ip_address(request) or ""


def per_address_rate(group, request) -> str | None:
    # A form sent with no address is not counted: it sends nothing, and would share one count with every other.
    return f"{settings.RATE_LIMIT_PER_ADDRESS_PER_HOUR}/h" if posted_email(group, request) else None


def per_ip_rate(group, request) -> str:
    return f"{settings.RATE_LIMIT_PER_IP_PER_HOUR}/h"


def limit_emails_sent(group: str):
    """Refuses a form that emails someone (its field "email") once it has been posted too often in an hour, for
    that address or from that place; the refusal is the 429 page named by RATELIMIT_VIEW."""

    def decorate(view):
        view = ratelimit(group=f"{group}:address", key=posted_email, rate=per_address_rate, method="POST")(view)
        return ratelimit(group=f"{group}:ip", key=client_ip, rate=per_ip_rate, method="POST")(view)

    return decorate
