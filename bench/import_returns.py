"""Importing 10,000 indicator figures from a returns spreadsheet (CSV), through the same path as the upload page:
every row read and checked by django-import-export in a dry run, then saved through the monitoring service.

Prints the import's median time as a ratio to a plain `bulk_create` of the same 10,000 rows in the same run
(target: at most 3x).
"""

from _harness import django_on_a_temporary_database, finish, median_ms

ROWS = 10_000
TARGET_RATIO = 3


def seed():
    from datetime import date, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import Role, User
    from applications.models import Application, EligibilityCheck, Organisation, Round
    from applications.services import round_add_standard_indicators
    from grants.models import Award
    from monitoring.models import Return

    now = timezone.now()
    manager = User.objects.create_user("manager@example.org", "x", full_name="Manager", role=Role.PROGRAMME_MANAGER)
    round_ = Round.objects.create(
        name="Benchmark round", reference_prefix="BEN", summary="Benchmark", status=Round.Status.CLOSED,
        opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=60), budget=Decimal("2000000"),
        minimum_award=Decimal("1000"), maximum_award=Decimal("15000"),
    )
    round_add_standard_indicators(round_=round_, acting_user=manager)
    # Figures given as one number each: an indicator given in parts has a row for each part.
    indicators = [indicator for indicator in round_.indicators.all() if not indicator.is_split]
    grants = -(-ROWS // (len(indicators) * round_.quarters))
    organisations = Organisation.objects.bulk_create(Organisation(name=f"Group {n}") for n in range(grants))
    checks = EligibilityCheck.objects.bulk_create(
        EligibilityCheck(round=round_, organisation=organisation, answers={}, failures=[]) for organisation in organisations
    )
    applications = Application.objects.bulk_create(
        Application(round=round_, organisation=organisation, eligibility_check=check, status=Application.Status.AWARDED,
                    reference=f"BEN-{n:04d}", title=f"Project {n}", amount_requested=Decimal("8000"), submitted_at=now)
        for n, (organisation, check) in enumerate(zip(organisations, checks))
    )
    starts = date(2026, 1, 1)
    awards = Award.objects.bulk_create(
        Award(application=application, round=round_, status=Award.Status.ACCEPTED, amount=Decimal("8000"),
              offered_at=now, accept_by=now, starts_on=starts)
        for application in applications
    )
    returns = Return.objects.bulk_create(
        Return(award=award, quarter=quarter, period_start=starts, period_end=starts + timedelta(days=90 * quarter),
               due_on=starts + timedelta(days=90 * quarter + 30))
        for award in awards for quarter in range(1, round_.quarters + 1)
    )
    reference = {award.pk: application.reference for award, application in zip(awards, applications)}
    # Figures that could be true: an indicator that is part of another (police took the report, of the reports
    # made) is always smaller than its whole, whatever the spread.
    by_pk = {indicator.pk: indicator for indicator in indicators}

    def depth(indicator) -> int:
        return 0 if indicator.part_of_id is None else 1 + depth(by_pk[indicator.part_of_id])

    figures = [
        (monitoring_return, indicator, (3 - depth(indicator)) * 10 + (monitoring_return.pk * 7 + indicator.pk) % 10)
        for monitoring_return in returns for indicator in indicators
    ][:ROWS]
    rows = [(reference[r.award_id], r.quarter, indicator.name, value) for r, indicator, value in figures]
    return round_, manager, figures, rows


def as_csv(rows) -> bytes:
    import csv
    import io

    from monitoring.spreadsheets import COLUMNS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def main():
    django_on_a_temporary_database()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.models import AuditEvent
    from monitoring.audit import AuditAction
    from monitoring.models import IndicatorCount
    from monitoring.services import figures_record
    from monitoring.spreadsheets import figures_read

    round_, manager, figures, rows = seed()
    content = as_csv(rows)

    def empty():
        IndicatorCount.objects.all().delete()
        AuditEvent.objects.filter(action=AuditAction.FIGURES_IMPORTED).delete()

    def project_import():
        resource, problems = figures_read(SimpleUploadedFile("returns.csv", content), round_)
        assert not problems, problems[:3]
        assert figures_record(counts=resource.counts, spending=resource.spending, acting_user=manager) == ROWS

    def plain_bulk_create():
        IndicatorCount.objects.bulk_create(
            IndicatorCount(monitoring_return=monitoring_return, indicator=indicator, value=value)
            for monitoring_return, indicator, value in figures
        )

    imported = median_ms(project_import, runs=5, warm_up=1, before=empty)
    assert IndicatorCount.objects.count() == ROWS
    plain = median_ms(plain_bulk_create, runs=5, warm_up=1, before=empty)
    ratio = imported / plain
    print(f"{ROWS:,} rows: import {imported:.0f} ms, bulk_create {plain:.0f} ms")
    finish(f"import: ratio {ratio:.1f}x (target <= {TARGET_RATIO}x)", ratio <= TARGET_RATIO)


if __name__ == "__main__":
    main()
