"""Reads of the audit trail."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from core.models import AuditEvent


def audit_events_for(target: models.Model) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor")


def audit_events_recent() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.select_related("actor", "target_type")
