import pytest

from core.selectors import audit_events_for
from core.services import audit_record
from tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def test_history_of_one_object_excludes_others_and_is_newest_first(programme_manager):
    first, second = RoundFactory(), RoundFactory()
    audit_record(acting_user=programme_manager, action="opened", target=first)
    audit_record(acting_user=programme_manager, action="opened", target=second)
    audit_record(acting_user=programme_manager, action="closed", target=first)
    assert [event.action for event in audit_events_for(first)] == ["closed", "opened"]
