from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applications.models import Round
from assessment.models import Allocation
from assessment.notifications import ALLOCATED, SCORES_OVERDUE, SCREENED
from assessment.services import (
    allocation_add,
    allocation_auto,
    application_screen,
    assessment_save,
    conflict_declare,
    scores_overdue_notify,
)
from core.models import Notification
from tests.factories import ApplicationFactory, MembershipFactory, RoundFactory, UserFactory, described_criteria

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(db):
    round_ = RoundFactory(assessors_per_application=2)
    described_criteria(round_)
    return round_


@pytest.fixture
def panel(round_):
    assessors = [UserFactory(role=Role.ASSESSOR) for _ in range(2)]
    round_.assessors.add(*assessors)
    return assessors


def eligible(round_, **fields):
    return ApplicationFactory(round=round_, status="eligible", **fields)


def test_an_assessor_given_one_application_is_told_with_a_link_to_their_applications(
    round_, panel, programme_manager, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://grants.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        allocation_add(application=eligible(round_), assessor=panel[0], acting_user=programme_manager)
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind) == (panel[0], ALLOCATED.code)
    assert notification.subject == "You have been given 1 application to assess"
    assert mail.outbox[0].to == [panel[0].email]
    assert "https://grants.example.org" + reverse("assessment:assessor_dashboard") in mail.outbox[0].body


def test_sharing_out_a_round_tells_each_assessor_once_however_many_they_were_given(
    round_, panel, programme_manager, django_capture_on_commit_callbacks
):
    for _ in range(3):
        eligible(round_)
    with django_capture_on_commit_callbacks(execute=True):
        assert allocation_auto(round_=round_, acting_user=programme_manager) == 6
    assert sorted(Notification.objects.values_list("recipient_id", "subject")) == sorted(
        (assessor.pk, "You have been given 3 applications to assess") for assessor in panel
    )
    assert len(mail.outbox) == 2


def test_sharing_out_nothing_tells_nobody(round_, panel, programme_manager):
    assert allocation_auto(round_=round_, acting_user=programme_manager) == 0
    assert not Notification.objects.exists()


@pytest.mark.parametrize(("eligible_", "words"), [
    (True, "has been checked and will now be scored"), (False, "cannot go forward"),
])
def test_screening_tells_every_member_of_the_applicant_and_keeps_the_reason_out_of_the_email(
    round_, programme_manager, django_capture_on_commit_callbacks, eligible_, words
):
    application = ApplicationFactory(round=round_, status="submitted", reference="R-0042")
    members = [MembershipFactory(organisation=application.organisation).user for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        application_screen(application=application, eligible=eligible_, reason="Income over the limit of the round",
                           acting_user=programme_manager)
    notifications = Notification.objects.filter(kind=SCREENED.code)
    assert {notification.recipient for notification in notifications} == set(members)
    assert {notification.subject for notification in notifications} == {f"Your application R-0042 {words}"}
    assert {notification.link for notification in notifications} == {
        reverse("applications:detail", kwargs={"pk": application.pk})}
    assert sorted(email.to[0] for email in mail.outbox) == sorted(member.email for member in members)
    assert all("Income over the limit" not in email.body for email in mail.outbox)


def test_the_applicant_reads_why_their_application_cannot_go_forward_on_its_page(
    round_, programme_manager, applicant, organisation, client_for
):
    application = ApplicationFactory(round=round_, organisation=organisation, status="submitted", reference="R-0043")
    application_screen(application=application, eligible=False, reason="Income over the limit of the round",
                       acting_user=programme_manager)
    response = client_for(applicant).get(reverse("applications:detail", kwargs={"pk": application.pk}))
    assert response.status_code == 200
    assert "Income over the limit of the round" in response.content.decode()


# Overdue scores ------------------------------------------------------------------------------------------------------


@pytest.fixture
def overdue_round(round_, panel, programme_manager):
    """A round that closed 30 days ago with 21 days for scores: each assessor has two applications, none scored."""
    for _ in range(2):
        application = eligible(round_)
        for assessor in panel:
            Allocation.objects.create(application=application, assessor=assessor)
    Round.objects.filter(pk=round_.pk).update(
        status=Round.Status.CLOSED, opens_at=timezone.now() - timedelta(days=60),
        closes_at=timezone.now() - timedelta(days=30), scores_due_days=21,
    )
    round_.refresh_from_db()
    return round_


def test_each_assessor_with_overdue_scores_is_reminded_once_for_the_round(
    overdue_round, panel, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert scores_overdue_notify() == 2
    reminders = Notification.objects.filter(kind=SCORES_OVERDUE.code)
    assert {reminder.recipient for reminder in reminders} == set(panel)
    assert {reminder.subject for reminder in reminders} == {
        f"Your scores for 2 applications in {overdue_round.name} are overdue"}
    assert len(mail.outbox) == 2


def test_overdue_reminders_go_at_most_once_a_day_however_often_the_job_runs(overdue_round, panel):
    now = timezone.now()
    assert scores_overdue_notify(now=now) == 2
    assert scores_overdue_notify(now=now) == 0
    assert scores_overdue_notify(now=now + timedelta(days=1)) == 2


def test_scores_not_yet_due_send_no_reminder(overdue_round):
    Round.objects.filter(pk=overdue_round.pk).update(scores_due_days=45)
    assert scores_overdue_notify() == 0


def test_an_open_round_sends_no_reminder(overdue_round):
    Round.objects.filter(pk=overdue_round.pk).update(status=Round.Status.OPEN)
    assert scores_overdue_notify() == 0


def test_sent_scores_and_declared_conflicts_are_not_overdue(overdue_round, panel):
    done, conflicted = panel
    for allocation in Allocation.objects.filter(assessor=done):
        conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=done)
        assessment_save(allocation=allocation, acting_user=done, submit=True,
                        scores={c.pk: (3, "Clear plan") for c in overdue_round.criteria.all()})
    for allocation in Allocation.objects.filter(assessor=conflicted):
        conflict_declare(allocation=allocation, has_conflict=True, nature="I chair its board", acting_user=conflicted)
    assert scores_overdue_notify() == 0


def test_the_overdue_scores_command_reminds_and_says_how_many(overdue_round, capsys):
    call_command("notify_overdue_scores")
    assert "2 reminders of overdue scores sent." in capsys.readouterr().out
