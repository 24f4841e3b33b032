import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

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
