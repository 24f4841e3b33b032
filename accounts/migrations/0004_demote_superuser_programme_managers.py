"""Programme managers stop being superusers, as earlier demo data and `createsuperuser` made them: they keep the
admin site through the programme managers' group, and each change is in the audit trail. The next migration makes
the database hold the rule; it is separate so that PostgreSQL alters the table after these rows are written."""

from django.db import migrations

from accounts.services import NEVER_SUPERUSERS, admin_group


def demote_programme_managers(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    managers = list(User.objects.filter(role="programme_manager", is_superuser=True))
    if not managers:
        return
    group = admin_group(
        "programme_manager", group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
    )
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEvent = apps.get_model("core", "AuditEvent")
    user_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="user")
    for manager in managers:
        manager.is_superuser, manager.is_staff = False, True
        manager.save(update_fields=["is_superuser", "is_staff"])
        manager.groups.add(group)
        AuditEvent.objects.create(
            action="account.superuser_access_changed", target_type=user_type, target_id=str(manager.pk),
            target_label=manager.full_name or manager.email, from_state="superuser", to_state="not superuser",
            reason=NEVER_SUPERUSERS,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_record_current_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(demote_programme_managers, migrations.RunPython.noop),
    ]
