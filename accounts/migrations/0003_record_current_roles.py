"""Records everyone's current role as held since they joined, so the four-eyes rule can ask who held a role when."""

from django.db import migrations


def record_current_roles(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    RoleGrant = apps.get_model("accounts", "RoleGrant")
    already = set(RoleGrant.objects.filter(ended_at__isnull=True).values_list("user_id", flat=True))
    RoleGrant.objects.bulk_create(
        RoleGrant(user_id=user_id, role=role, granted_at=date_joined)
        for user_id, role, date_joined in User.objects.values_list("pk", "role", "date_joined")
        if user_id not in already
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_role_grants")]

    operations = [migrations.RunPython(record_current_roles, migrations.RunPython.noop)]
