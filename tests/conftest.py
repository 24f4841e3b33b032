"""Fixtures shared by every test: one person for each role, their organisations, and an open round."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Role
from tests.factories import MembershipFactory, RoundFactory, UserFactory


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
def superuser(db):
    """The technical operator: every permission in the admin site, no funding role."""
    return UserFactory(is_superuser=True, is_staff=True, full_name="Ola Operator")


@pytest.fixture
def open_round(db):
    return RoundFactory()


@pytest.fixture
def client_for():
    """A test client signed in as the given user (or anonymous for None)."""

    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend=settings.PASSWORD_BACKEND)
        return client

    return make


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is slow on purpose; tests check behaviour, not the hash's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
