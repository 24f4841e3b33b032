"""How django-axes names a sign-in attempt: the address as the sign-in form will match it."""

from accounts.models import normalise_email


def attempted_email(request, credentials) -> str | None:
    username = (credentials or {}).get("username") or request.POST.get("username")
    return normalise_email(username) if username else None
