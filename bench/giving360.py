"""The 360Giving file of a round of 10,000 accepted grants, asked for, made by the worker and downloaded, as a
programme manager does from the round page, in JSON and in CSV.

Targets: each format in at most 2 s end to end, with at most 50 MB at the peak of what Python holds while it runs
(traced with tracemalloc, in a run of its own so the tracing does not slow the timed runs).
"""

import statistics
import time
import tracemalloc

from _harness import django_on_a_temporary_database, finish

GRANTS = 10_000
TARGET_S = 2
TARGET_MB = 50


def seed():
    from datetime import date, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import Role, User
    from applications.models import Application, Borough, EligibilityCheck, Organisation, Round
    from grants.models import Award, Decision

    now = timezone.now()
    round_ = Round.objects.create(
        name="Benchmark round", reference_prefix="BEN", summary="Benchmark", status=Round.Status.MONITORING,
        opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=300), budget=Decimal("100000000"),
        minimum_award=Decimal("1000"), maximum_award=Decimal("15000"),
    )
    manager = User.objects.create_user("manager@example.org", "x", full_name="Manager", role=Role.PROGRAMME_MANAGER)
    checker = User.objects.create_user("checker@example.org", "x", full_name="Checker", role=Role.PROGRAMME_MANAGER)
    # Every way an organisation is identified: a charity, a Scottish charity, a company, a society, or none.
    registers = [{"charity_number": "1187654"}, {"charity_number": "SC012345"}, {"company_number": "07654321"},
                 {"society_number": "RS007"}, {}]
    organisations = Organisation.objects.bulk_create(
        (Organisation(name=f"Disabled People's Group {n}", postcode="E8 1HR" if n % 3 else "",
                      **registers[n % len(registers)]) for n in range(GRANTS)),
        batch_size=2000,
    )
    checks = EligibilityCheck.objects.bulk_create(
        (EligibilityCheck(round=round_, organisation=organisation, answers={}, failures=[])
         for organisation in organisations),
        batch_size=2000,
    )
    applications = Application.objects.bulk_create(
        (Application(round=round_, organisation=organisation, eligibility_check=check, status=Application.Status.AWARDED,
                     reference=f"BEN-{n:05d}", title=f"Hate crime advocacy project {n}",
                     summary="Support for Disabled victims of hate crime" if n % 4 else "", submitted_at=now)
         for n, (organisation, check) in enumerate(zip(organisations, checks))),
        batch_size=2000,
    )
    # Most grants work in one to three boroughs; some name none.
    boroughs = list(Borough.objects.order_by("gss_code"))
    Application.boroughs.through.objects.bulk_create(
        (Application.boroughs.through(application=application, borough=boroughs[(n + step * 7) % len(boroughs)])
         for n, application in enumerate(applications) for step in range(n % 4)),
        batch_size=5000,
    )
    # Every other grant has its confirmed decision; the rest are dated from their offer.
    Decision.objects.bulk_create(
        (Decision(application=application, outcome=Decision.Outcome.FUND, amount=Decimal(2000 + n),
                  proposed_outcome=Decision.Outcome.FUND, proposed_amount=Decimal(2000 + n), decided_by=manager,
                  confirmed_by=checker, confirmed_at=now - timedelta(days=200), status=Decision.Status.CONFIRMED)
         for n, application in enumerate(applications) if n % 2),
        batch_size=2000,
    )
    Award.objects.bulk_create(
        (Award(application=application, round=round_, status=Award.Status.ACTIVE if n % 2 else Award.Status.ACCEPTED,
               amount=Decimal(2000 + (n * 37) % 13000) + (Decimal("0.50") if n % 5 == 0 else 0),
               offered_at=now - timedelta(days=190), accepted_at=now - timedelta(days=180),
               starts_on=date(2027, 4, 1) if n % 6 else None, ends_on=date(2028, 3, 31) if n % 6 else None)
         for n, application in enumerate(applications)),
        batch_size=2000,
    )
    return round_, manager


def main():
    django_on_a_temporary_database()
    from django.core.management import call_command
    from django.urls import resolve, reverse

    from grants.models import Award
    from tests.clients import signed_in_client

    round_, manager = seed()
    client = signed_in_client(manager)

    def download(file_format: str) -> int:
        """Asks for the file as the round page's button does, runs the worker as `db_worker --batch` would, and
        reads the download to its end. Returns its size in bytes."""
        url = reverse("grants:three_sixty_giving_export", kwargs={"pk": round_.pk, "file_format": file_format})
        asked = client.post(url)
        assert asked.status_code == 302, asked.status_code
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
        response = client.get(reverse("core:export_download", kwargs=resolve(asked.url).kwargs))
        assert response.status_code == 200, response.status_code
        return sum(len(chunk) for chunk in response.streaming_content)

    published = Award.objects.filter(round=round_, status__in=[Award.Status.ACCEPTED, Award.Status.ACTIVE]).count()
    assert published == GRANTS, published
    results = {}
    for file_format in ("json", "csv"):
        size = download(file_format)
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            download(file_format)
            timings.append(time.perf_counter() - started)
        tracemalloc.start()
        download(file_format)
        peak_mb = tracemalloc.get_traced_memory()[1] / 1_000_000
        tracemalloc.stop()
        seconds = statistics.median(timings)
        results[file_format] = (seconds, peak_mb)
        print(f"giving360: {file_format.upper()}, {size / 1_000_000:.1f} MB file: median {seconds:.2f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in timings)}), peak {peak_mb:.0f} MB traced")
    seconds = max(seconds for seconds, _ in results.values())
    peak_mb = max(peak for _, peak in results.values())
    finish(f"giving360: {GRANTS:,} grants in {seconds:.2f} s, {peak_mb:.0f} MB "
           f"(slower format; target <= {TARGET_S} s, <= {TARGET_MB} MB)",
           seconds <= TARGET_S and peak_mb <= TARGET_MB)


if __name__ == "__main__":
    main()
