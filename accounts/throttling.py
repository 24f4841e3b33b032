"""How django-axes names a sign-in attempt: the address as the sign-in form will match it."""


def attempted_email(request, credentials) -> str | None:
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower() if username else None
