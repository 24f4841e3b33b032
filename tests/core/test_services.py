import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from accounts.models import Role
from applications.audit import AuditAction
from core.models import AuditEvent, EmailOptOut, Notification, TypedDraft
from core.notifications import NOTIFICATION_KINDS, NotificationKind, notification_kinds_register
from core.selectors import draft_for
from core.services import (
    DRAFT_VALUE_CHARACTERS,
    DraftRefused,
    audit_record,
    audit_record_each,
    draft_discard,
    draft_keep,
    email_choices_save,
    notifications_mark_read,
    notify,
)
from tests.factories import RoundFactory, UserFactory

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


# Notifications ------------------------------------------------------------------------------------------------------


@pytest.fixture
def example_kind():
    kind = NotificationKind("tests.example", "When something happens in a test", (Role.APPLICANT.value,))
    notification_kinds_register(kind)
    yield kind
    NOTIFICATION_KINDS.pop(kind.code)


def test_notify_records_each_notification_and_emails_a_link_into_the_service_once_committed(
    example_kind, applicant, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://grants.example.org/"
    with django_capture_on_commit_callbacks() as callbacks:
        notify(recipients=[applicant], kind=example_kind.code, subject="Your application R-0001 cannot go forward",
               link="/applications/7/")
        assert mail.outbox == []  # nothing goes before the change it tells of is committed
    for callback in callbacks:
        callback()
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.link, notification.read_at) == (
        applicant, "tests.example", "/applications/7/", None)
    (email,) = mail.outbox
    assert email.to == [applicant.email]
    assert email.subject == "Your application R-0001 cannot go forward"
    assert "https://grants.example.org/applications/7/\n" in email.body
    assert email.alternatives == []  # plain text only


def test_notify_sends_nothing_from_a_change_that_is_rolled_back(example_kind, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(recipients=[applicant], kind=example_kind.code, subject="Something happened", link="/")
                raise RuntimeError("the change is refused")
        except RuntimeError:
            pass
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_mail_server_that_refuses_does_not_undo_the_persons_action(
    example_kind, applicant, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr("core.services.send_mail", refuse)
    with caplog.at_level("ERROR"), django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[applicant], kind=example_kind.code, subject="Something happened", link="/")
    # Run as Django runs a robust on_commit callback: the failure is logged and the request carries on.
    assert "the mail server is down" in caplog.text
    assert Notification.objects.count() == 1


def test_the_email_carries_only_the_subject_and_the_link_never_the_details(
    example_kind, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[applicant], kind=example_kind.code, subject="Something happened", link="/a/",
               context={"reason": "Your accounts show income over the limit", "score": 17})
    body = mail.outbox[0].body
    assert "income over the limit" not in body and "17" not in body
    assert body.startswith(f"Dear {applicant.full_name},")


def test_notify_refuses_a_kind_no_app_registered(applicant):
    with pytest.raises(ValueError, match="tests.unknown"):
        notify(recipients=[applicant], kind="tests.unknown", subject="Something happened", link="/")


def test_inactive_people_and_people_named_twice_are_notified_once_or_not_at_all(example_kind, applicant):
    gone = UserFactory(is_active=False)
    assert len(notify(recipients=[applicant, applicant, gone], kind=example_kind.code, subject="S", link="/")) == 1


def test_a_notification_with_a_once_key_goes_once_however_often_it_is_asked_for(
    example_kind, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            notify(recipients=[applicant], kind=example_kind.code, subject="S", link="/", once_key="daily:2027-01-04")
        notify(recipients=[applicant], kind=example_kind.code, subject="S", link="/", once_key="daily:2027-01-05")
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2


def test_the_database_refuses_a_second_notification_with_the_same_once_key(example_kind, applicant):
    Notification.objects.create(recipient=applicant, kind=example_kind.code, subject="S", link="/", once_key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=applicant, kind=example_kind.code, subject="S", link="/", once_key="k")


def test_unless_unread_adds_nothing_while_the_last_one_about_the_same_page_is_unread(example_kind, applicant):
    assert notify(recipients=[applicant], kind=example_kind.code, subject="S", link="/a/", unless_unread=True)
    assert not notify(recipients=[applicant], kind=example_kind.code, subject="S", link="/a/", unless_unread=True)
    assert notify(recipients=[applicant], kind=example_kind.code, subject="S", link="/b/", unless_unread=True)
    notifications_mark_read(recipient=applicant, notification_ids=Notification.objects.values_list("pk", flat=True))
    assert notify(recipients=[applicant], kind=example_kind.code, subject="S", link="/a/", unless_unread=True)


def test_marking_read_touches_only_the_persons_own_notifications(example_kind, applicant, other_applicant):
    mine = Notification.objects.create(recipient=applicant, kind=example_kind.code, subject="S", link="/")
    theirs = Notification.objects.create(recipient=other_applicant, kind=example_kind.code, subject="S", link="/")
    assert notifications_mark_read(recipient=applicant, notification_ids=[mine.pk, theirs.pk]) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_someone_who_turned_a_kind_off_is_not_emailed_but_still_has_it_listed(
    example_kind, applicant, other_applicant, django_capture_on_commit_callbacks
):
    email_choices_save(person=applicant, emailed={code for code in NOTIFICATION_KINDS if code != "tests.example"})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[applicant, other_applicant], kind=example_kind.code, subject="S", link="/")
    assert Notification.objects.filter(recipient=applicant).exists()
    assert [email.to for email in mail.outbox] == [[other_applicant.email]]


def test_emails_that_keep_an_account_safe_cannot_be_turned_off(applicant, django_capture_on_commit_callbacks):
    assert "accounts.security" not in email_choices_save(person=applicant, emailed=set())
    EmailOptOut.objects.create(recipient=applicant, kind="accounts.security")  # as if written some other way
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[applicant], kind="accounts.security", subject="S", link="/")
    assert len(mail.outbox) == 1


def test_choices_keep_only_the_kinds_of_the_persons_role_and_turning_back_on_removes_the_opt_out(assessor):
    off = email_choices_save(person=assessor, emailed={"assessment.allocated", "grants.payment_due"})
    assert off == ["assessment.scores_overdue"]
    assert email_choices_save(person=assessor, emailed={"assessment.allocated", "assessment.scores_overdue"}) == []
    assert not EmailOptOut.objects.exists()


def test_an_email_its_app_sends_itself_cannot_be_turned_off_here(applicant):
    assert "monitoring.return_reminder" not in email_choices_save(person=applicant, emailed=set())
    assert "monitoring.return_accepted" in email_choices_save(person=applicant, emailed=set())


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
