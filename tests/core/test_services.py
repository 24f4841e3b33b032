import pytest

from applications.audit import AuditAction
from core.models import AuditEvent, TypedDraft
from core.selectors import draft_for
from core.services import (
    DRAFT_VALUE_CHARACTERS,
    DraftRefused,
    audit_record,
    audit_record_each,
    draft_discard,
    draft_keep,
)
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


def test_a_draft_keeps_only_the_forms_fields_each_within_its_limit(applicant):
    draft = draft_keep(user=applicant, key="form:1", max_lengths={"title": 5, "story": None},
                       data={"title": ["Hackney hate crime"], "story": ["x" * 30_000, "y"], "admin": ["1"]})
    assert draft.data == {"title": ["Hackn"], "story": ["x" * DRAFT_VALUE_CHARACTERS, "y"]}


def test_a_second_draft_of_the_same_form_replaces_the_first_and_saving_throws_it_away(applicant):
    first = draft_keep(user=applicant, key="form:1", data={"title": ["A"]}, max_lengths={"title": None})
    second = draft_keep(user=applicant, key="form:1", data={"title": ["AB"]}, max_lengths={"title": None})
    assert first.pk == second.pk and TypedDraft.objects.get().data == {"title": ["AB"]}
    assert draft_for(applicant, "form:1") == second
    draft_discard(user=applicant, key="form:1")
    assert draft_for(applicant, "form:1") is None


def test_a_draft_too_large_to_keep_is_refused(applicant):
    fields = {f"answer_{n}": None for n in range(20)}
    with pytest.raises(DraftRefused):
        draft_keep(user=applicant, key="form:1", max_lengths=fields, data={name: ["x" * 20_000] for name in fields})
    assert not TypedDraft.objects.exists()


def test_nul_characters_and_values_that_are_not_text_are_dropped(applicant):
    draft = draft_keep(user=applicant, key="form:1", max_lengths={"title": None}, data={"title": ["a\x00b", 7]})
    assert draft.data == {"title": ["ab"]}
