"""Queues again the background tasks whose worker was killed. Run it from cron every few minutes, and before a
lone worker starts."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.queue import stale_tasks_requeue


class Command(BaseCommand):
    help = "Queue again each background task still marked running long after it started: its worker stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", type=int, default=settings.TASKS_STALE_AFTER_SECONDS, metavar="SECONDS",
            help="How long after it started a running task counts as lost (default: %(default)s). Use 0 only when "
                 "no worker is running, for example just before starting the only one.",
        )

    def handle(self, *args, older_than: int, **options):
        if older_than < 0:
            raise CommandError("--older-than must be zero or more seconds.")
        requeued, given_up = stale_tasks_requeue(older_than=timedelta(seconds=older_than))
        self.stdout.write(f"{requeued} tasks queued again, {given_up} given up.")
