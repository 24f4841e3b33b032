"""Removes files made for download once they are older than they are kept for. Run it from cron once a day."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from core.exports import KEPT_DAYS
from core.services import exports_remove_old


class Command(BaseCommand):
    help = "Remove exports (files made for download) asked for more than a number of days ago, with their files."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, default=KEPT_DAYS, metavar="DAYS",
                            help="Remove exports asked for more than this many days ago (default: %(default)s).")

    def handle(self, *args, older_than_days: int, **options):
        if older_than_days < 0:
            raise CommandError("--older-than-days must be zero or more.")
        removed = exports_remove_old(older_than=timedelta(days=older_than_days))
        self.stdout.write(f"{removed} export{'' if removed == 1 else 's'} removed.")
