"""Sending the service's emails: plain text from a template, sent once the transaction commits or, from a background
task whose work is the sending, at once."""

from django.conf import settings
from django.core.mail import send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template.loader import render_to_string


def _body(template: str, context: dict) -> str:
    return render_to_string(template, {"service_name": settings.SERVICE_NAME, "funder_name": settings.FUNDER_NAME, **context})


def email_send_on_commit(*, to: str, subject: str, template: str, context: dict) -> None:
    body = _body(template, context)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to]))


def email_send(*, to: str, subject: str, template: str, context: dict, connection: BaseEmailBackend | None = None) -> None:
    """Sends now and raises if the mail server refuses, so a task can keep its work undone and be run again. Several
    emails can share one `connection`, opened before the first goes."""
    send_mail(subject, _body(template, context), settings.DEFAULT_FROM_EMAIL, [to], connection=connection)
