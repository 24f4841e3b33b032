import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import OutcomeTarget
from applications.services import round_add_standard_indicators
from grants.services import award_accept
from monitoring.models import Return
from monitoring.outcomes import Chart, chart_summary, round_outcomes
from monitoring.services import return_review, return_save, return_submit
from monitoring.spreadsheets import outcomes_sheet
from tests.factories import AwardFactory, RoundFactory, award_started_months_ago, every_figure
from tests.formulae import FORMULAE, assert_shown_as_text

pytestmark = pytest.mark.django_db


def accepted_grant(round_, programme_manager, boroughs):
    award = AwardFactory(application__round=round_, round=round_)
    award.application.boroughs.set(boroughs)
    award_accept(award=award, name="Amara", role="Chair", acting_user=programme_manager)
    return award_started_months_ago(award, 6)  # quarters 1 and 2 have ended


def file_return(award, quarter, counts, programme_manager, *, accept=True):
    monitoring_return = award.returns.get(quarter=quarter)
    return_save(monitoring_return=monitoring_return, counts=every_figure(award, counts), spending={}, narrative={},
                acting_user=programme_manager)
    return_submit(monitoring_return=monitoring_return, declarant_name="Amara", acting_user=programme_manager)
    if accept:
        return_review(monitoring_return=monitoring_return, accept=True, comments="", acting_user=programme_manager)


@pytest.fixture
def round_(programme_manager):
    round_ = RoundFactory()
    round_add_standard_indicators(round_=round_, acting_user=programme_manager)
    return round_


@pytest.fixture
def reported(round_, programme_manager):
    """Two grants: one in Hackney and Tower Hamlets (both Central East BCU), one in Camden (Central North)."""
    east = accepted_grant(round_, programme_manager, ["E09000012", "E09000030"])
    north = accepted_grant(round_, programme_manager, ["E09000007"])
    supported = round_.indicators.get(code="victims_supported")
    for award in (east, north):
        OutcomeTarget.objects.create(application=award.application, indicator=supported, quarter=1, target=20)
    file_return(east, 1, {"victims_supported": 10, "reports_with_support": 8, "police_report_taken": 6,
                          "police_report_declined": 2, "police_response_poor": 3}, programme_manager)
    file_return(north, 1, {"victims_supported": 5}, programme_manager)
    file_return(north, 2, {"victims_supported": 100}, programme_manager, accept=False)
    return east, north


def totals(breakdown, code):
    column = [indicator.code for indicator in breakdown.indicators].index(code)
    return {group: values[column] for group, _, values in breakdown.rows()}


def test_only_accepted_returns_count_in_the_totals(round_, reported):
    outcomes = round_outcomes(round_)
    supported = next(row for row in outcomes.totals if row.indicator.code == "victims_supported")
    assert (supported.actual, supported.target, supported.percent, supported.under_target) == (15, 40, 38, True)
    assert outcomes.returns_counted == 2
    assert outcomes.returns_waiting == 1


def test_outcomes_by_quarter(round_, reported):
    assert totals(round_outcomes(round_).by_quarter, "victims_supported") == {
        "Quarter 1": 15, "Quarter 2": 0, "Quarter 3": 0, "Quarter 4": 0,
    }


def test_a_grant_counts_in_each_of_its_boroughs_but_once_in_its_bcu(round_, reported):
    outcomes = round_outcomes(round_)
    assert totals(outcomes.by_borough, "victims_supported") == {"Camden": 5, "Hackney": 10, "Tower Hamlets": 10}
    assert totals(outcomes.by_bcu, "victims_supported") == {"Central East BCU": 10, "Central North BCU": 5}


def test_a_grant_in_the_city_counts_under_its_police_force_and_one_without_a_borough_is_shown_apart(
    round_, reported, programme_manager
):
    file_return(accepted_grant(round_, programme_manager, ["E09000001"]), 1, {"victims_supported": 3}, programme_manager)
    file_return(accepted_grant(round_, programme_manager, []), 1, {"victims_supported": 4}, programme_manager)
    outcomes = round_outcomes(round_)
    assert totals(outcomes.by_borough, "victims_supported") == {
        "Camden": 5, "City of London": 3, "Hackney": 10, "Tower Hamlets": 10, "Borough not given": 4,
    }
    assert totals(outcomes.by_bcu, "victims_supported") == {
        "Central East BCU": 10, "Central North BCU": 5, "City of London Police": 3, "Borough not given": 4,
    }
    assert [(group, grants) for group, grants, _ in outcomes.by_bcu.rows()] == [
        ("Central East BCU", 1), ("Central North BCU", 1), ("City of London Police", 1), ("Borough not given", 1),
    ]


def test_targets_count_by_borough_and_bcu_only_for_the_quarters_accepted(round_, reported):
    east, north = reported
    supported = round_.indicators.get(code="victims_supported")
    OutcomeTarget.objects.create(application=north.application, indicator=supported, quarter=2, target=30)
    outcomes = round_outcomes(round_)
    column = [indicator.code for indicator in outcomes.indicators].index("victims_supported")
    assert {group: outcomes.by_bcu.target[group, supported.pk] for group in outcomes.by_bcu.groups} == {
        "Central East BCU": 20, "Central North BCU": 20,
    }
    assert outcomes.by_quarter.target["Quarter 2", supported.pk] == 0
    row = outcomes.totals[column]
    assert (row.target, row.whole_grant_target) == (40, 70)


@pytest.mark.parametrize("more", [0, 6])
def test_the_figures_take_the_same_queries_however_many_grants(round_, reported, programme_manager, more,
                                                              django_assert_max_num_queries):
    for number in range(more):
        boroughs = [["E09000012", "E09000030"], ["E09000001"], []][number % 3]
        file_return(accepted_grant(round_, programme_manager, boroughs), 1, {"victims_supported": 1}, programme_manager)
    with django_assert_max_num_queries(16):
        outcomes = round_outcomes(round_)
        assert outcomes.grants == 2 + more and outcomes.returns_counted == 2 + more


def test_the_police_responses_are_shares_of_the_reports_made_with_support(round_, reported):
    police = {row.indicator.code: (row.count, row.percent) for row in round_outcomes(round_).police}
    assert police == {"police_report_taken": (6, 75), "police_report_declined": (2, 25), "police_response_poor": (3, 38)}


def test_late_returns_are_listed(round_, reported):
    east, _ = reported
    late = east.returns.get(quarter=2)
    Return.objects.filter(pk=late.pk).update(due_on=late.due_on.replace(year=2000))
    assert round_outcomes(round_).late == [late]


def test_the_dashboard_counts_late_returns_and_links_to_them_in_the_returns_list(client_for, programme_manager, round_,
                                                                                  reported):
    east, _ = reported
    late = east.returns.get(quarter=2)
    Return.objects.filter(pk=late.pk).update(due_on=late.due_on.replace(year=2000))
    client = client_for(programme_manager)
    response = client.get(reverse("monitoring:outcomes", kwargs={"pk": round_.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    link = f'{reverse("monitoring:returns")}?show=late&amp;round={round_.pk}'
    assert f'1 return is past its due date. <a class="govuk-link" href="{link}">' in page
    listed = client.get(reverse("monitoring:returns"), {"show": "late", "round": round_.pk}).content.decode()
    assert reverse("monitoring:review", kwargs={"pk": late.pk}) in listed


def test_a_chart_says_in_words_what_its_bars_show():
    assert chart_summary(["Quarter 1", "Quarter 2", "Quarter 3"], [12, 45, 30], "", additive=True) == (
        "Highest: Quarter 2, 45. Then Quarter 3, 30. Lowest: Quarter 1, 12. 87 in all."
    )
    assert chart_summary(["Victims", "Sessions"], [80, 110], "%") == "Highest: Sessions, 110%. Lowest: Victims, 80%."
    assert chart_summary(["Hackney", "Camden"], [4, 3], "") == "Highest: Hackney, 4. Lowest: Camden, 3."
    assert Chart("x", "Empty", ["Quarter 1"], [0], "").summary == "Nothing has been reported here yet."


def test_the_dashboard_makes_the_same_queries_however_many_grants(client_for, programme_manager, round_, reported,
                                                                     django_assert_max_num_queries):
    client = client_for(programme_manager)
    url = reverse("monitoring:outcomes", kwargs={"pk": round_.pk})
    client.get(url)
    # 22 for the page, and one for the second-factor device the manager's session was verified with.
    with django_assert_max_num_queries(23):
        response = client.get(url)
    page = response.content.decode()
    for _ in range(5):
        file_return(accepted_grant(round_, programme_manager, ["E09000001"]), 1, {"victims_supported": 1}, programme_manager)
    with django_assert_max_num_queries(23):
        more = client.get(url)
    for shown in (response, more):
        assert shown.status_code == 200
        assert '<h1 class="govuk-heading-l">Outcomes</h1>' in shown.content.decode()
    assert "Highest: Quarter 1, 15." in page
    assert 'id="chart-by_borough"' in page
    assert "Central East BCU" in page


def test_the_dashboard_downloads_as_csv_and_xlsx(client_for, programme_manager, round_, reported):
    client = client_for(programme_manager)
    response = client.get(reverse("monitoring:outcomes_download", kwargs={"pk": round_.pk, "file_format": "csv"}))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {"Breakdown": "Borough", "Group": "Hackney", "Indicator code": "victims_supported",
            "Indicator": "Disabled victims supported", "Actual": "10", "Target for the same quarters": "20"} in rows
    response = client.get(reverse("monitoring:outcomes_download", kwargs={"pk": round_.pk, "file_format": "xlsx"}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:3] == ["Breakdown", "Group", "Indicator code"]
    assert sheet.max_row == len(rows) + 1


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("typed", FORMULAE)
def test_the_outcomes_download_shows_an_indicator_name_that_looks_like_a_formula_as_text(round_, typed, file_format):
    round_.indicators.filter(code="victims_supported").update(name=typed)
    content, _ = outcomes_sheet(round_outcomes(round_), file_format)
    assert_shown_as_text(content, file_format, typed)


def test_an_unknown_download_format_is_not_found(client_for, programme_manager, round_):
    response = client_for(programme_manager).get(f"/manage/rounds/{round_.pk}/outcomes.pdf")
    assert response.status_code == 404


def test_a_round_with_nothing_reported_says_so(client_for, programme_manager, round_):
    page = client_for(programme_manager).get(reverse("monitoring:outcomes", kwargs={"pk": round_.pk})).content.decode()
    assert "Nothing has been reported here yet." in page
    assert "chart.umd.min.js" in page


def test_the_parts_are_summed_by_quarter_with_boroughs_rolled_up_into_bcus_and_surveys_asked_and_answered(
    round_, programme_manager, client_for
):
    from monitoring.figures import SplitFigure

    east = accepted_grant(round_, programme_manager, ["E09000012", "E09000030"])  # Hackney, Tower Hamlets: Central East
    north = accepted_grant(round_, programme_manager, ["E09000007"])  # Camden: Central North
    file_return(east, 1, {"reports_with_support": 9, "incidents_by_borough": SplitFigure({"E09000012": 4,
                                                                                          "E09000030": 5}),
                          "satisfaction_overall": SplitFigure({"Very or fairly satisfied": 3,
                                                               "Neither satisfied nor dissatisfied": 1,
                                                               "Fairly or very dissatisfied": 0}, asked=6)},
                programme_manager)
    file_return(north, 1, {"reports_with_support": 2, "incidents_by_borough": SplitFigure({"E09000007": 2}),
                           "satisfaction_overall": SplitFigure({"Very or fairly satisfied": 1,
                                                                "Neither satisfied nor dissatisfied": 0,
                                                                "Fairly or very dissatisfied": 1}, asked=2)},
                programme_manager)
    file_return(north, 2, {"reports_with_support": 3, "incidents_by_borough": SplitFigure({"E09000007": 3})},
                programme_manager, accept=False)
    tables = {table.key: table for table in round_outcomes(round_).parts}
    by_borough = tables["parts_incidents_by_borough"]
    assert by_borough.with_totals() == [("Camden", [2, 0, 0, 0], 2), ("Hackney", [4, 0, 0, 0], 4),
                                        ("Tower Hamlets", [5, 0, 0, 0], 5)]
    assert tables["parts_incidents_by_borough_bcu"].rows == [("Central East BCU", [9, 0, 0, 0]),
                                                             ("Central North BCU", [2, 0, 0, 0])]
    satisfaction = tables["parts_satisfaction_overall"]
    assert (satisfaction.asked, satisfaction.answered) == ([8, 0, 0, 0], [6, 0, 0, 0])
    assert satisfaction.rows[0] == ("Very or fairly satisfied", [4, 0, 0, 0])
    assert satisfaction.first_answer_shares == [67, None, None, None]
    lines = {(line.breakdown, line.group, line.indicator.code): line.actual for line in round_outcomes(round_).export_rows()}
    assert lines["Police BCU and quarter", "Central East BCU, Quarter 1", "incidents_by_borough"] == 9
    assert lines["Answer and quarter", "People asked, Quarter 1", "satisfaction_overall"] == 8
    assert lines["Answer and quarter", "Very or fairly satisfied, Quarter 1", "satisfaction_overall"] == 4
    page = client_for(programme_manager).get(reverse("monitoring:outcomes", kwargs={"pk": round_.pk}))
    assert "Not for publication" in page.content.decode() and "Central East BCU" in page.content.decode()
    assert "Very or fairly satisfied: share of answers" in page.content.decode()
