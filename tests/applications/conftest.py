"""Fixtures for the applicants' journey: a round with criteria and indicators, and helpers to fill each step."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import PDF_BYTES, ApplicationFactory, IndicatorFactory, MembershipFactory, RoundFactory


@pytest.fixture
def round_with_indicators(db):
    round_ = RoundFactory(quarters=2)
    IndicatorFactory(round=round_, code="victims", name="Disabled victims supported")
    IndicatorFactory(round=round_, code="sessions", name="Awareness sessions held")
    IndicatorFactory(round=round_, code="poor", name="Police response judged poor", has_target=False)
    return round_


@pytest.fixture
def draft(round_with_indicators, applicant, organisation):
    return ApplicationFactory(round=round_with_indicators, organisation=organisation, title="")


@pytest.fixture
def colleague(organisation):
    return MembershipFactory(organisation=organisation, role="editor").user


def step_url(application, step: str) -> str:
    return reverse("applications:step", kwargs={"pk": application.pk, "step": step})


def post_step(client, application, step: str, answers: dict, **extra):
    """Posts one wizard step the way the browser does: management form plus answers prefixed with the step name."""
    data = {f"application_{application.pk}-current_step": step, **{f"{step}-{k}": v for k, v in answers.items()}, **extra}
    return client.post(step_url(application, step), data)


def organisation_answers() -> dict:
    return {
        "name": "Hackney Disabled People's Hub", "legal_form": "cio", "charity_number": "1187654",
        "address_line_1": "1 Mare Street", "town": "London", "postcode": "e8 1hr", "contact_name": "Amara Okafor",
        "contact_email": "amara@example.org", "contact_phone": "020 7946 0000",
    }


def project_answers(**overrides) -> dict:
    return {
        "title": "Hate crime reporting centre", "summary": "We will help Disabled people report hate crime.",
        "need": "Many Disabled people do not report hate crime.", "activities": "Drop-in sessions and casework.",
        "beneficiaries": "Disabled adults in Hackney.", "partnership": "We refer to CATCH partners weekly.", **overrides,
    }


def request_answers(**overrides) -> dict:
    return {"boroughs": ["E09000012"], "amount_requested": "5,000", **overrides}


def outcomes_answers(round_) -> dict:
    return {
        f"target_{indicator.pk}_q{quarter}": "5"
        for indicator in round_.indicators.filter(has_target=True)
        for quarter in range(1, round_.quarters + 1)
    }


def budget_answers(*lines) -> dict:
    data = {"TOTAL_FORMS": str(len(lines)), "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}
    for index, (category, description, amount) in enumerate(lines):
        data.update({f"{index}-category": category, f"{index}-description": description, f"{index}-amount": amount})
    return data


def pdf(name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def documents_answers(round_) -> dict:
    return {kind: pdf(f"{kind}.pdf") for kind in round_.required_documents}


def declarations_answers() -> dict:
    today = date.today()
    return {
        "declarant_name": "Amara Okafor", "declarant_role": "Chair", "declared_on_0": str(today.day),
        "declared_on_1": str(today.month), "declared_on_2": str(today.year), "confirm_true": "on",
        "confirm_authority": "on", "confirm_privacy": "on",
    }


def complete_every_section(client, application):
    round_ = application.round
    for step, answers in [
        ("organisation", organisation_answers()),
        ("project", project_answers()),
        ("request", request_answers()),
        ("outcomes", outcomes_answers(round_)),
        ("budget", budget_answers(("staff", "Caseworker", "4000"), ("access", "BSL interpreters", "1000"))),
        ("documents", documents_answers(round_)),
        ("declarations", declarations_answers()),
    ]:
        response = post_step(client, application, step, answers)
        assert response.status_code == 302, (step, response.content.decode()[:3000])
