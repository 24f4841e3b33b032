import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def low_limits(settings):
    settings.RATE_LIMIT_PER_ADDRESS_PER_HOUR = 2
    settings.RATE_LIMIT_PER_IP_PER_HOUR = 3


def register(client, email, ip="192.0.2.1"):
    data = {"full_name": "Dana Lewis", "email": email, "password": "a-long-unusual-passphrase",
            "password_confirmation": "a-long-unusual-passphrase"}
    return client.post(reverse("accounts:register"), data, REMOTE_ADDR=ip)


def reset(client, email, ip="192.0.2.1"):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_registering_one_address_too_often_is_refused_with_a_plain_page(client):
    for _ in range(2):
        assert register(client, "dana@example.org").status_code == 302
    response = register(client, "dana@example.org", ip="198.51.100.7")
    assert response.status_code == 429
    content = response.content.decode()
    assert "You have tried too many times" in content
    assert "Wait an hour, then try again" in content


def test_the_address_limit_ignores_capitals_and_spaces(client):
    register(client, "dana@example.org")
    register(client, " DANA@example.org")
    assert register(client, "Dana@Example.org").status_code == 429


def test_registering_many_addresses_from_one_place_is_refused_but_not_elsewhere(client):
    for number in range(3):
        assert register(client, f"person{number}@example.org").status_code == 302
    assert register(client, "person3@example.org").status_code == 429
    assert register(client, "person3@example.org", ip="198.51.100.7").status_code == 302
    assert User.objects.filter(email="person3@example.org").exists()


def test_a_refused_registration_sends_no_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            register(client, "dana@example.org")
    assert len(mail.outbox) == 2


def test_opening_the_form_is_not_counted(client):
    for _ in range(5):
        assert client.get(reverse("accounts:register"), REMOTE_ADDR="192.0.2.1").status_code == 200
    assert register(client, "dana@example.org").status_code == 302


def test_a_form_sent_without_an_address_is_not_counted_against_anyone(client):
    for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        assert "Enter your email address" in register(client, "", ip=ip).content.decode()
    assert register(client, "", ip="192.0.2.4").status_code == 200


def test_asking_for_password_resets_for_one_address_too_often_is_refused(client, applicant):
    for _ in range(2):
        assert reset(client, applicant.email).status_code == 302
    response = reset(client, applicant.email, ip="198.51.100.7")
    assert response.status_code == 429
    assert len(mail.outbox) == 2
