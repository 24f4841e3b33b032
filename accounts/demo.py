"""Demo people, one for each role, all with the same password. Never run this against real data."""

from accounts.models import Role, User

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
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name, "role": role})
        if created:
            user.set_password(DEMO_PASSWORD)
            # The demo programme manager looks after rounds in the admin site.
            user.is_staff = user.is_superuser = role == Role.PROGRAMME_MANAGER
            user.save()
    stdout.write("Demo sign-ins (password for all: %s):" % DEMO_PASSWORD)
    for email, full_name, role in DEMO_USERS:
        stdout.write(f"  {role.label:<18} {email}")
