"""Background work for bulk messages, queued in the database and run by `manage.py db_worker`."""

from django_tasks import task

from conversations import services


@task()
def send_bulk_message_item(*, item_pk: int) -> str:
    return services.bulk_message_item_send(item_pk=item_pk).outcome
