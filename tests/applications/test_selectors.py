from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import Application, Round
from applications.selectors import applicant_status, round_current, round_open_for
from tests.factories import OrganisationFactory, RoundFactory

pytestmark = pytest.mark.django_db


def test_current_round_prefers_the_open_one_over_one_still_to_open():
    now = timezone.now()
    RoundFactory(status=Round.Status.DRAFT, opens_at=now + timedelta(days=5), closes_at=now + timedelta(days=50))
    upcoming = RoundFactory(opens_at=now + timedelta(days=10), closes_at=now + timedelta(days=40))
    assert round_current() == upcoming
    open_now = RoundFactory()
    assert round_current() == open_now


def test_current_round_falls_back_to_the_latest_closed_round():
    now = timezone.now()
    closed = RoundFactory(status=Round.Status.CLOSED, opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=1))
    assert round_current() == closed


def test_the_london_boroughs_are_loaded_with_their_police_areas():
    from applications.models import Borough

    assert Borough.objects.count() == 33
    hackney = Borough.objects.get(name="Hackney")
    assert (hackney.gss_code, hackney.bcu_code) == ("E09000012", "CE")
    assert Borough.objects.get(name="City of London").police_force == "City of London Police"


def test_a_round_is_open_from_its_opening_until_its_deadline_while_its_status_is_open():
    now = timezone.now()
    round_ = RoundFactory(opens_at=now - timedelta(days=1), closes_at=now + timedelta(hours=1))
    assert round_open_for(round_)
    assert not round_open_for(round_, moment=now + timedelta(hours=1))
    assert not round_open_for(round_, moment=now - timedelta(days=2))
    round_.status = Round.Status.CLOSED
    assert not round_open_for(round_)


def test_an_extension_keeps_the_round_open_for_that_organisation_only(programme_manager):
    from applications.services import extension_grant

    now = timezone.now()
    round_ = RoundFactory(opens_at=now - timedelta(days=9), closes_at=now - timedelta(hours=1))
    given, other = OrganisationFactory(), OrganisationFactory()
    extension_grant(round_=round_, organisation=given, closes_at=now + timedelta(days=2), reason="Hospital stay",
                    acting_user=programme_manager)
    assert round_open_for(round_, given)
    assert not round_open_for(round_, other)
    assert not round_open_for(round_)
    assert not round_open_for(round_, given, moment=now + timedelta(days=2))


@pytest.mark.parametrize(
    ("status", "decision_sent", "shown"),
    [
        ("draft", "", ("draft", "Draft")),
        ("submitted", "", ("submitted", "Submitted")),
        ("ineligible", "", ("ineligible", "Not eligible")),
        ("eligible", "", ("eligible", "Eligible")),
        ("scored", "", ("scored", "Being decided")),
        # Confirmed, letter not yet issued: the same word as before the decision.
        ("awarded", "", ("scored", "Being decided")),
        ("not_funded", "", ("scored", "Being decided")),
        ("awarded", "awarded", ("awarded", "Awarded")),
        ("not_funded", "not_funded", ("not_funded", "Not funded")),
        # Offered money after a "not funded" letter: still "Not funded" until the offer letter is issued.
        ("awarded", "not_funded", ("not_funded", "Not funded")),
        ("withdrawn", "", ("withdrawn", "Withdrawn")),
    ],
)
def test_the_applicant_sees_a_decision_only_once_its_letter_is_issued(status, decision_sent, shown):
    shown_to_them = applicant_status(Application(status=status, decision_sent=decision_sent))
    assert (shown_to_them.key, shown_to_them.label) == shown


def test_the_team_changing_an_application_sees_the_uploads_held_for_their_request_in_place_of_those_sent():
    from applications.models import InformationRequest, Question
    from applications.selectors import files_being_changed, recordings_being_changed
    from tests.factories import ApplicationFactory, FileAnswerFactory, MediaAnswerFactory, UserFactory

    application = ApplicationFactory(status="submitted")
    plan = Question.objects.create(section=application.round.sections.first(), code="plan", label="Plan?", kind="file")
    request = InformationRequest.objects.create(application=application, message="?", requested_by=UserFactory(),
                                                respond_by=timezone.now() + timedelta(days=7))
    FileAnswerFactory(application=application, question=plan, original_name="sent.pdf")
    assert files_being_changed(application, request) == {"plan": "sent.pdf"}
    FileAnswerFactory(application=application, question=plan, original_name="held.pdf", held_for=request)
    MediaAnswerFactory(application=application, question="need", held_for=request)
    assert files_being_changed(application, request) == {"plan": "held.pdf"}
    assert recordings_being_changed(application, request) == {"need"}
    # Without the request (a staff reader, or once answered) only the sent ones count.
    assert files_being_changed(application, None) == {"plan": "sent.pdf"}
    assert recordings_being_changed(application, None) == set()
