"""Demo people, one for each role, all with the same password. Never run this against real data."""

from accounts.models import Role, User
from accounts.services import user_role_change

DEMO_PASSWORD = "demo-password-2027"
DEMO_USERS = [
    ("applicant@example.org", "Amara Okafor", Role.APPLICANT),
    ("colleague@example.org", "Ben Hughes", Role.APPLICANT),
    ("other.applicant@example.org", "Chloe Patel", Role.APPLICANT),
    ("assessor@example.org", "Dev Sharma", Role.ASSESSOR),
    ("second.assessor@example.org", "Grace Obi", Role.ASSESSOR),
    ("manager@example.org", "Erin Walsh", Role.PROGRAMME_MANAGER),
    ("finance@example.org", "Femi Adeyemi", Role.FINANCE_OFFICER),
]


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
    stdout.write("Demo sign-ins (password for all: %s):" % DEMO_PASSWORD)
    for email, full_name, role in DEMO_USERS:
        stdout.write(f"  {role.label:<18} {email}")
