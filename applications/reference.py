"""Reference data shipped with the app: London's boroughs, their GSS codes and police Basic Command Units."""

import csv
from pathlib import Path

BOROUGHS_CSV = Path(__file__).resolve().parent / "data" / "london_boroughs.csv"


def load_london_boroughs(borough_model) -> None:
    """Creates or updates every borough. Takes the model so a migration can pass its historical version."""
    with BOROUGHS_CSV.open(newline="", encoding="utf-8") as source:
        for row in csv.DictReader(source):
            borough_model.objects.update_or_create(
                gss_code=row["gss_code"],
                defaults={
                    "name": row["borough"],
                    "police_force": row["police_force"],
                    "bcu_code": row["bcu_code"],
                    "bcu_name": row["bcu_name"],
                },
            )
