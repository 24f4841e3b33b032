"""What every benchmark shares: a throwaway SQLite database, migrated, and a way to time a request."""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_on_a_temporary_database() -> Path:
    """Points Django at a new SQLite file in a temporary folder and migrates it. Returns the folder."""
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
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
