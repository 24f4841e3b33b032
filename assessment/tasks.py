"""Background work for assessment, queued in the database and run by `manage.py db_worker`."""

from django_tasks import task

from assessment import services


@task()
def import_scores(*, import_pk: int) -> str:
    return services.scores_import_run(import_pk=import_pk).outcome
