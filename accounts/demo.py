"""Demo people, one for each role, all with the same password. Never run this against real data."""

from base64 import b32decode

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from accounts.permissions import STAFF_ROLES
from accounts.services import user_role_change
from accounts.two_factor import AUTHENTICATOR_NAME

DEMO_PASSWORD = "demo-password-2027"
# Every demo member of staff shares one authenticator key, so one entry in an app signs in as any of them.
DEMO_AUTHENTICATOR_KEY = "GRAN TSDE MOTW OFAC TORK EYFO RSTA FF23"
DEMO_RESERVE_ASSESSOR = "reserve.assessor@example.org"
DEMO_USERS = [
    ("applicant@example.org", "Amara Okafor", Role.APPLICANT),
    ("colleague@example.org", "Ben Hughes", Role.APPLICANT),
    ("other.applicant@example.org", "Chloe Patel", Role.APPLICANT),
    ("assessor@example.org", "Dev Sharma", Role.ASSESSOR),
    ("second.assessor@example.org", "Grace Obi", Role.ASSESSOR),
    # Not on the demo round's panel: the programme manager adds Ivo when a conflict leaves an application short.
    (DEMO_RESERVE_ASSESSOR, "Ivo Mensah", Role.ASSESSOR),
    ("manager@example.org", "Erin Walsh", Role.PROGRAMME_MANAGER),
    # Four eyes: every decision Erin proposes waits for a second programme manager to confirm it.
    ("second.manager@example.org", "Hana Nowak", Role.PROGRAMME_MANAGER),
    ("finance@example.org", "Femi Adeyemi", Role.FINANCE_OFFICER),
]
DEMO_STAFF = [email for email, _, role in DEMO_USERS if role in STAFF_ROLES]


def demo_authenticator_hex_key() -> str:
    """The demo key as django-otp stores it."""
    return b32decode(DEMO_AUTHENTICATOR_KEY.replace(" ", "")).hex()


def seed(stdout) -> None:
    for email, full_name, role in DEMO_USERS:
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role != Role.APPLICANT:
                # Through the service, like any role, so the demo programme manager gets the admin site's
                # programme-manager group (not superuser access) and a dated role grant.
                user_role_change(user=user, role=role, acting_user=None, reason="Demo data")
        if role in STAFF_ROLES:
            TOTPDevice.objects.get_or_create(
                user=user, confirmed=True, defaults={"name": AUTHENTICATOR_NAME, "key": demo_authenticator_hex_key()}
            )
    stdout.write("Demo sign-ins (password for all: %s):" % DEMO_PASSWORD)
    for email, full_name, role in DEMO_USERS:
        stdout.write(f"  {role.label:<18} {email}")
    stdout.write(
        "Staff also give a code from an authenticator app. Add this time-based key to one: %s\n"
        "or print the current code with: python manage.py demo_code manager@example.org" % DEMO_AUTHENTICATOR_KEY
    )
