"""Lapses offers past their deadline, returning their money to the ringfence. Safe to run from cron at any interval."""

from django.core.management.base import BaseCommand

from grants.services import awards_lapse


class Command(BaseCommand):
    help = "Lapse every grant offer whose deadline to accept has passed."

    def handle(self, *args, **options):
        self.stdout.write(f"{awards_lapse()} offers lapsed.")
