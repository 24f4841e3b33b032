"""The ranking page for a round of 2,000 applications, each scored by 2 assessors on 6 criteria.

Prints the page's median server time (target: at most 150 ms on a 2-core machine) and its number of queries.
"""

from _harness import django_on_a_temporary_database, finish, median_ms

APPLICATIONS = 2000
ASSESSORS = 2
CRITERIA = 6
TARGET_MS = 150


def seed():
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import Role, User
    from applications.models import Application, Criterion, EligibilityCheck, Organisation, Round
    from assessment.models import Allocation, Assessment, ConflictDeclaration, Score

    now = timezone.now()
    round_ = Round.objects.create(
        name="Benchmark round", reference_prefix="BEN", summary="Benchmark", status=Round.Status.OPEN,
        opens_at=now - timedelta(days=30), closes_at=now + timedelta(days=30), budget=Decimal("1000000"),
        minimum_award=Decimal("1000"), maximum_award=Decimal("15000"),
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(round=round_, name=f"Criterion {n}", weight=Decimal(100) / CRITERIA, position=n) for n in range(CRITERIA)
    )
    assessors = [User.objects.create_user(f"assessor{n}@example.org", "x", full_name=f"Assessor {n}", role=Role.ASSESSOR)
                 for n in range(ASSESSORS)]
    manager = User.objects.create_user("manager@example.org", "x", full_name="Manager", role=Role.PROGRAMME_MANAGER)
    organisations = Organisation.objects.bulk_create(Organisation(name=f"Group {n}") for n in range(APPLICATIONS))
    checks = EligibilityCheck.objects.bulk_create(
        EligibilityCheck(round=round_, organisation=organisation, answers={}, failures=[]) for organisation in organisations
    )
    applications = Application.objects.bulk_create(
        Application(round=round_, organisation=organisation, eligibility_check=check, status=Application.Status.SCORED,
                    reference=f"BEN-{n:04d}", title=f"Project {n}", amount_requested=Decimal(1000 + (n * 37) % 14000),
                    submitted_at=now)
        for n, (organisation, check) in enumerate(zip(organisations, checks))
    )
    allocations = Allocation.objects.bulk_create(
        Allocation(application=application, assessor=assessor) for application in applications for assessor in assessors
    )
    ConflictDeclaration.objects.bulk_create(
        ConflictDeclaration(application_id=a.application_id, assessor_id=a.assessor_id, has_conflict=False)
        for a in allocations
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(allocation=allocation, status=Assessment.Status.SUBMITTED, submitted_at=now) for allocation in allocations
    )
    Score.objects.bulk_create(
        # The assessors of an application differ by one point at most: no score needs moderating, so every
        # application can be decided once the round closes.
        (Score(assessment=assessment, criterion=criterion, score=(index // ASSESSORS + position) % 5 + index % ASSESSORS,
               justification="Reason")
         for index, assessment in enumerate(assessments) for position, criterion in enumerate(criteria)),
        batch_size=5000,
    )
    return round_, manager


def main():
    django_on_a_temporary_database()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.clients import signed_in_client

    round_, manager = seed()
    # Signed in as the manager would be, second factor given, so the page measured is the ranking itself.
    client = signed_in_client(manager)
    url = reverse("assessment:ranking", kwargs={"pk": round_.pk})

    def load():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    load()
    with CaptureQueriesContext(connection) as queries:
        load()
    # Read now: every request starts a fresh query log.
    print(f"ranking: {APPLICATIONS} applications, {len(queries.captured_queries)} queries per page")
    median = median_ms(load, runs=15)
    finish(f"ranking: median {median:.1f} ms (target <= {TARGET_MS} ms)", median <= TARGET_MS)


if __name__ == "__main__":
    main()
