"""The demo round and two demo organisations, so each applicant has someone to act for."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from applications.models import Membership, Organisation, Round

DEMO_ROUND_NAME = "Disability Hate Crime Victim Support Small Grants"
DEMO_ORGANISATIONS = [
    ("Tower Hamlets Deaf and Disabled People's Forum", [("applicant@example.org", "owner"), ("colleague@example.org", "editor")]),
    ("Croydon Disability Action", [("other.applicant@example.org", "owner")]),
]


def seed(stdout) -> None:
    now = timezone.now()
    Round.objects.get_or_create(
        reference_prefix="DHC27",
        defaults={
            "name": DEMO_ROUND_NAME,
            "summary": (
                "Small grants for Deaf and Disabled People's Organisations in London to support Disabled victims of "
                "hate crime, help them report it, and raise awareness of hate crime in Disabled communities."
            ),
            "status": Round.Status.OPEN,
            "opens_at": now - timedelta(days=7),
            "closes_at": (now + timedelta(days=60)).replace(hour=12, minute=0, second=0, microsecond=0),
            "budget": Decimal("150000.00"),
            "minimum_award": Decimal("2000.00"),
            "maximum_award": Decimal("15000.00"),
        },
    )
    for name, members in DEMO_ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(name=name)
        for email, role in members:
            Membership.objects.get_or_create(
                organisation=organisation, user=User.objects.get(email=email), defaults={"role": role}
            )
    stdout.write(f"Demo round: {DEMO_ROUND_NAME}")
