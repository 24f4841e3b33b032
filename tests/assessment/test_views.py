import io
import re

import pytest
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from accounts.models import Role
from applications.models import Application
from assessment.models import Allocation, ModeratedScore
from assessment.selectors import ranking_for
from assessment.services import allocation_add, assessment_revise, assessment_save, conflict_declare
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


def test_the_running_total_leaves_out_applications_still_waiting_for_scores_or_moderation(
    client_for, programme_manager, round_, panel
):
    half = ApplicationFactory(round=round_, status="eligible", amount_requested="4000", reference="R-1")
    steady = ApplicationFactory(round=round_, status="eligible", amount_requested="6000", reference="R-2")
    apart = ApplicationFactory(round=round_, status="eligible", amount_requested="3000", reference="R-3")
    last = ApplicationFactory(round=round_, status="eligible", amount_requested="3000", reference="R-4")
    score_all(half, panel[:1], [5])
    score_all(steady, panel, [5, 4])
    score_all(apart, panel, [5, 3])
    score_all(last, panel, [3, 3])
    response = client_for(programme_manager).get(reverse("assessment:ranking", kwargs={"pk": round_.pk}))
    assert response.status_code == 200
    # Each row's last two cells, the running total and the funding line, by the application's reference.
    rows = {
        row.split("</a>")[0].rsplit(">", 1)[-1]: re.findall(r'<td class="govuk-table__cell[^"]*">(.*?)</td>', row)[-2:]
        for row in response.content.decode().split("<tr")[2:]
    }
    assert rows == {
        "R-1": ["–", "Not counted until all scores are in"], "R-2": ["£6,000", "Within the ringfence"],
        "R-3": ["–", "Not counted until moderated"], "R-4": ["£9,000", "Within the ringfence"],
    }


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
    with django_assert_max_num_queries(11):
        response = assessor.get(reverse("assessment:assessor_dashboard"))
    assert response.content.decode().count("Q-0") == min(count, 100)


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


@pytest.mark.parametrize("count", [3, 120])
def test_the_allocation_page_makes_the_same_queries_for_3_or_120_applications(
    client_for, programme_manager, round_, panel, count, django_assert_max_num_queries
):
    for n in range(count):
        application = ApplicationFactory(round=round_, status="eligible", reference=f"Q-{n:04d}")
        allocation = Allocation.objects.create(application=application, assessor=panel[n % 2])
        conflict_declare(allocation=allocation, has_conflict=n % 3 == 0, nature="Trustee" if n % 3 == 0 else "",
                         acting_user=panel[n % 2])
    client = client_for(programme_manager)
    url = reverse("assessment:allocations", kwargs={"pk": round_.pk})
    for page in (1, 2):
        with django_assert_max_num_queries(16):
            response = client.get(url, {"page": page})
        assert response.status_code == 200
        content = response.content.decode()
        assert '<h1 class="govuk-heading-l">Who scores what</h1>' in content
        # Past the last page is the last page: with 3 applications, page 2 shows those 3 again.
        shown = {1: min(count, 100), 2: count - 100 if count > 100 else count}[page]
        assert content.count("Take back<span") == shown


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


# Lists: paged, filters kept across pages, a fixed number of queries -------------------------------------------------


@pytest.fixture
def small_pages(monkeypatch):
    """Two rows a page, so that a few rows make several pages."""
    monkeypatch.setattr("core.paging.PAGE_SIZE", 2)


def short_of_assessors(round_, panel, count):
    """Eligible applications each with a conflict declared by the first panel member, so each has one possible
    assessor of the two needed."""
    applications = []
    for n in range(count):
        application = ApplicationFactory(round=round_, status="eligible", reference=f"S-{n:04d}")
        allocation = Allocation.objects.create(application=application, assessor=panel[0])
        conflict_declare(allocation=allocation, has_conflict=True, nature="Trustee", acting_user=panel[0])
        applications.append(application)
    return applications


def test_the_allocation_page_counts_the_shortfalls_of_the_whole_round_not_just_its_page(
    client_for, programme_manager, round_, panel, small_pages
):
    short_of_assessors(round_, panel, 5)
    ApplicationFactory(round=round_, status="eligible", reference="A-0001")
    content = client_for(programme_manager).get(reverse("assessment:allocations", kwargs={"pk": round_.pk})).content.decode()
    assert "5 applications have too few possible assessors" in content
    assert content.count("1 of the 2 needed") == 5


def test_the_allocation_page_names_the_first_ten_shortfalls_and_links_to_them_all(
    client_for, programme_manager, round_, panel
):
    short_of_assessors(round_, panel, 11)
    content = client_for(programme_manager).get(reverse("assessment:allocations", kwargs={"pk": round_.pk})).content.decode()
    assert "11 applications have too few possible assessors" in content
    assert content.count("1 of the 2 needed") == 10
    assert 'href="?shown=short">List all 11 applications with too few possible assessors</a>' in content


def test_the_allocation_filter_holds_on_the_next_page(client_for, programme_manager, round_, panel, small_pages):
    short_of_assessors(round_, panel, 3)
    for n in range(3):
        ApplicationFactory(round=round_, status="eligible", reference=f"A-{n:04d}")
    client = client_for(programme_manager)
    url = reverse("assessment:allocations", kwargs={"pk": round_.pk})
    first = client.get(url, {"shown": "short"}).content.decode()
    assert 'href="?shown=short&amp;page=2" rel="next"' in first
    second = client.get(url, {"shown": "short", "page": "2"})
    assert second.status_code == 200
    content = second.content.decode()
    assert "Page 2 of 2" in content and "S-0002" in content
    assert "S-0000" not in content.split("<table")[1] and "A-0000" not in content


@pytest.mark.parametrize("shown, references", [
    ("", ["A-0000", "A-0001", "F-0000", "S-0000"]), ("needing", ["A-0000", "A-0001", "S-0000"]), ("short", ["S-0000"]),
])
def test_the_allocation_page_lists_what_its_filter_asks_for(
    client_for, programme_manager, round_, panel, shown, references
):
    short_of_assessors(round_, panel, 1)
    for n in range(2):
        ApplicationFactory(round=round_, status="eligible", reference=f"A-{n:04d}")
    served = ApplicationFactory(round=round_, status="eligible", reference="F-0000")
    for assessor in panel:
        Allocation.objects.create(application=served, assessor=assessor)
    content = client_for(programme_manager).get(
        reverse("assessment:allocations", kwargs={"pk": round_.pk}), {"shown": shown}
    ).content.decode()
    table = content.split("<tbody")[1]
    listed = [reference for reference in ("A-0000", "A-0001", "F-0000", "S-0000") if f">{reference}<" in table]
    assert listed == references


def test_an_unknown_filter_or_page_in_the_address_shows_the_whole_list(client_for, programme_manager, round_, panel):
    ApplicationFactory(round=round_, status="eligible", reference="A-0000")
    client = client_for(programme_manager)
    for url in (reverse("assessment:allocations", kwargs={"pk": round_.pk}),
                reverse("assessment:screening", kwargs={"pk": round_.pk}),
                reverse("assessment:conflicts", kwargs={"pk": round_.pk})):
        response = client.get(url, {"shown": "nonsense", "status": "\x00", "conflicts_only": "maybe", "page": "-1x"})
        assert response.status_code == 200, url


def test_taking_back_an_allocation_returns_to_the_page_and_filter_it_was_pressed_on(
    client_for, programme_manager, round_, panel
):
    application = ApplicationFactory(round=round_, status="eligible")
    allocation = Allocation.objects.create(application=application, assessor=panel[0])
    response = client_for(programme_manager).post(
        reverse("assessment:unallocate", kwargs={"pk": allocation.pk}), {"page": "2", "shown": "needing"}
    )
    assert response.url == reverse("assessment:allocations", kwargs={"pk": round_.pk}) + "?page=2&shown=needing"
    assert not Allocation.objects.filter(pk=allocation.pk).exists()


def test_the_allocation_table_is_one_form_whose_buttons_each_take_back_their_own(
    client_for, programme_manager, round_, panel
):
    applications = [ApplicationFactory(round=round_, status="eligible") for _ in range(3)]
    allocations = [Allocation.objects.create(application=application, assessor=panel[0]) for application in applications]
    content = client_for(programme_manager).get(
        reverse("assessment:allocations", kwargs={"pk": round_.pk}), {"page": "1"}
    ).content.decode()
    table = content.split('<tbody class="govuk-table__body">')[1].split("</tbody>")[0]
    assert "<form" not in table
    assert '<input type="hidden" name="page" value="1">' in content
    for allocation in allocations:
        assert f'formaction="{reverse("assessment:unallocate", kwargs={"pk": allocation.pk})}"' in content


@pytest.mark.parametrize("count", [3, 120])
def test_the_screening_list_makes_the_same_queries_for_3_or_120_applications(
    client_for, programme_manager, round_, count, django_assert_max_num_queries
):
    for n in range(count):
        application = ApplicationFactory(round=round_, status="submitted" if n % 2 else "eligible", reference=f"Q-{n:04d}")
        ApplicationDocumentFactory(application=application)
    client = client_for(programme_manager)
    for page in (1, 2):
        with django_assert_max_num_queries(9):
            response = client.get(reverse("assessment:screening", kwargs={"pk": round_.pk}), {"page": page})
        assert response.status_code == 200
        content = response.content.decode()
        assert '<h1 class="govuk-heading-l">Screening</h1>' in content
        assert content.count('<td class="govuk-table__cell">1</td>') == {1: min(count, 100), 2: count - 100 if count > 100 else count}[page]


def test_the_screening_filter_holds_on_the_next_page(client_for, programme_manager, round_, small_pages):
    for n in range(5):
        ApplicationFactory(round=round_, status="submitted" if n % 2 else "eligible", reference=f"Q-{n:04d}")
    client = client_for(programme_manager)
    url = reverse("assessment:screening", kwargs={"pk": round_.pk})
    first = client.get(url, {"status": "eligible"}).content.decode()
    assert 'href="?status=eligible&amp;page=2" rel="next"' in first
    assert "Q-0000" in first and "Q-0002" in first and "Q-0001" not in first
    second = client.get(url, {"status": "eligible", "page": "2"}).content.decode()
    assert "Q-0004" in second and "Q-0003" not in second and "Page 2 of 2" in second


@pytest.mark.parametrize("count", [3, 120])
def test_the_register_of_interests_makes_the_same_queries_for_3_or_120_declarations(
    client_for, programme_manager, round_, panel, count, django_assert_max_num_queries
):
    for n in range(count):
        allocation = Allocation.objects.create(
            application=ApplicationFactory(round=round_, status="eligible", reference=f"Q-{n:04d}"), assessor=panel[n % 2]
        )
        conflict_declare(allocation=allocation, has_conflict=n % 3 == 0, nature="Trustee" if n % 3 == 0 else "",
                         acting_user=panel[n % 2])
    client = client_for(programme_manager)
    for page in (1, 2):
        with django_assert_max_num_queries(9):
            response = client.get(reverse("assessment:conflicts", kwargs={"pk": round_.pk}), {"page": page})
        assert response.status_code == 200
        content = response.content.decode()
        assert '<h1 class="govuk-heading-l">Register of declared interests</h1>' in content
        assert content.count("Q-0") == {1: min(count, 100), 2: count - 100 if count > 100 else count}[page]


def test_the_register_can_show_conflicts_only_on_every_page(client_for, programme_manager, round_, panel, small_pages):
    for n in range(6):
        allocation = Allocation.objects.create(
            application=ApplicationFactory(round=round_, status="eligible", reference=f"Q-{n:04d}"), assessor=panel[0]
        )
        conflict_declare(allocation=allocation, has_conflict=n < 3, nature="Trustee" if n < 3 else "",
                         acting_user=panel[0])
    client = client_for(programme_manager)
    url = reverse("assessment:conflicts", kwargs={"pk": round_.pk})
    first = client.get(url, {"conflicts_only": "yes"}).content.decode()
    assert 'href="?conflicts_only=yes&amp;page=2" rel="next"' in first
    second = client.get(url, {"conflicts_only": "yes", "page": "2"}).content.decode()
    assert "Page 2 of 2" in second
    assert second.count("Yes: Trustee") == 1 and ">No<" not in second


def test_the_register_caption_says_when_it_shows_conflicts_only_and_how_many(client_for, programme_manager, round_, panel):
    for n in range(3):
        allocation = Allocation.objects.create(
            application=ApplicationFactory(round=round_, status="eligible", reference=f"Q-{n:04d}"), assessor=panel[0]
        )
        conflict_declare(allocation=allocation, has_conflict=n < 2, nature="Trustee" if n < 2 else "",
                         acting_user=panel[0])
    client = client_for(programme_manager)
    url = reverse("assessment:conflicts", kwargs={"pk": round_.pk})
    every = client.get(url).content.decode()
    assert f"Every declaration in {escape(round_.name)}, conflicts first</caption>" in every
    response = client.get(url, {"conflicts_only": "yes"})
    assert response.status_code == 200
    conflicts = response.content.decode()
    assert f"2 conflicts declared in {escape(round_.name)}, newest first</caption>" in conflicts
    assert f'aria-label="Conflicts declared in {escape(round_.name)}"' in conflicts
    assert "Every declaration in" not in conflicts


@pytest.mark.parametrize("count", [3, 120])
def test_the_assessor_dashboard_makes_the_same_queries_for_3_or_120_allocations(
    client_for, round_, panel, count, django_assert_max_num_queries
):
    for n in range(count):
        application = ApplicationFactory(round=round_, status="eligible", reference=f"Q-{n:04d}")
        allocation = Allocation.objects.create(application=application, assessor=panel[0])
        if n % 2:
            conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=panel[0])
            assessment_save(allocation=allocation, acting_user=panel[0], submit=n % 4 == 1,
                            scores={c.pk: (3, "Reason") for c in round_.criteria.all()})
    client = client_for(panel[0])
    for page in (1, 2):
        with django_assert_max_num_queries(11):
            response = client.get(reverse("assessment:assessor_dashboard"), {"page": page})
        assert response.status_code == 200
        content = response.content.decode()
        assert '<h1 class="govuk-heading-l">Applications to score</h1>' in content
        assert content.count("Q-0") == {1: min(count, 100), 2: count - 100 if count > 100 else count}[page]


def test_the_assessor_dashboard_shows_each_allocations_progress(client_for, round_, panel):
    undeclared, conflicted, started, sent, revising = (
        Allocation.objects.create(application=ApplicationFactory(round=round_, status="eligible", reference=f"P-{n}"),
                                  assessor=panel[0])
        for n in range(5)
    )
    conflict_declare(allocation=conflicted, has_conflict=True, nature="Trustee", acting_user=panel[0])
    scores = {c.pk: (3, "Reason") for c in round_.criteria.all()}
    for allocation in (started, sent, revising):
        conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=panel[0])
        assessment_save(allocation=allocation, acting_user=panel[0], submit=allocation != started, scores=scores)
    assessment_revise(allocation=revising, acting_user=panel[0])
    rows = client_for(panel[0]).get(reverse("assessment:assessor_dashboard")).content.decode().split("<tr")[2:]
    progress = [row.split("Your progress")[0] for row in rows]
    assert "Declare your interests" in progress[0]
    assert "Conflict declared" in progress[1]
    assert "Draft" in progress[2] and "version" not in progress[2]
    assert "Sent" in progress[3]
    assert "Draft" in progress[4] and "(version 2)" in progress[4]


@pytest.mark.parametrize("weights", [(60, 40), (20, 20, 20, 20, 10, 10)])
def test_the_scoring_page_makes_the_same_few_queries_for_any_number_of_criteria(
    client_for, panel, weights, django_assert_max_num_queries
):
    round_ = RoundFactory()
    described_criteria(round_, weights)
    round_.assessors.add(*panel)
    application = ApplicationFactory(round=round_, status="eligible")
    allocation = Allocation.objects.create(application=application, assessor=panel[0])
    conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=panel[0])
    assessment_save(allocation=allocation, acting_user=panel[0], submit=True,
                    scores={c.pk: (3, f"Reason for {c.name}") for c in round_.criteria.all()})
    client = client_for(panel[0])
    # Before, one query a score and the criteria read seven times: 26 queries for 6 criteria. The answers come with
    # the round's questions and what changed after any request for more information.
    with django_assert_max_num_queries(19):
        response = client.get(reverse("assessment:assess", kwargs={"pk": allocation.pk}))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"Score {application.reference}" in content
    assert content.count("Reason for Criterion") == len(weights)


def test_adding_an_assessor_from_a_page_of_the_allocations_returns_to_that_page(
    client_for, programme_manager, round_, panel
):
    application = ApplicationFactory(round=round_, status="eligible", reference="Q-0001")
    client = client_for(programme_manager)
    listing = client.get(reverse("assessment:allocations", kwargs={"pk": round_.pk}), {"page": "1", "shown": "needing"})
    link = f'{reverse("assessment:allocate", kwargs={"pk": application.pk})}?page=1&amp;shown=needing'
    assert f'href="{link}"' in listing.content.decode()
    page = client.get(link.replace("&amp;", "&"))
    back = reverse("assessment:allocations", kwargs={"pk": round_.pk}) + "?page=1&amp;shown=needing"
    assert f'href="{back}" class="govuk-back-link"' in page.content.decode()
    response = client.post(link.replace("&amp;", "&"), {"assessor": panel[0].pk})
    assert response.url == back.replace("&amp;", "&")
    assert application.allocations.get().assessor == panel[0]


@pytest.mark.parametrize(("scored_count", "words"), [
    (0, "No application ready for a decision fits within it yet."),
    (1, "Of the applications ready for a decision, the top one asks for £1,000 and fits within it."),
    (2, "Of the applications ready for a decision, the top 2 ask for £2,000 in all and fit within it."),
])
def test_the_ranking_says_in_plain_words_how_many_fit_within_the_ringfence(
    client_for, programme_manager, scored_count, words
):
    round_ = RoundFactory(budget="100000.00", assessors_per_application=1)
    described_criteria(round_)
    assessor = UserFactory(role=Role.ASSESSOR)
    for _ in range(scored_count):
        application = ApplicationFactory(round=round_, status="eligible", amount_requested="1000.00")
        allocation = Allocation.objects.create(application=application, assessor=assessor)
        conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=assessor)
        assessment_save(allocation=allocation, acting_user=assessor, submit=True, scores={
            criterion.pk: (4, "Reason") for criterion in round_.criteria.all()
        })
    response = client_for(programme_manager).get(reverse("assessment:ranking", kwargs={"pk": round_.pk}))
    assert response.status_code == 200
    assert words in " ".join(response.content.decode().split())


def test_screening_an_application_goes_back_to_the_page_and_filter_it_was_opened_from(
    client_for, programme_manager, round_, small_pages
):
    for n in range(5):
        ApplicationFactory(round=round_, status="submitted", reference=f"Q-{n:04d}")
    client = client_for(programme_manager)
    listed = client.get(reverse("assessment:screening", kwargs={"pk": round_.pk}),
                        {"status": "submitted", "page": "2"}).content.decode()
    application = Application.objects.get(reference="Q-0002")
    screen = reverse("assessment:screen", kwargs={"pk": application.pk})
    assert f'href="{screen}?page=2&amp;status=submitted"' in listed
    page = client.get(screen, {"page": "2", "status": "submitted"}).content.decode()
    back = reverse("assessment:screening", kwargs={"pk": round_.pk}) + "?page=2&amp;status=submitted"
    assert f'href="{back}" class="govuk-back-link"' in page
    response = client.post(f"{screen}?page=2&status=submitted", {"eligible": "True", "reason": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:screening", kwargs={"pk": round_.pk}) + "?page=2&status=submitted"


def test_the_panel_page_lists_each_member_with_what_they_were_given_in_a_fixed_number_of_queries(
    client_for, programme_manager, round_, panel, django_assert_max_num_queries
):
    allocation_add(application=ApplicationFactory(round=round_, status="eligible"), assessor=panel[0],
                   acting_user=programme_manager)
    client = client_for(programme_manager)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("assessment:panel", kwargs={"pk": round_.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give their applications to others to take them off" in page
    assert page.count("Take off the panel<span") == len(panel) - 1
    removed = client.post(reverse("assessment:panel_remove", kwargs={"pk": round_.pk, "assessor_pk": panel[1].pk}),
                          follow=True)
    assert f"{panel[1]} is no longer on the panel for {round_}." in removed.content.decode()
    # Added from the panel page, the manager comes back to it.
    add = reverse("assessment:panel_add", kwargs={"pk": round_.pk}) + "?from=panel"
    assert add in page
    assert client.post(add, {"assessor": panel[1].pk}).url == reverse("assessment:panel", kwargs={"pk": round_.pk})
