import json

import pytest
from django.urls import reverse

from applications.models import Round
from applications.services import round_add_standard_indicators
from monitoring.figures import SplitFigure
from monitoring.public import public_results
from tests.factories import RoundFactory
from tests.monitoring.test_outcomes import accepted_grant, file_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(programme_manager):
    round_ = RoundFactory(status=Round.Status.MONITORING)
    round_add_standard_indicators(round_=round_, acting_user=programme_manager)
    return round_


def test_anyone_reads_the_ringfence_and_the_outcomes_with_small_figures_hidden(client, round_, programme_manager):
    east = accepted_grant(round_, programme_manager, ["E09000012", "E09000030"])
    north = accepted_grant(round_, programme_manager, ["E09000007"])
    file_return(east, 1, {"victims_supported": 14, "repeat_victims": 3, "reports_with_support": 12,
                          "incidents_by_borough": SplitFigure({"E09000012": 5, "E09000030": 6}),
                          "satisfaction_overall": SplitFigure({"Very or fairly satisfied": 4,
                                                               "Neither satisfied nor dissatisfied": 1,
                                                               "Fairly or very dissatisfied": 1}, asked=8),
                          "satisfaction_contact": SplitFigure({"Very or fairly satisfied": 2,
                                                               "Neither satisfied nor dissatisfied": 1,
                                                               "Fairly or very dissatisfied": 0}, asked=3)},
                programme_manager)
    file_return(north, 1, {"victims_supported": 2, "reports_with_support": 2,
                           "incidents_by_borough": SplitFigure({"E09000007": 2})}, programme_manager)
    results = public_results(round_)
    counts = dict(results.counts)
    assert counts["Disabled victims supported"] == "16" and counts["Repeat victims among those supported"] == "<5"
    # Central North's 2 is hidden, so Central East's 11 is hidden too: the total would give the 2 away.
    assert results.hotspots == [("Central East BCU", "<5"), ("Central North BCU", "<5")]
    assert results.hotspots_total == "13"
    satisfaction = dict(results.satisfaction)
    assert satisfaction["Satisfaction with the police: overall"] == "67%"
    assert satisfaction["Satisfaction with the police: ease of contact"] == "Too few answers to show"
    page = client.get(reverse("monitoring:round_results", kwargs={"pk": round_.pk})).content.decode()
    assert "Where the money goes and what it achieves" in page and "Committed to grants" in page
    grants = client.get(reverse("monitoring:round_grants_file", kwargs={"pk": round_.pk}))
    published = json.loads(b"".join(grants.streaming_content))
    assert len(published["grants"]) == 2 and "deiDetails" in published["grants"][0]


def test_a_round_being_set_up_has_no_public_page(client):
    draft = RoundFactory(status=Round.Status.DRAFT)
    assert client.get(reverse("monitoring:round_results", kwargs={"pk": draft.pk})).status_code == 404
    assert client.get(reverse("monitoring:round_grants_file", kwargs={"pk": draft.pk})).status_code == 404
