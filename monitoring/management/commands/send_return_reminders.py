"""Marks returns due and queues reminders for the task worker to send. Safe to run from cron as often as wanted:
no reminder goes twice, and one whose emails failed is queued again."""

from django.core.management.base import BaseCommand

from monitoring.services import reminders_queue, returns_mark_due, unsent_reminders_requeue


class Command(BaseCommand):
    help = ("Mark quarterly returns due and queue reminders of returns due soon or overdue (each reminder once), "
            "and queue again reminders whose emails failed.")

    def handle(self, *args, **options):
        due = returns_mark_due()
        queued = reminders_queue()
        again = unsent_reminders_requeue()
        self.stdout.write(f"{due} returns now due; {queued} reminders queued; {again} unsent reminders queued again.")
