"""Sessions that end after exactly the inactivity timeout, yet are written at most once a minute, not on every request.

The session keeps the moment its timeout last started again. The database's expiry is always that moment plus the
timeout, whatever else writes the session, so the page can tell the person exactly when the server will end it.

A session is read from the cache, and from the database only when the cache does not hold it: the cache keeps it
until the same moment the database's expiry says, never longer.
"""

import math
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.utils import timezone

REFRESHED_AT = "_session_refreshed_at"
# A request within this long of the last refresh does not write the session: the person loses at most this much of
# their timeout, and the page says how much is left, so the warning and the sign-out still come when the server's do.
REFRESH_AFTER_SECONDS = 60


def _refresh_after_seconds() -> float:
    # A short timeout (as the browser tests set) is started again more often, or a page could never refresh it.
    return min(REFRESH_AFTER_SECONDS, settings.SESSION_COOKIE_AGE / 4)


def _refreshed_at(data) -> datetime:
    stamp = data.get(REFRESHED_AT)
    return timezone.now() if stamp is None else datetime.fromtimestamp(stamp, tz=UTC)


def session_ends_at(session) -> datetime:
    return session.get_expiry_date(modification=_refreshed_at(session))


def session_refresh(session) -> None:
    """Starts the inactivity timeout again from now; the session is written when the response is sent."""
    session[REFRESHED_AT] = timezone.now().timestamp()


def session_refresh_due(session) -> bool:
    """Whether this request should start the timeout again: a live session last refreshed a minute or more ago."""
    refreshed_at = session.get(REFRESHED_AT)  # loads the session first: an ended or unknown one has no key then
    if session.session_key is None:
        return False
    return refreshed_at is None or timezone.now().timestamp() - refreshed_at >= _refresh_after_seconds()


def session_seconds_left(session) -> int:
    # Rounded up: a page that counted down to a moment before the server's end would find the person still signed in.
    return max(0, math.ceil((session_ends_at(session) - timezone.now()).total_seconds()))


class SessionStore(cached_db.SessionStore):
    """Django's cached database sessions, expiring a timeout after the last refresh rather than after the last
    write, in the database and in the cache alike."""

    def load(self):
        data = super().load()
        refreshed_at = data.get(REFRESHED_AT)
        # Over at the moment the database's expiry says, whether or not the cache has let it go yet.
        if refreshed_at is not None and timezone.now().timestamp() >= refreshed_at + self.get_session_cookie_age():
            self._session_key = None
            return {}
        return data

    def get_expiry_age(self, **kwargs):
        if kwargs:
            return super().get_expiry_age(**kwargs)
        # Asked when the session is written to the cache: how long it has left, not a whole timeout from now.
        return super().get_expiry_age(expiry=session_ends_at(self))

    def create_model_instance(self, data):
        data.setdefault(REFRESHED_AT, timezone.now().timestamp())
        instance = super().create_model_instance(data)
        instance.expire_date = self.get_expiry_date(modification=_refreshed_at(data))
        return instance
