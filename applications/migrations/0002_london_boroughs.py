"""Loads the London boroughs, with their GSS codes and police BCUs, from the reference file shipped with the app."""

import csv
from pathlib import Path

from django.db import migrations

BOROUGHS_CSV = Path(__file__).resolve().parent.parent / "data" / "london_boroughs.csv"


def load_boroughs(apps, schema_editor):
    Borough = apps.get_model("applications", "Borough")
    with BOROUGHS_CSV.open(newline="", encoding="utf-8") as source:
        for row in csv.DictReader(source):
            Borough.objects.update_or_create(
                gss_code=row["gss_code"],
                defaults={
                    "name": row["borough"],
                    "police_force": row["police_force"],
                    "bcu_code": row["bcu_code"],
                    "bcu_name": row["bcu_name"],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]
    operations = [migrations.RunPython(load_boroughs, migrations.RunPython.noop)]
