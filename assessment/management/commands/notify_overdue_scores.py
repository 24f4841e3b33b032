"""Reminds assessors whose scores are overdue. Safe to run from cron as often as wanted: each assessor is reminded at
most once a day for each round."""

from django.core.management.base import BaseCommand

from assessment.services import scores_overdue_notify


class Command(BaseCommand):
    help = "Remind each assessor with overdue scores, at most once a day for each round."

    def handle(self, *args, **options):
        sent = scores_overdue_notify()
        self.stdout.write(f"{sent} reminder{'s' if sent != 1 else ''} of overdue scores sent.")
