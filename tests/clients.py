"""Test clients signed in as a person, as the service's own sign-in would leave them."""

from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.permissions import needs_second_factor
from tests.factories import AuthenticatorFactory


def signed_in_client(user, *, second_factor: bool = True) -> Client:
    """A client signed in as `user` (anonymous for None); staff have given their second factor unless told not to."""
    client = Client()
    if user is not None:
        client.force_login(user, backend=settings.PASSWORD_BACKEND)
        if second_factor and needs_second_factor(user):
            # Marks the session as having given a code, as signing in with an authenticator app does.
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = AuthenticatorFactory(user=user).persistent_id
            session.save()
    return client
