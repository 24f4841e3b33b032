"""Sending the service's emails: plain text from a template, sent only once the transaction commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


def email_send_on_commit(*, to: str, subject: str, template: str, context: dict) -> None:
    body = render_to_string(template, {"service_name": settings.SERVICE_NAME, "funder_name": settings.FUNDER_NAME, **context})
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to]))
