"""What every benchmark shares: a throwaway database, migrated, and a way to time a request."""

import atexit
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def _temporary_database_url(folder: Path) -> str:
    """A new PostgreSQL database, dropped at exit, on the server a postgres DATABASE_URL names; else a SQLite file."""
    given = urlsplit(os.environ.get("DATABASE_URL", ""))
    if given.scheme not in {"postgres", "postgresql"}:
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    import psycopg

    name = f"bench_{os.getpid()}"
    server = given._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    atexit.register(drop)
    return given._replace(path=f"/{name}").geturl()


def django_on_a_temporary_database() -> Path:
    """Points Django at a new database and migrates it: PostgreSQL when DATABASE_URL names a server, else a SQLite
    file. Returns a temporary folder for the run's files."""
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = _temporary_database_url(folder)
    os.environ["MEDIA_ROOT"] = str(folder / "media")
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


def median_ms(action, runs: int, warm_up: int = 3, before=None) -> float:
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
