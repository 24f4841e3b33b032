"""Reads of the audit trail, of what the service told each person and of what people had typed."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from core.models import AuditEvent, Notification, TypedDraft


def audit_events_for(*targets: models.Model) -> QuerySet[AuditEvent]:
    """What happened to any of the targets, newest first: a record's own history, or a grant's with its parts."""
    ids_by_type = defaultdict(list)
    for target in targets:
        ids_by_type[ContentType.objects.get_for_model(target)].append(str(target.pk))
    matching = Q(pk__in=[])
    for content_type, ids in ids_by_type.items():
        matching |= Q(target_type=content_type, target_id__in=ids)
    return AuditEvent.objects.filter(matching).select_related("actor", "target_type")


def audit_events_recent() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.select_related("actor", "target_type")


def notifications_for(user) -> QuerySet[Notification]:
    """The person's own notifications, newest first."""
    return Notification.objects.filter(recipient=user)


def notifications_new_count(user) -> int:
    """How many of the person's notifications they have not yet seen listed: one COUNT."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def draft_for(user, key: str) -> TypedDraft | None:
    """What `user` had typed into the form named `key` and not yet saved, if anything."""
    if not user.is_authenticated:
        return None
    return TypedDraft.objects.filter(user=user, key=key).first()
