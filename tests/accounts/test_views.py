import re
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit import AuditAction
from accounts.models import Role, User
from accounts.views import STAFF_PAGE_SIZE
from accounts.two_factor import authenticator_code_now, authenticator_secret, recovery_codes_regenerate
from core.models import AuditEvent
from tests.factories import TEST_PASSWORD, AuthenticatorFactory, UserFactory

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
    assert "<title>Error: Sign in" in content


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


@pytest.mark.parametrize("spelling", [str.upper, str.title, lambda email: f"  {email} "])
def test_the_lockout_cannot_be_dodged_by_changing_capitals_or_adding_spaces(client, applicant, settings, spelling):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, applicant.email, "wrong-password")
    response = sign_in(client, spelling(applicant.email), TEST_PASSWORD)
    assert response.status_code == 429


def test_a_dotless_i_does_not_sign_in_to_a_locked_out_account(client, settings):
    # PostgreSQL's UPPER() turns ı into I, so a case-blind lookup matched this address under its own lockout count.
    UserFactory(email="applicant@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "applicant@example.org", "wrong-password")
    response = sign_in(client, "appl\u0131cant@example.org", TEST_PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "Enter a correct email address and password" in response.content.decode()


def test_the_lockout_counts_a_compatibility_spelling_as_the_same_address(client, settings):
    UserFactory(email="applicant@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "applicant@example.org", "wrong-password")
    response = sign_in(client, "\uff41pplicant@example.org", TEST_PASSWORD)  # a fullwidth a
    assert response.status_code == 429


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
    assert AuditEvent.objects.filter(action=AuditAction.REGISTERED, target_id=str(user.pk)).exists()


def test_unconfirmed_account_cannot_sign_in_and_is_told_why(client, db):
    user = UserFactory(is_active=False)
    response = sign_in(client, user.email, TEST_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Confirm your email address before you sign in" in response.content.decode()


def test_registering_again_before_confirming_sends_a_new_link(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, password="a-long-unusual-passphrase", password_confirmation="a-long-unusual-passphrase")
        register(client, full_name="Dana M Lewis", password="another-long-passphrase",
                 password_confirmation="another-long-passphrase")
    assert [message.subject for message in mail.outbox] == ["Confirm your email address"] * 2
    client.get(link_in(mail.outbox[-1]))
    user = User.objects.get(email="dana@example.org")
    assert user.is_active
    assert user.full_name == "Dana M Lewis"
    assert user.check_password("another-long-passphrase")


def test_a_confirmation_link_cannot_reactivate_an_account_after_it_has_been_used(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client)
    link = link_in(mail.outbox[0])
    client.get(link)
    User.objects.filter(email="dana@example.org").update(is_active=False)
    assert client.get(link).status_code == 400
    assert not User.objects.get(email="dana@example.org").is_active


def test_a_name_of_only_invisible_characters_is_refused(client, db):
    response = register(client, full_name="\u200b\u202e")
    assert "Enter your full name" in response.content.decode()
    assert not User.objects.exists()


def test_an_email_address_too_long_for_the_database_is_refused_politely(client, db):
    response = register(client, email="a" * 250 + "@example.org")
    assert "Your email address must be 254 characters or fewer" in response.content.decode()


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


def test_emails_are_plain_text_without_html_escaping(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, full_name="Siobhán O'Brien <Chair>")
    assert "Dear Siobhán O'Brien <Chair>," in mail.outbox[0].body


def test_email_and_password_boxes_are_marked_as_in_error(client, db):
    content = register(client, email="", password="", password_confirmation="").content.decode()
    assert content.count("govuk-input--error") == 3


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
    # Started again by requests at most once a minute (tests/core/test_middleware.py), not written on every one.
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_TIMEOUT_WARNING_SECONDS < settings.SESSION_COOKIE_AGE


def test_every_signed_in_page_carries_the_timeout_warning(client_for, applicant):
    content = client_for(applicant).get(reverse("accounts:home")).content.decode()
    assert 'id="session-timeout"' in content
    assert 'data-timeout-seconds="1800"' in content


def test_timed_out_page_explains_without_signing_anyone_out(client_for, applicant):
    client = client_for(applicant)
    # Still signed in (another tab kept the session alive): the link must not end the session.
    response = client.get(reverse("accounts:timed_out"))
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    signed_out = client_for(None).get(reverse("accounts:timed_out")).content.decode()
    assert "We sign you out after 30 minutes without any activity" in signed_out


def test_opening_the_sign_out_address_offers_a_button_instead_of_an_error(client_for, applicant):
    client = client_for(applicant)
    response = client.get(reverse("accounts:sign_out"))
    assert response.status_code == 200
    assert "_auth_user_id" in client.session
    followed = client.post(reverse("accounts:sign_out"), follow=True)
    assert "You have signed out." in followed.content.decode()


def test_a_form_from_an_expired_page_gets_a_plain_english_page(applicant):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("accounts:sign_in"), {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "This page has expired" in response.content.decode()


def test_registering_over_someone_elses_unconfirmed_account_voids_the_earlier_link(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(client, password="the-owners-passphrase", password_confirmation="the-owners-passphrase")
        register(client, password="an-intruders-passphrase", password_confirmation="an-intruders-passphrase")
    owners_link, intruders_link = link_in(mail.outbox[0]), link_in(mail.outbox[1])
    assert client.get(owners_link).status_code == 400
    assert not User.objects.get(email="dana@example.org").is_active
    # Only whoever reads the mailbox can use the newest link; the owner registers again to take it back.
    with django_capture_on_commit_callbacks(execute=True):
        register(client, password="the-owners-passphrase", password_confirmation="the-owners-passphrase")
    assert client.get(intruders_link).status_code == 400
    client.get(link_in(mail.outbox[2]))
    assert User.objects.get(email="dana@example.org").check_password("the-owners-passphrase")


def test_a_person_invited_without_an_account_comes_back_to_the_invitation_after_confirming(
    client, db, django_capture_on_commit_callbacks
):
    invitation_path = "/invitations/some-token/"
    page = client.get(reverse("accounts:register") + f"?email=new%40example.org&next={invitation_path}")
    assert 'value="new@example.org"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register") + f"?next={invitation_path}",
                    {"full_name": "New Person", "email": "new@example.org", "password": "a-long-unusual-passphrase",
                     "password_confirmation": "a-long-unusual-passphrase"})
    link = link_in(mail.outbox[0])
    assert "next=%2Finvitations%2Fsome-token%2F" in link
    response = client.get(link)
    assert response.url == invitation_path


def test_a_next_address_off_this_site_is_ignored(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register") + "?next=https://evil.example/",
                    {"full_name": "New Person", "email": "new@example.org", "password": "a-long-unusual-passphrase",
                     "password_confirmation": "a-long-unusual-passphrase"})
    assert "evil" not in mail.outbox[0].body


# Two-factor sign-in for staff


def test_staff_signing_in_with_a_password_are_asked_for_a_code_before_any_staff_page(client, programme_manager):
    AuthenticatorFactory(user=programme_manager)
    response = sign_in(client, programme_manager.email, TEST_PASSWORD)
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == reverse("accounts:two_factor") + "?next=" + reverse("core:home")
    for page in (reverse("applications:manage_rounds"), reverse("core:audit_list"), "/admin/", "/admin/accounts/user/"):
        response = client.get(page)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:two_factor")), page


def test_the_code_from_the_app_completes_signing_in_and_goes_where_the_person_was_going(client, assessor):
    device = AuthenticatorFactory(user=assessor)
    sign_in(client, assessor.email, TEST_PASSWORD)
    url = reverse("accounts:two_factor") + "?next=" + reverse("assessment:assessor_dashboard")
    page = client.get(url).content.decode()
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    response = client.post(url, {"code": authenticator_code_now(device)})
    assert response.status_code == 302
    assert response.url == reverse("assessment:assessor_dashboard")
    assert client.get(response.url).status_code == 200


def test_a_wrong_code_shows_an_error_summary_and_keeps_what_was_typed(client, assessor):
    AuthenticatorFactory(user=assessor)
    sign_in(client, assessor.email, TEST_PASSWORD)
    response = client.post(reverse("accounts:two_factor"), {"code": "12345"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in content and "<title>Error: " in content
    assert "The code must be 6 digits" in content
    assert 'value="12345"' in content
    response = client.post(reverse("accounts:two_factor"), {"code": "000000"})
    assert "The code is wrong or has run out" in response.content.decode() or "Wait" in response.content.decode()
    assert client.get(reverse("core:audit_list")).status_code == 302


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(client, assessor):
    AuthenticatorFactory(user=assessor)
    code = recovery_codes_regenerate(acting_user=assessor)[0]
    sign_in(client, assessor.email, TEST_PASSWORD)
    url = reverse("accounts:two_factor") + "?with=recovery-code"
    assert "Enter a recovery code" in client.get(url).content.decode()
    response = client.post(url, {"code": code.upper()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("assessment:assessor_dashboard")
    assert "You have 9 recovery codes left" in response.content.decode()

    client.post(reverse("accounts:sign_out"))
    sign_in(client, assessor.email, TEST_PASSWORD)
    response = client.post(url, {"code": code})
    assert "wrong or has been used" in response.content.decode()


def test_staff_without_an_app_set_one_up_and_see_their_recovery_codes_once(client, finance_officer):
    sign_in(client, finance_officer.email, TEST_PASSWORD)
    payments = reverse("grants:payments")
    response = client.get(reverse("accounts:two_factor") + "?next=" + payments)
    assert response.url == reverse("accounts:two_factor_setup") + "?next=" + quote(payments, safe="")
    page = client.get(response.url).content.decode()
    device = TOTPDevice.objects.get(user=finance_officer, confirmed=False)
    assert authenticator_secret(device) in page
    assert "<svg" in page and "authenticator app" in page
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page

    response = client.post(response.url, {"code": authenticator_code_now(device)})
    assert response.url == reverse("accounts:recovery_codes") + "?next=" + quote(payments, safe="")
    page = client.get(response.url).content.decode()
    codes = StaticToken.objects.filter(device__user=finance_officer).values_list("token", flat=True)
    assert len(codes) == 10 and all(code in page for code in codes)
    assert "This is the only time you will see these codes" in page
    assert f'href="{payments}"' in page
    again = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert not any(code in again for code in codes)
    assert "You have 10 recovery codes left" in again
    assert client.get(payments).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_SET_UP, actor=finance_officer).exists()


def test_a_wrong_code_while_setting_up_shows_an_error_summary(client, assessor):
    sign_in(client, assessor.email, TEST_PASSWORD)
    client.get(reverse("accounts:two_factor_setup"))
    response = client.post(reverse("accounts:two_factor_setup"), {"code": ""})
    assert "Enter the 6-digit code from your authenticator app" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=assessor, confirmed=True).exists()


def test_staff_who_have_an_app_cannot_set_up_another_without_a_reset(client, assessor):
    AuthenticatorFactory(user=assessor)
    sign_in(client, assessor.email, TEST_PASSWORD)
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.url == reverse("accounts:two_factor")
    assert TOTPDevice.objects.filter(user=assessor).count() == 1


def test_applicants_sign_in_without_a_second_factor(client, applicant):
    sign_in(client, applicant.email, TEST_PASSWORD)
    response = client.get(reverse("core:home"))
    assert response.url == reverse("applications:dashboard")
    assert client.get(response.url).status_code == 200
    assert client.get(reverse("accounts:two_factor")).url == reverse("core:home")
    assert not TOTPDevice.objects.filter(user=applicant).exists()


def test_staff_make_new_recovery_codes_from_their_account(client_for, assessor):
    client = client_for(assessor)
    assert "Recovery codes" in client.get(reverse("accounts:home")).content.decode()
    response = client.post(reverse("accounts:recovery_codes"), follow=True)
    codes = StaticToken.objects.filter(device__user=assessor).values_list("token", flat=True)
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)


def test_a_programme_manager_resets_a_colleagues_second_factor_and_they_set_up_again(client_for, programme_manager,
                                                                                        assessor):
    colleague = client_for(assessor)
    manager = client_for(programme_manager)
    assert "Reset a colleague" in manager.get(reverse("accounts:home")).content.decode()
    url = reverse("accounts:two_factor_reset", kwargs={"pk": assessor.pk})
    assert url in manager.get(reverse("accounts:staff")).content.decode()

    response = manager.post(url, {"reason": ""})
    assert "Enter why you are resetting" in response.content.decode()
    response = manager.post(url, {"reason": "Lost phone"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:staff")
    assert "will set up two-factor sign-in again" in response.content.decode()
    assert AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_RESET).reason == "Lost phone"

    # The colleague's open session loses its second factor with the device.
    response = colleague.get(reverse("assessment:assessor_dashboard"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two_factor_setup"))


def test_a_programme_manager_cannot_reset_their_own_second_factor(client_for, programme_manager):
    client = client_for(programme_manager)
    response = client.post(reverse("accounts:two_factor_reset", kwargs={"pk": programme_manager.pk}), {"reason": "Why not"})
    assert "You cannot reset your own" in response.content.decode()
    assert TOTPDevice.objects.filter(user=programme_manager).exists()


def test_applicants_are_not_listed_for_a_reset(client_for, programme_manager, applicant):
    response = client_for(programme_manager).get(reverse("accounts:two_factor_reset", kwargs={"pk": applicant.pk}))
    assert response.status_code == 404


@pytest.mark.parametrize("count", [3, 120])
def test_the_staff_list_makes_the_same_queries_at_few_and_many_accounts(
    count, client_for, programme_manager, django_assert_max_num_queries
):
    for role in [Role.ASSESSOR, Role.FINANCE_OFFICER] * (count // 2) + [Role.ASSESSOR] * (count % 2):
        AuthenticatorFactory(user=UserFactory(role=role))
    client = client_for(programme_manager)
    url = reverse("accounts:staff")
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Staff two-factor sign-in</h1>' in page
    assert page.count("govuk-tag--green") == min(count + 1, STAFF_PAGE_SIZE)
    if count > STAFF_PAGE_SIZE:
        last = count // STAFF_PAGE_SIZE + 1  # with the manager, count + 1 accounts
        with django_assert_max_num_queries(8):
            response = client.get(url, {"page": last})
        assert response.status_code == 200
        assert response.content.decode().count("govuk-tag--green") == (count + 1) - STAFF_PAGE_SIZE * (last - 1)


LONG_ADDRESS = "a" * 5000 + "@example.org"


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("accounts:sign_in", {"username": LONG_ADDRESS, "password": "not the password"}),
        ("accounts:register", {"full_name": "Dana", "email": LONG_ADDRESS, "password": "x", "password_confirmation": "x"}),
        ("accounts:password_reset", {"email": LONG_ADDRESS}),
    ],
)
def test_an_address_too_long_to_be_real_is_refused_before_any_attempt_is_recorded(client, db, url_name, data):
    # On PostgreSQL, recording this sign-in attempt in axes' 255-character column used to be a server error.
    response = client.post(reverse(url_name), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your email address must be 254 characters or fewer" in page
    assert LONG_ADDRESS in page
    assert not AccessAttempt.objects.exists()


def test_a_long_name_from_the_admins_sign_in_is_recorded_cut_to_what_axes_can_store(client, db):
    response = client.post(reverse("admin:login"), {"username": LONG_ADDRESS, "password": "not the password"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == LONG_ADDRESS[:255]


def test_a_programme_manager_is_not_offered_a_reset_of_the_superusers_second_factor(client_for, programme_manager,
                                                                                    superuser):
    AuthenticatorFactory(user=superuser)
    client = client_for(programme_manager)
    listing = client.get(reverse("accounts:staff"))
    assert listing.status_code == 200
    assert "Superuser (technical operator)" in listing.content.decode()
    assert reverse("accounts:two_factor_reset", kwargs={"pk": superuser.pk}) not in listing.content.decode()
    response = client.post(reverse("accounts:two_factor_reset", kwargs={"pk": superuser.pk}), {"reason": "Lost"})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=superuser).exists()


@pytest.mark.parametrize(("role", "expected", "not_expected"), [
    ("applicant", "When we have checked whether your application can go forward", "When a payment falls due"),
    ("assessor", "When you are given applications to assess", "When we pay part of your organisation"),
    ("programme_manager", "When another programme manager proposes decisions", "When you are given applications"),
    ("finance_officer", "When a payment falls due", "When we accept your organisation"),
])
def test_the_account_page_says_which_emails_the_person_is_sent_for_their_role(
    role, expected, not_expected, request, client_for
):
    person = request.getfixturevalue(role)
    response = client_for(person).get(reverse("accounts:home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Emails we send you" in content
    assert expected in content and not_expected not in content
    assert "always sent, to keep your account safe" in content
    assert reverse("core:notifications") in content
