"""The demo round, with criteria and indicators, and two demo organisations so each applicant has someone to act for."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from applications.models import Borough, Criterion, Membership, Organisation, Round
from applications.services import round_add_standard_indicators

DEMO_ROUND_NAME = "Disability Hate Crime Victim Support Small Grants"
DEMO_CRITERIA = [
    ("Need and evidence", "Is the need for support clear, local and backed by evidence?", "20"),
    ("Led by Disabled people", "Do Disabled people lead the work and shape it from lived experience?", "20"),
    ("Quality of support for victims", "Is the support safe, practical and trauma-informed?", "25"),
    ("Partnership", "Will the group work well with CATCH partners, the police and local services?", "15"),
    ("Reach and inclusion", "Will the project reach Disabled people who are least likely to report?", "10"),
    ("Value for money", "Are the costs realistic and is the budget clear?", "10"),
]
DEMO_ORGANISATIONS = [
    (
        {"name": "Tower Hamlets Deaf and Disabled People's Forum", "legal_form": "cio", "charity_number": "1187654",
         "postcode": "E1 6AN", "address_line_1": "12 Whitechapel Road", "contact_name": "Amara Okafor",
         "contact_email": "applicant@example.org", "contact_phone": "02079460000"},
        ["E09000030", "E09000012"],
        [("applicant@example.org", "owner"), ("colleague@example.org", "editor")],
    ),
    (
        {"name": "Croydon Disability Action", "legal_form": "clg", "company_number": "07654321",
         "postcode": "CR0 1NX", "address_line_1": "3 Katharine Street", "contact_name": "Chloe Patel",
         "contact_email": "other.applicant@example.org", "contact_phone": "02086860000"},
        ["E09000008"],
        [("other.applicant@example.org", "owner")],
    ),
]


def seed(stdout) -> None:
    now = timezone.now()
    manager = User.objects.filter(email="manager@example.org").first()
    round_, created = Round.objects.get_or_create(
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
    if created:
        Criterion.objects.bulk_create(
            Criterion(round=round_, name=name, guidance=guidance, weight=Decimal(weight), position=position)
            for position, (name, guidance, weight) in enumerate(DEMO_CRITERIA)
        )
        round_add_standard_indicators(round_=round_, acting_user=manager)
    for fields, borough_codes, members in DEMO_ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(name=fields["name"], defaults=fields)
        if created:
            organisation.boroughs.set(Borough.objects.filter(gss_code__in=borough_codes))
        for email, role in members:
            Membership.objects.get_or_create(
                organisation=organisation, user=User.objects.get(email=email), defaults={"role": role}
            )
    stdout.write(f"Demo round: {DEMO_ROUND_NAME}")
