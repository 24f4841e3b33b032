import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from applications.models import Application, ApplicationSection
from core.models import TypedDraft
from tests.applications.conftest import (
    budget_answers,
    complete_every_section,
    organisation_answers,
    post_step,
    project_answers,
    request_answers,
    step_url,
)

pytestmark = pytest.mark.django_db


def test_a_completed_step_is_saved_to_the_database_and_the_application(client_for, applicant, draft):
    client = client_for(applicant)
    response = post_step(client, draft, "project", project_answers())
    assert response.status_code == 302
    assert response.url == step_url(draft, "request")
    section = ApplicationSection.objects.get(application=draft, step="project")
    assert section.completed_at is not None
    assert section.saved_by == applicant
    assert {answer.question.code: answer.value for answer in draft.answers.select_related("question")}["need"] == (
        "Many Disabled people do not report hate crime."
    )
    response = post_step(client, draft, "request", request_answers())
    assert response.url == step_url(draft, "outcomes")
    draft.refresh_from_db()
    assert draft.title == "Hate crime reporting centre"
    assert draft.summary == "We will help Disabled people report hate crime."
    assert str(draft.amount_requested) == "5000.00"
    assert list(draft.boroughs.values_list("gss_code", flat=True)) == ["E09000012"]


def test_a_draft_survives_signing_out_and_a_new_device(client_for, applicant, draft):
    post_step(client_for(applicant), draft, "project", project_answers())
    another_device = client_for(applicant)
    page = another_device.get(step_url(draft, "project")).content.decode()
    assert 'value="Hate crime reporting centre"' in page


def test_a_colleague_carries_on_and_sends_the_application(
    client_for, applicant, colleague, draft, django_capture_on_commit_callbacks
):
    post_step(client_for(applicant), draft, "project", project_answers())
    colleagues_client = client_for(colleague)
    assert 'value="Hate crime reporting centre"' in colleagues_client.get(step_url(draft, "project")).content.decode()
    complete_every_section(colleagues_client, draft)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_step(colleagues_client, draft, "check", {})
    assert response.status_code == 302
    assert response.url == reverse("applications:submitted", kwargs={"pk": draft.pk})
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED
    assert draft.submitted_by == colleague
    assert draft.reference == f"{draft.round.reference_prefix}-0001"
    assert {message.to[0] for message in mail.outbox} == {applicant.email, colleague.email}


def test_save_and_come_back_later_keeps_unfinished_answers_without_errors(client_for, applicant, draft):
    client = client_for(applicant)
    response = post_step(client, draft, "project", {"title": "Half-written", "summary": ""}, save_draft="1")
    assert response.url == reverse("applications:detail", kwargs={"pk": draft.pk})
    section = ApplicationSection.objects.get(application=draft, step="project")
    assert section.completed_at is None
    page = client.get(step_url(draft, "project")).content.decode()
    assert 'value="Half-written"' in page
    assert "govuk-error-summary" not in page
    task_list = client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).content.decode()
    assert "In progress" in task_list


def test_the_task_list_shows_each_section_status(client_for, applicant, draft):
    client = client_for(applicant)
    post_step(client, draft, "organisation", organisation_answers())
    page = client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).content.decode()
    assert page.count("Completed") == 1
    assert page.count("Not started") == 6
    assert "Cannot start yet" in page


def test_word_limits_are_enforced_on_the_server(client_for, applicant, draft):
    response = post_step(client_for(applicant), draft, "project", project_answers(summary="word " * 101))
    assert response.status_code == 200
    assert "Your answer to ‘Summarise your project’ must be 100 words or fewer. It has 101 words." in (
        response.content.decode()
    )
    assert not ApplicationSection.objects.filter(application=draft, step="project").exists()


def test_word_limits_are_shown_in_the_page_with_govuk_character_count(client_for, applicant, draft):
    page = client_for(applicant).get(step_url(draft, "project")).content.decode()
    assert 'data-module="govuk-character-count"' in page
    assert 'data-maxwords="100"' in page


def test_amount_requested_must_lie_within_the_rounds_limits(client_for, applicant, draft):
    response = post_step(client_for(applicant), draft, "request", request_answers(amount_requested="50000"))
    assert "Ask for between £1,000 and £10,000" in response.content.decode()


def test_budget_lines_must_add_up_to_the_amount_requested(client_for, applicant, draft):
    client = client_for(applicant)
    post_step(client, draft, "request", request_answers(amount_requested="5000"))
    response = post_step(client, draft, "budget", budget_answers(("staff", "Caseworker", "4000")))
    assert response.status_code == 200
    assert "Your budget lines add up to £4,000. They must add up to the £5,000 you are asking for" in response.content.decode()
    response = post_step(client, draft, "budget", budget_answers(("staff", "Caseworker", "4000"), ("venue", "Room hire", "1000")))
    assert response.status_code == 302
    assert [str(line.amount) for line in draft.budget_lines.all()] == ["4000.00", "1000.00"]


def test_outcome_targets_are_saved_for_each_indicator_with_a_target_and_each_quarter(client_for, applicant, draft):
    from tests.applications.conftest import outcomes_answers

    post_step(client_for(applicant), draft, "outcomes", outcomes_answers(draft.round))
    assert draft.targets.count() == 2 * 2


def test_sending_checks_every_section_again_and_goes_back_to_an_incomplete_one(client_for, applicant, draft):
    client = client_for(applicant)
    post_step(client, draft, "organisation", organisation_answers())
    response = post_step(client, draft, "check", {})
    assert response.status_code == 302
    assert response.url == step_url(draft, "project")
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT
    assert "Complete ‘Your project’ before you send your application." in client.get(response.url).content.decode()


def test_the_check_page_waits_until_every_section_is_complete(client_for, applicant, draft):
    response = client_for(applicant).get(step_url(draft, "check"))
    assert response.url == reverse("applications:detail", kwargs={"pk": draft.pk})


def test_opening_an_address_never_sends_an_application(client_for, applicant, draft):
    client = client_for(applicant)
    complete_every_section(client, draft)
    for response in (client.get(step_url(draft, "done")), client.post(step_url(draft, "done"), {})):
        assert response.url == step_url(draft, "check")
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_a_sent_application_is_read_only(client_for, applicant, draft):
    client = client_for(applicant)
    complete_every_section(client, draft)
    post_step(client, draft, "check", {})
    response = post_step(client, draft, "project", project_answers(title="Changed after sending"))
    assert response.status_code == 302
    assert response.url == reverse("applications:detail", kwargs={"pk": draft.pk})
    draft.refresh_from_db()
    assert draft.title == "Hate crime reporting centre"


def test_another_organisations_application_is_not_found(client_for, other_applicant, draft):
    assert client_for(other_applicant).get(step_url(draft, "project")).status_code == 404
    assert post_step(client_for(other_applicant), draft, "project", project_answers()).status_code == 404


def test_save_and_come_back_keeps_a_complete_section_complete(client_for, applicant, draft):
    client = client_for(applicant)
    post_step(client, draft, "project", project_answers())
    post_step(client, draft, "project", project_answers(), save_draft="1")
    assert ApplicationSection.objects.get(application=draft, step="project").completed_at is not None


def test_nul_characters_are_dropped_not_stored(client_for, applicant, draft):
    client = client_for(applicant)
    post_step(client, draft, "project", {"title": "Half\x00-written"}, save_draft="1")
    assert ApplicationSection.objects.get(application=draft, step="project").data["project-title"] == ["Half-written"]
    post_step(client, draft, "project", project_answers(title="Clean\x00 title"))
    draft.refresh_from_db()
    assert draft.title == "Clean title"


def test_a_video_answer_is_kept_when_something_else_on_the_page_needs_correcting(client_for, applicant, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.models import MediaAnswer
    from applications.services import adjustment_request
    from tests.factories import MP4_BYTES

    adjustment_request(application=draft, kind="alternative_format", details="BSL", acting_user=applicant)
    answers = project_answers(need="", summary="word " * 101, need_media=SimpleUploadedFile("need.mp4", MP4_BYTES))
    response = post_step(client_for(applicant), draft, "project", answers)
    assert response.status_code == 200
    assert "You have uploaded need.mp4" in response.content.decode()
    assert MediaAnswer.objects.get(application=draft).original_name == "need.mp4"


def test_indicator_guidance_is_shown_as_written_never_run_as_a_template(client_for, applicant, draft):
    guidance = "Count {{ request.user.email }} once {% debug %}{% load no_such_library %} <i>each</i>"
    draft.round.indicators.filter(code="victims").update(guidance=guidance)
    response = client_for(applicant).get(step_url(draft, "outcomes"))
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<div class="govuk-hint">{escape(guidance)}</div>' in content
    assert applicant.email not in content


def test_a_budget_line_too_large_to_save_is_explained_beside_it_and_kept(client_for, applicant, draft):
    client = client_for(applicant)
    post_step(client, draft, "request", request_answers(amount_requested="5000"))
    response = post_step(client, draft, "budget", budget_answers(("staff", "Caseworker", "9,999,999,999.99")))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The amount must be £99,999,999.99 or less" in page
    assert 'value="9,999,999,999.99"' in page
    assert not draft.budget_lines.exists()


@pytest.mark.parametrize("posted_step", ["no-such-step", "", "done", None])
def test_a_tampered_step_name_in_the_form_goes_back_to_the_task_list(client_for, applicant, draft, posted_step):
    data = {f"project-{key}": value for key, value in project_answers().items()}
    if posted_step is not None:
        data[f"application_{draft.pk}-current_step"] = posted_step
    response = client_for(applicant).post(step_url(draft, "project"), data)
    assert response.status_code == 302
    assert response.url == reverse("applications:detail", kwargs={"pk": draft.pk})
    assert not ApplicationSection.objects.filter(application=draft, step="project").exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_step_is_not_found(client_for, applicant, draft, method):
    response = getattr(client_for(applicant), method)(f"/applications/{draft.pk}/no-such-step/")
    assert response.status_code == 404


def test_the_budget_step_before_the_project_asks_for_the_amount_rather_than_saying_nothing_is_asked(
    client_for, applicant, draft
):
    draft.amount_requested = None
    draft.save()
    page = client_for(applicant).get(step_url(draft, "budget")).content.decode()
    assert "£0" not in page
    assert "which you have not given yet" in page and step_url(draft, "request") in page


def test_the_check_page_plays_a_recorded_answer_and_offers_its_transcript(client_for, applicant, draft):
    from tests.factories import MediaAnswerFactory

    client = client_for(applicant)
    complete_every_section(client, draft)
    answer = MediaAnswerFactory(application=draft)
    content = client.get(step_url(draft, "check")).content.decode()
    assert "<audio" in content and "No transcript yet." in content
    transcript_url = reverse("applications:media_answer_transcript", kwargs={"pk": draft.pk, "answer_pk": answer.pk})
    assert f'href="{transcript_url}"' in content


def test_typing_is_kept_as_a_draft_and_fills_the_step_when_it_is_opened_again(client_for, applicant, draft):
    client = client_for(applicant)
    response = post_step(client, draft, "project", {"title": "Half", "need": "Many Disabled people do not rep"},
                         autosave="1")
    assert response.status_code == 204
    assert not ApplicationSection.objects.filter(application=draft, step="project").exists()
    page = client_for(applicant).get(step_url(draft, "project")).content.decode()
    assert "We saved what you had typed on" in page
    assert "Many Disabled people do not rep" in page
    assert 'value="Half"' in page


def test_a_kept_draft_is_the_typists_own_and_does_not_change_a_completed_section(client_for, applicant, colleague,
                                                                                  draft):
    client = client_for(applicant)
    post_step(client, draft, "project", project_answers())
    post_step(client, draft, "project", {"title": "Rewording"}, autosave="1")
    section = ApplicationSection.objects.get(application=draft, step="project")
    assert section.completed_at is not None
    assert section.data["project-title"] == ["Hate crime reporting centre"]
    colleagues_page = client_for(colleague).get(step_url(draft, "project")).content.decode()
    assert "We saved what you had typed" not in colleagues_page
    assert 'value="Hate crime reporting centre"' in colleagues_page


def test_saving_the_step_throws_its_draft_away(client_for, applicant, draft):
    client = client_for(applicant)
    post_step(client, draft, "project", {"title": "Half"}, autosave="1")
    post_step(client, draft, "project", {"title": "Saved on purpose"}, save_draft="1")
    assert not TypedDraft.objects.exists()
    page = client.get(step_url(draft, "project")).content.decode()
    assert "We saved what you had typed" not in page
    assert 'value="Saved on purpose"' in page


def test_a_draft_keeps_only_the_forms_fields_within_their_limits(client_for, applicant, draft):
    client = client_for(applicant)
    response = post_step(client, draft, "project", {"title": "T" * 5_000, "need": "N" * 50_000, "junk": "x"},
                         autosave="1")
    assert response.status_code == 204
    kept = TypedDraft.objects.get().data
    assert "project-junk" not in kept
    assert len(kept["project-title"][0]) == Application._meta.get_field("title").max_length
    assert len(kept["project-need"][0]) == 20_000


@pytest.mark.parametrize("answers", [
    {"TOTAL_FORMS": "junk"}, {"TOTAL_FORMS": "99999999", "0-amount": "£"}, {"0-description": "\x00" * 10},
])
def test_junk_typed_into_the_budget_is_kept_or_refused_never_an_error(client_for, applicant, draft, answers):
    response = post_step(client_for(applicant), draft, "budget", answers, autosave="1")
    assert response.status_code in (204, 400)
    assert client_for(applicant).get(step_url(draft, "budget")).status_code == 200


def test_a_budget_draft_fills_its_rows(client_for, applicant, draft):
    client = client_for(applicant)
    post_step(client, draft, "budget", budget_answers(("staff", "Caseworker half-typed", "")), autosave="1")
    assert "Caseworker half-typed" in client.get(step_url(draft, "budget")).content.decode()


def test_no_draft_is_kept_of_the_documents_or_of_anothers_application(client_for, applicant, other_applicant, draft):
    assert post_step(client_for(applicant), draft, "documents", {}, autosave="1").status_code == 400
    assert post_step(client_for(other_applicant), draft, "project", {"title": "x"}, autosave="1").status_code == 404
    assert not TypedDraft.objects.exists()


def build_section(round_, slug: str, position: int, *questions: dict):
    from applications.models import Question, Section

    section = Section.objects.create(round=round_, slug=slug, title=slug.title(), position=position)
    made = {}
    for number, spec in enumerate(questions):
        spec = dict(spec)
        condition = spec.pop("shown_if", None)
        made[spec["code"]] = Question.objects.create(section=section, position=number, label=spec["code"].title() + "?",
                                                     shown_if=made.get(condition) or _question(round_, condition),
                                                     **spec)
    return section


def _question(round_, code):
    from applications.models import Question

    return Question.objects.filter(section__round=round_, code=code).first() if code else None


def test_a_question_asked_only_for_an_answer_on_the_same_page_is_required_only_then(client_for, applicant, draft):
    build_section(draft.round, "online", 5,
                  {"code": "works-online", "kind": "yes_no"},
                  {"code": "platforms", "kind": "several_choices", "choices": ["Facebook", "WhatsApp"],
                   "shown_if": "works-online", "shown_if_answer": "Yes"},
                  {"code": "members", "kind": "number", "required": False},
                  {"code": "grant", "kind": "money", "required": False},
                  {"code": "started", "kind": "date", "required": False})
    client = client_for(applicant)
    page = client.get(step_url(draft, "online")).content.decode()
    assert "Answer only if your answer to ‘Works-Online?’ is Yes." in page
    response = post_step(client, draft, "online", {"works-online": "True"})
    assert "Select an answer to ‘Platforms?’" in response.content.decode()
    response = post_step(client, draft, "online", {"works-online": "False", "platforms": ["Facebook"]})
    assert response.status_code == 302
    answers = {answer.question.code: (answer.label, answer.value) for answer in draft.answers.select_related("question")}
    assert answers == {"works-online": ("Works-Online?", False), "members": ("Members?", None),
                       "grant": ("Grant?", None), "started": ("Started?", None)}  # not asked, so not kept
    response = post_step(client, draft, "online", {
        "works-online": "True", "platforms": ["Facebook", "WhatsApp"], "members": "12", "grant": "£1,250.50",
        "started_0": "1", "started_1": "4", "started_2": "2025",
    })
    assert response.status_code == 302
    values = {answer.question.code: answer.value for answer in draft.answers.select_related("question")}
    assert values == {"works-online": True, "platforms": ["Facebook", "WhatsApp"], "members": 12, "grant": "1250.50",
                      "started": "2025-04-01"}
    check = client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).content.decode()
    assert "Online" in check


def test_a_question_asked_only_for_an_answer_in_an_earlier_section_is_left_out_until_then(client_for, applicant, draft):
    build_section(draft.round, "first", 5, {"code": "partner", "kind": "one_choice", "choices": ["CATCH", "None"]})
    build_section(draft.round, "second", 6, {"code": "plain", "kind": "short_text"},
                  {"code": "which-partner", "kind": "short_text", "shown_if": "partner", "shown_if_answer": "CATCH"})
    client = client_for(applicant)
    post_step(client, draft, "first", {"partner": "None"})
    assert "Which-Partner?" not in client.get(step_url(draft, "second")).content.decode()
    post_step(client, draft, "first", {"partner": "CATCH"})
    assert "Which-Partner?" in client.get(step_url(draft, "second")).content.decode()
    response = post_step(client, draft, "second", {"plain": "Yes"})
    assert "Answer ‘Which-Partner?’" in response.content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_a_step_of_questions_makes_the_same_queries_however_many_questions(client_for, applicant, draft, count,
                                                                          django_assert_max_num_queries):
    build_section(draft.round, "many", 5, *[{"code": f"q{number}", "kind": "long_text", "max_words": 50}
                                            for number in range(count)])
    client = client_for(applicant)
    # 14 for the step itself, and one for the header's count of unread messages.
    with django_assert_max_num_queries(15):
        response = client.get(step_url(draft, "many"))
    assert response.status_code == 200
    assert f"Q{count - 1}?" in response.content.decode()
    with django_assert_max_num_queries(30):
        response = post_step(client, draft, "many", {f"q{number}": "An answer" for number in range(count)})
    assert response.status_code == 302
    assert draft.answers.count() == count


def test_a_reopened_section_reads_the_request_for_more_information_once(client_for, applicant, draft,
                                                                         programme_manager):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from applications.services import information_request

    Application.objects.filter(pk=draft.pk).update(status=Application.Status.SUBMITTED, reference="R-0001")
    information_request(application=draft, sections=[draft.round.sections.get()], message="Tell us more.",
                        respond_by=timezone.now() + timedelta(days=7), acting_user=programme_manager)
    client = client_for(applicant)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(step_url(draft, "project"))
    assert response.status_code == 200 and "Tell us more." in response.content.decode()
    asked = [query for query in queries.captured_queries if 'FROM "applications_informationrequest"' in query["sql"]]
    assert len(asked) == 1, asked


def test_a_section_completed_without_its_posted_form_opens_with_its_kept_answers(client_for, applicant, draft):
    from applications.models import ApplicationSection
    from tests.factories import answers_given

    build_section(draft.round, "facts", 5, {"code": "founded", "kind": "date"}, {"code": "led", "kind": "yes_no"},
                  {"code": "reach", "kind": "several_choices", "choices": ["Online", "In person"]})
    answers_given(draft, founded="2019-03-27", led=True, reach=["In person"])
    ApplicationSection.objects.create(application=draft, step="facts", data={}, completed_at=timezone.now())
    page = client_for(applicant).get(step_url(draft, "facts")).content.decode()
    assert 'name="facts-founded_0" value="27"' in page and 'name="facts-founded_2" value="2019"' in page
    assert re.search(r'name="facts-led"[^>]*value="True"[^>]*checked', page)
    assert re.search(r'name="facts-reach"[^>]*value="In person"[^>]*checked', page)
    assert "govuk-error-summary" not in page


def test_a_file_question_is_answered_by_a_checked_upload_kept_across_saves(client_for, applicant, other_applicant,
                                                                          draft, programme_manager):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.models import FileAnswer
    from tests.factories import PDF_BYTES

    build_section(draft.round, "papers", 5, {"code": "plan", "kind": "file"}, {"code": "note", "kind": "short_text"})
    client = client_for(applicant)
    response = post_step(client, draft, "papers", {"note": "Here"})
    assert "Upload a file for ‘Plan?’" in response.content.decode()
    response = post_step(client, draft, "papers", {"plan": SimpleUploadedFile("plan.exe", b"MZ\x90\x00" * 20)})
    assert "The file for ‘Plan?’ must be a PDF, DOCX, ODT, JPG or PNG" in response.content.decode()
    # A good file is kept even while another answer on the page needs correcting, and answers the question after.
    response = post_step(client, draft, "papers", {"plan": SimpleUploadedFile("plan.pdf", PDF_BYTES), "note": ""})
    assert "You have uploaded plan.pdf" in response.content.decode()
    assert post_step(client, draft, "papers", {"note": "Here"}).status_code == 302
    kept = FileAnswer.objects.get(application=draft)
    assert (kept.original_name, kept.content_type) == ("plan.pdf", "application/pdf")
    assert {answer.question.code: answer.value for answer in draft.answers.select_related("question")} == {
        "plan": "plan.pdf", "note": "Here"}
    download = reverse("applications:file_answer", kwargs={"pk": draft.pk, "question_pk": kept.question_id})
    page = client.get(reverse("applications:detail", kwargs={"pk": draft.pk}))
    assert client.get(download).getvalue() == PDF_BYTES
    assert client_for(other_applicant).get(download).status_code == 404
    assert page.status_code == 200
    Application.objects.filter(pk=draft.pk).update(status="submitted", reference="R-0001")
    staff_page = client_for(programme_manager).get(reverse("applications:manage_application", kwargs={"pk": draft.pk}))
    assert f'href="{download}" download>plan.pdf' in staff_page.content.decode()


def test_a_file_changed_in_a_reopened_section_is_shown_to_the_team_and_kept_from_staff_until_sent(
    client_for, applicant, draft, programme_manager
):
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.services import information_request, information_send
    from tests.factories import PDF_BYTES, FileAnswerFactory, answers_given

    section = build_section(draft.round, "papers", 5, {"code": "plan", "kind": "file"},
                            {"code": "note", "kind": "short_text"})
    plan = section.questions.get(code="plan")
    FileAnswerFactory(application=draft, question=plan, original_name="plan.pdf")
    answers_given(draft, plan="plan.pdf", note="Here")
    Application.objects.filter(pk=draft.pk).update(status=Application.Status.SUBMITTED, reference="R-0001")
    information_request(application=draft, sections=[section], message="Send this year's plan.",
                        respond_by=timezone.now() + timedelta(days=7), acting_user=programme_manager)
    client = client_for(applicant)
    assert "You have uploaded plan.pdf" in client.get(step_url(draft, "papers")).content.decode()
    # A checked file is held even while another answer needs correcting, and the page shows it in place of the sent one.
    response = post_step(client, draft, "papers", {"plan": SimpleUploadedFile("plan-2027.pdf", PDF_BYTES), "note": ""})
    assert "You have uploaded plan-2027.pdf" in response.content.decode()
    assert "You have uploaded plan-2027.pdf" in client.get(step_url(draft, "papers")).content.decode()
    assert post_step(client, draft, "papers", {"note": "This year's"}).status_code == 302
    staff_page = reverse("applications:manage_application", kwargs={"pk": draft.pk})
    download = reverse("applications:file_answer", kwargs={"pk": draft.pk, "question_pk": plan.pk})
    assert "plan-2027.pdf" not in client_for(programme_manager).get(staff_page).content.decode()
    assert client_for(programme_manager).get(download)["Content-Disposition"].endswith('filename="plan.pdf"')
    information_send(application=draft, acting_user=applicant)
    assert f'href="{download}" download>plan-2027.pdf' in client_for(programme_manager).get(staff_page).content.decode()
