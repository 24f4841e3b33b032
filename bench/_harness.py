"""What every benchmark shares: a throwaway database (SQLite, or PostgreSQL when asked), migrated, and a way to time
a request."""

import atexit
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def django_on_a_temporary_database() -> Path:
    """Points Django at a new database and migrates it: a SQLite file in a temporary folder, or, when
    BENCH_DATABASE_URL (else DATABASE_URL) names a PostgreSQL server, a new database on that server, dropped when the
    benchmark exits. Either way the database named in the URL is left alone. Returns the temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    os.environ["DATABASE_URL"] = (
        _temporary_postgresql_database(server) if server.startswith(("postgres:", "postgresql:"))
        else f"sqlite:///{folder / 'bench.sqlite3'}"
    )
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    # A cache of its own too, shared by every process the benchmark starts, unless CACHE_URL names a server.
    os.environ.setdefault("CACHE_URL", f"file://{folder / 'cache'}")
    os.environ["DEBUG"] = "1"  # development settings: no HTTPS redirect, static files without collectstatic
    import warnings

    import django
    from django.conf import settings

    warnings.filterwarnings("ignore", message="No directory at")  # static files come from the finders here
    from django.core.management import call_command

    django.setup()
    settings.DEBUG = False  # but measure as production runs: no SQL logging, no debug pages
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    return folder


def _temporary_postgresql_database(server_url: str) -> str:
    """Creates a database with a new name on the server `server_url` points at and drops it at exit; returns its URL."""
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(server_url)
    # The maintenance database every PostgreSQL server has, so the one in the URL need not exist.
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    atexit.register(drop)
    return urlunsplit(parts._replace(path=f"/{name}"))


# Untimed runs before a page is timed. A worker keeps its database connection between requests (CONN_MAX_AGE), so a
# live page runs on a connection that has run its queries many times; on a new one, PostgreSQL prepares each query
# after its fifth run (config/settings.py), and the few requests around that are slower than every later one.
WARM_UP = 8


def median_ms(action, runs: int, warm_up: int = WARM_UP, before=None) -> float:
    """The median time of `action`; `before`, if given, runs untimed ahead of each run (to reset what it changed)."""
    timings = []
    for run in range(warm_up + runs):
        if before:
            before()
        started = time.perf_counter()
        action()
        if run >= warm_up:
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def finish(line: str, met: bool) -> None:
    """Prints the one closing line, figure and target, and exits non-zero when the target is missed."""
    print(line)
    sys.exit(0 if met else 1)


def statistics_gathered() -> None:
    """After seeding in bulk, PostgreSQL plans from the table statistics its autovacuum gathers within a minute of a
    load like this; gathered now, the benchmark measures the plans a live database uses, not those of empty tables."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
