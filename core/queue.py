"""Upkeep of the task queue: tasks whose worker died are queued again, or given up after too many tries.

The database backend has no retry of its own: a task whose worker was killed stays marked as running. Every task
is written to be safe to run again, so queuing it again is the recovery.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# A task that has lost its worker this many times is likely what kills it (running out of memory, say).
MAX_ATTEMPTS = 3


class WorkerLost(Exception):
    """Recorded as the error of a task given up after its worker stopped during each of its tries."""


def stale_tasks_requeue(*, older_than: timedelta) -> tuple[int, int]:
    """Queues again each task still marked running `older_than` after it started, or marks it failed after
    `MAX_ATTEMPTS` tries. Returns how many were queued again and how many were given up."""
    requeued = given_up = 0
    with transaction.atomic():
        stale = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - older_than
        )
        for result in stale:
            if len(result.worker_ids) >= MAX_ATTEMPTS:
                result.set_failed(WorkerLost(f"Its worker stopped during each of its {len(result.worker_ids)} tries."))
                logger.error("Gave up task %s (%s): its worker stopped each time", result.id, result.task_path)
                given_up += 1
            else:
                result.status, result.started_at = TaskResultStatus.READY, None
                result.save(update_fields=["status", "started_at"])
                logger.warning("Queued task %s (%s) again: its worker stopped", result.id, result.task_path)
                requeued += 1
    return requeued, given_up
