"""Marks returns due and sends reminders. Safe to run from cron as often as wanted: no reminder goes twice."""

from django.core.management.base import BaseCommand

from monitoring.services import reminders_send, returns_mark_due


class Command(BaseCommand):
    help = "Mark quarterly returns due and remind grantees of returns due soon or overdue (each reminder once)."

    def handle(self, *args, **options):
        due = returns_mark_due()
        sent = reminders_send()
        self.stdout.write(f"{due} returns now due; {sent} reminders sent.")
