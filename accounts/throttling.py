"""How django-axes names a sign-in attempt: the address as the sign-in form will match it."""

from axes.models import AccessAttempt


def attempted_email(request, credentials) -> str | None:
    # Cut to what axes can store. The service's sign-in form refuses longer addresses, but the admin's sign-in
    # form does not, and a longer name would be a database error when axes records the attempt.
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower()[: AccessAttempt._meta.get_field("username").max_length] if username else None
