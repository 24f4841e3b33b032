import os
import re
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction

PROJECT = Path(__file__).resolve().parents[2]


def manage(*args, **environment):
    # A production environment: none of the development or test switches the suite itself may have set.
    test_only = {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in test_only}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deployment_checklist():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="grants.example.org", CACHE_URL="redis://cache:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("cache", "why"), [
    # The default, files on one machine, cannot count rate limits atomically.
    ({}, "does not support atomic increment"),
    # Each worker would keep its own rate-limit counts, sessions and unread counts.
    ({"CACHE_URL": "locmem://"}, "is not a shared cache"),
])
def test_production_refuses_a_cache_that_is_not_a_shared_server(cache, why):
    result = manage("check", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="grants.example.org", **cache)
    assert result.returncode != 0
    assert why in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", SECRET_KEY="", ALLOWED_HOSTS="grants.example.org")
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment" in result.stderr


@pytest.mark.parametrize("value", ["1", "true", "yes", "on"])
def test_env_bool_reads_the_usual_ways_of_saying_yes(monkeypatch, value):
    from config.settings import env_bool

    monkeypatch.setenv("SOME_FLAG", value)
    assert env_bool("SOME_FLAG") is True


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    from config.settings import env_list

    monkeypatch.setenv("SOME_LIST", " a.example.org, ,b.example.org ")
    assert env_list("SOME_LIST") == ["a.example.org", "b.example.org"]


INLINE_SCRIPT_OR_STYLE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=")


def test_no_template_needs_an_exception_to_the_content_security_policy():
    # The browser tests catch refusals on the pages they visit; this catches the pages they do not.
    offending = [
        f"{path.relative_to(PROJECT)}: {match.group(0)}"
        for path in sorted((PROJECT / "templates").rglob("*.html"))
        for match in INLINE_SCRIPT_OR_STYLE.finditer(path.read_text())
    ]
    assert not offending, "Inline script, style or event handlers, which the policy refuses:\n" + "\n".join(offending)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="how SQLite shares its file between web server and worker")
@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_write_waits_for_another_process_writing_rather_than_failing():
    assert connection.cursor().execute("PRAGMA journal_mode").fetchone() == ("wal",)
    holding, released = threading.Event(), []

    def worker_writing():
        with transaction.atomic():
            Group.objects.create(name="the worker's write")
            holding.set()
            time.sleep(1)
            released.append(time.monotonic())
        connection.close()

    thread = threading.Thread(target=worker_writing)
    thread.start()
    assert holding.wait(timeout=30), "the other writer did not start"
    # Reading goes on beside the writer (WAL). A transaction that reads then writes waits its turn from its start
    # (IMMEDIATE, with the timeout): begun as a plain read, it could not write after the other's commit, and failed.
    assert not Group.objects.exists()
    with transaction.atomic():
        Group.objects.create(name=f"the web server's write, after {Group.objects.count()}")
        written = time.monotonic()
    thread.join()
    assert written >= released[0]
    assert Group.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
@pytest.mark.django_db
def test_on_postgresql_a_connection_prepares_the_reads_of_one_object_it_runs_again_and_again_and_no_other_query():
    for _ in range(6):
        Group.objects.filter(name="panel").first()
        Group.objects.filter(name="panel").count()
        with pytest.raises(Group.DoesNotExist):
            Group.objects.get(name="panel")
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert [statement for statement in prepared if "auth_group" in statement] == [
        'SELECT "auth_group"."id", "auth_group"."name" FROM "auth_group" WHERE "auth_group"."name" = $1 LIMIT 21'
    ]


@pytest.mark.parametrize(("switch", "threshold"), [({}, "5"), ({"DATABASE_PREPARED_STATEMENTS": "0"}, "None")])
def test_prepared_statements_can_be_turned_off_for_a_pooler_that_cannot_keep_them(switch, threshold):
    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
        DEBUG="1", DATABASE_URL="postgres://grants@127.0.0.1:5432/grants", **switch,
    )
    assert result.returncode == 0, result.stderr
    assert f"{{'server_side_binding': True, 'prepare_threshold': {threshold}}}" in result.stdout


def test_a_refused_request_is_logged_once_with_debug_on_or_off(settings, capfd):
    import logging

    from django.core.exceptions import PermissionDenied
    from django.utils.log import configure_logging

    for debug in (True, False):
        settings.DEBUG = debug
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)  # handlers write to the captured stderr
        try:
            raise PermissionDenied("not yours")
        except PermissionDenied:
            logging.getLogger("django.request").warning("Forbidden (Permission denied): /probe/", exc_info=True)
        assert capfd.readouterr().err.count("Forbidden (Permission denied): /probe/") == 1
