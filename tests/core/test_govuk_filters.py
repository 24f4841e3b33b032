from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.templatetags.govuk import (
    TAG_COLOURS,
    govuk_date,
    govuk_datetime,
    govuk_duration,
    govuk_time,
    pounds,
    status_tag,
    tag_colours_add,
)

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [(12, 0, "midday"), (0, 0, "midnight"), (9, 0, "9am"), (17, 30, "5:30pm"), (23, 59, "11:59pm")],
)
def test_times_read_as_people_say_them(hour, minute, expected):
    assert govuk_time(datetime(2027, 1, 5, hour, minute, tzinfo=LONDON)) == expected


def test_dates_are_shown_in_london_time_even_when_stored_in_utc():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (British Summer Time).
    moment = datetime(2027, 6, 30, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert govuk_datetime(moment) == "1 July 2027 at 12:30am"
    assert govuk_date(moment) == "1 July 2027"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(Decimal("15000.00"), "£15,000"), (Decimal("1250.50"), "£1,250.50"), ("0.05", "£0.05"), (Decimal("150000"), "£150,000")],
)
def test_money_is_shown_in_pounds_with_pence_only_when_there_are_some(amount, expected):
    assert pounds(amount) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(1800, "30 minutes"), (60, "1 minute"), (90, "1 minute 30 seconds"), (40, "40 seconds"), (1, "1 second")],
)
def test_durations_read_naturally_even_when_not_whole_minutes(seconds, expected):
    assert govuk_duration(seconds) == expected


def test_each_app_gives_its_own_status_words_their_colours():
    assert status_tag("awarded", "Awarded") == {"label": "Awarded", "colour": "govuk-tag--green"}
    assert status_tag("no app uses this word")["colour"] == "govuk-tag--grey"


def test_a_status_word_cannot_be_given_two_colours(monkeypatch):
    monkeypatch.setattr("core.templatetags.govuk.TAG_COLOURS", dict(TAG_COLOURS))
    tag_colours_add({"awarded": "govuk-tag--green", "paused": "govuk-tag--yellow"})
    with pytest.raises(ImproperlyConfigured, match="awarded"):
        tag_colours_add({"awarded": "govuk-tag--red"})
