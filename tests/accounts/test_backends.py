import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_a_deactivated_person_is_signed_out_on_their_next_request(client_for, applicant):
    client = client_for(applicant)
    assert client.get(reverse("accounts:home")).status_code == 200
    applicant.is_active = False
    applicant.save(update_fields=["is_active"])
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_a_person_deactivated_after_signing_in_with_their_password_is_signed_out_too(client, applicant):
    client.post(reverse("accounts:sign_in"), {"username": applicant.email, "password": TEST_PASSWORD})
    assert client.get(reverse("accounts:home")).status_code == 200
    applicant.is_active = False
    applicant.save(update_fields=["is_active"])
    assert client.get(reverse("accounts:home")).status_code == 302


def test_an_unconfirmed_account_is_still_told_to_confirm_its_address(client, applicant):
    applicant.is_active = False
    applicant.save(update_fields=["is_active"])
    response = client.post(reverse("accounts:sign_in"), {"username": applicant.email, "password": TEST_PASSWORD})
    assert "Confirm your email address before you sign in" in response.content.decode()
