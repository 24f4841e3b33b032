import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Role, User
from core.models import AuditEvent
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, email, password):
    return client.post(reverse("accounts:sign_in"), {"username": email, "password": password})


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_sign_in_with_the_right_password_goes_to_the_persons_home_page(client, applicant):
    response = sign_in(client, applicant.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("core:home")


def test_sign_in_ignores_the_case_of_the_email_address(client, applicant):
    response = sign_in(client, applicant.email.upper(), TEST_PASSWORD)
    assert response.status_code == 302


def test_sign_in_with_a_wrong_password_shows_an_error_summary(client, applicant):
    response = sign_in(client, applicant.email, "not-the-password")
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert "Enter a correct email address and password" in content
    assert "<title>Sign in (error)" in content


def test_sign_in_with_nothing_entered_names_both_missing_answers(client, db):
    response = client.post(reverse("accounts:sign_in"), {"username": "", "password": ""})
    content = response.content.decode()
    assert "Enter your email address" in content
    assert "Enter your password" in content


def test_repeated_failed_sign_ins_are_refused_even_with_the_right_password(client, applicant, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, applicant.email, "wrong-password")
    response = sign_in(client, applicant.email, TEST_PASSWORD)
    assert response.status_code == 429
    assert "You have tried to sign in too many times" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttling_one_address_does_not_lock_out_another(client, applicant, other_applicant, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, applicant.email, "wrong-password")
    response = sign_in(client, other_applicant.email, TEST_PASSWORD)
    assert response.status_code == 302


def test_sign_out_ends_the_session(client_for, applicant):
    client = client_for(applicant)
    response = client.post(reverse("accounts:sign_out"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def register(client, **answers):
    data = {
        "full_name": "Dana Lewis",
        "email": "dana@example.org",
        "password": "a-long-unusual-passphrase",
        "password_confirmation": "a-long-unusual-passphrase",
        **answers,
    }
    return client.post(reverse("accounts:register"), data)


def test_registration_creates_an_inactive_applicant_and_emails_a_confirmation_link(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, email="Dana@Example.org")
    assert response.status_code == 302
    user = User.objects.get(email="dana@example.org")
    assert user.role == Role.APPLICANT
    assert not user.is_active
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dana@example.org"]
    assert "/account/confirm/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="registered", target_id=str(user.pk)).exists()


def test_unconfirmed_account_cannot_sign_in(client, db):
    user = UserFactory(is_active=False)
    response = sign_in(client, user.email, TEST_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_confirmation_link_activates_and_signs_in_once_only(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client)
    link = link_in(mail.outbox[0])
    response = client.get(link)
    assert response.status_code == 302
    assert User.objects.get(email="dana@example.org").is_active
    assert client.session["_auth_user_id"]

    client.post(reverse("accounts:sign_out"))
    reused = client.get(link)
    assert reused.status_code == 400
    assert "This link does not work any more" in reused.content.decode()


def test_tampered_confirmation_link_is_refused(client, db):
    response = client.get(reverse("accounts:confirm_email", kwargs={"uidb64": "not-base64!", "token": "x-y"}))
    assert response.status_code == 400


def test_registering_a_taken_address_reveals_nothing_and_emails_the_owner(
    client, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, email=applicant.email)
    assert response.status_code == 302
    assert response.url == reverse("accounts:check_email")
    assert User.objects.filter(email=applicant.email).count() == 1
    assert mail.outbox[0].subject == "You already have an account"


@pytest.mark.parametrize(
    ("password", "confirmation", "message"),
    [
        ("short", "short", "This password is too short"),
        ("a-long-unusual-passphrase", "a-different-passphrase", "The passwords do not match"),
        ("password1234", "password1234", "This password is too common"),
    ],
)
def test_registration_refuses_weak_or_mismatched_passwords_and_keeps_the_other_answers(
    client, db, password, confirmation, message
):
    response = register(client, password=password, password_confirmation=confirmation)
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert 'value="Dana Lewis"' in content
    assert 'value="dana@example.org"' in content
    assert not User.objects.exists()


def test_registration_explains_a_malformed_email_address(client, db):
    response = client.post(reverse("accounts:register"), {"full_name": "Dana", "email": "not-an-address"})
    assert "Enter an email address in the correct format" in response.content.decode()


def test_password_reset_email_lets_the_person_set_a_new_password(client, applicant):
    response = client.post(reverse("accounts:password_reset"), {"email": applicant.email})
    assert response.status_code == 302
    link = link_in(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert "Set a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "another-long-passphrase", "new_password2": "another-long-passphrase"},
    )
    assert done.status_code == 302
    applicant.refresh_from_db()
    assert applicant.check_password("another-long-passphrase")


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change_needs_the_current_password(client_for, applicant):
    client = client_for(applicant)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "another-long-passphrase",
         "new_password2": "another-long-passphrase"},
    )
    assert "Your current password is not right" in response.content.decode()


def test_account_page_lists_the_applicants_organisation(client_for, applicant, organisation):
    response = client_for(applicant).get(reverse("accounts:home"))
    assert escape(organisation.name) in response.content.decode()


def test_staying_signed_in_needs_a_post_from_a_signed_in_user(client_for, applicant):
    assert client_for(applicant).post(reverse("accounts:session_extend")).status_code == 204
    assert client_for(applicant).get(reverse("accounts:session_extend")).status_code == 405
    assert client_for(None).post(reverse("accounts:session_extend")).status_code == 302


def test_session_expires_after_the_inactivity_limit(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_TIMEOUT_WARNING_SECONDS < settings.SESSION_COOKIE_AGE


def test_every_signed_in_page_carries_the_timeout_warning(client_for, applicant):
    content = client_for(applicant).get(reverse("accounts:home")).content.decode()
    assert 'id="session-timeout"' in content
    assert 'data-timeout-seconds="1800"' in content


def test_timed_out_page_signs_the_person_out(client_for, applicant):
    client = client_for(applicant)
    response = client.get(reverse("accounts:timed_out"))
    assert "We signed you out because you had not done anything for 30 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
