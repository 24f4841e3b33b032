from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.middleware import SecurityHeadersMiddleware
from tests.test_access import ACCESS, ROLES, world  # noqa: F401 (world is a fixture)

pytestmark = pytest.mark.django_db

DOWNLOADS = [
    "applications:pdf",
    "applications:document",
    "applications:media_answer",
    "assessment:scoring_sheet",
    "core:export_download",
    "grants:letter",
    "monitoring:figures_sheet",
    "monitoring:outcomes_download",
]


def csp_directives(response) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in response["Content-Security-Policy"].split(";"))
    }


def test_an_anonymous_page_has_a_strict_content_security_policy_and_no_browser_features(client):
    response = client.get(reverse("applications:start"))
    assert response.status_code == 200
    policy = csp_directives(response)
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)
    features = dict(part.strip().split("=") for part in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "display-capture"):
        assert features[feature] == "()"
    assert set(features.values()) == {"()"}


def test_an_anonymous_page_may_be_kept_by_the_browser(client):
    response = client.get(reverse("applications:start"))
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_signed_in_page_is_never_stored(client_for, applicant):
    response = client_for(applicant).get(reverse("applications:dashboard"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response
    assert "Permissions-Policy" in response


def test_the_payout_account_form_may_go_on_to_stripes_onboarding(client):
    # The payout account page redirects its posted form to Stripe; browsers hold a redirect to form-action.
    policy = csp_directives(client.get(reverse("applications:start")))
    assert policy["form-action"] == ["'self'", "https://connect.stripe.com"]


@pytest.mark.parametrize("url_name", DOWNLOADS)
def test_every_download_is_never_stored(client_for, world, url_name):  # noqa: F811
    rule = ACCESS[url_name]
    role = next(role for role in ROLES if rule.expect[role] == 200)
    response = client_for(world.users[role]).get(reverse(url_name, kwargs=rule.kwargs(world)))
    assert response.status_code == 200
    assert response.has_header("Content-Disposition")
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response
    assert "Permissions-Policy" in response


def test_a_download_is_never_stored_whoever_asks_for_it():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    def attachment(request):
        response = HttpResponse(b"a,b\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="a.csv"'
        return response

    response = SecurityHeadersMiddleware(attachment)(request)
    assert "no-store" in response["Cache-Control"]


WRITES = ("INSERT", "UPDATE", "DELETE")


def session_writes(queries) -> list[str]:
    return [query["sql"] for query in queries if query["sql"].startswith("UPDATE") and "django_session" in query["sql"]]


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


def test_a_request_within_a_minute_of_the_last_refresh_does_not_write_the_session(client_for, applicant, clock):
    client = client_for(applicant)
    clock.shift(59)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("applications:dashboard"))
    assert response.status_code == 200
    assert session_writes(queries) == []


def test_a_request_a_minute_after_the_last_refresh_starts_the_timeout_again(client_for, applicant, clock):
    client = client_for(applicant)
    clock.shift(60)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("applications:dashboard"))
    assert response.status_code == 200
    assert len(session_writes(queries)) == 1
    ends_at = Session.objects.get(session_key=client.session.session_key).expire_date
    assert ends_at == timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_staying_signed_in_always_starts_the_timeout_again(client_for, applicant, clock):
    client = client_for(applicant)
    clock.shift(10)
    with CaptureQueriesContext(connection) as queries:
        assert client.post(reverse("accounts:session_extend")).status_code == 204
    assert len(session_writes(queries)) == 1
    ends_at = Session.objects.get(session_key=client.session.session_key).expire_date
    assert ends_at == timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_the_page_counts_down_from_the_sessions_true_end(client_for, applicant, clock):
    client = client_for(applicant)
    clock.shift(45)
    response = client.get(reverse("applications:dashboard"))
    assert response.status_code == 200
    # Not refreshed 45 seconds on: the server ends the session 45 seconds before a full timeout from now.
    assert f'data-seconds-left="{settings.SESSION_COOKIE_AGE - 45}"' in response.content.decode()
    clock.shift(60)
    response = client.get(reverse("applications:dashboard"))
    assert f'data-seconds-left="{settings.SESSION_COOKIE_AGE}"' in response.content.decode()


@pytest.mark.parametrize(("idle_seconds", "signed_in"), [(-1, True), (0, False), (1, False)])
def test_a_session_ends_exactly_a_timeout_after_its_last_refresh(client_for, applicant, clock, idle_seconds, signed_in):
    client = client_for(applicant)
    clock.shift(30)
    assert client.get(reverse("applications:dashboard")).status_code == 200
    # The request 30 seconds in did not start the timeout again, as its page told: the end stays where it was.
    clock.shift(settings.SESSION_COOKIE_AGE - 30 + idle_seconds)
    response = client.get(reverse("applications:dashboard"))
    if signed_in:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize(
    ("person", "url_name"),
    [
        ("applicant", "applications:dashboard"),
        ("applicant", "accounts:home"),
        ("assessor", "assessment:assessor_dashboard"),
        ("programme_manager", "accounts:home"),
        ("finance_officer", "accounts:home"),
    ],
)
def test_a_signed_in_page_read_again_within_a_minute_writes_nothing(client_for, request, person, url_name, clock):
    # Nothing written on a plain read: not the session, the last sign-in, the second factor, the lockout or the audit.
    client = client_for(request.getfixturevalue(person))
    client.get(reverse(url_name))
    clock.shift(30)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert [query["sql"] for query in queries if query["sql"].startswith(WRITES)] == []
