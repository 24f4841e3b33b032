"""Fixtures shared by every test: one person for each role, their organisations, and an open round."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import Role
from accounts.permissions import needs_second_factor
from tests.factories import AuthenticatorFactory, MembershipFactory, RoundFactory, UserFactory


@pytest.fixture
def applicant(db):
    return MembershipFactory(user__role=Role.APPLICANT, user__full_name="Amara Okafor").user


@pytest.fixture
def organisation(applicant):
    return applicant.memberships.get().organisation


@pytest.fixture
def other_applicant(db):
    """An applicant acting for a different organisation: must never see the first one's data."""
    return MembershipFactory(user__role=Role.APPLICANT).user


@pytest.fixture
def assessor(db):
    return UserFactory(role=Role.ASSESSOR)


@pytest.fixture
def programme_manager(db):
    return UserFactory(role=Role.PROGRAMME_MANAGER)


@pytest.fixture
def finance_officer(db):
    return UserFactory(role=Role.FINANCE_OFFICER)


@pytest.fixture
def open_round(db):
    return RoundFactory()


def sign_in_with_second_factor(client: Client, user) -> None:
    """Marks the session as having given a code, as signing in with an authenticator app does."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = AuthenticatorFactory(user=user).persistent_id
    session.save()


@pytest.fixture
def client_for():
    """A test client signed in as the given user (or anonymous for None), staff with their second factor given."""

    def make(user, *, second_factor: bool = True) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend=settings.PASSWORD_BACKEND)
            if second_factor and needs_second_factor(user):
                sign_in_with_second_factor(client, user)
        return client

    return make


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is slow on purpose; tests check behaviour, not the hash's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def no_rate_limits_used():
    # Rate limits count in the cache, which lives as long as the test process: each test starts afresh.
    cache.clear()
