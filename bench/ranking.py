"""The ranking page for a round of 2,000 applications and for one of 20,000, each scored by 2 assessors on 6 criteria.

Targets: the first page's median server time at 2,000 applications at most 50 ms, and at 20,000 at most twice that
(the page reads 100 rows; only the database's ordering of the round grows with it). Prints the queries per page too.
"""

from _harness import django_on_a_temporary_database, finish, median_ms, statistics_gathered

APPLICATIONS = 2000
LARGE = 20000
ASSESSORS = 2
CRITERIA = 6
TARGET_MS = 50
TARGET_RATIO = 2


def seed(applications: int = APPLICATIONS, prefix: str = "BEN"):
    """A round of scored applications, written in bulk, with the stored score summaries the scoring service keeps."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import Role, User
    from applications.models import Application, Criterion, EligibilityCheck, Organisation, Round
    from assessment.models import Allocation, Assessment, ConflictDeclaration, Score
    from assessment.services import score_summaries_refresh

    now = timezone.now()
    round_ = Round.objects.create(
        name=f"Benchmark round {prefix}", reference_prefix=prefix, summary="Benchmark", status=Round.Status.OPEN,
        opens_at=now - timedelta(days=30), closes_at=now + timedelta(days=30), budget=Decimal("1000000"),
        minimum_award=Decimal("1000"), maximum_award=Decimal("15000"),
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(round=round_, name=f"Criterion {n}", weight=Decimal(100) / CRITERIA, position=n) for n in range(CRITERIA)
    )
    assessors = [User.objects.create_user(f"assessor{n}.{prefix}@example.org", "x", full_name=f"Assessor {n}",
                                          role=Role.ASSESSOR) for n in range(ASSESSORS)]
    manager = User.objects.create_user(f"manager.{prefix}@example.org", "x", full_name="Manager",
                                       role=Role.PROGRAMME_MANAGER)
    batch = 5000
    organisations = Organisation.objects.bulk_create(
        (Organisation(name=f"Group {prefix} {n}") for n in range(applications)), batch_size=batch
    )
    checks = EligibilityCheck.objects.bulk_create(
        (EligibilityCheck(round=round_, organisation=organisation, answers={}, failures=[])
         for organisation in organisations), batch_size=batch,
    )
    made = Application.objects.bulk_create(
        (Application(round=round_, organisation=organisation, eligibility_check=check, status=Application.Status.SCORED,
                     reference=f"{prefix}-{n:05d}", title=f"Project {n}", amount_requested=Decimal(1000 + (n * 37) % 14000),
                     submitted_at=now)
         for n, (organisation, check) in enumerate(zip(organisations, checks))), batch_size=batch,
    )
    allocations = Allocation.objects.bulk_create(
        (Allocation(application=application, assessor=assessor) for application in made for assessor in assessors),
        batch_size=batch,
    )
    ConflictDeclaration.objects.bulk_create(
        (ConflictDeclaration(application_id=a.application_id, assessor_id=a.assessor_id, has_conflict=False)
         for a in allocations), batch_size=batch,
    )
    assessments = Assessment.objects.bulk_create(
        (Assessment(allocation=allocation, status=Assessment.Status.SUBMITTED, submitted_at=now)
         for allocation in allocations), batch_size=batch,
    )
    Score.objects.bulk_create(
        # The assessors of an application differ by one point at most: no score needs moderating, so every
        # application can be decided once the round closes.
        (Score(assessment=assessment, criterion=criterion, score=(index // ASSESSORS + position) % 5 + index % ASSESSORS,
               justification="Reason")
         for index, assessment in enumerate(assessments) for position, criterion in enumerate(criteria)),
        batch_size=batch,
    )
    # As the scoring service does when scores are sent, in bulk.
    score_summaries_refresh(application_ids=[application.pk for application in made])
    statistics_gathered()
    return round_, manager


def page_median_ms(round_, manager) -> float:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.clients import signed_in_client

    # Signed in as the manager would be, second factor given, so the page measured is the ranking itself.
    client = signed_in_client(manager)
    url = reverse("assessment:ranking", kwargs={"pk": round_.pk})

    def load():
        response = client.get(url)
        assert response.status_code == 200 and b"<h1 class=\"govuk-heading-l\">Ranking</h1>" in response.content

    load()
    with CaptureQueriesContext(connection) as queries:
        load()
    # Read now: every request starts a fresh query log.
    print(f"ranking: {round_.applications.count():,} applications, {len(queries.captured_queries)} queries per page")
    return median_ms(load, runs=15)


def main():
    django_on_a_temporary_database()
    small = page_median_ms(*seed(APPLICATIONS, "BEN"))
    print(f"ranking: median {small:.1f} ms at {APPLICATIONS:,}")
    large = page_median_ms(*seed(LARGE, "BIG"))
    print(f"ranking: median {large:.1f} ms at {LARGE:,}")
    ratio = large / small
    finish(f"ranking: median {small:.1f} ms at {APPLICATIONS:,}, ratio {ratio:.1f}x at {LARGE:,} "
           f"(target <= {TARGET_MS} ms, <= {TARGET_RATIO}x)", small <= TARGET_MS and ratio <= TARGET_RATIO)


if __name__ == "__main__":
    main()
