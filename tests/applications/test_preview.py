import re

import pytest
from django.urls import reverse

from applications.models import Application, ApplicationSection, Organisation, Question
from tests.applications.conftest import organisation_answers, project_answers, request_answers
from tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def preview_url(round_, step=None) -> str:
    if step is None:
        return reverse("applications:round_preview", kwargs={"pk": round_.pk})
    return reverse("applications:round_preview_step", kwargs={"pk": round_.pk, "step": step})


def prefixed(step: str, answers: dict) -> dict:
    return {f"{step}-{key}": value for key, value in answers.items()}


def test_a_programme_manager_walks_a_draft_rounds_application_and_nothing_is_saved(client_for, programme_manager):
    round_ = RoundFactory(status="draft")
    client = client_for(programme_manager)
    response = client.get(preview_url(round_))
    assert response.url == preview_url(round_, "organisation")
    page = client.get(response.url).content.decode()
    assert "Nothing you enter is saved." in page and "Your organisation" in page
    assert client.post(preview_url(round_, "organisation"), prefixed("organisation", organisation_answers())).url == (
        preview_url(round_, "project")
    )
    errors = client.post(preview_url(round_, "project"), prefixed("project", project_answers(title=""))).content.decode()
    assert "govuk-error-summary" in errors and "Answer ‘Project name’" in errors
    assert client.post(preview_url(round_, "project"), prefixed("project", project_answers())).url == (
        preview_url(round_, "request")
    )
    client.post(preview_url(round_, "request"), prefixed("request", request_answers(amount_requested="4000")))
    assert "£4,000 you are asking for" in client.get(preview_url(round_, "budget")).content.decode()
    assert client.post(preview_url(round_, "declarations"), {}).status_code == 200  # checked as it would be
    assert "You have reached the end of the preview" in client.get(preview_url(round_, "end")).content.decode()
    assert not Application.objects.exists() and not ApplicationSection.objects.exists()
    assert not Organisation.objects.exists()


def test_a_question_asked_for_an_earlier_answer_appears_in_the_preview_as_it_would(client_for, programme_manager):
    round_ = RoundFactory(status="draft")
    section = round_.sections.get()
    partner = Question.objects.create(section=section, code="partner", label="Do you have a partner?", kind="yes_no",
                                      position=20)
    later = section.__class__.objects.create(round=round_, slug="partners", title="Partners", position=1)
    Question.objects.create(section=later, code="who", label="Who is your partner?", kind="short_text",
                            shown_if=partner, shown_if_answer="Yes")
    client = client_for(programme_manager)
    client.get(preview_url(round_))
    client.post(preview_url(round_, "project"), prefixed("project", {**project_answers(), "partner": "False"}))
    assert "Who is your partner?" not in client.get(preview_url(round_, "partners")).content.decode()
    client.post(preview_url(round_, "project"), prefixed("project", {**project_answers(), "partner": "True"}))
    assert "Who is your partner?" in client.get(preview_url(round_, "partners")).content.decode()
    client.get(preview_url(round_))  # starting again forgets the answers
    assert "Who is your partner?" not in client.get(preview_url(round_, "partners")).content.decode()


def test_going_back_in_the_preview_shows_what_was_typed_there(client_for, programme_manager):
    round_ = RoundFactory(status="draft")
    section = round_.sections.get()
    for code, kind, label in (("started", "date", "When did you start?"), ("online", "yes_no", "Online?"),
                              ("costs", "money", "What does it cost?"), ("ways", "several_choices", "How?")):
        Question.objects.create(section=section, code=code, label=label, kind=kind, position=20, required=False,
                                choices=["Phone", "Video"] if kind == "several_choices" else [])
    client = client_for(programme_manager)
    client.get(preview_url(round_))
    client.post(preview_url(round_, "project"), prefixed("project", {
        **project_answers(need="Few Deaf victims report."), "started_0": "4", "started_1": "5", "started_2": "2021",
        "online": "True", "costs": "1,200", "ways": ["Phone", "Video"]}))
    client.post(preview_url(round_, "request"), prefixed("request", request_answers(amount_requested="4000")))
    page = client.get(preview_url(round_, "project")).content.decode()
    assert "Few Deaf victims report.</textarea>" in page
    assert (typed(page, "project-started_0"), typed(page, "project-started_2")) == (["4"], ["2021"])
    assert typed(page, "project-costs") == ["1200"]
    assert (checked(page, "project-online"), checked(page, "project-ways")) == (["True"], ["Phone", "Video"])
    assert typed(client.get(preview_url(round_, "request")).content.decode(), "request-amount_requested") == ["4000"]


def inputs(page: str, name: str) -> list[str]:
    return [tag for tag in re.findall(r"<input[^>]*>", page) if re.search(rf'name="{name}"', tag)]


def typed(page: str, name: str) -> list[str]:
    return [re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs(page, name) if 'value="' in tag]


def checked(page: str, name: str) -> list[str]:
    return [value for tag, value in zip(inputs(page, name), typed(page, name)) if "checked" in tag]


def test_a_step_the_round_does_not_have_is_not_found(client_for, programme_manager):
    round_ = RoundFactory(status="draft")
    assert client_for(programme_manager).get(preview_url(round_, "no-such-step")).status_code == 404
