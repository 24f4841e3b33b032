import pytest

from conversations.permissions import can_add_note, can_read_notes, can_read_thread, can_send_bulk_message
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_the_team_and_programme_managers_read_a_sent_applications_thread(
    application, applicant, other_applicant, programme_manager, assessor, finance_officer
):
    assert can_read_thread(applicant, application)
    assert can_read_thread(programme_manager, application)
    assert not can_read_thread(other_applicant, application)
    assert not can_read_thread(assessor, application)
    assert not can_read_thread(finance_officer, application)


def test_a_draft_has_no_thread_for_anyone(organisation, applicant, programme_manager):
    draft = ApplicationFactory(organisation=organisation)
    assert not can_read_thread(applicant, draft)
    assert not can_read_thread(programme_manager, draft)


def test_only_programme_managers_read_and_add_notes_and_write_to_a_round(
    application, applicant, programme_manager, assessor
):
    assert can_read_notes(programme_manager) and can_add_note(programme_manager, application)
    assert not can_read_notes(applicant) and not can_add_note(applicant, application)
    assert not can_read_notes(assessor)
    assert can_send_bulk_message(programme_manager)
    assert not can_send_bulk_message(applicant)
