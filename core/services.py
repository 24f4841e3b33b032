"""Writes shared by every app: recording an audit event."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import AuditEvent


def audit_record(
    *,
    acting_user,
    action: models.TextChoices,
    target: models.Model,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Records who did what to which object, from and to which state, and why.

    `action` is a member of an app's AuditAction, and `data` holds the figures its sentence names (an amount, a
    quarter, a version), never a sentence with them inside. Every status change calls this inside its own
    transaction, so the event exists exactly when the change does. `acting_user` is None only for changes the system
    makes by itself, such as an offer lapsing at its deadline.
    """
    event = _event(acting_user, action, target, data, from_state=str(from_state), to_state=str(to_state), reason=reason)
    event.save()
    return event


def audit_record_each(
    *, acting_user, action: models.TextChoices, targets: list[models.Model], data: dict | None = None
) -> None:
    """Records the same action on many objects at once, such as figures imported into many returns."""
    AuditEvent.objects.bulk_create(_event(acting_user, action, target, data) for target in targets)


def _event(acting_user, action: models.TextChoices, target: models.Model, data: dict | None, **details) -> AuditEvent:
    if not isinstance(action, models.Choices):
        # A sentence passed here would be stored where a code belongs, and never be found by code again.
        raise TypeError(f"An audit action must be a member of an AuditAction, not {action!r}")
    return AuditEvent(
        actor=acting_user,
        actor_name=acting_user.get_full_name() if acting_user else "",
        action=action.value,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_label=str(target)[:255],
        data=data or {},
        **details,
    )
