from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.two_factor import authenticator_code_now
from tests.factories import AuthenticatorFactory

pytestmark = pytest.mark.django_db


def demo_code(email: str) -> str:
    out = StringIO()
    call_command("demo_code", email, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())


def test_it_prints_the_code_a_demo_staff_members_app_shows_now(demo):
    code = demo_code("Manager@example.org ")
    device = TOTPDevice.objects.get(user__email="manager@example.org")
    assert code == authenticator_code_now(device) and len(code) == 6


def test_it_refuses_to_run_with_debug_off(demo, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        demo_code("manager@example.org")


def test_it_gives_no_code_for_anyone_but_demo_staff(demo):
    with pytest.raises(CommandError, match="not a demo staff account"):
        demo_code("applicant@example.org")


def test_it_keeps_the_codes_of_an_app_someone_set_up_themselves(demo):
    assessor = User.objects.get(email="assessor@example.org")
    TOTPDevice.objects.filter(user=assessor).delete()
    AuthenticatorFactory(user=assessor)
    with pytest.raises(CommandError, match="does not use the demo key"):
        demo_code("assessor@example.org")
