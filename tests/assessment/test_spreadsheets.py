import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from applications.models import Application
from applications.services import ApplicationError
from assessment.audit import AuditAction
from assessment.models import Allocation, Assessment, Score, ScoresImport
from assessment.selectors import ranking_for
from assessment.services import (
    assessment_save,
    conflict_declare,
    scores_import_run,
    scores_import_start,
    scores_record,
)
from assessment.spreadsheets import ranking_sheet, scores_read, scoring_sheet
from core.models import AuditEvent
from tests.core.test_spreadsheets import many_rows, with_sheet_xml, xlsx
from tests.factories import ApplicationFactory, RoundFactory, UserFactory, answers_given, described_criteria
from tests.formulae import FORMULAE, assert_shown_as_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessor(db):
    return UserFactory(role=Role.ASSESSOR)


@pytest.fixture
def allocations(assessor):
    round_ = RoundFactory()
    described_criteria(round_)
    round_.assessors.add(assessor)
    result = []
    for n in range(2):
        application = ApplicationFactory(round=round_, status="eligible", reference=f"DHC27-000{n + 1}")
        allocation = Allocation.objects.create(application=application, assessor=assessor)
        conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=assessor)
        result.append(allocation)
    return result


def rows_of_csv(content: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content)))


def as_csv_upload(rows: list[dict], name="my-scores.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode())


@pytest.fixture
def import_in_background(django_capture_on_commit_callbacks, run_worker):
    """Uploads a scoring sheet as the assessor, lets the worker check and save it, and gives back how it went."""

    def run(upload, assessor) -> ScoresImport:
        with django_capture_on_commit_callbacks(execute=True):
            scores_import = scores_import_start(spreadsheet=upload, acting_user=assessor)
        run_worker()
        scores_import.refresh_from_db()
        return scores_import

    return run


def filled_rows(assessor, score="4", reason="Strong local evidence") -> list[dict]:
    rows = rows_of_csv(scoring_sheet(assessor, "csv")[0])
    for row in rows:
        row["Score"], row["Reason for the score"] = score, reason
    return rows


def test_the_scoring_sheet_lists_each_criterion_of_each_application_to_score(assessor, allocations):
    content, content_type = scoring_sheet(assessor, "csv")
    rows = rows_of_csv(content)
    assert content_type == "text/csv"
    assert [(row["Reference"], row["Criterion"]) for row in rows] == [
        ("DHC27-0001", "Criterion 1"), ("DHC27-0001", "Criterion 2"),
        ("DHC27-0002", "Criterion 1"), ("DHC27-0002", "Criterion 2"),
    ]


def test_an_application_with_a_declared_conflict_is_left_out_of_the_sheet(assessor, allocations):
    other = ApplicationFactory(round=allocations[0].application.round, status="eligible", reference="DHC27-0009")
    allocation = Allocation.objects.create(application=other, assessor=assessor)
    conflict_declare(allocation=allocation, has_conflict=True, nature="My sister runs it", acting_user=assessor)
    assert "DHC27-0009" not in scoring_sheet(assessor, "csv")[0]


def test_a_filled_sheet_round_trips_into_draft_scores(assessor, allocations, import_in_background):
    rows = rows_of_csv(scoring_sheet(assessor, "csv")[0])
    for row in rows:
        row["Score"], row["Reason for the score"] = "4", "Strong local evidence"
    imported = import_in_background(as_csv_upload(rows), assessor)
    assert imported.problems == []
    assert imported.saved == 4
    assert set(Score.objects.values_list("score", flat=True)) == {4}
    assert set(Assessment.objects.values_list("status", flat=True)) == {"draft"}


def test_xlsx_sheets_work_too(assessor, allocations, import_in_background):
    content, content_type = scoring_sheet(assessor, "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        row[header.index("Score")].value = 3
        row[header.index("Reason for the score")].value = "Good"
    out = io.BytesIO()
    workbook.save(out)
    imported = import_in_background(SimpleUploadedFile("scores.xlsx", out.getvalue()), assessor)
    assert imported.problems == []
    assert imported.saved == 4


def test_one_bad_row_is_reported_by_number_and_nothing_is_imported(assessor, allocations):
    rows = rows_of_csv(scoring_sheet(assessor, "csv")[0])
    for row in rows:
        row["Score"], row["Reason for the score"] = "4", "Fine"
    rows[1]["Score"] = "7"
    rows[2]["Reference"] = "DHC27-9999"
    rows[3]["Reason for the score"] = ""
    resource, problems = scores_read(as_csv_upload(rows), assessor)
    assert [(problem.row, problem.message) for problem in problems] == [
        (3, "The score must be a whole number from 0 to 5. This row has '7'."),
        (4, "DHC27-9999 is not an application you have been given to score."),
        (5, "Give a reason for the score for 'Criterion 2' on DHC27-0002."),
    ]
    assert not Score.objects.exists()
    assert not Assessment.objects.exists()


def test_a_sheet_for_sent_scores_makes_a_new_version_and_keeps_the_old(assessor, allocations, import_in_background):
    allocation = allocations[0]
    criteria = list(allocation.application.round.criteria.all())
    assessment_save(allocation=allocation, scores={c.pk: (2, "Weak") for c in criteria}, acting_user=assessor, submit=True)
    rows = [row for row in rows_of_csv(scoring_sheet(assessor, "csv")[0]) if row["Reference"] == "DHC27-0001"]
    assert {row["Score"] for row in rows} == {"2"}
    for row in rows:
        row["Score"] = "5"
    assert import_in_background(as_csv_upload(rows), assessor).problems == []
    versions = dict(allocation.assessments.values_list("version", "status"))
    assert versions == {1: "submitted", 2: "draft"}


def test_a_sheet_that_gives_back_the_scores_already_sent_leaves_them_sent(assessor, allocations, import_in_background):
    sent, unscored = allocations
    criteria = list(sent.application.round.criteria.all())
    assessment_save(allocation=sent, scores={c.pk: (2, "Weak") for c in criteria}, acting_user=assessor, submit=True)
    rows = rows_of_csv(scoring_sheet(assessor, "csv")[0])
    for row in rows:
        if row["Reference"] == "DHC27-0002":
            row["Score"], row["Reason for the score"] = "4", "Strong"
    scores_import = import_in_background(as_csv_upload(rows), assessor)
    assert scores_import.problems == [] and scores_import.saved == len(criteria)
    assert dict(sent.assessments.values_list("version", "status")) == {1: "submitted"}
    assert dict(unscored.assessments.values_list("version", "status")) == {1: "draft"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scores.csv", b"just,some\ncolumns,here\n", "The sheet has no column called Reference, Criterion, Score, Reason for the score."),
        ("scores.xlsx", b"not really a spreadsheet", "The file could not be read"),
    ],
)
def test_an_unreadable_or_wrong_sheet_gets_a_plain_message(assessor, allocations, name, content, message):
    _, problems = scores_read(SimpleUploadedFile(name, content), assessor)
    assert message in problems[0].message


def test_the_ranking_export_has_answers_scores_and_escapes_formulae(assessor, allocations):
    application = allocations[0].application
    answers_given(application, summary="=HYPERLINK(\"http://evil.example\")", need="Few report it")
    content, _ = ranking_sheet(ranking_for(application.round), "csv")
    rows = rows_of_csv(content)
    assert {row["Reference"] for row in rows} == {"DHC27-0001", "DHC27-0002"}
    assert "Criterion 1 (average)" in rows[0]
    first = next(row for row in rows if row["Reference"] == "DHC27-0001")
    assert first["Summarise your project"] == "'=HYPERLINK(\"http://evil.example\")"
    assert first["What need will your project meet?"] == "Few report it"
    assert next(row for row in rows if row["Reference"] == "DHC27-0002")["What will you do?"] == ""
    # Nothing scored yet: the download says where each stands in the page's own words, not "No".
    assert {row["Funding line"] for row in rows} == {"Not ranked yet"}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("typed", FORMULAE)
def test_the_ranking_shows_an_organisation_name_that_looks_like_a_formula_as_text(allocations, typed, file_format):
    organisation = allocations[0].application.organisation
    organisation.name = typed
    organisation.save()
    content, _ = ranking_sheet(ranking_for(organisation.applications.get().round), file_format)
    assert_shown_as_text(content, file_format, typed)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("typed", FORMULAE)
def test_the_scoring_sheet_shows_names_and_reasons_that_look_like_formulae_as_text(assessor, allocations, typed, file_format):
    allocation = allocations[0]
    organisation = allocation.application.organisation
    organisation.name = typed
    organisation.save()
    assessment_save(allocation=allocation, scores={c.pk: (3, typed) for c in allocation.application.round.criteria.all()},
                    acting_user=assessor, submit=False)
    content, _ = scoring_sheet(assessor, file_format)
    assert_shown_as_text(content, file_format, typed)


def test_a_reason_starting_with_a_dash_goes_out_and_back_in_unchanged(assessor, allocations, import_in_background):
    rows = rows_of_csv(scoring_sheet(assessor, "csv")[0])
    for row in rows:
        row["Score"], row["Reason for the score"] = "4", "- strong local evidence"
    import_in_background(as_csv_upload(rows), assessor)
    for file_format in ("csv", "xlsx"):
        content, _ = scoring_sheet(assessor, file_format)
        upload = content.encode() if file_format == "csv" else content
        assert import_in_background(SimpleUploadedFile(f"scores.{file_format}", upload), assessor).problems == []
    assert set(Score.objects.values_list("justification", flat=True)) == {"- strong local evidence"}


def test_a_reason_in_the_sheet_has_the_same_word_limit_as_on_the_page(assessor, allocations):
    rows = rows_of_csv(scoring_sheet(assessor, "csv")[0])
    for row in rows:
        row["Score"], row["Reason for the score"] = "4", "Fine"
    rows[0]["Reason for the score"] = "-".join(["word"] * 301)
    resource, problems = scores_read(as_csv_upload(rows), assessor)
    assert [(problem.row, problem.message) for problem in problems] == [
        (2, "The reason for 'Criterion 1' on DHC27-0001 must be 300 words or fewer. It has 301 words. "
            "Words joined by a hyphen or dash count as separate words."),
    ]
    assert not Score.objects.exists()


def upload_and_check(client, upload, django_capture_on_commit_callbacks, run_worker):
    """Uploads a scoring sheet on the upload page, lets the worker check it, and gives the page that then says how
    it went (or the upload page's own answer, when the form refused the file)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessment:scoring_upload"), {"spreadsheet": upload})
    if response.status_code != 302:
        return response
    run_worker()
    return client.get(response.url)


def test_a_zip_bomb_in_place_of_the_sheet_is_refused_on_the_upload_page(client_for, assessor, allocations,
                                                                        django_capture_on_commit_callbacks, run_worker):
    bomb = with_sheet_xml(xlsx([["Reference"]], "my-scores.xlsx"), many_rows(megabytes=30))
    response = upload_and_check(client_for(assessor), bomb, django_capture_on_commit_callbacks, run_worker)
    assert response.status_code == 200
    assert "The sheet is too big. It must have 20,000 rows or fewer and be smaller than 5MB." in response.content.decode()
    assert not Score.objects.exists()


def test_an_uploaded_sheet_is_checked_in_the_background_then_says_how_many_scores_were_saved(
    client_for, assessor, allocations, django_capture_on_commit_callbacks, run_worker
):
    client = client_for(assessor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessment:scoring_upload"), {"spreadsheet": as_csv_upload(filled_rows(assessor))})
    scores_import = ScoresImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("assessment:scoring_import", kwargs={"pk": scores_import.pk})
    waiting = client.get(response.url).content.decode()
    assert "Checking your spreadsheet" in waiting and "Refresh this page" in waiting
    assert not Score.objects.exists(), "nothing is saved until the worker has checked the sheet"
    run_worker()
    page = client.get(response.url).content.decode()
    assert "Scores saved" in page and "4 scores saved as drafts" in page
    assert "Check them, then send each application's scores." in page
    assert "Checking your spreadsheet" not in page
    assert set(Score.objects.values_list("score", flat=True)) == {4}
    assert not ScoresImport.objects.get().spreadsheet, "the uploaded file is removed once read"


def test_a_refused_sheet_shows_its_problems_row_by_row_above_a_form_that_uploads_again(
    client_for, assessor, allocations, django_capture_on_commit_callbacks, run_worker
):
    rows = filled_rows(assessor)
    rows[1]["Score"] = "7"
    rows[2]["Reference"] = "DHC27-9999"
    response = upload_and_check(client_for(assessor), as_csv_upload(rows), django_capture_on_commit_callbacks, run_worker)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Upload your scoring sheet" in page
    assert "Nothing was saved: the sheet has 2 problems" in page
    assert "Row 3: The score must be a whole number from 0 to 5. This row has &#x27;7&#x27;." in page
    assert "Row 4: DHC27-9999 is not an application you have been given to score." in page
    assert f'action="{reverse("assessment:scoring_upload")}"' in page
    assert not Score.objects.exists()
    assert not ScoresImport.objects.get().spreadsheet, "a refused sheet's file is removed too"


def test_a_file_the_form_refuses_is_not_kept_or_queued(client_for, assessor, allocations,
                                                       django_capture_on_commit_callbacks, run_worker):
    response = upload_and_check(client_for(assessor), SimpleUploadedFile("scores.pdf", b"%PDF-1.4"),
                                django_capture_on_commit_callbacks, run_worker)
    assert response.status_code == 200
    assert "The selected file must be an XLSX or a CSV" in response.content.decode()
    assert not ScoresImport.objects.exists()


def test_only_the_assessor_who_uploaded_a_sheet_can_see_it(client_for, assessor, allocations,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        scores_import = scores_import_start(spreadsheet=as_csv_upload(filled_rows(assessor)), acting_user=assessor)
    url = reverse("assessment:scoring_import", kwargs={"pk": scores_import.pk})
    assert client_for(assessor).get(url).status_code == 200
    assert client_for(UserFactory(role=Role.ASSESSOR)).get(url).status_code == 404


def test_a_scores_import_run_again_saves_nothing_twice(assessor, allocations, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        scores_import = scores_import_start(spreadsheet=as_csv_upload(filled_rows(assessor)), acting_user=assessor)
        assert scores_import_run(import_pk=scores_import.pk).saved == 4
    allocation = allocations[0]
    criteria = list(allocation.application.round.criteria.all())
    assessment_save(allocation=allocation, scores={c.pk: (1, "Changed my mind") for c in criteria}, acting_user=assessor,
                    submit=True)
    again = scores_import_run(import_pk=scores_import.pk)
    assert (again.outcome, again.saved) == (ScoresImport.Outcome.SAVED, 4)
    assert dict(allocation.assessments.values_list("version", "status")) == {1: "submitted"}, "no new draft from the sheet"
    assert set(Score.objects.filter(assessment__allocation=allocation).values_list("score", flat=True)) == {1}


def test_a_sheet_whose_file_is_lost_before_it_is_checked_is_refused_in_plain_words(
    assessor, allocations, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        scores_import = scores_import_start(spreadsheet=as_csv_upload(filled_rows(assessor)), acting_user=assessor)
    scores_import.spreadsheet.storage.delete(scores_import.spreadsheet.name)
    refused = scores_import_run(import_pk=scores_import.pk)
    assert refused.outcome == ScoresImport.Outcome.REFUSED
    assert refused.problems == [{"row": 0, "message": "The sheet could not be checked. Upload it again; if this keeps "
                                                      "happening, ask your technical team."}]
    assert not Score.objects.exists()


def test_every_kind_of_bad_row_is_reported_by_its_number_with_its_own_message(assessor, allocations):
    round_ = allocations[0].application.round
    undeclared = ApplicationFactory(round=round_, status="eligible", reference="DHC27-0003")
    Allocation.objects.create(application=undeclared, assessor=assessor)
    conflicted = ApplicationFactory(round=round_, status="eligible", reference="DHC27-0004")
    conflict_declare(allocation=Allocation.objects.create(application=conflicted, assessor=assessor), has_conflict=True,
                     nature="I am on its board", acting_user=assessor)
    withdrawn = ApplicationFactory(round=round_, status="eligible", reference="DHC27-0005")
    conflict_declare(allocation=Allocation.objects.create(application=withdrawn, assessor=assessor), has_conflict=False,
                     nature="", acting_user=assessor)
    withdrawn.status = "withdrawn"
    withdrawn.save()
    given = [("", "Criterion 1", "4"), ("DHC27-0003", "Criterion 1", "4"), ("DHC27-0004", "Criterion 1", "4"),
             ("DHC27-0005", "Criterion 1", "4"), ("DHC27-0001", "Nope", "4"), ("DHC27-0001", "Criterion 1", "3.5"),
             ("DHC27-0002", "Criterion 1", "4"), ("DHC27-0002", "Criterion 1", "5"), ("DHC27-0002", "Criterion 2", "")]
    rows = [{"Reference": reference, "Organisation": "", "Criterion": criterion, "Score": score,
             "Reason for the score": "Fine" if score else ""} for reference, criterion, score in given]
    _, problems = scores_read(as_csv_upload(rows), assessor)
    assert [(problem.row, problem.message) for problem in problems] == [
        (2, "A blank reference is not an application you have been given to score."),
        (3, "Declare your interests in DHC27-0003 on the website before scoring it."),
        (4, "Declare your interests in DHC27-0004 on the website before scoring it."),
        (5, "DHC27-0005 can no longer be scored."),
        (6, "'Nope' is not one of the criteria for DHC27-0001."),
        (7, "The score must be a whole number from 0 to 5. This row has '3.5'."),
        (9, "'Criterion 1' for DHC27-0002 appears more than once."),
    ]


def allocated_and_cleared(assessor, count: int) -> list[Allocation]:
    round_ = RoundFactory()
    described_criteria(round_)
    allocations = []
    for n in range(count):
        application = ApplicationFactory(round=round_, status="eligible", reference=f"DHC27-{n + 1:04d}")
        allocation = Allocation.objects.create(application=application, assessor=assessor)
        conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=assessor)
        allocations.append(allocation)
    return allocations


def import_queued(assessor, rows, django_capture_on_commit_callbacks) -> ScoresImport:
    with django_capture_on_commit_callbacks():
        return scores_import_start(spreadsheet=as_csv_upload(rows), acting_user=assessor)


# The import locked; the rows checked against the allocations, rounds, interests and criteria loaded once; the same
# loaded again under lock before saving, with the assessments and scores they change; one insert each for new
# versions, scores and audit events; the outcome. About half are savepoints. None is made per row.
IMPORT_QUERIES = 29


@pytest.mark.parametrize("rows", [10, 50])
def test_a_sheet_costs_the_same_queries_at_10_and_at_50_rows(assessor, rows, django_capture_on_commit_callbacks,
                                                             django_assert_max_num_queries):
    sent, drafted, *_ = allocations = allocated_and_cleared(assessor, rows // 2)
    criteria = list(sent.application.round.criteria.all())
    assessment_save(allocation=sent, scores={c.pk: (2, "Weak") for c in criteria}, acting_user=assessor, submit=True)
    assessment_save(allocation=drafted, scores={criteria[0].pk: (1, "Thin")}, acting_user=assessor, submit=False)
    scores_import = import_queued(assessor, filled_rows(assessor), django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(IMPORT_QUERIES):
        settled = scores_import_run(import_pk=scores_import.pk)
    assert (settled.outcome, settled.problems, settled.saved) == (ScoresImport.Outcome.SAVED, [], rows)
    assert Score.objects.filter(assessment__status="draft", score=4).count() == rows
    assert Assessment.objects.filter(status="draft").count() == len(allocations)


@pytest.mark.parametrize("rows", [10, 50])
def test_a_refused_sheet_costs_the_same_queries_at_10_and_at_50_rows(assessor, rows, django_capture_on_commit_callbacks,
                                                                     django_assert_max_num_queries):
    allocated_and_cleared(assessor, rows // 2)
    sheet = filled_rows(assessor, score="9")
    scores_import = import_queued(assessor, sheet, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(IMPORT_QUERIES):
        settled = scores_import_run(import_pk=scores_import.pk)
    assert settled.outcome == ScoresImport.Outcome.REFUSED
    assert [problem["row"] for problem in settled.problems] == list(range(2, rows + 2))
    assert not Score.objects.exists()


def test_a_sheet_revising_sent_scores_keeps_those_it_does_not_give_and_records_who_started_the_new_version(
    assessor, allocations, import_in_background
):
    allocation = allocations[0]
    first, second = allocation.application.round.criteria.all()
    assessment_save(allocation=allocation, scores={first.pk: (2, "Weak"), second.pk: (3, "Fair")}, acting_user=assessor,
                    submit=True)
    rows = [{"Reference": "DHC27-0001", "Criterion": "Criterion 1", "Score": "5", "Reason for the score": " Strong "}]
    assert import_in_background(as_csv_upload(rows), assessor).saved == 1
    draft = allocation.assessments.get(status="draft")
    assert draft.version == 2
    assert {score.criterion_id: (score.score, score.justification) for score in draft.scores.all()} == {
        first.pk: (5, "Strong"), second.pk: (3, "Fair"),
    }
    event = AuditEvent.objects.get(action=AuditAction.REVISION_STARTED)
    assert (event.actor, event.target, event.data) == (assessor, allocation.application, {"version": 2})
    assert event.sentence == "started version 2 of their scores"


def test_a_sheet_changes_a_draft_in_place_and_leaves_the_criteria_it_does_not_give(assessor, allocations,
                                                                                  import_in_background):
    allocation = allocations[0]
    first, second = allocation.application.round.criteria.all()
    draft = assessment_save(allocation=allocation, scores={first.pk: (2, "Weak"), second.pk: (3, "Fair")},
                            acting_user=assessor, submit=False)
    rows = [{"Reference": "DHC27-0001", "Criterion": "Criterion 2", "Score": "4", "Reason for the score": "Better"}]
    assert import_in_background(as_csv_upload(rows), assessor).saved == 1
    assert list(allocation.assessments.all()) == [draft]
    assert {score.criterion_id: (score.score, score.justification) for score in draft.scores.all()} == {
        first.pk: (2, "Weak"), second.pk: (4, "Better"),
    }
    assert not AuditEvent.objects.filter(action=AuditAction.REVISION_STARTED).exists()


def test_nothing_is_saved_when_an_application_is_taken_back_while_the_sheet_is_checked(assessor, allocations):
    resource, problems = scores_read(as_csv_upload(filled_rows(assessor)), assessor)
    assert problems == []
    allocations[1].delete()
    with pytest.raises(ApplicationError, match="Nothing was saved: .* was taken back from you"):
        scores_record(scores=resource.collected, acting_user=assessor)
    assert not Score.objects.exists()


def test_nothing_is_saved_when_an_application_stops_being_scoreable_while_the_sheet_is_checked(assessor, allocations):
    resource, problems = scores_read(as_csv_upload(filled_rows(assessor)), assessor)
    assert problems == []
    Application.objects.filter(pk=allocations[1].application_id).update(status="withdrawn")
    with pytest.raises(ApplicationError, match="This application can no longer be scored."):
        scores_record(scores=resource.collected, acting_user=assessor)
    assert not Score.objects.exists()
