import pytest

from applications.audit import AuditAction
from core.models import AuditEvent
from core.services import audit_record, audit_record_each
from tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def test_audit_record_keeps_who_what_from_to_and_why(programme_manager):
    round_ = RoundFactory()
    event = audit_record(
        acting_user=programme_manager, action=AuditAction.ROUND_STATUS_CHANGED, target=round_, from_state="draft",
        to_state="open", reason="Panel agreed the criteria",
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == programme_manager
    assert stored.actor_name == programme_manager.full_name
    assert stored.target == round_
    assert (stored.from_state, stored.to_state, stored.reason) == ("draft", "open", "Panel agreed the criteria")
    assert stored.occurred_at is not None


def test_audit_event_keeps_the_actors_name_after_their_account_is_deleted(programme_manager):
    round_ = RoundFactory()
    audit_record(acting_user=programme_manager, action=AuditAction.ROUND_STATUS_CHANGED, target=round_)
    name = programme_manager.full_name
    programme_manager.delete()
    event = AuditEvent.objects.get()
    assert event.actor is None
    assert event.actor_name == name


def test_system_changes_are_recorded_without_a_person(db):
    round_ = RoundFactory()
    event = audit_record(acting_user=None, action=AuditAction.ROUND_STATUS_CHANGED, target=round_, from_state="open",
                         to_state="closed")
    assert event.actor is None
    assert event.actor_name == ""


def test_the_same_action_on_many_objects_is_recorded_for_each(programme_manager):
    rounds = [RoundFactory(), RoundFactory()]
    audit_record_each(acting_user=programme_manager, action=AuditAction.ROUND_COPIED, targets=rounds)
    events = AuditEvent.objects.filter(action=AuditAction.ROUND_COPIED)
    assert {event.target for event in events} == set(rounds)
    assert {event.actor_name for event in events} == {programme_manager.full_name}
