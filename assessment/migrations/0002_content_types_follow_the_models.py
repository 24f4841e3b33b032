"""Audit events, field-by-field history and permissions point at models through their content type: the moved
models keep their rows, so their content types move with them rather than new ones being made."""

from django.db import migrations

MOVED = ["allocation", "conflictdeclaration", "assessment", "score", "moderatedscore", "screeningdecision"]


def relabel(apps, from_label: str, to_label: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        # A migrate that stopped before this one still made content types for the models as the code now has them,
        # with only default permissions pointing at them; the old one, which the history points at, takes its place.
        if content_type.objects.filter(app_label=from_label, model=model).exists():
            content_type.objects.filter(app_label=to_label, model=model).delete()
            content_type.objects.filter(app_label=from_label, model=model).update(app_label=to_label)


def forwards(apps, schema_editor):
    relabel(apps, "applications", "assessment")


def backwards(apps, schema_editor):
    relabel(apps, "assessment", "applications")


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0001_initial"),
        ("applications", "0006_assessment_moved_to_its_own_app"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
