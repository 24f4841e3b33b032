from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session

from core.sessions import SessionStore, session_refresh, session_refresh_due, session_seconds_left

pytestmark = pytest.mark.django_db

STARTED = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
TIMEOUT = timedelta(seconds=settings.SESSION_COOKIE_AGE)


def stored_end(session) -> datetime:
    return Session.objects.get(session_key=session.session_key).expire_date


def test_a_new_session_ends_a_full_timeout_after_it_is_made():
    with time_machine.travel(STARTED, tick=False):
        session = SessionStore()
        session["cart"] = "anything"
        session.save()
        assert stored_end(session) == STARTED + TIMEOUT
        assert session_seconds_left(session) == settings.SESSION_COOKIE_AGE


def test_writing_the_session_for_another_reason_keeps_its_end():
    with time_machine.travel(STARTED, tick=False) as clock:
        session = SessionStore()
        session.save()
        clock.shift(30)
        session["message"] = "Saved"
        session.save()
        assert stored_end(session) == STARTED + TIMEOUT
        assert session_seconds_left(session) == settings.SESSION_COOKIE_AGE - 30


def test_a_refresh_starts_the_timeout_again_from_now():
    with time_machine.travel(STARTED, tick=False) as clock:
        session = SessionStore()
        session.save()
        clock.shift(90)
        session_refresh(session)
        session.save()
        assert stored_end(session) == STARTED + timedelta(seconds=90) + TIMEOUT


def test_seconds_left_are_rounded_up_so_the_page_never_ends_before_the_server():
    with time_machine.travel(STARTED, tick=False) as clock:
        session = SessionStore()
        session.save()
        clock.shift(0.4)
        assert session_seconds_left(session) == settings.SESSION_COOKIE_AGE


@pytest.mark.parametrize(("seconds", "due"), [(0, False), (59.9, False), (60, True), (600, True)])
def test_a_refresh_is_due_once_a_minute(seconds, due):
    with time_machine.travel(STARTED, tick=False) as clock:
        session = SessionStore()
        session.save()
        clock.shift(seconds)
        assert session_refresh_due(SessionStore(session.session_key)) is due


def test_a_short_timeout_is_refreshed_more_often_than_once_a_minute(settings):
    settings.SESSION_COOKIE_AGE = 8
    with time_machine.travel(STARTED, tick=False) as clock:
        session = SessionStore()
        session.save()
        clock.shift(2)
        assert session_refresh_due(SessionStore(session.session_key))


def test_no_session_is_made_or_refreshed_for_a_visitor_without_one():
    assert not session_refresh_due(SessionStore())
    assert not session_refresh_due(SessionStore("no-such-session-key-000000000000"))
    assert not Session.objects.exists()


def test_a_session_is_read_from_the_cache_without_asking_the_database(django_assert_num_queries):
    session = SessionStore()
    session["cart"] = "anything"
    session.save()
    with django_assert_num_queries(0):
        assert SessionStore(session.session_key)["cart"] == "anything"


def test_the_cache_keeps_a_session_written_late_in_its_spell_no_longer_than_the_database():
    with time_machine.travel(STARTED, tick=False) as clock:
        session = SessionStore()
        session.save()
        clock.shift(50)
        session["message"] = "Saved"
        session.save()
        clock.shift(settings.SESSION_COOKIE_AGE - 50 + 1)
        assert SessionStore(session.session_key).load() == {}
