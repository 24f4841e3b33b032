import io

import pytest
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from accounts.models import Role
from applications.models import Application
from assessment.models import Allocation, ModeratedScore
from assessment.selectors import ranking_for
from assessment.services import assessment_save, conflict_declare
from assessment.spreadsheets import ranking_sheet
from tests.factories import (
    ApplicationDocumentFactory,
    ApplicationFactory,
    RoundFactory,
    UserFactory,
    described_criteria,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(db):
    round_ = RoundFactory(budget="20000.00")
    described_criteria(round_)
    return round_


@pytest.fixture
def panel(round_):
    assessors = [UserFactory(role=Role.ASSESSOR) for _ in range(2)]
    round_.assessors.add(*assessors)
    return assessors


def score_all(application, assessors, values):
    for assessor, value in zip(assessors, values):
        allocation = Allocation.objects.get_or_create(application=application, assessor=assessor)[0]
        if not application.conflict_declarations.filter(assessor=assessor).exists():
            conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=assessor)
        assessment_save(allocation=allocation, acting_user=assessor, submit=True,
                        scores={c.pk: (value, "Reason") for c in application.round.criteria.all()})


def test_an_assessor_must_declare_before_seeing_the_application(client_for, round_, panel):
    application = ApplicationFactory(round=round_, status="eligible", title="Secret project name")
    allocation = Allocation.objects.create(application=application, assessor=panel[0])
    client = client_for(panel[0])
    response = client.get(reverse("assessment:assess", kwargs={"pk": allocation.pk}))
    assert response.url == reverse("assessment:declare", kwargs={"pk": allocation.pk})
    declare_page = client.get(response.url).content.decode()
    assert "Secret project name" not in declare_page
    assert f'<a href="{reverse("assessment:assessor_dashboard")}" class="govuk-back-link">' in declare_page
    client.post(response.url, {"has_conflict": "False"})
    assert "Secret project name" in client.get(reverse("assessment:assess", kwargs={"pk": allocation.pk})).content.decode()


def test_a_conflict_hides_the_application_and_its_files_from_the_assessor(client_for, round_, panel):
    application = ApplicationFactory(round=round_, status="eligible")
    document = ApplicationDocumentFactory(application=application)
    allocation = Allocation.objects.create(application=application, assessor=panel[0])
    client = client_for(panel[0])
    response = client.post(reverse("assessment:declare", kwargs={"pk": allocation.pk}),
                           {"has_conflict": "True", "nature": "I chair their board"})
    assert response.url == reverse("assessment:assessor_dashboard")
    for url in [
        reverse("assessment:assess", kwargs={"pk": allocation.pk}),
        reverse("applications:pdf", kwargs={"pk": application.pk}),
        reverse("applications:document", kwargs={"pk": application.pk, "document_pk": document.pk}),
    ]:
        assert client.get(url).status_code == 404, url
    refused = client.post(reverse("assessment:assess", kwargs={"pk": allocation.pk}), {"submit": "1"})
    assert refused.status_code == 404
    again = client.get(reverse("assessment:declare", kwargs={"pk": allocation.pk}), follow=True)
    assert again.status_code == 200
    assert f"You declared a conflict of interest with {application.reference}" in again.content.decode()


def test_with_no_conflict_declared_the_assessor_reads_the_application_and_its_files(client_for, round_, panel):
    application = ApplicationFactory(round=round_, status="eligible")
    document = ApplicationDocumentFactory(application=application)
    allocation = Allocation.objects.create(application=application, assessor=panel[0])
    client = client_for(panel[0])
    files = [
        reverse("applications:pdf", kwargs={"pk": application.pk}),
        reverse("applications:document", kwargs={"pk": application.pk, "document_pk": document.pk}),
    ]
    assert [client.get(url).status_code for url in files] == [404, 404]
    client.post(reverse("assessment:declare", kwargs={"pk": allocation.pk}), {"has_conflict": "False"})
    assert [client.get(url).status_code for url in files] == [200, 200]


def test_a_conflict_needs_its_nature(client_for, round_, panel):
    allocation = Allocation.objects.create(application=ApplicationFactory(round=round_, status="eligible"), assessor=panel[0])
    response = client_for(panel[0]).post(reverse("assessment:declare", kwargs={"pk": allocation.pk}), {"has_conflict": "True"})
    assert "Say what the conflict is" in response.content.decode()


def test_another_assessors_allocation_is_not_found(client_for, round_, panel):
    allocation = Allocation.objects.create(application=ApplicationFactory(round=round_, status="eligible"), assessor=panel[0])
    assert client_for(panel[1]).get(reverse("assessment:assess", kwargs={"pk": allocation.pk})).status_code == 404


def test_scoring_on_the_page_saves_a_draft_then_sends(client_for, round_, panel):
    application = ApplicationFactory(round=round_, status="eligible")
    allocation = Allocation.objects.create(application=application, assessor=panel[0])
    conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=panel[0])
    client = client_for(panel[0])
    url = reverse("assessment:assess", kwargs={"pk": allocation.pk})
    criteria = list(round_.criteria.all())
    partial = {f"score_{criteria[0].pk}": "4", f"justification_{criteria[0].pk}": "Good", "save": "1"}
    assert client.post(url, partial).status_code == 302
    refused = client.post(url, {**partial, "submit": "1"})
    assert f"Choose a score for &#x27;{criteria[1]}&#x27;" in refused.content.decode()
    complete = {**partial, f"score_{criteria[1].pk}": "2", f"justification_{criteria[1].pk}": "Thin", "submit": "1"}
    assert client.post(url, complete).url == reverse("assessment:assessor_dashboard")
    assert allocation.assessments.get().status == "submitted"


def test_the_ranking_shows_totals_the_funding_line_and_flags(client_for, programme_manager, round_, panel):
    strong = ApplicationFactory(round=round_, status="eligible", amount_requested="15000", reference="R-1")
    weak = ApplicationFactory(round=round_, status="eligible", amount_requested="10000", reference="R-2")
    split = ApplicationFactory(round=round_, status="eligible", amount_requested="1000", reference="R-3")
    score_all(strong, panel, [5, 5])
    score_all(weak, panel, [3, 3])
    score_all(split, panel, [1, 5])
    content = client_for(programme_manager).get(reverse("assessment:ranking", kwargs={"pk": round_.pk})).content.decode()
    assert content.index("R-1") < content.index("R-3") < content.index("R-2")
    assert "Needs moderation: Criterion 1, Criterion 2" in content
    assert "Below the funding line" in content and "Within the ringfence" in content


def test_the_ranking_says_a_flag_holds_back_the_decision(client_for, programme_manager, round_, panel):
    split = ApplicationFactory(round=round_, status="eligible", reference="R-3")
    agreed = ApplicationFactory(round=round_, status="eligible", reference="R-4")
    score_all(split, panel, [1, 5])
    score_all(agreed, panel, [4, 4])
    content = client_for(programme_manager).get(reverse("assessment:ranking", kwargs={"pk": round_.pk})).content.decode()
    assert content.count("Cannot be decided until this is resolved:") == 1
    assert content.index("R-3") < content.index("Cannot be decided until this is resolved:") < content.index(
        "Needs moderation: Criterion 1, Criterion 2")


def test_the_ranking_says_how_many_scores_are_still_missing_for_each_application(
    client_for, programme_manager, round_, panel
):
    half = ApplicationFactory(round=round_, status="eligible", reference="R-5")
    ApplicationFactory(round=round_, status="eligible", reference="R-6")
    score_all(half, panel[:1], [4])
    response = client_for(programme_manager).get(reverse("assessment:ranking", kwargs={"pk": round_.pk}))
    assert response.status_code == 200
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in response.content.decode().split("<tr")[2:]}
    assert "1 of 2 scores in" in rows["R-5"] and "0 of 2 scores in" in rows["R-6"]
    assert all("Cannot be decided until this is resolved:" in row for row in rows.values())


def test_moderation_settles_a_flag_and_keeps_the_originals(client_for, programme_manager, round_, panel):
    application = ApplicationFactory(round=round_, status="eligible")
    score_all(application, panel, [1, 5])
    criterion = round_.criteria.first()
    client = client_for(programme_manager)
    url = reverse("assessment:moderate", kwargs={"pk": application.pk})
    page = client.get(url).content.decode()
    assert page.count("Needs moderation") == 2
    response = client.post(f"{url}?criterion={criterion.pk}", {"score": "3", "reason": "Panel discussion"})
    assert response.status_code == 302
    assert ModeratedScore.objects.get().score == 3
    page = client.get(url).content.decode()
    assert page.count("Needs moderation") == 1
    assert "<strong>1</strong>" in page and "<strong>5</strong>" in page


def test_screening_on_the_page_needs_a_reason_to_refuse(client_for, programme_manager, round_):
    application = ApplicationFactory(round=round_, status="submitted")
    client = client_for(programme_manager)
    url = reverse("assessment:screen", kwargs={"pk": application.pk})
    assert "Tell the applicant why" in client.post(url, {"eligible": "False", "reason": ""}).content.decode()
    client.post(url, {"eligible": "True", "reason": ""})
    application.refresh_from_db()
    assert application.status == Application.Status.ELIGIBLE


def test_automatic_allocation_from_the_page(client_for, programme_manager, round_, panel):
    ApplicationFactory(round=round_, status="eligible")
    client = client_for(programme_manager)
    response = client.post(reverse("assessment:allocations", kwargs={"pk": round_.pk}), {"auto": "1"}, follow=True)
    assert "2 new allocations made." in response.content.decode()


def make_scored_applications(round_, panel, count):
    for n in range(count):
        application = ApplicationFactory(round=round_, status="eligible", reference=f"Q-{n:04d}", amount_requested="1000")
        score_all(application, panel, [n % 6, (n + 1) % 6])


@pytest.mark.parametrize("count", [10, 200])
def test_the_ranking_and_assessor_dashboard_make_the_same_queries_for_10_or_200(
    client_for, programme_manager, round_, panel, count, django_assert_max_num_queries
):
    make_scored_applications(round_, panel, count)
    manager, assessor = client_for(programme_manager), client_for(panel[0])
    # Staff pages make one query more than applicants' pages: the second-factor device the session was verified with.
    with django_assert_max_num_queries(13):
        response = manager.get(reverse("assessment:ranking", kwargs={"pk": round_.pk}))
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        response = assessor.get(reverse("assessment:assessor_dashboard"))
    assert response.content.decode().count("Q-0") == min(count, 200)


def test_criterion_guidance_is_shown_as_written_never_run_as_a_template(client_for, round_, panel):
    guidance = "Ask {{ request.user.email }} about {% debug %} and {% load no_such_library %} <b>this</b>"
    round_.criteria.filter(position=0).update(guidance=guidance)
    application = ApplicationFactory(round=round_, status="eligible")
    allocation = Allocation.objects.create(application=application, assessor=panel[0])
    conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=panel[0])
    response = client_for(panel[0]).get(reverse("assessment:assess", kwargs={"pk": allocation.pk}))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"Weight: 60%. {escape(guidance)}" in content
    assert panel[0].email not in content


def test_the_ranking_download_holds_what_the_filters_show(client_for, programme_manager, round_, panel, exported):
    scored = ApplicationFactory(round=round_, status="eligible", reference="R-1")
    score_all(scored, panel, [4, 4])
    ApplicationFactory(round=round_, status="eligible", reference="R-2")
    manager = client_for(programme_manager)
    page = manager.get(reverse("assessment:ranking", kwargs={"pk": round_.pk}), {"status": "scored"}).content.decode()
    download = reverse("assessment:ranking_export", kwargs={"pk": round_.pk, "file_format": "csv"})
    assert f'formaction="{download}"' in page
    assert '<input type="hidden" name="status" value="scored">' in page
    response = exported(manager, download, {"status": "scored", "borough": ""})
    assert response["Content-Disposition"] == f'attachment; filename="{round_.reference_prefix}-ranking.csv"'
    narrowed = b"".join(response.streaming_content).decode()
    assert "R-1" in narrowed and "R-2" not in narrowed
    whole = b"".join(exported(manager, download).streaming_content).decode()
    assert "R-1" in whole and "R-2" in whole
    round_.refresh_from_db()  # the budget as the database holds it, a Decimal
    assert whole == ranking_sheet(ranking_for(round_), "csv")[0]


def test_the_ranking_download_as_xlsx_is_the_spreadsheet(client_for, programme_manager, round_, panel, exported):
    score_all(ApplicationFactory(round=round_, status="eligible", reference="R-1"), panel, [4, 4])
    manager = client_for(programme_manager)
    response = exported(manager, reverse("assessment:ranking_export", kwargs={"pk": round_.pk, "file_format": "xlsx"}))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert "R-1" in [cell.value for cell in sheet["A"]] + [cell.value for cell in sheet["B"]]


# Allocation choices and the panel -----------------------------------------------------------------------------------


def assessor_choices(response) -> set[str]:
    import re

    return set(re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', response.content.decode()))


def test_add_an_assessor_lists_only_those_who_can_take_the_application(client_for, programme_manager, round_):
    names = ("Free Assessor", "Given Assessor", "Conflicted Assessor")
    free, given, conflicted = (UserFactory(role=Role.ASSESSOR, full_name=name) for name in names)
    UserFactory(role=Role.ASSESSOR, full_name="Off Panel Assessor")
    round_.assessors.add(free, given, conflicted)
    application = ApplicationFactory(round=round_, status="eligible")
    Allocation.objects.create(application=application, assessor=given)
    declared = Allocation.objects.create(application=application, assessor=conflicted)
    conflict_declare(allocation=declared, has_conflict=True, nature="I am a trustee", acting_user=conflicted)
    declared.delete()  # taken back after the conflict, as the programme manager would
    response = client_for(programme_manager).get(reverse("assessment:allocate", kwargs={"pk": application.pk}))
    assert response.status_code == 200
    assert assessor_choices(response) == {"Free Assessor"}


def test_when_nobody_on_the_panel_can_take_it_the_page_says_to_add_a_panel_member(
    client_for, programme_manager, round_, panel
):
    application = ApplicationFactory(round=round_, status="eligible")
    for assessor in panel:
        Allocation.objects.create(application=application, assessor=assessor)
    response = client_for(programme_manager).get(reverse("assessment:allocate", kwargs={"pk": application.pk}))
    assert assessor_choices(response) == set()
    content = response.content.decode()
    assert "Nobody else on the panel can take this application" in content
    assert reverse("assessment:panel_add", kwargs={"pk": round_.pk}) in content


def test_the_allocation_page_names_the_applications_with_too_few_possible_assessors(
    client_for, programme_manager, round_, panel
):
    short = ApplicationFactory(round=round_, status="eligible", reference="DHC27-0001")
    ApplicationFactory(round=round_, status="eligible", reference="DHC27-0002")
    not_yet_taken_back = ApplicationFactory(round=round_, status="eligible", reference="DHC27-0003")
    allocation = Allocation.objects.create(application=short, assessor=panel[0])
    conflict_declare(allocation=allocation, has_conflict=True, nature="My sister runs it", acting_user=panel[0])
    allocation.delete()
    allocation = Allocation.objects.create(application=not_yet_taken_back, assessor=panel[1])
    conflict_declare(allocation=allocation, has_conflict=True, nature="I am a trustee", acting_user=panel[1])
    content = client_for(programme_manager).get(reverse("assessment:allocations", kwargs={"pk": round_.pk})).content.decode()
    assert "2 applications have too few possible assessors" in content
    assert "DHC27-0001 (" in content and "DHC27-0003 (" in content
    assert content.count("1 of the 2 needed") == 2
    assert "DHC27-0002 (" not in content
    assert "Add a panel member" in content


def test_the_allocation_page_says_nothing_is_short_when_the_panel_is_big_enough(client_for, programme_manager, round_,
                                                                                 panel):
    ApplicationFactory(round=round_, status="eligible")
    content = client_for(programme_manager).get(reverse("assessment:allocations", kwargs={"pk": round_.pk})).content.decode()
    assert "too few possible assessors" not in content


@pytest.mark.parametrize("count", [5, 60])
def test_the_allocation_page_makes_the_same_queries_for_5_or_60_applications(
    client_for, programme_manager, round_, panel, count, django_assert_max_num_queries
):
    for n in range(count):
        application = ApplicationFactory(round=round_, status="eligible", reference=f"Q-{n:04d}")
        allocation = Allocation.objects.create(application=application, assessor=panel[n % 2])
        conflict_declare(allocation=allocation, has_conflict=n % 3 == 0, nature="Trustee" if n % 3 == 0 else "",
                         acting_user=panel[n % 2])
    client = client_for(programme_manager)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("assessment:allocations", kwargs={"pk": round_.pk}))
    assert response.status_code == 200
    assert response.content.decode().count("Q-0") >= count


def test_a_programme_manager_adds_a_panel_member_from_the_page(client_for, programme_manager, round_, panel):
    newcomer = UserFactory(role=Role.ASSESSOR, full_name="Nadia Newcomer", email="nadia@example.org")
    UserFactory(role=Role.FINANCE_OFFICER, full_name="Fin Officer")
    client = client_for(programme_manager)
    url = reverse("assessment:panel_add", kwargs={"pk": round_.pk})
    page = client.get(url)
    assert assessor_choices(page) == {"Nadia Newcomer (nadia@example.org)"}
    refused = client.post(url, {"assessor": ""})
    assert "Choose who should join the panel" in refused.content.decode()
    response = client.post(url, {"assessor": newcomer.pk}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("assessment:allocations", kwargs={"pk": round_.pk})
    assert f"Nadia Newcomer is now on the panel for {round_}." in response.content.decode()
    assert round_.assessors.filter(pk=newcomer.pk).exists()


def test_a_panel_member_already_added_in_another_tab_is_refused_politely(client_for, programme_manager, round_, panel):
    url = reverse("assessment:panel_add", kwargs={"pk": round_.pk})
    response = client_for(programme_manager).post(url, {"assessor": panel[0].pk})
    assert response.status_code == 200
    assert "They may have joined the panel since the page was opened." in response.content.decode()


def test_choosing_an_assessor_who_has_since_declared_a_conflict_says_why(client_for, programme_manager, round_, panel):
    application = ApplicationFactory(round=round_, status="eligible")
    client = client_for(programme_manager)
    url = reverse("assessment:allocate", kwargs={"pk": application.pk})
    allocation = Allocation.objects.create(application=application, assessor=panel[0])
    conflict_declare(allocation=allocation, has_conflict=True, nature="Trustee", acting_user=panel[0])
    allocation.delete()
    for chosen, message in [(panel[0].pk, "has declared a conflict of interest"), ("99999999999", "Choose an assessor from"),
                            ("x", "Choose an assessor from")]:
        response = client.post(url, {"assessor": chosen})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not application.allocations.exists()
