"""An assessor's scoring sheet of 4,000 rows (800 applications x 5 criteria) uploaded as XLSX and imported the way
the upload page and its background task do it: kept, then read, checked row by row and saved, all or nothing.

Half the applications have scores already sent (the sheet changes them, so each gets a new draft version), a quarter
have a draft with some scores, and a quarter have none. Prints the median time of the whole import, reading and
checking and saving (target: at most 5 s).
"""

from _harness import django_on_a_temporary_database, finish, median_ms

APPLICATIONS = 800
CRITERIA = 5
ROWS = APPLICATIONS * CRITERIA
TARGET_SECONDS = 5


def seed():
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from accounts.models import Role, User
    from applications.models import Application, Criterion, EligibilityCheck, Organisation, Round
    from assessment.models import Allocation, ConflictDeclaration

    now = timezone.now()
    round_ = Round.objects.create(
        name="Benchmark round", reference_prefix="BEN", summary="Benchmark", status=Round.Status.ASSESSING,
        opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=30), budget=Decimal("1000000"),
        minimum_award=Decimal("1000"), maximum_award=Decimal("15000"),
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(round=round_, name=f"Criterion {n}", weight=Decimal(100) / CRITERIA, position=n) for n in range(CRITERIA)
    )
    assessor = User.objects.create_user("assessor@example.org", "x", full_name="Assessor", role=Role.ASSESSOR)
    round_.assessors.add(assessor)
    organisations = Organisation.objects.bulk_create(Organisation(name=f"Group {n}") for n in range(APPLICATIONS))
    checks = EligibilityCheck.objects.bulk_create(
        EligibilityCheck(round=round_, organisation=organisation, answers={}, failures=[]) for organisation in organisations
    )
    applications = Application.objects.bulk_create(
        Application(round=round_, organisation=organisation, eligibility_check=check, status=Application.Status.ELIGIBLE,
                    reference=f"BEN-{n:04d}", title=f"Project {n}", amount_requested=Decimal("8000"), submitted_at=now)
        for n, (organisation, check) in enumerate(zip(organisations, checks))
    )
    allocations = Allocation.objects.bulk_create(
        Allocation(application=application, assessor=assessor) for application in applications
    )
    ConflictDeclaration.objects.bulk_create(
        ConflictDeclaration(application=application, assessor=assessor, has_conflict=False) for application in applications
    )
    return assessor, allocations, criteria


def scores_before(allocations, criteria):
    """What the assessor has done on the website before the upload: the first half sent, the next quarter drafted
    with some criteria scored, the rest untouched. Run again before each import to undo the one before."""
    from django.utils import timezone

    from assessment.models import Assessment, Score
    from core.models import AuditEvent

    Assessment.objects.all().delete()
    AuditEvent.objects.all().delete()
    sent, drafted = allocations[: APPLICATIONS // 2], allocations[APPLICATIONS // 2: APPLICATIONS * 3 // 4]
    assessments = Assessment.objects.bulk_create(
        [Assessment(allocation=allocation, status=Assessment.Status.SUBMITTED, submitted_at=timezone.now())
         for allocation in sent]
        + [Assessment(allocation=allocation) for allocation in drafted]
    )
    Score.objects.bulk_create(
        Score(assessment=assessment, criterion=criterion, score=2, justification="Some evidence")
        for assessment in assessments
        for criterion in (criteria if assessment.status == Assessment.Status.SUBMITTED else criteria[:2])
    )


def filled_in_sheet(assessor) -> bytes:
    """The assessor's sheet downloaded as XLSX, every row given a score and a reason, and saved, as in a spreadsheet
    program."""
    import io

    import openpyxl

    from assessment.spreadsheets import scoring_sheet

    content, _ = scoring_sheet(assessor, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.active
    headings = [cell.value for cell in sheet[1]]
    score, reason = headings.index("Score"), headings.index("Reason for the score")
    for number, row in enumerate(sheet.iter_rows(min_row=2)):
        row[score].value = number % 3 + 3
        row[reason].value = f"Clear evidence of need in the borough, and a realistic plan ({number})."
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main():
    django_on_a_temporary_database()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessment.models import ScoresImport
    from assessment.services import scores_import_run, scores_import_start

    assessor, allocations, criteria = seed()
    scores_before(allocations, criteria)
    content = filled_in_sheet(assessor)

    def upload_and_import():
        scores_import = scores_import_start(spreadsheet=SimpleUploadedFile("scores.xlsx", content), acting_user=assessor)
        settled = scores_import_run(import_pk=scores_import.pk)
        assert settled.outcome == ScoresImport.Outcome.SAVED, settled.problems[:3]
        assert settled.saved == ROWS, settled.saved

    median = median_ms(upload_and_import, runs=3, warm_up=1, before=lambda: scores_before(allocations, criteria)) / 1000
    finish(f"scoring sheet: {ROWS:,} rows in {median:.1f} s (target <= {TARGET_SECONDS} s)", median <= TARGET_SECONDS)


if __name__ == "__main__":
    main()
