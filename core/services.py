"""Writes shared by every app: recording an audit event."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import AuditEvent


def audit_record(
    *,
    acting_user,
    action: str,
    target: models.Model,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
) -> AuditEvent:
    """Records who did what to which object, from and to which state, and why.

    Every status change calls this inside its own transaction, so the event exists exactly when the change does.
    `acting_user` is None only for changes the system makes by itself, such as an offer lapsing at its deadline.
    """
    event = _event(acting_user, action, target, from_state=str(from_state), to_state=str(to_state), reason=reason)
    event.save()
    return event


def audit_record_each(*, acting_user, action: str, targets: list[models.Model]) -> None:
    """Records the same action on many objects at once, such as figures imported into many returns."""
    AuditEvent.objects.bulk_create(_event(acting_user, action, target) for target in targets)


def _event(acting_user, action: str, target: models.Model, **details) -> AuditEvent:
    return AuditEvent(
        actor=acting_user,
        actor_name=acting_user.get_full_name() if acting_user else "",
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_label=str(target)[:255],
        **details,
    )
