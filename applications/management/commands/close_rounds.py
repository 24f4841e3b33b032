"""Closes open rounds whose closing time has passed. Safe to run from cron at any interval."""

from django.core.management.base import BaseCommand

from applications.services import rounds_close_due


class Command(BaseCommand):
    help = "Close every open round whose closing time, and every later deadline it gave an organisation, has passed."

    def handle(self, *args, **options):
        self.stdout.write(f"{rounds_close_due()} rounds closed.")
