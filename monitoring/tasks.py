"""Background work for monitoring (returns spreadsheets and reminders), queued in the database and run by `manage.py db_worker`."""

from django_tasks import task

from monitoring import services


@task()
def import_figures(*, import_pk: int) -> str:
    return services.figures_import_run(import_pk=import_pk).outcome


@task()
def send_reminder(*, reminder_pk: int) -> str:
    return services.reminder_send(reminder_pk=reminder_pk)
