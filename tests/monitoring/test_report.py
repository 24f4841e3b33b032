import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications.eligibility import is_disabled_led
from applications.services import round_add_standard_indicators
from core.models import AuditEvent
from monitoring.audit import AuditAction
from monitoring.figures import SplitFigure
from monitoring.models import ProgrammeReport, Return
from monitoring.report import disabled_led_share, report_content
from monitoring.services import ReturnError, programme_report_issue
from tests.factories import RoundFactory
from tests.monitoring.test_outcomes import accepted_grant, file_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(programme_manager):
    round_ = RoundFactory()
    round_add_standard_indicators(round_=round_, acting_user=programme_manager)
    return round_


def satisfied(very, neither, unhappy, asked):
    return SplitFigure({"Very or fairly satisfied": very, "Neither satisfied nor dissatisfied": neither,
                        "Fairly or very dissatisfied": unhappy}, asked=asked)


@pytest.fixture
def reported(round_, programme_manager):
    east = accepted_grant(round_, programme_manager, ["E09000012", "E09000030"])
    file_return(east, 1, {"victims_supported": 12, "reports_with_support": 9, "police_report_taken": 3,
                          "incidents_by_borough": SplitFigure({"E09000012": 2, "E09000030": 7}),
                          "satisfaction_overall": satisfied(2, 1, 1, 6)}, programme_manager)
    file_return(east, 2, {"victims_supported": 20, "reports_with_support": 10, "police_report_taken": 8,
                          "incidents_by_borough": SplitFigure({"E09000012": 4, "E09000030": 6}),
                          "satisfaction_overall": satisfied(6, 2, 2, 12)}, programme_manager)
    Return.objects.filter(award=east, quarter=2).update(case_study="A woman we supported reported abuse at her bus "
                                                                  "stop; the police recorded it as a hate crime.")
    return east


def rows_of(content, heading):
    return {row[0]: row[1:] for row in next(s for s in content.sections if s.heading == heading).rows}


def test_the_report_reads_this_quarter_against_the_last_with_small_figures_hidden(round_, reported):
    content = report_content(round_, 2, ["A story."], issued_on=reported.starts_on)
    assert rows_of(content, "Reach")["Disabled victims supported"] == ["20", "12"]
    assert rows_of(content, "What the police did")["Police took the report"] == ["8", "<5"]
    # Satisfaction: 6 of 10 answers this quarter; last quarter only 4 answered, too few to show a share.
    assert rows_of(content, "Satisfaction with the police")["Satisfaction with the police: overall"] == [
        "60%", "Too few answers"]
    assert rows_of(content, "Hotspots: incidents by police BCU")["Central East BCU"] == ["10", "9"]
    assert rows_of(content, "Money")["Ringfenced budget"] == [f"£{round_.budget:,.0f}"]


def test_the_share_going_to_organisations_led_by_disabled_people_comes_from_their_eligibility_answers(
    round_, reported, programme_manager
):
    assert is_disabled_led({"board_size": 8, "disabled_board_members": 5, "leader_is_disabled": True})
    assert not is_disabled_led({"board_size": 8, "disabled_board_members": 4, "leader_is_disabled": True})
    assert not is_disabled_led({"board_size": 8, "disabled_board_members": 8, "leader_is_disabled": False})
    other = accepted_grant(round_, programme_manager, ["E09000007"])
    led, not_led = reported.application.eligibility_check, other.application.eligibility_check
    led.answers = {**led.answers, "board_size": 6, "disabled_board_members": 6, "leader_is_disabled": True}
    not_led.answers = {**not_led.answers, "board_size": 6, "disabled_board_members": 1, "leader_is_disabled": True}
    led.save()
    not_led.save()
    type(reported).objects.filter(pk=reported.pk).update(amount=Decimal("3000"))
    type(other).objects.filter(pk=other.pk).update(amount=Decimal("1000"))
    assert disabled_led_share(round_) == "75%"


def test_an_issued_report_is_kept_as_issued_with_the_stories_chosen(round_, reported, programme_manager,
                                                                    client_for):
    story = Return.objects.get(award=reported, quarter=2)
    with pytest.raises(ReturnError, match="Choose one of the round's quarters"):
        programme_report_issue(round_=round_, quarter=9, story_returns=[], acting_user=programme_manager)
    with pytest.raises(ReturnError, match="Choose stories from the quarter's accepted returns"):
        programme_report_issue(round_=round_, quarter=1, story_returns=[story.pk], acting_user=programme_manager)
    client = client_for(programme_manager)
    new = reverse("monitoring:programme_report_new", kwargs={"pk": round_.pk, "quarter": 2})
    form = client.get(new).content.decode()
    assert "recorded it as a hate crime" in form and "1 of 1 so far" in form and "Only" not in form
    assert client.post(new, {"stories": [str(story.pk)]}).status_code == 302
    report = ProgrammeReport.objects.get()
    assert report.stories == [story.case_study]
    assert AuditEvent.objects.filter(action=AuditAction.PROGRAMME_REPORT_ISSUED, data={"quarter": 2}).exists()
    listed = client.get(reverse("monitoring:programme_reports", kwargs={"pk": round_.pk})).content.decode()
    assert "Quarter 2" in listed
    pdf = client.get(reverse("monitoring:programme_report", kwargs={"pk": report.pk, "kind": "pdf"}))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages)
    assert "quarter 2" in text and "recorded it as a hate crime" in text and "Central East BCU" in text
    assert "It counts 1 of the 1 grants' returns for quarter 2" in text
    # Later figures do not change it.
    Return.objects.filter(award=reported, quarter=2).update(status="submitted")
    again = client.get(reverse("monitoring:programme_report", kwargs={"pk": report.pk, "kind": "csv"}))
    assert "Disabled victims supported,20,12" in b"".join(again.streaming_content).decode("utf-8-sig")
    assert client.get(reverse("monitoring:programme_report", kwargs={"pk": report.pk, "kind": "docx"})
                      ).status_code == 404


def test_a_second_click_issues_the_report_once(round_, reported, programme_manager, client_for):
    client = client_for(programme_manager)
    new = reverse("monitoring:programme_report_new", kwargs={"pk": round_.pk, "quarter": 1})
    assert 'name="seen" value="0"' in client.get(new).content.decode()
    for _ in range(2):
        assert client.post(new, {"seen": "0"}).status_code == 302
    assert ProgrammeReport.objects.count() == 1
    assert client.post(new, {"seen": str(ProgrammeReport.objects.get().pk)}).status_code == 302
    assert ProgrammeReport.objects.count() == 2


def test_the_report_page_warns_while_returns_for_the_quarter_wait_to_be_accepted(
    round_, reported, programme_manager, client_for
):
    accepted_grant(round_, programme_manager, ["E09000007"])  # its quarter 2 return is not sent yet
    page = client_for(programme_manager).get(
        reverse("monitoring:programme_report_new", kwargs={"pk": round_.pk, "quarter": 2})).content.decode()
    assert "Only 1 of the 2 returns for this quarter is accepted" in page
