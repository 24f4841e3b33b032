"""Background work for decisions and letters, queued in the database and run by `manage.py db_worker`."""

from django_tasks import task

from grants import services


@task()
def issue_batch_letter(*, item_pk: int, site_url: str) -> str:
    return services.letter_batch_item_issue(item_pk=item_pk, site_url=site_url).outcome
