from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_demote_superuser_programme_managers")]

    operations = [
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=~models.Q(role="programme_manager", is_superuser=True),
                name="programme_managers_are_never_superusers",
            ),
        ),
    ]
