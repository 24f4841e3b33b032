import re
from decimal import Decimal
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from accounts.models import Role
from applications.audit import AuditAction
from applications.models import (
    AdjustmentRequest,
    Question,
    Application,
    ApplicationDocument,
    DeadlineExtension,
    EligibilityCheck,
    MediaAnswer,
    Round,
)
from applications.services import STANDARD_INDICATORS
from core.models import AuditEvent
from tests.applications.conftest import (
    complete_every_section,
    documents_answers,
    pdf,
    post_step,
    project_answers,
    step_url,
)
from tests.factories import (
    MP3_BYTES,
    ApplicationFactory,
    answers_given,
    CriterionFactory,
    EligibilityCheckFactory,
    IndicatorFactory,
    InvitationFactory,
    MembershipFactory,
    RoundFactory,
    UserFactory,
    set_up_to_open,
)

pytestmark = pytest.mark.django_db


def test_start_page_explains_the_open_round_in_plain_english(client):
    RoundFactory(name="Hate Crime Support 2027", budget="150000.00", minimum_award="2000.00", maximum_award="15000.00")
    content = client.get(reverse("applications:start")).content.decode()
    assert "Hate Crime Support 2027" in content
    assert "£2,000" in content and "£15,000" in content and "£150,000" in content
    assert "Who can apply" in content
    assert "Start now" in content


def test_start_page_states_the_rounds_own_eligibility_rules_up_front(client):
    RoundFactory(minimum_disabled_board_share=75, income_cap="500000.00", minimum_disabled_staff_share=50)
    content = client.get(reverse("applications:start")).content.decode()
    assert "at least 75% of your board or management committee are Disabled people" in content
    assert "at least 50% of your staff are Disabled people" in content
    assert "your yearly income is under £500,000" in content


def test_start_page_says_so_when_no_round_is_open(client):
    content = client.get(reverse("applications:start")).content.decode()
    assert "There is no funding round open at the moment" in content


def test_start_page_never_shows_a_draft_round(client):
    RoundFactory(name="Secret draft round", status=Round.Status.DRAFT)
    assert "Secret draft round" not in client.get(reverse("applications:start")).content.decode()


def test_a_new_applicant_is_asked_to_add_their_organisation(client_for):
    newcomer = UserFactory()
    content = client_for(newcomer).get(reverse("applications:dashboard")).content.decode()
    assert "Add your organisation" in content


def test_adding_an_organisation_checks_its_registration_number(client_for):
    newcomer = UserFactory()
    client = client_for(newcomer)
    answers = {"name": "Ealing Disability Action", "legal_form": "registered_charity", "address_line_1": "1 High St",
               "town": "London", "postcode": "W5 2HL", "contact_name": "Kim", "contact_email": "kim@example.org",
               "contact_phone": "020 8567 0000"}
    refused = client.post(reverse("applications:organisation_new"), answers).content.decode()
    assert "Enter your charity number" in refused
    assert 'value="Ealing Disability Action"' in refused
    response = client.post(reverse("applications:organisation_new"), {**answers, "charity_number": "1099999"})
    assert response.status_code == 302
    assert newcomer.memberships.get().organisation.postcode == "W5 2HL"


def test_the_eligibility_checker_asks_one_question_a_page_and_explains_a_failure(client_for, applicant, organisation, open_round):
    client = client_for(applicant)
    url = reverse("applications:eligibility", kwargs={"round_pk": open_round.pk, "organisation_pk": organisation.pk})
    prefix = f"eligibility_{open_round.pk}_{organisation.pk}"
    pages = [
        ("board", {"board_size": "6", "disabled_board_members": "3"}),
        ("leader", {"leader_is_disabled": "True"}),
        ("boroughs", {"boroughs": ["E09000030"]}),
        ("income", {"annual_income": "£85,000"}),
        ("safeguarding", {"has_safeguarding_policy": "True"}),
        ("governing_document", {"has_governing_document": "False"}),
    ]
    page = client.get(url).content.decode()
    assert "How many people are on your board" in page
    assert "Is your chair" not in page
    for step, answers in pages:
        response = client.post(url, {f"{prefix}-current_step": step, **{f"{step}-{k}": v for k, v in answers.items()}})
        assert response.status_code in (200, 302)
        assert "govuk-error-summary" not in response.content.decode()
    check = EligibilityCheck.objects.get()
    assert response.url == reverse("applications:eligibility_result", kwargs={"pk": check.pk})
    result = client.get(response.url).content.decode()
    assert "cannot apply to this round" in result
    assert escape("You told us 3 of 6 are (50%)") in result
    assert "You must have a governing document" in result
    assert "Start your application" not in result


def test_after_the_deadline_only_an_organisation_given_more_time_can_check_its_eligibility(
    client_for, applicant, organisation, programme_manager
):
    from datetime import timedelta

    from django.utils import timezone

    from applications.services import extension_grant
    from tests.factories import MembershipFactory, OrganisationFactory

    closed = RoundFactory(opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(hours=1))
    other = OrganisationFactory()
    MembershipFactory(organisation=other, user=applicant)
    extension_grant(round_=closed, organisation=organisation, closes_at=timezone.now() + timedelta(days=3),
                    reason="Reasonable adjustment", acting_user=programme_manager)
    client = client_for(applicant)
    given = reverse("applications:eligibility", kwargs={"round_pk": closed.pk, "organisation_pk": organisation.pk})
    refused = reverse("applications:eligibility", kwargs={"round_pk": closed.pk, "organisation_pk": other.pk})
    assert client.get(given, follow=True).status_code == 200
    assert client.get(refused).status_code == 404


def test_an_eligible_organisation_starts_its_application_from_the_result(client_for, applicant, organisation, open_round):
    check = EligibilityCheck.objects.create(round=open_round, organisation=organisation, answers={}, failures=[])
    client = client_for(applicant)
    assert "Start your application" in client.get(reverse("applications:eligibility_result", kwargs={"pk": check.pk})).content.decode()
    response = client.post(reverse("applications:application_begin", kwargs={"pk": check.pk}))
    application = Application.objects.get()
    assert response.url == reverse("applications:detail", kwargs={"pk": application.pk})
    assert application.eligibility_check == check


def test_a_bad_upload_is_refused_and_the_good_ones_in_the_same_step_are_kept(client_for, applicant, draft):
    answers = documents_answers(draft.round)
    answers["accounts"] = SimpleUploadedFile("accounts.pdf", b"this is not really a pdf" * 20)
    response = post_step(client_for(applicant), draft, "documents", answers)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Latest accounts must be a PDF, DOCX, ODT, JPG or PNG. Its name says .pdf but its contents are not" in content
    stored = set(ApplicationDocument.objects.filter(application=draft).values_list("kind", flat=True))
    assert stored == set(draft.round.required_documents) - {"accounts"}
    assert "You have uploaded governing_document.pdf" in content


def test_an_oversized_upload_is_refused_with_its_limit(client_for, applicant, draft, settings):
    settings.DOCUMENT_MAX_BYTES = 10
    response = post_step(client_for(applicant), draft, "documents", {"governing_document": pdf()})
    assert "Governing document must be smaller than 0KB" in response.content.decode()
    assert not ApplicationDocument.objects.exists()


def test_bsl_or_audio_answers_replace_written_ones_once_asked_for(client_for, applicant, draft):
    client = client_for(applicant)
    assert "Or upload a BSL video or audio answer" not in client.get(step_url(draft, "project")).content.decode()
    client.post(reverse("applications:adjustment_new", kwargs={"pk": draft.pk}),
                {"kind": "alternative_format", "details": "BSL is my first language"})
    assert "Or upload a BSL video or audio answer" in client.get(step_url(draft, "project")).content.decode()
    answers = project_answers(need="", need_media=SimpleUploadedFile("need.mp3", MP3_BYTES))
    response = post_step(client, draft, "project", answers)
    assert response.status_code == 302
    assert MediaAnswer.objects.get(application=draft).question == "need"


def test_applicants_can_ask_for_more_time_and_a_manager_replies(client_for, applicant, programme_manager, draft):
    client_for(applicant).post(reverse("applications:adjustment_new", kwargs={"pk": draft.pk}),
                               {"kind": "extra_time", "details": "Our coordinator is unwell"})
    adjustment = AdjustmentRequest.objects.get()
    manager = client_for(programme_manager)
    round_page = manager.get(reverse("applications:manage_round", kwargs={"pk": draft.round.pk})).content.decode()
    assert reverse("applications:adjustment", kwargs={"pk": adjustment.pk}) in round_page
    round_url = reverse("applications:manage_round", kwargs={"pk": draft.round.pk})
    for page in ("applications:adjustment", "applications:extension_new"):
        pk = adjustment.pk if page == "applications:adjustment" else draft.round.pk
        content = manager.get(reverse(page, kwargs={"pk": pk})).content.decode()
        assert f'<a href="{round_url}" class="govuk-back-link">' in content
    response = manager.post(reverse("applications:adjustment", kwargs={"pk": adjustment.pk}),
                            {"agreed": "True", "response": "Yes, two more weeks."})
    assert response.status_code == 302
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentRequest.Status.AGREED


def test_a_manager_gives_one_organisation_more_time_with_a_reason(client_for, programme_manager, draft):
    response = client_for(programme_manager).post(
        reverse("applications:extension_new", kwargs={"pk": draft.round.pk}),
        {"organisation": draft.organisation.pk, "closes_on_0": "1", "closes_on_1": "1", "closes_on_2": "2099",
         "reason": "Reasonable adjustment"},
    )
    assert response.status_code == 302
    extension = DeadlineExtension.objects.get()
    assert extension.reason == "Reasonable adjustment"
    assert extension.closes_at.year == 2099


def test_an_extension_must_be_after_the_round_closes(client_for, programme_manager, draft):
    response = client_for(programme_manager).post(
        reverse("applications:extension_new", kwargs={"pk": draft.round.pk}),
        {"organisation": draft.organisation.pk, "closes_on_0": "1", "closes_on_1": "1", "closes_on_2": "2000",
         "reason": "Too early"},
    )
    assert "The new deadline must be after the round closes" in response.content.decode()


def test_an_impossible_date_gets_a_plain_english_error(client_for, programme_manager, draft):
    response = client_for(programme_manager).post(
        reverse("applications:extension_new", kwargs={"pk": draft.round.pk}),
        {"organisation": draft.organisation.pk, "closes_on_0": "31", "closes_on_1": "2", "closes_on_2": "2099",
         "reason": "x"},
    )
    assert "New deadline must be a real date, like 27 3 2027" in response.content.decode()


def test_a_sent_application_shows_its_answers_and_cannot_be_changed(client_for, applicant, draft):
    client = client_for(applicant)
    complete_every_section(client, draft)
    post_step(client, draft, "check", {})
    draft.refresh_from_db()
    summary = client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).content.decode()
    assert draft.reference in summary
    assert "Hate crime reporting centre" in summary
    assert "Change<span" not in summary
    confirmation = client.get(reverse("applications:submitted", kwargs={"pk": draft.pk})).content.decode()
    assert draft.reference in confirmation


def test_the_pdf_copy_holds_the_answers_with_real_headings_and_a_title(client_for, applicant, draft):
    client = client_for(applicant)
    complete_every_section(client, draft)
    response = client.get(reverse("applications:pdf", kwargs={"pk": draft.pk}))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(__import__("io").BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Hate crime reporting centre" in text
    assert "BSL interpreters" in text and "£5,000" in text
    top_level = [item.title for item in reader.outline if not isinstance(item, list)]
    assert top_level == ["Application (not yet sent)"]
    sections = [item.title for item in reader.outline[1] if not isinstance(item, list)]
    assert sections[:4] == ["Your organisation", "Your project", "Boroughs and amount", "Outcomes and targets"]
    assert reader.metadata.title == "Draft application: Hate crime reporting centre"


def test_withdrawing_asks_for_confirmation_and_records_the_reason(client_for, applicant, draft):
    client = client_for(applicant)
    assert "Are you sure" in client.get(reverse("applications:withdraw", kwargs={"pk": draft.pk})).content.decode()
    client.post(reverse("applications:withdraw", kwargs={"pk": draft.pk}), {"reason": "We merged with another group"})
    draft.refresh_from_db()
    assert draft.status == Application.Status.WITHDRAWN


def test_the_invitation_page_asks_a_stranger_to_sign_in_and_accepts_for_the_invited_person(client_for, organisation):
    invitation = InvitationFactory(organisation=organisation, email="new@example.org")
    url = reverse("applications:invitation", kwargs={"token": invitation.token})
    assert "sign in" in client_for(None).get(url).content.decode()
    wrong_person = client_for(UserFactory())
    assert "This invitation was sent to new@example.org" in wrong_person.post(url).content.decode()
    invited = UserFactory(email="new@example.org")
    response = client_for(invited).post(url)
    assert response.status_code == 302
    assert organisation.memberships.filter(user=invited).exists()


def test_a_staff_member_opening_an_invitation_is_told_plainly_why_they_cannot_join(client_for, organisation):
    invitation = InvitationFactory(organisation=organisation, email="assessor.too@example.org")
    assessor = UserFactory(email="assessor.too@example.org", role=Role.ASSESSOR)
    response = client_for(assessor).post(reverse("applications:invitation", kwargs={"token": invitation.token}))
    assert response.status_code == 200
    assert "because you work for the funder as assessor" in response.content.decode()
    assert not organisation.memberships.filter(user=assessor).exists()


def test_inviting_one_address_too_often_is_refused_with_a_plain_page(client_for, applicant, organisation, settings):
    settings.RATE_LIMIT_PER_ADDRESS_PER_HOUR = 2
    client = client_for(applicant)
    url = reverse("applications:organisation_invite", kwargs={"pk": organisation.pk})
    for _ in range(2):
        assert client.post(url, {"email": "new@example.org", "role": "editor"}).status_code == 302
    response = client.post(url, {"email": "New@example.org", "role": "editor"})
    assert response.status_code == 429
    assert "You have tried too many times" in response.content.decode()
    assert organisation.invitations.count() == 2


def test_inviting_many_addresses_from_one_place_is_refused(client_for, applicant, organisation, settings):
    settings.RATE_LIMIT_PER_IP_PER_HOUR = 3
    client = client_for(applicant)
    url = reverse("applications:organisation_invite", kwargs={"pk": organisation.pk})
    for number in range(3):
        assert client.post(url, {"email": f"new{number}@example.org", "role": "editor"}).status_code == 302
    assert client.post(url, {"email": "new3@example.org", "role": "editor"}).status_code == 429


def test_the_dashboard_lists_only_the_applicants_own_organisations(client_for, applicant, other_applicant, draft):
    own = client_for(applicant).get(reverse("applications:dashboard")).content.decode()
    theirs = client_for(other_applicant).get(reverse("applications:dashboard")).content.decode()
    assert reverse("applications:detail", kwargs={"pk": draft.pk}) in own
    assert reverse("applications:detail", kwargs={"pk": draft.pk}) not in theirs


def shown_on_page(count: int, page: int) -> int:
    """Rows on a page of 100; a page past the last shows the last."""
    return min(count, 100) if page == 1 or count <= 100 else count - 100


@pytest.mark.parametrize("organisations, applications_each", [(1, 3), (12, 10)])
def test_the_applicants_dashboard_makes_the_same_queries_for_3_or_120_applications(
    client_for, applicant, organisations, applications_each, django_assert_max_num_queries
):
    rounds = [RoundFactory(), RoundFactory()]
    for _ in range(organisations):
        organisation = MembershipFactory(user=applicant).organisation
        for n in range(applications_each):
            ApplicationFactory(round=rounds[0], organisation=organisation, status="withdrawn" if n else "submitted")
        EligibilityCheckFactory(round=rounds[1], organisation=organisation, failures=[])
    client = client_for(applicant)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("applications:dashboard"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 class="govuk-heading-l">Your applications</h1>' in content
    assert content.count("Hate crime reporting project") == organisations * applications_each
    assert content.count("Start your application<span") == organisations


@pytest.mark.parametrize("count", [3, 120])
def test_the_round_page_makes_the_same_queries_for_3_or_120_applications(
    client_for, programme_manager, count, django_assert_max_num_queries
):
    round_ = RoundFactory(name="Hate Crime Support 2027")
    for n in range(count):
        ApplicationFactory(round=round_, status="submitted", reference=f"Q-{n:04d}")
    ApplicationFactory(round=round_, status="draft")
    client = client_for(programme_manager)
    for page in (1, 2):
        # One query more for staff than applicants: the second-factor device the session was verified with.
        with django_assert_max_num_queries(12):
            response = client.get(reverse("applications:manage_round", kwargs={"pk": round_.pk}), {"page": page})
        assert response.status_code == 200
        content = response.content.decode()
        assert '<h1 class="govuk-heading-l">Hate Crime Support 2027</h1>' in content
        assert content.count(">Q-0") == shown_on_page(count, page)
        assert "1 organisation is still working on a draft" in content


def test_the_round_page_filters_its_applications_by_status_on_every_page(client_for, programme_manager, monkeypatch):
    monkeypatch.setattr("core.paging.PAGE_SIZE", 2)
    round_ = RoundFactory()
    for n in range(5):
        ApplicationFactory(round=round_, status="eligible" if n % 2 else "ineligible", reference=f"Q-{n:04d}")
    client = client_for(programme_manager)
    url = reverse("applications:manage_round", kwargs={"pk": round_.pk})
    first = client.get(url, {"status": "ineligible"}).content.decode()
    assert 'href="?status=ineligible&amp;page=2" rel="next"' in first
    assert ">Q-0000<" in first and ">Q-0002<" in first and ">Q-0001<" not in first
    second = client.get(url, {"status": "ineligible", "page": "2"}).content.decode()
    assert ">Q-0004<" in second and ">Q-0003<" not in second and "Page 2 of 2" in second
    assert client.get(url, {"status": "draft", "page": "x"}).status_code == 200


@pytest.mark.parametrize("count", [3, 120])
def test_the_rounds_list_makes_the_same_queries_for_3_or_120_rounds(
    client_for, programme_manager, count, django_assert_max_num_queries
):
    for n in range(count):
        RoundFactory(name=f"Round number {n:03d}", opens_at=timezone.now() - timedelta(days=n + 1))
    client = client_for(programme_manager)
    for page in (1, 2):
        with django_assert_max_num_queries(11):
            response = client.get(reverse("applications:manage_rounds"), {"page": page})
        assert response.status_code == 200
        content = response.content.decode()
        assert '<h1 class="govuk-heading-l">Rounds</h1>' in content
        assert content.count("Round number") == shown_on_page(count, page)
    newest_first = client.get(reverse("applications:manage_rounds")).content.decode()
    assert newest_first.index("Round number 000") < newest_first.index("Round number 001")


@pytest.mark.parametrize("count", [3, 120])
def test_the_organisation_page_makes_the_same_queries_for_3_or_120_members(
    client_for, applicant, organisation, count, django_assert_max_num_queries
):
    for _ in range(count - 1):
        MembershipFactory(organisation=organisation, role="editor")
    for _ in range(count):
        InvitationFactory(organisation=organisation)
    client = client_for(applicant)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("applications:organisation", kwargs={"pk": organisation.pk}))
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{escape(organisation.name)}</h1>' in content
    assert content.count("@example.org): ") == count
    assert content.count("colleague") >= count


def test_text_that_looks_like_markup_is_printed_as_typed_in_the_pdf(client_for, applicant, draft):
    from applications.models import BudgetLine

    draft.title = "<b>Bold claims"
    draft.save()
    BudgetLine.objects.create(application=draft, category="materials", amount="10",
                              description='Leaflets <b>bold <img src="/etc/hostname"/>')
    response = client_for(applicant).get(reverse("applications:pdf", kwargs={"pk": draft.pk}))
    assert response.status_code == 200
    reader = PdfReader(__import__("io").BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert '<img src="/etc/hostname"/>' in text
    assert "<b>Bold claims" in text
    assert not any(page.images for page in reader.pages)


def test_an_impossibly_large_board_is_refused_politely(client_for, applicant, organisation, open_round):
    url = reverse("applications:eligibility", kwargs={"round_pk": open_round.pk, "organisation_pk": organisation.pk})
    response = client_for(applicant).post(url, {
        f"eligibility_{open_round.pk}_{organisation.pk}-current_step": "board", "board-board_size": "40000",
        "board-disabled_board_members": "40000",
    })
    assert "The number of people on your board must be 10,000 or fewer" in response.content.decode()


def test_after_the_deadline_the_task_list_says_so_and_the_dashboard_stops_offering_the_round(client_for, applicant, organisation):
    from datetime import timedelta

    from django.utils import timezone

    closed = RoundFactory(opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(hours=1))
    draft = ApplicationFactory(round=closed, organisation=organisation)
    client = client_for(applicant)
    assert "has passed" in client.get(reverse("applications:detail", kwargs={"pk": draft.pk})).content.decode()
    dashboard = client.get(reverse("applications:dashboard")).content.decode()
    assert "Check whether" not in dashboard
    start = client_for(None).get(reverse("applications:start")).content.decode()
    assert "This round has closed" in start and "Start now" not in start


def test_a_round_closed_before_its_deadline_tells_the_task_list_it_cannot_be_sent(client_for, applicant, organisation,
                                                                               open_round):
    draft = ApplicationFactory(round=open_round, organisation=organisation)
    open_round.status = open_round.Status.CLOSED
    open_round.save()
    page = client_for(applicant).get(reverse("applications:detail", kwargs={"pk": draft.pk})).content.decode()
    assert "has passed" in page


def test_the_dashboard_offers_to_continue_an_application_already_started(client_for, applicant, organisation, open_round):
    draft = ApplicationFactory(round=open_round, organisation=organisation)
    content = client_for(applicant).get(reverse("applications:dashboard")).content.decode()
    assert "Continue " in content and reverse("applications:detail", kwargs={"pk": draft.pk}) in content
    assert "Check whether" not in content


def test_after_passing_eligibility_the_dashboard_offers_to_start_the_application(client_for, applicant, organisation,
                                                                                 open_round):
    from applications.models import EligibilityCheck

    EligibilityCheck.objects.create(round=open_round, organisation=organisation, answers={}, failures=["Too big"])
    passed = EligibilityCheck.objects.create(round=open_round, organisation=organisation, answers={}, failures=[])
    client = client_for(applicant)
    content = client.get(reverse("applications:dashboard")).content.decode()
    assert "Start your application" in content
    assert reverse("applications:application_begin", kwargs={"pk": passed.pk}) in content
    assert "Check whether" not in content
    EligibilityCheck.objects.create(round=open_round, organisation=organisation, answers={}, failures=["Too big"])
    content = client.get(reverse("applications:dashboard")).content.decode()
    assert "Start your application" not in content and "Check whether" in content


def test_only_owners_can_withdraw(client_for, colleague, draft):
    client = client_for(colleague)
    response = client.post(reverse("applications:withdraw", kwargs={"pk": draft.pk}), {"reason": "No"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_an_adjustment_request_is_emailed_to_the_funder(client_for, applicant, draft, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(applicant).post(reverse("applications:adjustment_new", kwargs={"pk": draft.pk}),
                                   {"kind": "extra_time", "details": "Our coordinator is unwell"})
    assert mail.outbox[0].to == [settings.FUNDER_EMAIL]
    assert "Our coordinator is unwell" in mail.outbox[0].body


def test_adjustments_are_asked_for_while_the_application_is_a_draft(client_for, applicant, organisation):
    sent = ApplicationFactory(organisation=organisation, status="submitted", reference="X-0001")
    response = client_for(applicant).post(reverse("applications:adjustment_new", kwargs={"pk": sent.pk}),
                                          {"kind": "extra_time", "details": "Late"})
    assert response.status_code == 302
    assert not AdjustmentRequest.objects.exists()


def test_programme_managers_see_drafts_only_as_a_count(client_for, programme_manager, draft):
    content = client_for(programme_manager).get(reverse("applications:manage_round", kwargs={"pk": draft.round.pk})).content.decode()
    assert "1 organisation is still working on a draft" in content
    assert client_for(programme_manager).get(reverse("applications:pdf", kwargs={"pk": draft.pk})).status_code == 404


@pytest.mark.parametrize("posted_step", ["no-such-step", "staff-typo", None])
def test_a_tampered_eligibility_question_starts_the_questions_again(client_for, applicant, organisation, open_round,
                                                                    posted_step):
    url = reverse("applications:eligibility", kwargs={"round_pk": open_round.pk, "organisation_pk": organisation.pk})
    client = client_for(applicant)
    client.get(url)
    data = {"board-board_size": "6", "board-disabled_board_members": "5"}
    if posted_step is not None:
        data[f"eligibility_{open_round.pk}_{organisation.pk}-current_step"] = posted_step
    response = client.post(url, data, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "That page was out of date" in response.content.decode()


# Recorded answers: played in the page, downloaded, transcribed -----------------------------------------------------


def recording(organisation, status="submitted", **fields):
    from tests.factories import MediaAnswerFactory

    return MediaAnswerFactory(application=ApplicationFactory(organisation=organisation, status=status,
                                                             reference="R-0001"), **fields)


def test_a_sound_recording_plays_in_the_applicants_page_with_a_download_and_its_transcript(
    client_for, applicant, organisation
):
    answer = recording(organisation, transcript="We help Deaf people report hate crime.")
    url = reverse("applications:media_answer", kwargs={"pk": answer.application_id, "answer_pk": answer.pk})
    content = client_for(applicant).get(reverse("applications:detail", kwargs={"pk": answer.application_id})).content.decode()
    assert '<audio class="app-media-answer__player" controls' in content
    assert f'<source src="{url}?play" type="audio/mpeg">' in content
    assert f'<a class="govuk-link" href="{url}" download>Download need.mp3' in content
    assert '<span class="govuk-details__summary-text">Transcript' in content
    assert "We help Deaf people report hate crime." in content
    assert "Change the transcript" in content


def test_a_video_plays_in_a_video_player_on_the_staff_page_and_the_scoring_page(
    client_for, organisation, programme_manager, assessor
):
    from assessment.models import Allocation, ConflictDeclaration
    from tests.factories import MP4_BYTES

    answer = recording(organisation, status="eligible", original_name="need.mp4", content_type="video/mp4",
                       size=len(MP4_BYTES))
    answer.application.round.assessors.add(assessor)
    allocation = Allocation.objects.create(application=answer.application, assessor=assessor)
    ConflictDeclaration.objects.create(application=answer.application, assessor=assessor, has_conflict=False)
    staff_page = client_for(programme_manager).get(
        reverse("applications:manage_application", kwargs={"pk": answer.application_id})
    ).content.decode()
    assert '<video class="app-media-answer__player" controls' in staff_page
    assert 'type="video/mp4"' in staff_page
    assert "No transcript yet." in staff_page and "Add a transcript" in staff_page
    scoring_page = client_for(assessor).get(reverse("assessment:assess", kwargs={"pk": allocation.pk})).content.decode()
    assert '<video class="app-media-answer__player" controls' in scoring_page
    assert "No transcript yet." in scoring_page
    assert "Add a transcript" not in scoring_page  # assessors read transcripts; they do not write them


def test_the_player_gets_the_recording_inline_and_the_download_link_as_a_file(client_for, applicant, organisation):
    answer = recording(organisation)
    url = reverse("applications:media_answer", kwargs={"pk": answer.application_id, "answer_pk": answer.pk})
    client = client_for(applicant)
    played = client.get(url + "?play")
    assert played.status_code == 200
    assert played["Content-Type"] == "audio/mpeg"
    assert played["Content-Disposition"].startswith("inline")
    assert played["Accept-Ranges"] == "bytes"
    assert b"".join(played.streaming_content) == MP3_BYTES
    downloaded = client.get(url)
    assert downloaded["Content-Disposition"] == 'attachment; filename="need.mp3"'


def test_the_player_may_ask_for_part_of_a_recording(client_for, applicant, organisation):
    answer = recording(organisation)
    url = reverse("applications:media_answer", kwargs={"pk": answer.application_id, "answer_pk": answer.pk}) + "?play"
    client = client_for(applicant)
    part = client.get(url, HTTP_RANGE="bytes=3-9")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 3-9/{len(MP3_BYTES)}"
    assert part["Content-Length"] == "7"
    assert b"".join(part.streaming_content) == MP3_BYTES[3:10]
    rest = client.get(url, HTTP_RANGE="bytes=0-")
    assert rest.status_code == 206 and b"".join(rest.streaming_content) == MP3_BYTES
    tail = client.get(url, HTTP_RANGE="bytes=-4")
    assert b"".join(tail.streaming_content) == MP3_BYTES[-4:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(MP3_BYTES)}-")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(MP3_BYTES)}"
    nonsense = client.get(url, HTTP_RANGE="bytes=a-b")
    assert nonsense.status_code == 200


def test_the_organisation_adds_a_transcript_and_is_sent_back_to_its_application(client_for, applicant, organisation):
    answer = recording(organisation)
    url = reverse("applications:media_answer_transcript", kwargs={"pk": answer.application_id, "answer_pk": answer.pk})
    client = client_for(applicant)
    page = client.get(url).content.decode()
    assert "Transcript of the answer to" in page and "What need will your project meet?" in page
    assert "<audio" in page
    response = client.post(url, {"transcript": "We help Deaf people report hate crime."})
    assert response.url == reverse("applications:detail", kwargs={"pk": answer.application_id})
    answer.refresh_from_db()
    assert answer.transcript == "We help Deaf people report hate crime."


def test_a_draft_transcript_returns_to_the_answers_being_checked(client_for, applicant, organisation):
    answer = recording(organisation, status="draft")
    url = reverse("applications:media_answer_transcript", kwargs={"pk": answer.application_id, "answer_pk": answer.pk})
    response = client_for(applicant).post(url, {"transcript": "Words"})
    assert response.url == step_url(answer.application, "check")


def test_a_programme_manager_corrects_a_transcript_from_the_staff_page(client_for, programme_manager, organisation):
    answer = recording(organisation, transcript="Old words")
    url = reverse("applications:media_answer_transcript", kwargs={"pk": answer.application_id, "answer_pk": answer.pk})
    response = client_for(programme_manager).post(url, {"transcript": "Corrected words"})
    assert response.url == reverse("applications:manage_application", kwargs={"pk": answer.application_id})
    answer.refresh_from_db()
    assert answer.transcript == "Corrected words"


def test_a_transcript_too_long_is_refused_with_its_length_and_kept(client_for, applicant, organisation):
    answer = recording(organisation)
    url = reverse("applications:media_answer_transcript", kwargs={"pk": answer.application_id, "answer_pk": answer.pk})
    response = client_for(applicant).post(url, {"transcript": "x" * 20001})
    assert response.status_code == 200
    assert "must be 20,000 characters or fewer" in response.content.decode()
    answer.refresh_from_db()
    assert answer.transcript == ""


def test_a_withdrawn_applications_transcript_is_not_found(client_for, applicant, organisation):
    answer = recording(organisation, status="withdrawn")
    url = reverse("applications:media_answer_transcript", kwargs={"pk": answer.application_id, "answer_pk": answer.pk})
    assert client_for(applicant).get(url).status_code == 404


def test_the_pdf_carries_a_recordings_transcript(client_for, applicant, organisation):
    answer = recording(organisation, transcript="We help Deaf people report hate crime.")
    response = client_for(applicant).get(reverse("applications:pdf", kwargs={"pk": answer.application_id}))
    reader = PdfReader(__import__("io").BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Transcript of the recording: We help Deaf people report hate crime." in text


@pytest.mark.parametrize("questions", [5, 50])
def test_the_application_page_makes_a_fixed_number_of_queries_before_and_after_it_is_sent(
    client_for, applicant, organisation, round_with_indicators, django_assert_max_num_queries, questions
):
    from django.utils import timezone

    sent_round = RoundFactory()
    for round_ in (round_with_indicators, sent_round):
        with_questions(round_, questions)
    draft = ApplicationFactory(round=round_with_indicators, organisation=organisation, complete=True)
    sent = ApplicationFactory(round=sent_round, organisation=organisation, complete=True, status="submitted",
                              submitted_at=timezone.now(), reference="SENT-0001", submitted_by=applicant)
    answers_given(sent, **{question.code: "An answer" for question in Question.objects.filter(section__round=sent_round)})
    client = client_for(applicant)
    # The session, the person, the application with the person's role in its organisation (so whether they may
    # withdraw it is known), its round, the round's sections and their questions, its deadline, its sections
    # (twice: for the task list and for whether all are complete), adjustments and members; and, for the header,
    # how many messages the person has not read.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("applications:detail", kwargs={"pk": draft.pk}))
    assert response.status_code == 200
    assert f"Your application to {round_with_indicators.name}" in response.content.decode()
    # Once sent: what decides whether its page has changed, then, the page being new, the application read whole
    # with every answer instead of the task list, each kind of answer read once (and the answered requests for more
    # information), the round's questions, any request waiting for the organisation's answer, and the header's
    # count of unread messages.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("applications:detail", kwargs={"pk": sent.pk}))
    assert response.status_code == 200
    assert "Application SENT-0001" in response.content.decode()
    # Seen again, with nothing changed: the page kept from the first visit, so only the session, the person, what
    # decides whether the page has changed and the header's count of unread messages are read.
    with django_assert_max_num_queries(4):
        again = client.get(reverse("applications:detail", kwargs={"pk": sent.pk}))
    main = re.compile(r"<main.*</main>", re.S)
    assert main.search(again.content.decode()).group() == main.search(response.content.decode()).group()


def with_questions(round_, count: int) -> None:
    """The round's project section with `count` questions in all, the standard ones first."""
    section = round_.sections.get()
    Question.objects.bulk_create(
        Question(section=section, code=f"extra-{number}", label=f"Extra question {number}", position=10 + number,
                 required=False)
        for number in range(count - section.questions.count())
    )


def sent_answers_page(client, application) -> str:
    return client.get(reverse("applications:detail", kwargs={"pk": application.pk})).content.decode()


def test_a_sent_applications_page_shows_a_new_transcript_at_once(client_for, applicant, organisation):
    answer = recording(organisation, transcript="Old words")
    client = client_for(applicant)
    assert "Old words" in sent_answers_page(client, answer.application)
    url = reverse("applications:media_answer_transcript", kwargs={"pk": answer.application_id, "answer_pk": answer.pk})
    client.post(url, {"transcript": "Corrected words"})
    page = sent_answers_page(client, answer.application)
    assert "Corrected words" in page and "Old words" not in page


def test_a_sent_applications_page_shows_the_organisations_details_as_they_are_now(client_for, applicant, organisation):
    from applications.services import organisation_update

    application = ApplicationFactory(organisation=organisation, status="submitted", reference="R-0001")
    client = client_for(applicant)
    assert organisation.contact_phone in sent_answers_page(client, application)
    organisation_update(organisation=organisation, acting_user=applicant, fields={"contact_phone": "020 7946 0999"})
    assert "020 7946 0999" in sent_answers_page(client, application)


def test_a_sent_applications_page_shows_an_indicator_renamed_in_the_rounds_admin(
    client_for, applicant, organisation, round_with_indicators
):
    from applications.models import OutcomeTarget

    application = ApplicationFactory(round=round_with_indicators, organisation=organisation, status="submitted",
                                     reference="R-0001")
    indicator = round_with_indicators.indicators.get(code="victims")
    OutcomeTarget.objects.create(application=application, indicator=indicator, quarter=1, target=12)
    client = client_for(applicant)
    assert indicator.name in sent_answers_page(client, application)
    indicator.name = "Disabled victims supported to report to the police"
    indicator.save()
    round_with_indicators.save()  # as the round's admin page does when an indicator on it changes
    assert "Disabled victims supported to report to the police" in sent_answers_page(client, application)


def test_a_sent_applications_page_shows_its_decision_letter_at_once(client_for, applicant, organisation):
    application = ApplicationFactory(organisation=organisation, status="scored", reference="R-0001")
    client = client_for(applicant)
    assert "Being decided" in sent_answers_page(client, application)
    application.status = application.decision_sent = "awarded"
    application.save()
    page = sent_answers_page(client, application)
    assert "See your grant" in page and "Being decided" not in page


def test_a_kept_page_offers_withdrawing_to_the_organisations_owner_only(client_for, applicant, organisation):
    application = ApplicationFactory(organisation=organisation, status="submitted", reference="R-0001")
    editor = MembershipFactory(organisation=organisation, role="editor", user__role=Role.APPLICANT).user
    assert "Withdraw this application" in sent_answers_page(client_for(applicant), application)
    assert "Withdraw this application" not in sent_answers_page(client_for(editor), application)
    assert "Withdraw this application" in sent_answers_page(client_for(applicant), application)


def test_a_sent_applications_page_shows_the_senders_name_as_it_is_now(client_for, applicant, organisation):
    application = ApplicationFactory(organisation=organisation, status="submitted", reference="R-0001",
                                     submitted_at=timezone.now(), submitted_by=applicant)
    client = client_for(applicant)
    assert "by Amara Okafor" in sent_answers_page(client, application)
    applicant.full_name = "Amara Okafor-Mensah"
    applicant.save()
    assert "by Amara Okafor-Mensah" in sent_answers_page(client, application)


def test_a_draft_rounds_page_says_what_it_needs_before_it_can_open(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    response = client_for(programme_manager).get(reverse("applications:manage_round", kwargs={"pk": round_.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Organisations cannot see the round until it opens." in page
    assert "Before you can open the round:" in page
    assert "The round has no criteria for assessors to score against." in page
    assert reverse("applications:round_stage", kwargs={"pk": round_.pk, "status": "open"}) not in page


def test_a_programme_manager_opens_a_set_up_round_from_its_page_saying_why(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    set_up_to_open(round_)
    client = client_for(programme_manager)
    stage_url = reverse("applications:round_stage", kwargs={"pk": round_.pk, "status": "open"})
    assert stage_url in client.get(reverse("applications:manage_round", kwargs={"pk": round_.pk})).content.decode()
    asked = client.get(stage_url).content.decode()
    assert "Organisations will be able to start and send applications until" in asked
    assert "Open the round</button>" in asked or 'value="Open the round"' in asked

    refused = client.post(stage_url, {"reason": ""})
    assert refused.status_code == 200
    assert "Enter why the round is moving on now" in refused.content.decode()
    round_.refresh_from_db()
    assert round_.status == Round.Status.DRAFT

    response = client.post(stage_url, {"reason": "The panel is ready"}, follow=True)
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN
    assert f"{round_} is now open." in response.content.decode()
    assert AuditEvent.objects.get(action=AuditAction.ROUND_STATUS_CHANGED).reason == "The panel is ready"


def test_a_second_click_on_a_rounds_next_stage_does_not_move_it_on_again(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    set_up_to_open(round_)
    client = client_for(programme_manager)
    stage_url = reverse("applications:round_stage", kwargs={"pk": round_.pk, "status": "open"})
    client.post(stage_url, {"reason": "Ready"})
    again = client.post(stage_url, {"reason": "Ready"}, follow=True)
    assert again.status_code == 200
    assert "has changed since the page was opened: it is now ‘Open’" in again.content.decode()
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN
    assert AuditEvent.objects.filter(action=AuditAction.ROUND_STATUS_CHANGED).count() == 1
    # The page for a stage that is not next sends the manager back to the round.
    assert client.get(stage_url).url == reverse("applications:manage_round", kwargs={"pk": round_.pk})


def test_a_round_with_work_left_says_so_on_the_page_for_its_next_stage_and_offers_no_button(
    client_for, programme_manager
):
    round_ = RoundFactory(status=Round.Status.ASSESSING)
    ApplicationFactory(round=round_, status="submitted")
    response = client_for(programme_manager).get(
        reverse("applications:round_stage", kwargs={"pk": round_.pk, "status": "decided"})
    )
    page = response.content.decode()
    assert "It cannot move on yet" in page and "Sent applications still to be screened: 1." in page
    assert 'name="reason"' not in page


def test_an_open_rounds_page_says_when_it_closes_by_itself_and_offers_to_close_it_sooner(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.OPEN)
    page = client_for(programme_manager).get(reverse("applications:manage_round", kwargs={"pk": round_.pk})).content.decode()
    assert "then closes by itself." in page
    assert "Close the round now" in page
    asked = client_for(programme_manager).get(
        reverse("applications:round_stage", kwargs={"pk": round_.pk, "status": "closed"})
    ).content.decode()
    assert "Close it by hand only if it must close sooner: you cannot open it again." in asked


def test_a_programme_manager_starts_a_round_and_sees_its_set_up_as_tasks(client_for, programme_manager):
    client = client_for(programme_manager)
    assert reverse("applications:round_new") in client.get(reverse("applications:manage_rounds")).content.decode()
    refused = client.post(reverse("applications:round_new"), {"name": "", "reference_prefix": "bad prefix"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Enter the name of the round" in page and "capital letters or digits" in page and "govuk-error-summary" in page
    response = client.post(reverse("applications:round_new"), {
        "name": "Small grants 2028", "reference_prefix": "SG28", "summary": "For groups led by Disabled people.",
        "opens_on_0": "1", "opens_on_1": "4", "opens_on_2": "2030", "closes_on_0": "30", "closes_on_1": "6",
        "closes_on_2": "2030", "quarters": "4", "budget": "£50,000",
    })
    round_ = Round.objects.get(reference_prefix="SG28")
    assert response.url == reverse("applications:round_setup", kwargs={"pk": round_.pk})
    assert round_.status == Round.Status.DRAFT
    assert timezone.localtime(round_.closes_at).strftime("%d %B %Y %H:%M") == "30 June 2030 23:59"
    tasks = client.get(response.url).content.decode()
    assert "The round has no criteria for assessors to score against." in tasks
    assert "The round has no indicators for grantees to count and report on." in tasks
    assert tasks.count("Completed") == 5


def test_a_new_round_cannot_take_a_reference_prefix_or_a_name_another_round_has(client_for, programme_manager):
    RoundFactory(reference_prefix="SG28", name="Small grants 2028")
    response = client_for(programme_manager).post(reverse("applications:round_new"), {
        "reference_prefix": "SG28", "name": "small grants 2028"})
    assert "Another round uses this reference prefix: choose another" in response.content.decode()
    assert "Another round has this name: choose another" in response.content.decode()


def test_a_round_keeps_its_own_name_but_cannot_be_renamed_as_another(client_for, programme_manager):
    RoundFactory(name="Small grants 2028")
    round_ = RoundFactory(status=Round.Status.DRAFT, name="Small grants 2029")
    url = reverse("applications:round_details", kwargs={"pk": round_.pk})
    client = client_for(programme_manager)
    form = {"name": "Small grants 2028", "reference_prefix": round_.reference_prefix, "summary": "Grants.",
            "opens_on_0": "1", "opens_on_1": "4", "opens_on_2": "2030",
            "closes_on_0": "30", "closes_on_1": "6", "closes_on_2": "2030", "quarters": "4"}
    assert "Another round has this name" in client.post(url, form).content.decode()
    assert client.post(url, {**form, "name": "Small grants 2029"}).status_code == 302


def test_the_payments_page_sets_a_tranche_schedule_that_pays_the_whole_grant(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT, quarters=4)
    client = client_for(programme_manager)
    url = reverse("applications:round_payments", kwargs={"pk": round_.pk})
    shown = client.get(url).content.decode()
    assert 'name="share_quarter_4" value="25"' in shown and 'name="share_quarter_3"' in shown
    form = {"offer_acceptance_days": "21", "return_due_days": "30", "share_acceptance": "60", "share_quarter_4": "30"}
    refused = client.post(url, form).content.decode()
    assert "The parts add up to 90% of the grant: they must add up to 100%." in refused
    assert client.post(url, {**form, "share_quarter_4": "40"}).url == reverse("applications:round_setup",
                                                                           kwargs={"pk": round_.pk})
    round_.refresh_from_db()
    assert round_.offer_acceptance_days == 21
    assert round_.tranche_schedule == [{"share": "60", "after": "acceptance"},
                                       {"share": "40", "after": "return", "quarter": 4}]
    client.post(url, {**form, "share_quarter_4": "30", "share_end_report": "10"})
    round_.refresh_from_db()
    assert round_.tranche_schedule[-1] == {"share": "10", "after": "end_report"}
    assert 'name="share_end_report" value="10"' in client.get(url).content.decode()


def test_the_eligibility_page_can_stop_asking_about_staff(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT, minimum_disabled_staff_share=50)
    response = client_for(programme_manager).post(reverse("applications:round_eligibility", kwargs={"pk": round_.pk}), {
        "minimum_disabled_board_share": "51", "requires_disabled_leader": "True", "minimum_disabled_staff_share": "",
        "income_cap": "250,000", "requires_safeguarding_policy": "True", "requires_governing_document": "False",
        "required_documents": ["accounts"],
    })
    assert response.status_code == 302
    round_.refresh_from_db()
    assert (round_.minimum_disabled_board_share, round_.minimum_disabled_staff_share, round_.income_cap) == (
        51, None, Decimal("250000.00"))
    assert (round_.requires_governing_document, round_.required_documents) == (False, ["accounts"])


def test_an_open_rounds_details_page_asks_only_for_its_name_and_summary(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.OPEN, name="Old name")
    closes_at = round_.closes_at
    client = client_for(programme_manager)
    url = reverse("applications:round_details", kwargs={"pk": round_.pk})
    page = client.get(url).content.decode()
    assert 'name="summary"' in page and 'name="closes_on_0"' not in page
    assert "only its name and summary can change" in page and "Grant period in quarters" in page
    response = client.post(url, {"name": "New name", "summary": "Clearer words.", "closes_on_0": "1",
                                 "closes_on_1": "1", "closes_on_2": "2031"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert (round_.name, round_.summary, round_.closes_at) == ("New name", "Clearer words.", closes_at)
    money = client.get(reverse("applications:round_money", kwargs={"pk": round_.pk})).content.decode()
    assert "these settings can no longer change" in money and ">Save and return to the set-up<" not in money


def test_a_draft_rounds_money_page_sets_when_a_change_to_a_grant_needs_a_second_manager(client_for,
                                                                                       programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    client = client_for(programme_manager)
    url = reverse("applications:round_money", kwargs={"pk": round_.pk})
    page = client.get(url).content.decode()
    assert 'name="variation_threshold" value="10"' in page and "Does a later end date always need" in page
    money = {"budget": "100000", "minimum_award": "1000", "maximum_award": "10000"}
    refused = client.post(url, {**money, "variation_threshold": "120", "variation_later_end_needs_second": "True"})
    assert "The share of the grant must be 100 or fewer" in refused.content.decode()
    response = client.post(url, {**money, "variation_threshold": "15", "variation_later_end_needs_second": "False"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert (round_.variation_threshold, round_.variation_later_end_needs_second) == (15, False)


def test_a_programme_manager_adds_a_criterion_saying_what_every_score_means(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT, score_scale_max=3)
    client = client_for(programme_manager)
    url = reverse("applications:criterion_new", kwargs={"pk": round_.pk})
    form = {"name": "Need", "guidance": "", "weight": "100", "means_0": "None", "means_1": "Weak", "means_2": "Good"}
    refused = client.post(url, form).content.decode()
    assert "Enter what a score of 3 means" in refused
    assert client.post(url, {**form, "means_3": "Strong"}).status_code == 302
    page = client.get(reverse("applications:round_criteria", kwargs={"pk": round_.pk})).content.decode()
    assert "Need" in page and "4 of 4 scores described" in page and "<strong>100%</strong>" in page
    criterion = round_.criteria.get()
    assert "value=\"Strong\"" in client.get(
        reverse("applications:criterion_edit", kwargs={"pk": round_.pk, "criterion_pk": criterion.pk})
    ).content.decode()
    tasks = client.get(reverse("applications:round_setup", kwargs={"pk": round_.pk})).content.decode()
    assert "has no criteria" not in tasks and "weights add up" not in tasks


def test_the_criteria_page_says_when_the_weights_do_not_add_up(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    CriterionFactory(round=round_, weight=Decimal("60"))
    page = client_for(programme_manager).get(reverse("applications:round_criteria", kwargs={"pk": round_.pk}))
    assert "The criteria&#x27;s weights add up to 60%: they must add up to 100%." in page.content.decode()


def test_a_criterion_is_removed_after_the_manager_confirms(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    criterion = CriterionFactory(round=round_, name="Reach")
    client = client_for(programme_manager)
    url = reverse("applications:criterion_remove", kwargs={"pk": round_.pk, "criterion_pk": criterion.pk})
    assert "Are you sure you want to remove the criterion Reach?" in client.get(url).content.decode()
    assert round_.criteria.exists()
    client.post(url)
    assert not round_.criteria.exists()


def test_a_programme_manager_adds_the_standard_indicators_and_one_of_their_own(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    client = client_for(programme_manager)
    url = reverse("applications:round_indicators", kwargs={"pk": round_.pk})
    added = client.post(url, follow=True).content.decode()
    assert f"Added {len(STANDARD_INDICATORS)} standard indicators." in added
    assert "The round has every standard indicator already." in client.post(url, follow=True).content.decode()
    response = client.post(reverse("applications:indicator_new", kwargs={"pk": round_.pk}), {
        "name": "Peer support groups held", "guidance": "", "kind": "count", "unit": "number", "has_target": "True",
        "part_of": "",
    })
    assert response.url == url
    assert round_.indicators.get(name="Peer support groups held").code == "peer-support-groups-held"


def test_a_survey_indicator_needs_two_answers_and_is_counted_in_numbers(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    client = client_for(programme_manager)
    new = reverse("applications:indicator_new", kwargs={"pk": round_.pk})
    survey = {"name": "Satisfied with how the police kept them informed", "guidance": "", "kind": "survey",
              "unit": "percentage", "has_target": "False", "part_of": "", "options": "Satisfied\n\nsatisfied"}
    page = client.post(new, survey).content.decode()
    assert "Give each category or answer once" in page
    assert "Only an indicator given as one number can be a percentage" in page
    response = client.post(new, {**survey, "unit": "number", "options": " Satisfied \nNeither\nDissatisfied\n"})
    assert response.status_code == 302
    indicator = round_.indicators.get()
    assert (indicator.kind, indicator.options) == ("survey", ["Satisfied", "Neither", "Dissatisfied"])
    change = reverse("applications:indicator_edit", kwargs={"pk": round_.pk, "indicator_pk": indicator.pk})
    assert "Satisfied\nNeither\nDissatisfied</textarea>" in client.get(change).content.decode()


def test_an_open_rounds_indicators_are_shown_but_not_offered_for_change(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.OPEN)
    indicator = IndicatorFactory(round=round_)
    client = client_for(programme_manager)
    page = client.get(reverse("applications:round_indicators", kwargs={"pk": round_.pk})).content.decode()
    assert indicator.name in page and "its indicators can no longer change here" in page
    assert reverse("applications:indicator_new", kwargs={"pk": round_.pk}) not in page
    refused = client.post(reverse("applications:round_indicators", kwargs={"pk": round_.pk}), follow=True)
    assert "its indicators can no longer change" in refused.content.decode()
    assert round_.indicators.count() == 1


def test_a_programme_manager_copies_a_round_from_its_page_and_lands_on_the_copys_set_up(client_for, programme_manager):
    source = RoundFactory(name="Small grants 2027", reference_prefix="SG27", status=Round.Status.COMPLETED)
    client = client_for(programme_manager)
    url = reverse("applications:round_copy", kwargs={"pk": source.pk})
    assert url in client.get(reverse("applications:manage_round", kwargs={"pk": source.pk})).content.decode()
    asked = client.get(url).content.decode()
    assert "No application, score or grant is copied." in asked and 'name="copies_seen" value="0"' in asked
    response = client.post(url, {"copies_seen": "0"}, follow=True)
    copy = Round.objects.get(reference_prefix="SG28")
    assert response.redirect_chain[-1][0] == reverse("applications:round_setup", kwargs={"pk": copy.pk})
    assert "Small grants 2027 is copied to Small grants 2027 (copy), a draft." in response.content.decode()
    # A second click on the same page makes no second copy.
    again = client.post(url, {"copies_seen": "0"}, HTTP_REFERER=url, follow=True)
    assert "has been copied since the page was opened" in again.content.decode()
    assert Round.objects.filter(name="Small grants 2027 (copy)").count() == 1


def test_an_open_rounds_criteria_cannot_be_reached_for_change(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.OPEN)
    criterion = CriterionFactory(round=round_)
    client = client_for(programme_manager)
    for name, kwargs in (("criterion_new", {}), ("criterion_edit", {"criterion_pk": criterion.pk}),
                         ("criterion_remove", {"criterion_pk": criterion.pk})):
        response = client.post(reverse(f"applications:{name}", kwargs={"pk": round_.pk, **kwargs}), follow=True)
        assert "its questions, criteria and indicators can no longer change" in response.content.decode()
    assert round_.criteria.get() == criterion


@pytest.mark.parametrize(("url_name", "field", "value", "message"), [
    ("round_payments", "share_acceptance", "0", "A share must be more than 0%"),
    ("round_payments", "share_acceptance", "150", "A share cannot be more than 100%"),
    ("criterion_new", "weight", "0", "The weight must be more than 0%"),
    ("criterion_new", "weight", "150", "The weight cannot be more than 100%"),
])
def test_a_percentage_out_of_range_is_explained_not_a_server_error(client_for, programme_manager, url_name, field,
                                                                    value, message):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    response = client_for(programme_manager).post(reverse(f"applications:{url_name}", kwargs={"pk": round_.pk}),
                                                  {field: value})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_saving_a_rounds_details_keeps_its_times_on_days_left_as_they_were(client_for, programme_manager):
    closes_at = (timezone.now() + timedelta(days=40)).replace(hour=12, minute=0, second=0, microsecond=0)
    round_ = RoundFactory(status=Round.Status.DRAFT, closes_at=closes_at, summary="Old words.")
    opens_at = round_.opens_at
    client = client_for(programme_manager)
    url = reverse("applications:round_details", kwargs={"pk": round_.pk})
    opens, closes = timezone.localtime(opens_at).date(), timezone.localtime(closes_at).date()
    form = {"name": round_.name, "reference_prefix": round_.reference_prefix, "summary": "New words.",
            "opens_on_0": opens.day, "opens_on_1": opens.month, "opens_on_2": opens.year, "closes_on_0": closes.day,
            "closes_on_1": closes.month, "closes_on_2": closes.year, "quarters": "4"}
    assert client.post(url, form).status_code == 302
    round_.refresh_from_db()
    assert (round_.summary, round_.opens_at, round_.closes_at) == ("New words.", opens_at, closes_at)
    # A grant too short for the schedule's payments is refused on the question that makes it so.
    refused = client.post(url, {**form, "quarters": "2"}).content.decode()
    assert "Part of each grant is paid after the quarter 4 return: change how grants are paid first" in refused
    # A closing day already past is refused at once, not found later on the task list.
    past = client.post(url, {**form, "opens_on_2": "2019", "closes_on_2": "2020"}).content.decode()
    assert "The closing date must be today or in the future" in past


def test_shares_and_weights_are_shown_as_people_write_them(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    criterion = CriterionFactory(round=round_, weight=Decimal("20.00"))
    client = client_for(programme_manager)
    payments = client.get(reverse("applications:round_payments", kwargs={"pk": round_.pk})).content.decode()
    assert 'value="50"' in payments and "5E+1" not in payments
    edit = client.get(reverse("applications:criterion_edit", kwargs={"pk": round_.pk, "criterion_pk": criterion.pk}))
    assert 'value="20"' in edit.content.decode()


def test_moderation_needs_a_gap_within_the_score_scale(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    response = client_for(programme_manager).post(reverse("applications:round_scoring", kwargs={"pk": round_.pk}), {
        "score_scale_max": "3", "assessors_per_application": "2", "moderation_threshold": "7",
        "tie_break": "smaller_request", "scores_due_days": "0",
    })
    page = response.content.decode()
    assert "Scores run from 0 to 3: enter a gap from 1 to 3" in page
    assert "Days after closing that assessors have to send their scores must be at least 1" in page


def test_removing_an_indicator_says_what_counted_as_part_of_it(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    whole = IndicatorFactory(round=round_, name="Reports made")
    IndicatorFactory(round=round_, name="Reports the police took", part_of=whole)
    page = client_for(programme_manager).get(
        reverse("applications:indicator_remove", kwargs={"pk": round_.pk, "indicator_pk": whole.pk})
    ).content.decode()
    assert "What counted as part of it (Reports the police took) will then stand on its own." in page


def test_a_closed_rounds_set_up_says_what_can_still_change_rather_than_what_is_missing(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.CLOSED)
    page = client_for(programme_manager).get(reverse("applications:round_setup", kwargs={"pk": round_.pk}))
    content = page.content.decode()
    assert "Name and summary can change" in content and content.count("Cannot change now") == 7
    assert "has no criteria" not in content and "Incomplete" not in content


def test_opening_a_round_whose_first_day_is_ahead_says_when_it_takes_applications(client_for, programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT, opens_at=timezone.now() + timedelta(days=5))
    page = client_for(programme_manager).get(
        reverse("applications:round_stage", kwargs={"pk": round_.pk, "status": "open"})
    ).content.decode()
    assert "will be able to start and send applications from" in page


def test_a_programme_manager_adds_a_section_and_a_conditional_question_through_the_pages(client_for, programme_manager):
    round_ = RoundFactory(status="draft", questions=False)
    client = client_for(programme_manager)
    questions_url = reverse("applications:round_questions", kwargs={"pk": round_.pk})
    assert "The round has no questions yet." in client.get(questions_url).content.decode()
    setup = client.get(reverse("applications:round_setup", kwargs={"pk": round_.pk})).content.decode()
    assert "The round has no questions for applicants to answer." in setup
    response = client.post(reverse("applications:section_new", kwargs={"pk": round_.pk}), {"title": "About you"})
    assert response.url == questions_url
    section = round_.sections.get()
    new_question = reverse("applications:question_new", kwargs={"pk": round_.pk, "section_pk": section.pk})
    client.post(new_question, {"label": "Are you Deaf-led?", "kind": "yes_no", "required": "True"})
    deaf_led = section.questions.get()
    response = client.post(new_question, {"label": "How do you work with interpreters?", "kind": "long_text",
                                          "required": "True", "max_words": "200", "shown_if": deaf_led.pk,
                                          "shown_if_answer": "Sometimes"})
    refused = response.content.decode()
    assert "Choose one of the answers to ‘Are you Deaf-led?’: Yes, No." in refused
    assert 'href="#id_shown_if_answer"' in refused  # the summary links to the setting to change
    client.post(new_question, {"label": "How do you work with interpreters?", "kind": "long_text", "required": "True",
                               "max_words": "200", "choices": "left over", "shown_if": deaf_led.pk,
                               "shown_if_answer": "Yes"})
    interpreters = section.questions.get(label="How do you work with interpreters?")
    assert (interpreters.max_words, interpreters.choices, interpreters.shown_if) == (200, [], deaf_led)
    page = client.get(questions_url).content.decode()
    assert "Asked only when the answer to ‘Are you Deaf-led?’ is Yes" in page
    assert "The round has no questions" not in client.get(reverse("applications:round_setup",
                                                                  kwargs={"pk": round_.pk})).content.decode()
    client.post(questions_url)
    assert [section.slug for section in round_.sections.order_by("position")] == ["about-you", "project"]

    # Moved: the standard questions first, then back to the moved section; never a question ahead of its answer.
    project = round_.sections.get(slug="project")
    page = client.get(questions_url).content.decode()
    assert page.count("Move up<span") == page.count("Move down<span") == 6 + 1  # one of each a question, a section
    move_project = reverse("applications:section_move", kwargs={"pk": round_.pk, "section_pk": project.pk})
    moved = client.post(move_project, {"direction": "up", "at": "1"})
    assert moved.url == f"{questions_url}#section-{project.pk}"
    assert "Your project moved up." in client.get(moved.url).content.decode()
    assert [section.slug for section in round_.sections.order_by("position")] == ["project", "about-you"]
    client.post(move_project, {"direction": "down", "at": "1"})  # a stale page, or a second click: moved once
    assert "Your project is already where it is shown" in client.get(questions_url).content.decode()
    assert [section.slug for section in round_.sections.order_by("position")] == ["project", "about-you"]
    refused = client.post(reverse("applications:question_move", kwargs={"pk": round_.pk, "question_pk": interpreters.pk}),
                          {"direction": "up"})
    assert refused.url == questions_url
    assert ("Not moved: ‘How do you work with interpreters?’ is asked only for an answer to ‘Are you Deaf-led?’, so it must come after it.") in client.get(questions_url).content.decode()


def test_a_programme_manager_asks_for_more_and_the_team_changes_only_that_section_and_sends_it_back(
    client_for, programme_manager, applicant, organisation
):
    from datetime import date, timedelta

    from django.utils import timezone

    from tests.applications.conftest import post_step, project_answers, step_url

    application = ApplicationFactory(organisation=organisation, complete=True, status="submitted",
                                     reference="R-0009", submitted_at=timezone.now())
    answers_given(application, title="Reporting centre", need="Few report.")
    manager = client_for(programme_manager)
    ask = reverse("applications:information_request", kwargs={"pk": application.pk})
    assert "Ask for more information" in manager.get(
        reverse("applications:manage_application", kwargs={"pk": application.pk})).content.decode()
    refused = manager.post(ask, {"message": ""}).content.decode()
    assert "Select at least one section to reopen" in refused and "Say what you need to know" in refused
    answer_by = date.today() + timedelta(days=7)
    response = manager.post(ask, {
        "sections": [application.round.sections.get().pk], "message": "How many people asked you for help?",
        "respond_by_0": answer_by.day, "respond_by_1": answer_by.month, "respond_by_2": answer_by.year,
    })
    assert response.url == reverse("applications:manage_application", kwargs={"pk": application.pk})
    round_page = reverse("applications:manage_round", kwargs={"pk": application.round.pk})
    assert "Waiting for more information, due" in manager.get(round_page).content.decode()

    team = client_for(applicant)
    page = team.get(reverse("applications:detail", kwargs={"pk": application.pk})).content.decode()
    assert "We need more information" in page and "How many people asked you for help?" in page
    assert team.get(step_url(application, "budget")).url == reverse("applications:detail", kwargs={"pk": application.pk})
    saved = post_step(team, application, "project", project_answers(need="Forty people asked us for help."))
    assert saved.url == reverse("applications:detail", kwargs={"pk": application.pk})
    staff_page = reverse("applications:manage_application", kwargs={"pk": application.pk})
    assert "Forty people asked us for help." not in manager.get(staff_page).content.decode()  # not sent yet
    assert "Forty people asked us for help." in team.get(step_url(application, "project")).content.decode()
    team.post(reverse("applications:information_send", kwargs={"pk": application.pk}))
    page = team.get(reverse("applications:detail", kwargs={"pk": application.pk})).content.decode()
    assert "We need more information" not in page
    assert "Waiting for more information" not in manager.get(round_page).content.decode()
    staff_page = manager.get(reverse("applications:manage_application", kwargs={"pk": application.pk})).content.decode()
    assert "Answered on" in staff_page and "Changed after we asked for more information" in staff_page
    assert "Few report." in staff_page and "Forty people asked us for help." in staff_page


def test_a_second_click_on_ask_for_more_information_asks_once_and_says_so(client_for, programme_manager):
    from datetime import date, timedelta

    from django.utils import timezone

    application = ApplicationFactory(complete=True, status="submitted", reference="R-0010",
                                     submitted_at=timezone.now())
    answer_by = date.today() + timedelta(days=7)
    data = {"sections": [application.round.sections.get().pk], "message": "More please.",
            "respond_by_0": answer_by.day, "respond_by_1": answer_by.month, "respond_by_2": answer_by.year}
    client = client_for(programme_manager)
    url = reverse("applications:information_request", kwargs={"pk": application.pk})
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 302
    assert application.information_requests.count() == 1
