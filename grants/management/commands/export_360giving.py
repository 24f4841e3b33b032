"""Writes the published awards in the 360Giving Data Standard, as JSON or CSV."""

from django.core.management.base import BaseCommand, CommandError

from applications.models import Round
from grants.giving360 import as_csv, as_json, publishable_awards


class Command(BaseCommand):
    help = "Export accepted awards in the 360Giving Data Standard (1.4.3) to standard output or a file."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--round", help="The round's reference prefix, for example DHC27. Default: every round.")
        parser.add_argument("--output", help="A file to write to, instead of standard output.")

    def handle(self, *args, **options):
        round_ = None
        if options["round"]:
            round_ = Round.objects.filter(reference_prefix=options["round"]).first()
            if round_ is None:
                raise CommandError(f"There is no round with the prefix {options['round']}.")
        awards = publishable_awards(round_)
        pieces = as_json(awards) if options["format"] == "json" else as_csv(awards)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as output:
                output.writelines(pieces)
            self.stderr.write(f"Wrote {awards.count()} grants to {options['output']}.")
        else:
            for piece in pieces:
                self.stdout.write(piece, ending="")
