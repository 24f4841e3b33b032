import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.models import AuditEvent
from monitoring.audit import AuditAction
from monitoring.models import FiguresImport, IndicatorCount, Return
from monitoring.services import (
    ReturnError,
    figures_import_run,
    figures_import_start,
    figures_record,
    return_save,
    return_submit,
)
from monitoring.spreadsheets import COLUMNS, figures_read, figures_sheet
from tests.formulae import FORMULAE, assert_shown_as_text

pytestmark = pytest.mark.django_db


def sheet(rows, name="returns.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8-sig"), content_type="text/csv")


def good_rows(award):
    return [
        [award.reference, 1, "Disabled victims supported", "14"],
        [award.reference, 1, "Spend: Staff costs: Caseworker", "£1,250.50"],
    ]


def test_the_sheet_lists_every_figure_of_open_returns_whose_quarter_has_begun(client_for, programme_manager, award,
                                                                               supported, caseworker):
    return_save(monitoring_return=award.returns.get(quarter=1), counts={supported.pk: 7}, spending={},
                narrative={}, acting_user=programme_manager)
    response = client_for(programme_manager).get(
        reverse("monitoring:figures_sheet", kwargs={"pk": award.round.pk, "file_format": "csv"})
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        COLUMNS,
        [award.reference, "1", "Disabled victims supported", "7"],
        [award.reference, "1", "Spend: Staff costs: Caseworker", ""],
        # Quarter 2 begins today, the grant being three months under way; quarters 3 and 4 are not listed yet.
        [award.reference, "2", "Disabled victims supported", ""],
        [award.reference, "2", "Spend: Staff costs: Caseworker", ""],
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("typed", FORMULAE)
def test_the_returns_sheet_shows_an_item_that_looks_like_a_formula_as_text(award, supported, typed, file_format):
    supported.name = typed
    supported.save()
    content, _ = figures_sheet(award.round, file_format)
    assert_shown_as_text(content, file_format, typed)


def test_a_clean_sheet_saves_its_figures_as_drafts(award, supported, caseworker, programme_manager):
    resource, problems = figures_read(sheet(good_rows(award)[:2]), award.round)
    assert problems == []
    assert figures_record(counts=resource.counts, spending=resource.spending, acting_user=programme_manager) == 2
    first = award.returns.get(quarter=1)
    assert first.counts.get().value == 14
    assert first.spending.get().amount == Decimal("1250.50")
    assert first.status == Return.Status.NOT_DUE
    assert AuditEvent.objects.filter(action=AuditAction.FIGURES_IMPORTED, target_id=str(first.pk)).exists()


def test_a_blank_figure_keeps_what_the_return_has(award, supported, caseworker, programme_manager):
    first = award.returns.get(quarter=1)
    return_save(monitoring_return=first, counts={supported.pk: 7}, spending={}, narrative={}, acting_user=programme_manager)
    resource, problems = figures_read(sheet([[award.reference, 1, "Disabled victims supported", ""]]), award.round)
    figures_record(counts=resource.counts, spending=resource.spending, acting_user=programme_manager)
    assert first.counts.get().value == 7


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["AW-NONE", 1, "Disabled victims supported", "3"], "There is no return for grant 'AW-NONE', quarter '1'"),
        (["{ref}", 9, "Disabled victims supported", "3"], "quarter '9'"),
        (["{ref}", 1, "Cups of tea", "3"], "'Cups of tea' is not an indicator of this round or a budget line"),
        (["{ref}", 1, "Disabled victims supported", "-3"], "The figure must be 0 or more"),
        (["{ref}", 1, "Disabled victims supported", "a few"], "Enter the figure as a whole number"),
        (["{ref}", 1, "Spend: Staff costs: Caseworker", "lots"], "the amount spent"),
        (["{ref}", 1, "disabled victims SUPPORTED", "3"], "appears more than once"),
    ],
)
def test_one_bad_row_saves_nothing_and_is_named_by_its_row_number(award, supported, caseworker, row, message):
    bad = [cell.format(ref=award.reference) if isinstance(cell, str) else cell for cell in row]
    resource, problems = figures_read(sheet([*good_rows(award)[:2], bad]), award.round)
    assert [problem.row for problem in problems] == [4]
    assert message in problems[0].message
    assert not award.returns.get(quarter=1).counts.exists()


def test_a_sent_return_cannot_be_changed_by_spreadsheet(award, supported, caseworker, applicant):
    first = award.returns.get(quarter=1)
    return_save(monitoring_return=first, counts={supported.pk: 7}, spending={caseworker.pk: Decimal(0)}, narrative={},
                acting_user=applicant)
    resource, problems = figures_read(sheet(good_rows(award)[:1]), award.round)
    assert problems == []
    return_submit(monitoring_return=first, declarant_name="Amara", acting_user=applicant)
    with pytest.raises(ReturnError, match="was sent while the sheet was being checked"):
        figures_record(counts=resource.counts, spending=resource.spending, acting_user=applicant)
    _, problems = figures_read(sheet(good_rows(award)[:1]), award.round)
    assert "has been sent, so its figures cannot change" in problems[0].message


def test_an_xlsx_sheet_downloaded_then_filled_in_goes_back_in(client_for, programme_manager, award, supported, caseworker,
                                                             django_capture_on_commit_callbacks, run_worker):
    client = client_for(programme_manager)
    response = client.get(reverse("monitoring:figures_sheet", kwargs={"pk": award.round.pk, "file_format": "xlsx"}))
    workbook = load_workbook(io.BytesIO(response.content))
    workbook.active["D2"], workbook.active["D3"] = 11, 300.25
    filled = io.BytesIO()
    workbook.save(filled)
    upload = SimpleUploadedFile("returns.xlsx", filled.getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:figures_upload", kwargs={"pk": award.round.pk}), {"spreadsheet": upload})
    assert response.status_code == 302
    assert "Checking your spreadsheet" in client.get(response.url).content.decode()
    assert not award.returns.get(quarter=1).counts.exists()
    run_worker()
    first = award.returns.get(quarter=1)
    assert (first.counts.get().value, first.spending.get().amount) == (11, Decimal("300.25"))
    assert "2 figures saved in the returns as drafts" in client.get(response.url).content.decode()
    assert not FiguresImport.objects.get().spreadsheet, "the uploaded file is removed once read"


def upload_and_check(client, award, upload, django_capture_on_commit_callbacks, run_worker) -> str:
    """Uploads a returns sheet, lets the worker check it, and gives the page that then says how it went."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:figures_upload", kwargs={"pk": award.round.pk}), {"spreadsheet": upload})
    if response.status_code != 302:
        return response.content.decode()
    run_worker()
    return client.get(response.url).content.decode()


def test_the_upload_page_lists_every_problem_and_saves_nothing(client_for, programme_manager, award, supported, caseworker,
                                                               django_capture_on_commit_callbacks, run_worker):
    rows = [*good_rows(award)[:2], [award.reference, 1, "Cups of tea", "3"], ["AW-NONE", 1, "x", "1"]]
    page = upload_and_check(client_for(programme_manager), award, sheet(rows), django_capture_on_commit_callbacks,
                            run_worker)
    assert "Nothing was saved: the sheet has 2 problems" in page
    assert "Row 4:" in page and "Row 5:" in page
    assert not award.returns.get(quarter=1).counts.exists()


def test_a_sheet_without_the_columns_or_not_a_spreadsheet_is_refused(client_for, programme_manager, award,
                                                                     django_capture_on_commit_callbacks, run_worker):
    client = client_for(programme_manager)

    def upload(spreadsheet):
        return upload_and_check(client, award, spreadsheet, django_capture_on_commit_callbacks, run_worker)

    workbook = Workbook()
    workbook.active.append(["Grant", "Count"])
    wrong = io.BytesIO()
    workbook.save(wrong)
    page = upload(SimpleUploadedFile("x.xlsx", wrong.getvalue()))
    assert "The sheet has no column called Grant reference, Quarter, Item, Figure." in page
    page = upload(SimpleUploadedFile("x.xlsx", b"not a spreadsheet"))
    assert "The file could not be read" in page
    assert "Nothing was saved: the file could not be used" in page and "Correct these rows" not in page
    page = upload(SimpleUploadedFile("x.pdf", b"%PDF-1.4"))
    assert "The selected file must be an XLSX or a CSV" in page


def test_a_refused_sheet_shows_its_problems_above_a_form_that_uploads_again(
    client_for, programme_manager, award, supported, caseworker, django_capture_on_commit_callbacks, run_worker
):
    rows = [[award.reference, 1, "Cups of tea", "3"]]
    page = upload_and_check(client_for(programme_manager), award, sheet(rows), django_capture_on_commit_callbacks,
                            run_worker)
    assert "Row 2:" in page
    assert f'action="{reverse("monitoring:figures_upload", kwargs={"pk": award.round.pk})}"' in page


def test_a_figures_import_run_again_saves_nothing_twice(award, supported, caseworker, programme_manager,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        figures_import = figures_import_start(round_=award.round, spreadsheet=sheet(good_rows(award)),
                                              acting_user=programme_manager)
        assert figures_import_run(import_pk=figures_import.pk).saved == 2
    return_save(monitoring_return=award.returns.get(quarter=1), counts={supported.pk: 99}, spending={},
                narrative={}, acting_user=programme_manager)
    assert figures_import_run(import_pk=figures_import.pk).outcome == FiguresImport.Outcome.SAVED
    assert award.returns.get(quarter=1).counts.get().value == 99
    assert AuditEvent.objects.filter(action=AuditAction.FIGURES_IMPORTED).count() == 1


def test_a_sheet_whose_file_is_lost_before_it_is_checked_is_refused_in_plain_words(
    award, programme_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        figures_import = figures_import_start(round_=award.round, spreadsheet=sheet(good_rows(award)),
                                              acting_user=programme_manager)
    figures_import.spreadsheet.storage.delete(figures_import.spreadsheet.name)
    refused = figures_import_run(import_pk=figures_import.pk)
    assert refused.outcome == FiguresImport.Outcome.REFUSED
    assert refused.problems == [{"row": 0, "message": "The sheet could not be checked. Upload it again; if this keeps "
                                                      "happening, ask your technical team."}]


def test_a_part_larger_than_its_whole_in_the_sheet_is_refused_on_its_row_and_nothing_is_saved(
    award, supported, caseworker, reports
):
    rows = [
        *good_rows(award),
        [award.reference, 1, "Hate crime reports made", "3"],
        [award.reference, 1, "Reports the police took", "6"],
    ]
    resource, problems = figures_read(sheet(rows), award.round)
    assert [(problem.row, problem.message) for problem in problems] == [(5, (
        f"Reports the police took (6) cannot be more than hate crime reports made (3) in the quarter 1 return for "
        f"{award.reference}."
    ))]
    assert not award.returns.get(quarter=1).counts.exists()


def test_a_sheet_is_checked_with_the_figures_saved_before(award, supported, reports, applicant):
    made, taken = reports
    first = award.returns.get(quarter=1)
    return_save(monitoring_return=first, counts={taken.pk: 5}, spending={}, narrative={}, acting_user=applicant)
    _, problems = figures_read(sheet([[award.reference, 1, "Hate crime reports made", "3"]]), award.round)
    assert [(problem.row, problem.message[:61]) for problem in problems] == [
        (2, "Reports the police took (5) cannot be more than hate crime re"),
    ], "the whole's row is named, as the part is not in the sheet"
    _, problems = figures_read(sheet([[award.reference, 1, "Hate crime reports made", "5"]]), award.round)
    assert problems == []


def test_a_percentage_over_100_in_the_sheet_is_refused_on_its_row(award, supported, satisfied):
    rows = [*good_rows(award)[:1], [award.reference, 1, "Victims satisfied with the support", "140"]]
    _, problems = figures_read(sheet(rows), award.round)
    assert [(problem.row, problem.message) for problem in problems] == [(3, (
        f"Victims satisfied with the support (140%) must be between 0% and 100% in the quarter 1 return for "
        f"{award.reference}."
    ))]


def test_the_upload_page_shows_an_impossible_figure_and_saves_nothing(
    client_for, programme_manager, award, supported, caseworker, reports, django_capture_on_commit_callbacks,
    run_worker,
):
    rows = [[award.reference, 1, "Hate crime reports made", "3"], [award.reference, 1, "Reports the police took", "6"]]
    page = upload_and_check(client_for(programme_manager), award, sheet(rows), django_capture_on_commit_callbacks,
                            run_worker)
    assert "Row 3:" in page and "Reports the police took (6) cannot be more than hate crime reports made (3)" in page
    assert not award.returns.get(quarter=1).counts.exists()


def test_a_sheet_only_saves_drafts_so_a_return_whose_quarter_has_not_ended_stays_unsent(
    award, supported, caseworker, programme_manager
):
    """The import never sends a return: a quarter still running can be filled in, as a draft saved on the page can."""
    rows = [[award.reference, 2, "Disabled victims supported", "5"]]
    resource, problems = figures_read(sheet(rows), award.round)
    assert problems == []
    figures_record(counts=resource.counts, spending=resource.spending, acting_user=programme_manager)
    second = award.returns.get(quarter=2)
    assert (second.status, second.submitted_at, second.counts.get().value) == (Return.Status.NOT_DUE, None, 5)


def test_figures_saved_before_the_rule_that_the_sheet_does_not_touch_do_not_stop_it(
    award, supported, reports, programme_manager
):
    made, taken = reports
    first = award.returns.get(quarter=1)
    IndicatorCount.objects.create(monitoring_return=first, indicator=made, value=3)  # as the earlier version allowed
    IndicatorCount.objects.create(monitoring_return=first, indicator=taken, value=6)
    resource, problems = figures_read(sheet([[award.reference, 1, "Disabled victims supported", "9"]]), award.round)
    assert problems == []
    assert figures_record(counts=resource.counts, spending=resource.spending, acting_user=programme_manager) == 1
    assert first.counts.get(indicator=supported).value == 9


def test_the_sheet_has_a_row_for_each_part_and_saves_parts_over_those_saved(
    award, hotspots, satisfaction, programme_manager
):
    from monitoring.figures import SplitFigure

    first = award.returns.get(quarter=1)
    camden, islington = award.application.boroughs.order_by("name")
    return_save(monitoring_return=first, acting_user=programme_manager, spending={}, narrative={},
                counts={hotspots.pk: SplitFigure({camden.gss_code: 4})})
    content, _ = figures_sheet(award.round, "csv")
    rows = [row for row in csv.reader(io.StringIO(content.decode("utf-8-sig") if isinstance(content, bytes)
                                                  else content)) if row[1] == "1"]
    assert [row[2:] for row in rows] == [
        ["Incidents by borough: Camden", "4"], ["Incidents by borough: Islington", ""],
        ["Satisfaction with the police: How many were asked", ""], ["Satisfaction with the police: Satisfied", ""],
        ["Satisfaction with the police: Neither", ""], ["Satisfaction with the police: Dissatisfied", ""],
    ]
    resource, problems = figures_read(sheet([
        [award.reference, 1, "Incidents by borough: Islington", "3"],
        [award.reference, 1, "Satisfaction with the police: How many were asked", "9"],
        [award.reference, 1, "Satisfaction with the police: Satisfied", "6"],
    ]), award.round)
    assert problems == []
    figures_record(counts=resource.counts, spending=resource.spending, acting_user=programme_manager)
    by_borough = first.counts.get(indicator=hotspots)
    assert by_borough.value == 7
    assert dict(by_borough.parts.values_list("part", "value")) == {camden.gss_code: 4, islington.gss_code: 3}
    assert first.counts.get(indicator=satisfaction).asked == 9


@pytest.mark.parametrize(("rows", "message"), [
    ([["{ref}", 1, "Incidents by borough", "3"]], "'Incidents by borough' is given in parts"),
    ([["{ref}", 1, "Incidents by borough: Hackney", "3"]], "is not an indicator of this round"),
    ([["{ref}", 1, "Satisfaction with the police: How many were asked", "2"],
      ["{ref}", 1, "Satisfaction with the police: Satisfied", "3"]], "cannot be more than the people asked (2)"),
])
def test_a_part_the_grant_does_not_have_or_a_survey_answered_by_more_than_were_asked_saves_nothing(
    award, hotspots, satisfaction, rows, message
):
    resource, problems = figures_read(sheet([[award.reference if cell == "{ref}" else cell for cell in row]
                                              for row in rows]), award.round)
    assert any(message in problem.message for problem in problems), problems
