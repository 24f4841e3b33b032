"""Background work shared by every app, queued in the database and run by `manage.py db_worker`."""

from django_tasks import task

from core import services


@task()
def make_export(*, export_pk: int) -> str:
    return services.export_make(export_pk=export_pk).outcome
