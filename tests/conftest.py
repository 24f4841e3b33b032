"""Fixtures shared by every test: one person for each role, their organisations, and an open round."""

from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import resolve, reverse

from accounts.models import Role
from tests.clients import signed_in_client
from tests.factories import MembershipFactory, RoundFactory, UserFactory
from tests.grants.fake_stripe import WEBHOOK_SECRET, FakeStripe


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
    """A test client signed in as the given user (or anonymous for None), staff with their second factor given."""
    return signed_in_client


@pytest.fixture
def run_worker(django_capture_on_commit_callbacks, monkeypatch):
    """Runs the queued background tasks through the real worker, as `manage.py db_worker --batch` does, then the
    work each task left for after its transaction (emails), since the test's own transaction never commits.

    Between tasks the worker closes its database connection to drop a broken one; here that connection holds the
    test's transaction, so it is kept.
    """
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)

    return run


@pytest.fixture
def exported(django_capture_on_commit_callbacks, run_worker):
    """Asks for an export as its button does, lets the real worker make the file, and downloads it."""

    def ask(client, url: str, data: dict | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            started = client.post(url, data or {})
        assert started.status_code == 302, f"asking for {url} gave {started.status_code}"
        run_worker()
        return client.get(reverse("core:export_download", kwargs=resolve(started.url).kwargs))

    return ask


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is slow on purpose; tests check behaviour, not the hash's strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def an_empty_cache():
    # Rate limits count in the cache, and sessions and unread counts are kept there: each test starts afresh.
    cache.clear()


class _FormFields(HTMLParser):
    """What a browser would send from a page's form as it stands: inputs, ticked boxes, chosen options, text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            kind = attrs.get("type")
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                self.data.setdefault(name, []).append(attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # As in a browser, the newline straight after <textarea> is not part of the value.
            self.data[self._textarea][0] = self.data[self._textarea][0].removeprefix("\n")
            self._textarea = None


@pytest.fixture
def form_data():
    """The fields of a page's form, ready to change a few and post back, as someone editing in the admin site would."""

    def read(response) -> dict[str, list[str]]:
        parser = _FormFields()
        parser.feed(response.content.decode())
        return parser.data

    return read


@pytest.fixture
def fake_stripe(settings):
    """Stripe's API on a local port, with the service configured to pay through it and take its webhooks."""
    fake = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    yield fake
    fake.stop()
