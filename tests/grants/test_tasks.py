"""A round's letters as background tasks: queued once the batch commits, run by the real database worker, each
letter issued once however often its task runs, and a batch finished after its worker was killed half-way."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import Role
from core.models import AuditEvent
from grants.audit import AuditAction
from grants.letters import offer_letter_pdf
from grants.models import Decision, Letter, LetterBatch, LetterBatchItem
from grants.selectors import letter_batches_with_progress
from grants.services import GrantError, letter_batch_item_issue, letter_batch_retry_failed, letter_batch_start
from tests.factories import AwardFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


def awarded(round_=None, count=3):
    """Awards with confirmed decisions and no letter yet, in one round."""
    manager, checker = UserFactory(role=Role.PROGRAMME_MANAGER), UserFactory(role=Role.PROGRAMME_MANAGER)
    awards = []
    for _ in range(count):
        award = AwardFactory(letter_issued=False, **({"application__round": round_} if round_ else {}))
        round_ = award.round
        Decision.objects.create(application=award.application, outcome="fund", amount=award.amount,
                                proposed_outcome="fund", proposed_amount=award.amount, decided_by=manager,
                                confirmed_by=checker, confirmed_at=timezone.now(), status="confirmed")
        awards.append(award)
    return round_, checker, awards


def progress(batch):
    return letter_batches_with_progress().get(pk=batch.pk)


def test_starting_a_batch_queues_one_task_a_letter_once_it_commits(django_capture_on_commit_callbacks):
    round_, manager, _ = awarded()
    with django_capture_on_commit_callbacks() as queued:
        batch = letter_batch_start(round_=round_, acting_user=manager, site_url=SITE)
        assert not DBTaskResult.objects.exists()
    for callback in queued:
        callback()
    tasks = DBTaskResult.objects.all()
    assert [task.status for task in tasks] == [TaskResultStatus.READY] * 3
    assert {task.task_path for task in tasks} == {"grants.tasks.issue_batch_letter"}
    assert (progress(batch).total, progress(batch).waiting) == (3, 3)
    assert not Letter.objects.exists()


def test_the_worker_issues_each_letter_and_the_progress_page_reads_it(
    client_for, django_capture_on_commit_callbacks, run_worker
):
    round_, manager, awards = awarded()
    with django_capture_on_commit_callbacks(execute=True):
        batch = letter_batch_start(round_=round_, acting_user=manager, site_url=SITE)
    page = client_for(manager)
    url = reverse("grants:letter_batch", kwargs={"pk": batch.pk})
    assert page.get(url, HTTP_ACCEPT="application/json").json() == {
        "done": 0, "failed": 0, "total": 3, "finished": False, "message": "0 of 3 letters issued so far.",
    }
    run_worker()
    assert page.get(url, HTTP_ACCEPT="application/json").json() == {
        "done": 3, "failed": 0, "total": 3, "finished": True, "message": "Finished: 3 of 3 letters issued.",
    }
    assert Letter.objects.filter(application__in=[award.application for award in awards]).count() == 6
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert set(DBTaskResult.objects.values_list("return_value", flat=True)) == {"issued"}


def test_a_letter_task_run_again_issues_nothing_twice(django_capture_on_commit_callbacks):
    round_, manager, _ = awarded(count=1)
    with django_capture_on_commit_callbacks():
        batch = letter_batch_start(round_=round_, acting_user=manager, site_url=SITE)
    item = batch.items.get()
    assert letter_batch_item_issue(item_pk=item.pk, site_url=SITE).outcome == LetterBatchItem.Outcome.ISSUED
    assert letter_batch_item_issue(item_pk=item.pk, site_url=SITE).outcome == LetterBatchItem.Outcome.ISSUED
    assert Letter.objects.count() == 2  # standard and large print, once
    assert (progress(batch).done, progress(batch).failed) == (1, 0)


def test_a_second_batch_for_the_same_letters_finds_them_issued(django_capture_on_commit_callbacks):
    round_, manager, _ = awarded(count=2)
    with django_capture_on_commit_callbacks():
        first = letter_batch_start(round_=round_, acting_user=manager, site_url=SITE)
        second = letter_batch_start(round_=round_, acting_user=manager, site_url=SITE)
    for item in [*first.items.all(), *second.items.all()]:
        letter_batch_item_issue(item_pk=item.pk, site_url=SITE)
    assert Letter.objects.count() == 4
    assert set(second.items.values_list("outcome", flat=True)) == {LetterBatchItem.Outcome.ALREADY_ISSUED}
    assert (progress(second).done, progress(second).waiting) == (2, 0)


def test_a_letter_that_cannot_be_made_is_counted_and_the_rest_carry_on(django_capture_on_commit_callbacks, run_worker):
    round_, manager, (first, second) = awarded(count=2)
    with django_capture_on_commit_callbacks(execute=True):
        batch = letter_batch_start(round_=round_, acting_user=manager, site_url=SITE)
    first.delete()  # its decision no longer has an award to offer: the letter cannot be written
    first.application.status = "eligible"
    first.application.save(update_fields=["status"])
    run_worker()
    assert (progress(batch).done, progress(batch).failed, progress(batch).waiting) == (1, 1, 0)
    assert not Letter.objects.filter(application=first.application).exists()
    assert Letter.objects.filter(application=second.application).count() == 2
    failed = batch.items.get(application=first.application)
    assert failed.failure == f"{first.application} has no confirmed decision to write to them about."


def test_a_fault_is_recorded_in_plain_words_and_its_details_go_to_the_log(monkeypatch, caplog):
    round_, manager, _ = awarded(count=1)
    batch = letter_batch_start(round_=round_, acting_user=manager, site_url=SITE)

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("grants.services.offer_letter_pdf", locked)
    item = letter_batch_item_issue(item_pk=batch.items.get().pk, site_url=SITE)
    assert item.outcome == LetterBatchItem.Outcome.FAILED
    assert item.failure == "The database was busy and the letter could not be saved. Nothing was sent. Try again."
    assert "database is locked" not in item.failure and "database is locked" in caplog.text


def test_failed_letters_are_queued_again_once_and_audited(django_capture_on_commit_callbacks, monkeypatch, run_worker):
    round_, manager, awards = awarded(count=2)
    monkeypatch.setattr("grants.services.offer_letter_pdf", lambda *args, **kwargs: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        batch = letter_batch_start(round_=round_, acting_user=manager, site_url=SITE)
    run_worker()
    assert (progress(batch).done, progress(batch).failed) == (0, 2)
    assert batch.items.first().failure.startswith("Something went wrong in the service while making the letter.")
    monkeypatch.setattr("grants.services.offer_letter_pdf", offer_letter_pdf)  # the fault is mended
    with django_capture_on_commit_callbacks(execute=True):
        assert letter_batch_retry_failed(batch=batch, acting_user=manager, site_url=SITE) == 2
    assert (progress(batch).waiting, progress(batch).failed) == (2, 0)
    assert set(batch.items.values_list("failure", flat=True)) == {""}
    run_worker()
    assert (progress(batch).done, progress(batch).failed, progress(batch).waiting) == (2, 0, 0)
    assert Letter.objects.filter(application__in=[award.application for award in awards]).count() == 4
    event = AuditEvent.objects.get(action=AuditAction.LETTERS_RETRIED)
    assert (event.actor_id, event.sentence) == (manager.pk, "queued 2 failed letters to be made again")
    with pytest.raises(GrantError, match="no failed letters"):
        letter_batch_retry_failed(batch=batch, acting_user=manager, site_url=SITE)


def test_no_batch_is_made_when_every_letter_is_issued_already():
    round_, manager, _ = awarded(count=1)
    letter_batch_item_issue(item_pk=letter_batch_start(round_=round_, acting_user=manager, site_url=SITE)
                            .items.get().pk, site_url=SITE)
    with pytest.raises(GrantError, match="no letters to issue: every confirmed decision already has its letter"):
        letter_batch_start(round_=round_, acting_user=manager, site_url=SITE)
    assert LetterBatch.objects.count() == 1


def running_task(started_ago: timedelta, tries: int) -> DBTaskResult:
    from grants.tasks import issue_batch_letter

    result = issue_batch_letter.enqueue(item_pk=0, site_url=SITE).db_result
    result.status, result.started_at = TaskResultStatus.RUNNING, timezone.now() - started_ago
    result.worker_ids = [f"worker-{n}" for n in range(tries)]
    result.save()
    return result


def test_recovery_queues_again_a_task_whose_worker_stopped_long_ago_and_leaves_a_live_one():
    lost, live = running_task(timedelta(hours=1), tries=1), running_task(timedelta(seconds=5), tries=1)
    call_command("recover_stale_tasks", verbosity=0)
    lost.refresh_from_db()
    live.refresh_from_db()
    assert (lost.status, lost.started_at) == (TaskResultStatus.READY, None)
    assert live.status == TaskResultStatus.RUNNING


def test_recovery_gives_up_a_task_that_lost_its_worker_on_each_of_three_tries():
    doomed = running_task(timedelta(hours=1), tries=3)
    call_command("recover_stale_tasks", verbosity=0)
    doomed.refresh_from_db()
    assert doomed.status == TaskResultStatus.FAILED
    assert doomed.exception_class_path == "core.queue.WorkerLost"


def test_recovery_refuses_a_negative_age():
    with pytest.raises(CommandError, match="zero or more"):
        call_command("recover_stale_tasks", older_than=-1)


# A real worker process, killed half-way ------------------------------------------------------------------------


def worker_environment() -> dict:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{database['NAME']}"
    else:
        login = f"{database['USER']}:{database['PASSWORD']}" if database["PASSWORD"] else database["USER"]
        url = f"postgres://{login}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}


def start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
        cwd=Path(settings.BASE_DIR), env=worker_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def wait_for(worker, condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert worker.poll() is None, worker.stderr.read().decode()
        assert time.monotonic() < deadline, "the worker took too long"
        time.sleep(0.02)


LETTERS = 120


@pytest.mark.django_db(transaction=True)
def test_a_batch_whose_worker_is_killed_half_way_finishes_with_every_letter_issued_once(settings):
    round_, manager, awards = awarded(count=LETTERS)
    other_round, _, others = awarded(count=2)
    batch = letter_batch_start(round_=round_, acting_user=manager, site_url=SITE)
    worker = start_worker()
    try:
        wait_for(worker, lambda: 3 <= batch.items.exclude(outcome="waiting").count()
                 and DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists())
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert progress(batch).waiting > 0, "the worker finished before it was killed: make the batch bigger"
    # Meanwhile the web server writes too: another round's letters are queued beside the abandoned task. (Queued
    # while the worker ran, on SQLite it could wait for the worker's writes until the whole batch was done.)
    other = letter_batch_start(round_=other_round, acting_user=manager, site_url=SITE)
    abandoned = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count()

    call_command("recover_stale_tasks", older_than=0, verbosity=0)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() >= abandoned
    restarted = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay"],
        cwd=Path(settings.BASE_DIR), env=worker_environment(), capture_output=True, timeout=300,
    )
    assert restarted.returncode == 0, restarted.stderr.decode()

    assert (progress(batch).done, progress(batch).failed, progress(batch).waiting) == (LETTERS, 0, 0)
    assert (progress(other).done, progress(other).waiting) == (2, 0)
    for award in [*awards, *others]:
        letters = Letter.objects.filter(application=award.application)
        assert sorted(letters.values_list("version", "large_print")) == [(1, False), (1, True)]
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()


def test_the_progress_page_says_when_no_worker_has_started_the_letters(client_for, django_capture_on_commit_callbacks):
    round_, manager, _ = awarded(count=1)
    with django_capture_on_commit_callbacks(execute=True):
        batch = letter_batch_start(round_=round_, acting_user=manager, site_url=SITE)
    url = reverse("grants:letter_batch", kwargs={"pk": batch.pk})
    warning = "No letter has been started yet"
    assert warning not in client_for(manager).get(url).content.decode()
    LetterBatch.objects.filter(pk=batch.pk).update(started_at=timezone.now() - timedelta(minutes=3))
    assert warning in client_for(manager).get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_batches_issuing_the_same_letter_at_once_issue_it_once_and_both_finish():
    round_, manager, _ = awarded(count=1)
    first = letter_batch_start(round_=round_, acting_user=manager, site_url=SITE)
    second = letter_batch_start(round_=round_, acting_user=manager, site_url=SITE)
    items = [first.items.get(), second.items.get()]
    start, outcomes = threading.Barrier(2), []

    def issue(item):
        start.wait()
        try:
            outcomes.append(letter_batch_item_issue(item_pk=item.pk, site_url=SITE).outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [LetterBatchItem.Outcome.ALREADY_ISSUED, LetterBatchItem.Outcome.ISSUED]
    assert Letter.objects.count() == 2


def test_money_offered_after_a_not_funded_letter_gets_its_own_offer_letter(run_worker, django_capture_on_commit_callbacks):
    from grants.selectors import applications_awaiting_letters
    from tests.factories import ApplicationFactory, letter_issued

    round_, manager, _ = awarded(count=1)
    application = ApplicationFactory(round=round_, status="not_funded", reference="NF-0001")
    decision = Decision.objects.create(application=application, outcome="not_fund", proposed_outcome="not_fund",
                                       decided_by=UserFactory(role=Role.PROGRAMME_MANAGER), confirmed_by=manager,
                                       confirmed_at=timezone.now(), status="confirmed")
    letter_issued(application)
    # An offer is declined and its money goes to this application: decided again, confirmed, offered.
    application.status = "awarded"
    application.save(update_fields=["status"])
    AwardFactory(application=application, letter_issued=False)
    decision.outcome = "fund"
    decision.amount = decision.proposed_amount = 5000
    decision.save()
    assert application in applications_awaiting_letters(round_)
    with django_capture_on_commit_callbacks(execute=True):
        batch = letter_batch_start(round_=round_, acting_user=manager, site_url=SITE)
    run_worker()
    assert batch.items.get(application=application).outcome == LetterBatchItem.Outcome.ISSUED
    assert Letter.objects.filter(application=application, kind="offer").count() == 2
    assert application not in applications_awaiting_letters(round_)
