"""Loads the London boroughs, with their GSS codes and police BCUs, from the reference file shipped with the app."""

from django.db import migrations

from applications.reference import load_london_boroughs


def load_boroughs(apps, schema_editor):
    load_london_boroughs(apps.get_model("applications", "Borough"))


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]
    operations = [migrations.RunPython(load_boroughs, migrations.RunPython.noop)]
