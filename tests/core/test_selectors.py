import pytest

from applications.audit import AuditAction
from core.selectors import audit_events_for
from core.services import audit_record
from tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def test_history_of_one_object_excludes_others_and_is_newest_first(programme_manager):
    first, second = RoundFactory(), RoundFactory()
    audit_record(acting_user=programme_manager, action=AuditAction.ROUND_STATUS_CHANGED, target=first)
    audit_record(acting_user=programme_manager, action=AuditAction.ROUND_STATUS_CHANGED, target=second)
    audit_record(acting_user=programme_manager, action=AuditAction.BUDGET_CHANGED, target=first)
    assert [event.action for event in audit_events_for(first)] == [
        AuditAction.BUDGET_CHANGED, AuditAction.ROUND_STATUS_CHANGED,
    ]
