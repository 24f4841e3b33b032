import threading
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role
from applications.audit import AuditAction
from applications.models import (
    AdjustmentRequest,
    Application,
    FileAnswer,
    Indicator,
    Membership,
    Question,
    Round,
    ScoreDescriptor,
    Section,
)
from applications.services import (
    STANDARD_INDICATORS,
    STANDARD_PARTS,
    ApplicationError,
    DeadlinePassed,
    RoundNotReady,
    adjustment_decide,
    adjustment_request,
    application_start,
    application_store_documents,
    application_store_media_answers,
    application_submit,
    application_save_section,
    application_withdraw,
    eligibility_check_record,
    extension_grant,
    information_request,
    information_send,
    invitation_accept,
    invitation_send,
    media_answer_transcribe,
    organisation_create,
    question_move,
    question_remove,
    question_save,
    round_add_standard_indicators,
    round_add_standard_questions,
    round_budget_change,
    section_move,
    section_remove,
    section_save,
    round_copy,
    criterion_remove,
    criterion_save,
    indicator_remove,
    indicator_save,
    round_create,
    round_status_change,
    round_update,
    rounds_close_due,
)
from applications.round_setup import round_setup_gaps
from core.models import AuditEvent
from core.state import InvalidTransition
from tests.factories import (
    FileAnswerFactory,
    MediaAnswerFactory,
    MP3_BYTES,
    PDF_BYTES,
    PASSING_ANSWERS,
    ApplicationFactory,
    CriterionFactory,
    EligibilityCheckFactory,
    IndicatorFactory,
    InvitationFactory,
    AwardFactory,
    MembershipFactory,
    RoundFactory,
    UserFactory,
    answers_given,
    described_criteria,
    set_up_to_open,
)

pytestmark = pytest.mark.django_db
SITE = "https://grants.example.org"


def test_creating_an_organisation_makes_the_creator_its_owner(applicant):
    organisation = organisation_create(acting_user=applicant, fields={"name": "Barnet Deaf Group"})
    assert organisation.memberships.get().user == applicant
    assert organisation.memberships.get().role == Membership.Role.OWNER
    assert AuditEvent.objects.filter(action=AuditAction.ORGANISATION_CREATED, target_id=str(organisation.pk)).exists()


def test_an_invitation_is_emailed_and_accepted_by_the_invited_address(applicant, organisation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_send(organisation=organisation, email="new@example.org", role="editor",
                                     acting_user=applicant, site_url=SITE)
    assert f"{SITE}/invitations/{invitation.token}/" in mail.outbox[0].body
    colleague = UserFactory(email="new@example.org")
    membership = invitation_accept(invitation=invitation, acting_user=colleague)
    assert membership.organisation == organisation and membership.role == "editor"
    with pytest.raises(ApplicationError, match="already been used"):
        invitation_accept(invitation=invitation, acting_user=colleague)


def test_an_invitation_cannot_be_accepted_by_someone_else(organisation):
    invitation = InvitationFactory(organisation=organisation, email="invited@example.org")
    with pytest.raises(ApplicationError, match="This invitation was sent to invited@example.org"):
        invitation_accept(invitation=invitation, acting_user=UserFactory(email="someone.else@example.org"))
    assert not organisation.memberships.filter(user__email="someone.else@example.org").exists()


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.PROGRAMME_MANAGER, Role.FINANCE_OFFICER])
def test_staff_cannot_join_an_applicant_organisation_and_the_refusal_is_on_record(organisation, role):
    invitation = InvitationFactory(organisation=organisation, email="staff.member@example.org")
    staff_member = UserFactory(email="staff.member@example.org", role=role)
    with pytest.raises(ApplicationError, match="You cannot join .* because you work for the funder"):
        invitation_accept(invitation=invitation, acting_user=staff_member)
    assert not organisation.memberships.filter(user=staff_member).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert AuditEvent.objects.filter(
        actor=staff_member, action=AuditAction.STAFF_JOIN_REFUSED, target_id=str(organisation.pk)
    ).exists()


def test_an_invitation_ignores_capitals_and_spaces_in_the_invited_address(organisation):
    invitation = InvitationFactory(organisation=organisation, email=" Colleague@Example.org")
    colleague = UserFactory(email="colleague@example.org")
    assert invitation_accept(invitation=invitation, acting_user=colleague).user == colleague


def test_an_expired_invitation_cannot_be_accepted(organisation):
    invitation = InvitationFactory(organisation=organisation, expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ApplicationError, match="expired"):
        invitation_accept(invitation=invitation, acting_user=UserFactory(email=invitation.email))


def test_inviting_an_existing_member_is_refused(applicant, organisation):
    with pytest.raises(ApplicationError, match="already a member"):
        invitation_send(organisation=organisation, email=applicant.email.upper(), role="editor",
                        acting_user=applicant, site_url=SITE)


def test_an_eligibility_check_keeps_the_answers_and_updates_the_profile(applicant, organisation, open_round):
    check = eligibility_check_record(
        round_=open_round, organisation=organisation, acting_user=applicant,
        answers={**PASSING_ANSWERS, "annual_income": Decimal("85000.00"), "boroughs": ["E09000030", "E09000012"]},
    )
    assert check.passed
    assert check.answers["annual_income"] == "85000.00"
    organisation.refresh_from_db()
    assert organisation.board_size == 8 and organisation.annual_income == Decimal("85000.00")
    assert set(organisation.boroughs.values_list("gss_code", flat=True)) == {"E09000030", "E09000012"}


def test_an_ineligible_organisation_cannot_start_an_application(applicant, organisation, open_round):
    check = EligibilityCheckFactory(round=open_round, organisation=organisation, failures=["Income too high."])
    with pytest.raises(ApplicationError):
        application_start(eligibility_check=check, acting_user=applicant)
    assert not Application.objects.exists()


def test_starting_twice_returns_the_same_application(applicant, organisation, open_round):
    check = EligibilityCheckFactory(round=open_round, organisation=organisation)
    first = application_start(eligibility_check=check, acting_user=applicant)
    assert application_start(eligibility_check=check, acting_user=applicant) == first
    assert Application.objects.count() == 1


def test_an_application_cannot_be_started_after_the_round_closes(applicant, organisation):
    closed = RoundFactory(closes_at=timezone.now() - timedelta(minutes=1), opens_at=timezone.now() - timedelta(days=9))
    with pytest.raises(DeadlinePassed):
        application_start(eligibility_check=EligibilityCheckFactory(round=closed, organisation=organisation),
                          acting_user=applicant)


def test_submitting_gives_the_next_reference_in_the_round(applicant, organisation, open_round):
    open_round.reference_prefix = "DHC27"
    open_round.save()
    first = application_submit(application=ApplicationFactory(round=open_round, complete=True), acting_user=applicant, site_url=SITE)
    second = application_submit(application=ApplicationFactory(round=open_round, complete=True), acting_user=applicant, site_url=SITE)
    assert (first.reference, second.reference) == ("DHC27-0001", "DHC27-0002")
    assert first.status == Application.Status.SUBMITTED
    event = AuditEvent.objects.get(action=AuditAction.APPLICATION_SUBMITTED, target_id=str(first.pk))
    assert (event.from_state, event.to_state) == ("draft", "submitted")


def test_submitting_is_refused_while_a_section_is_incomplete(applicant, open_round):
    application = ApplicationFactory(round=open_round, complete=True)
    application.sections.filter(step__in=["budget", "documents"]).update(completed_at=None)
    with pytest.raises(ApplicationError, match="Still to do: Budget, Documents"):
        application_submit(application=application, acting_user=applicant, site_url=SITE)
    application.refresh_from_db()
    assert (application.status, application.reference) == (Application.Status.DRAFT, None)


def test_submitting_is_refused_before_any_section_is_started(applicant, open_round):
    with pytest.raises(ApplicationError, match="Complete every section"):
        application_submit(application=ApplicationFactory(round=open_round), acting_user=applicant, site_url=SITE)


def test_submitting_twice_makes_one_submission(applicant, open_round, django_capture_on_commit_callbacks):
    application = ApplicationFactory(round=open_round, complete=True)
    Membership.objects.create(organisation=application.organisation, user=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        first = application_submit(application=application, acting_user=applicant, site_url=SITE)
        again = application_submit(application=application, acting_user=applicant, site_url=SITE)
    assert first.reference == again.reference
    assert len(mail.outbox) == 1
    open_round.refresh_from_db()
    assert open_round.last_reference_number == 1


def test_the_server_refuses_submission_after_the_deadline(applicant):
    round_ = RoundFactory(opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(seconds=1))
    application = ApplicationFactory(round=round_, complete=True)
    with pytest.raises(DeadlinePassed):
        application_submit(application=application, acting_user=applicant, site_url=SITE)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_an_extension_lets_one_organisation_submit_after_the_deadline(applicant, programme_manager):
    round_ = RoundFactory(opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(hours=1))
    application = ApplicationFactory(round=round_, complete=True)
    other = ApplicationFactory(round=round_, complete=True)
    extension_grant(round_=round_, organisation=application.organisation, closes_at=timezone.now() + timedelta(days=3),
                    reason="Reasonable adjustment: the coordinator was in hospital", acting_user=programme_manager)
    assert application_submit(application=application, acting_user=applicant, site_url=SITE).reference
    with pytest.raises(DeadlinePassed):
        application_submit(application=other, acting_user=applicant, site_url=SITE)
    event = AuditEvent.objects.get(action=AuditAction.DEADLINE_EXTENDED)
    assert event.reason == "Reasonable adjustment: the coordinator was in hospital"


@pytest.mark.parametrize("status", ["draft", "submitted", "eligible", "scored"])
def test_an_application_can_be_withdrawn_until_a_decision(applicant, status):
    application = application_withdraw(application=ApplicationFactory(status=status), acting_user=applicant, reason="Merged")
    assert application.status == Application.Status.WITHDRAWN


@pytest.mark.parametrize("status", ["awarded", "not_funded", "ineligible", "withdrawn"])
def test_an_application_cannot_be_withdrawn_after_a_decision(applicant, status):
    with pytest.raises(InvalidTransition):
        application_withdraw(application=ApplicationFactory(status=status), acting_user=applicant, reason="")


@pytest.mark.parametrize(
    ("from_status", "allowed"),
    [
        ("draft", {"submitted", "withdrawn"}),
        ("submitted", {"eligible", "ineligible", "withdrawn"}),
        ("eligible", {"scored", "withdrawn"}),
        ("scored", {"awarded", "not_funded", "withdrawn"}),
        ("ineligible", set()),
        ("awarded", set()),
        ("not_funded", {"awarded"}),
        ("withdrawn", set()),
    ],
)
def test_the_application_lifecycle_allows_only_its_own_moves(from_status, allowed):
    application = Application(status=from_status)
    assert {status for status in Application.Status.values if application.can_transition_to(status)} == allowed


def test_a_withdrawn_application_frees_the_organisation_to_apply_again(applicant, organisation, open_round):
    check = EligibilityCheckFactory(round=open_round, organisation=organisation)
    first = application_start(eligibility_check=check, acting_user=applicant)
    application_withdraw(application=first, acting_user=applicant, reason="Starting again")
    second = application_start(eligibility_check=check, acting_user=applicant)
    assert second != first


def test_asking_to_answer_in_bsl_or_audio_is_agreed_at_once(applicant):
    application = ApplicationFactory()
    adjustment = adjustment_request(application=application, kind="alternative_format", details="BSL is my first language",
                                    acting_user=applicant)
    assert adjustment.status == AdjustmentRequest.Status.AGREED


def test_other_requests_wait_for_a_programme_manager(applicant, programme_manager, django_capture_on_commit_callbacks):
    adjustment = adjustment_request(application=ApplicationFactory(), kind="extra_time", details="Two more weeks",
                                    acting_user=applicant)
    assert adjustment.status == AdjustmentRequest.Status.REQUESTED
    Membership.objects.create(organisation=adjustment.application.organisation, user=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        decided = adjustment_decide(adjustment=adjustment, agreed=True, response="Agreed: until 30 June",
                                    acting_user=programme_manager)
    assert decided.status == AdjustmentRequest.Status.AGREED
    assert "Agreed: until 30 June" in mail.outbox[0].body
    with pytest.raises(ApplicationError):
        adjustment_decide(adjustment=adjustment, agreed=False, response="Changed my mind", acting_user=programme_manager)


def test_copying_a_completed_round_starts_a_draft_numbered_afresh(programme_manager):
    source = RoundFactory(reference_prefix="DHC27", status=Round.Status.COMPLETED, last_reference_number=40)
    copy = round_copy(source=source, acting_user=programme_manager)
    assert (copy.status, copy.last_reference_number) == (Round.Status.DRAFT, 0)
    assert (copy.budget, copy.closes_at.year) == (source.budget, source.closes_at.year + 1)


def test_copying_a_round_starts_next_years_draft_with_the_same_rules(programme_manager):
    source = RoundFactory(reference_prefix="DHC27", minimum_disabled_board_share=60)
    CriterionFactory(round=source, name="Need")
    IndicatorFactory(round=source, code="victims")
    copy = round_copy(source=source, acting_user=programme_manager)
    assert copy.reference_prefix == "DHC28"
    assert copy.status == Round.Status.DRAFT
    assert copy.opens_at.year == source.opens_at.year + 1
    assert copy.minimum_disabled_board_share == 60
    assert list(copy.criteria.values_list("name", flat=True)) == ["Need"]
    assert list(copy.indicators.values_list("code", flat=True)) == ["victims"]
    assert source.criteria.count() == 1


def test_each_copy_of_a_round_has_a_name_of_its_own(programme_manager):
    source = RoundFactory(name="Small grants 2027")
    names = [round_copy(source=source, acting_user=programme_manager).name for _ in range(3)]
    assert names == ["Small grants 2027 (copy)", "Small grants 2027 (copy 2)", "Small grants 2027 (copy 3)"]


def test_standard_indicators_are_added_once(programme_manager, open_round):
    assert round_add_standard_indicators(round_=open_round, acting_user=programme_manager) == len(STANDARD_INDICATORS)
    assert round_add_standard_indicators(round_=open_round, acting_user=programme_manager) == 0
    assert Indicator.objects.filter(round=open_round).count() == len(STANDARD_INDICATORS)


def test_standard_indicators_say_which_is_part_of_which(programme_manager, open_round):
    round_add_standard_indicators(round_=open_round, acting_user=programme_manager)
    parts = dict(open_round.indicators.filter(part_of__isnull=False).values_list("code", "part_of__code"))
    assert parts == STANDARD_PARTS
    assert set(open_round.indicators.values_list("unit", flat=True)) == {Indicator.Unit.NUMBER}


def test_copying_a_round_keeps_which_indicator_is_part_of_which_within_the_copy(programme_manager, open_round):
    round_add_standard_indicators(round_=open_round, acting_user=programme_manager)
    copy = round_copy(source=open_round, acting_user=programme_manager)
    parts = copy.indicators.filter(part_of__isnull=False)
    assert dict(parts.values_list("code", "part_of__code")) == STANDARD_PARTS
    assert set(parts.values_list("part_of__round", flat=True)) == {copy.pk}


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Row locks (select_for_update) only prove anything on PostgreSQL"
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_of_one_application_make_one_reference():
    application = ApplicationFactory(complete=True)
    applicant = UserFactory()
    results, errors = [], []

    def submit():
        try:
            results.append(application_submit(application=application, acting_user=applicant, site_url=SITE).reference)
        except Exception as error:  # noqa: BLE001 - any failure in a thread must fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1
    application.round.refresh_from_db()
    assert application.round.last_reference_number == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_in_a_round_get_distinct_references():
    round_ = RoundFactory()
    applications = [ApplicationFactory(round=round_, complete=True) for _ in range(6)]
    applicant = UserFactory()
    references = []

    def submit(application):
        references.append(application_submit(application=application, acting_user=applicant, site_url=SITE).reference)
        connection.close()

    threads = [threading.Thread(target=submit, args=(application,)) for application in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(references) == [f"{round_.reference_prefix}-{n:04d}" for n in range(1, 7)]


def store_document(application, acting_user, name: str) -> str:
    upload = SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
    application_store_documents(application=application, uploads={"constitution": (upload, "application/pdf")},
                                acting_user=acting_user)
    return application.documents.get(kind="constitution").file.name


def test_replacing_a_document_deletes_the_old_file_once_committed(applicant, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = store_document(application, applicant, "first.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        second = store_document(application, applicant, "second.pdf")
    assert not default_storage.exists(first)
    assert default_storage.exists(second)


def test_a_replacement_that_is_rolled_back_keeps_the_old_file(applicant, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = store_document(application, applicant, "first.pdf")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            store_document(application, applicant, "second.pdf")
            raise RuntimeError("something later in the request failed")
    assert callbacks == []
    assert default_storage.exists(first)
    assert application.documents.get().file.name == first


def test_replacing_a_video_or_audio_answer_deletes_the_old_file(applicant, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    names = []
    for name in ("first.mp3", "second.mp3"):
        upload = SimpleUploadedFile(name, MP3_BYTES, content_type="audio/mpeg")
        with django_capture_on_commit_callbacks(execute=True):
            application_store_media_answers(application=application, uploads={"need": (upload, "audio/mpeg")},
                                            acting_user=applicant)
        names.append(application.media_answers.get(question="need").file.name)
    assert not default_storage.exists(names[0])
    assert default_storage.exists(names[1])


# Transcripts of recorded answers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "submitted", "eligible", "awarded"])
def test_the_organisation_writes_a_transcript_while_editing_or_after_sending(applicant, organisation, status):
    answer = MediaAnswerFactory(application=ApplicationFactory(organisation=organisation, status=status))
    media_answer_transcribe(answer=answer, transcript="  We support Deaf people who report hate crime.\n", acting_user=applicant)
    answer.refresh_from_db()
    assert answer.transcript == "We support Deaf people who report hate crime."
    event = AuditEvent.objects.get(action=AuditAction.MEDIA_ANSWER_TRANSCRIBED)
    assert event.actor == applicant and event.target_id == str(answer.application_id)
    assert event.data == {"question": "need"}


def test_a_programme_manager_writes_a_transcript_once_the_application_is_sent(programme_manager):
    answer = MediaAnswerFactory(application=ApplicationFactory(status="submitted"))
    media_answer_transcribe(answer=answer, transcript="Signed answer, in English.", acting_user=programme_manager)
    answer.refresh_from_db()
    assert answer.transcript == "Signed answer, in English."


@pytest.mark.parametrize("who", ["programme_manager_on_a_draft", "other_applicant", "assessor", "finance_officer",
                                 "member_after_withdrawing"])
def test_a_transcript_is_refused_to_anyone_else(request, who, organisation, applicant):
    status = {"programme_manager_on_a_draft": "draft", "member_after_withdrawing": "withdrawn"}.get(who, "submitted")
    person = {
        "programme_manager_on_a_draft": "programme_manager", "member_after_withdrawing": "applicant",
    }.get(who, who)
    answer = MediaAnswerFactory(application=ApplicationFactory(organisation=organisation, status=status))
    with pytest.raises(ApplicationError, match="cannot change the transcript"):
        media_answer_transcribe(answer=answer, transcript="Words", acting_user=request.getfixturevalue(person))
    answer.refresh_from_db()
    assert answer.transcript == ""
    assert not AuditEvent.objects.filter(action=AuditAction.MEDIA_ANSWER_TRANSCRIBED).exists()


# Rounds: budget and status ---------------------------------------------------------------------------------------


def test_a_programme_manager_changes_the_budget_with_the_before_and_after_audited(programme_manager):
    round_ = RoundFactory(budget=Decimal("100000.00"))
    round_budget_change(round_=round_, budget=Decimal("120000.00"), acting_user=programme_manager,
                        reason="Extra money from the council")
    round_.refresh_from_db()
    assert round_.budget == Decimal("120000.00")
    event = AuditEvent.objects.get(action=AuditAction.BUDGET_CHANGED)
    assert (event.actor, event.from_state, event.to_state, event.reason) == (
        programme_manager, "100000.00", "120000.00", "Extra money from the council"
    )


def test_the_budget_cannot_be_cut_below_the_money_already_promised(programme_manager):
    award = AwardFactory(amount=Decimal("8000.00"), application__round=RoundFactory(budget=Decimal("20000.00")))
    round_ = award.round
    with pytest.raises(ApplicationError, match="£8,000.00 already promised"):
        round_budget_change(round_=round_, budget=Decimal("7999.99"), acting_user=programme_manager, reason="Cuts")
    round_.refresh_from_db()
    assert round_.budget == Decimal("20000.00")
    assert not AuditEvent.objects.filter(action=AuditAction.BUDGET_CHANGED).exists()
    round_budget_change(round_=round_, budget=Decimal("10000.00"), acting_user=programme_manager, reason="Cuts")


def test_money_from_declined_offers_does_not_hold_the_budget_up(programme_manager):
    award = AwardFactory(amount=Decimal("8000.00"), status="declined",
                         application__round=RoundFactory(budget=Decimal("20000.00")))
    round_budget_change(round_=award.round, budget=Decimal("10000.00"), acting_user=programme_manager, reason="Cuts")
    award.round.refresh_from_db()
    assert award.round.budget == Decimal("10000.00")


def test_the_budget_cannot_be_less_than_the_largest_award_or_nothing(programme_manager):
    round_ = RoundFactory(budget=Decimal("50000.00"), maximum_award=Decimal("10000.00"))
    with pytest.raises(ApplicationError, match="largest award"):
        round_budget_change(round_=round_, budget=Decimal("9000.00"), acting_user=programme_manager, reason="Cuts")
    with pytest.raises(ApplicationError, match="more than £0"):
        round_budget_change(round_=round_, budget=Decimal("0"), acting_user=programme_manager, reason="Cuts")


@pytest.mark.parametrize("role", ["applicant", "assessor", "finance_officer"])
def test_only_a_programme_manager_changes_a_rounds_budget_or_status(role):
    round_, person = RoundFactory(status=Round.Status.DRAFT), UserFactory(role=role)
    with pytest.raises(ApplicationError, match="Only a programme manager"):
        round_budget_change(round_=round_, budget=Decimal("1"), acting_user=person, reason="Mine now")
    with pytest.raises(ApplicationError, match="Only a programme manager"):
        round_status_change(round_=round_, status=Round.Status.OPEN, acting_user=person, reason="Mine now")


def test_a_superuser_without_the_role_cannot_change_a_rounds_money(superuser):
    with pytest.raises(ApplicationError, match="Only a programme manager"):
        round_budget_change(round_=RoundFactory(), budget=Decimal("1"), acting_user=superuser, reason="Fix")


def test_budget_and_status_changes_need_a_reason(programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    with pytest.raises(ApplicationError, match="reason"):
        round_budget_change(round_=round_, budget=Decimal("90000"), acting_user=programme_manager, reason="")
    with pytest.raises(ApplicationError, match="reason"):
        round_status_change(round_=round_, status=Round.Status.OPEN, acting_user=programme_manager, reason=" ")


def test_a_round_walks_every_stage_from_draft_to_completed_with_each_move_audited(programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    set_up_to_open(round_)
    stages = [Round.Status.OPEN, Round.Status.CLOSED, Round.Status.ASSESSING, Round.Status.DECIDED,
              Round.Status.MONITORING, Round.Status.COMPLETED]
    for stage in stages:
        round_ = round_status_change(round_=round_, status=stage, acting_user=programme_manager, reason="Next stage")
    round_.refresh_from_db()
    assert round_.status == Round.Status.COMPLETED
    moves = AuditEvent.objects.filter(action=AuditAction.ROUND_STATUS_CHANGED).order_by("id")
    froms = [Round.Status.DRAFT, *stages[:-1]]
    assert [(event.from_state, event.to_state) for event in moves] == list(zip(froms, stages))


def test_a_round_opens_only_once_it_is_set_up_and_says_what_is_missing(programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT, tranche_schedule=[{"share": "50", "after": "acceptance"}],
                          score_scale_max=3)
    described_criteria(round_, weights=(60, 30))
    ScoreDescriptor.objects.filter(criterion__name="Criterion 2", score__in=[1, 3]).delete()
    with pytest.raises(RoundNotReady) as refused:
        round_status_change(round_=round_, status=Round.Status.OPEN, acting_user=programme_manager, reason="Ready")
    assert refused.value.blockers == [
        "The parts add up to 50% of the grant: they must add up to 100%.",
        "The criteria's weights add up to 90%: they must add up to 100%.",
        "‘Criterion 2’ has no description for a score of 1, 3.",
        "The round has no indicators for grantees to count and report on.",
        "The panel has 0 assessors: each application needs 2.",
    ]
    round_.refresh_from_db()
    assert round_.status == Round.Status.DRAFT
    assert not AuditEvent.objects.filter(action=AuditAction.ROUND_STATUS_CHANGED).exists()


def test_a_round_whose_closing_time_has_passed_cannot_open(programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT, opens_at=timezone.now() - timedelta(days=30),
                          closes_at=timezone.now() - timedelta(minutes=1))
    set_up_to_open(round_)
    with pytest.raises(RoundNotReady, match="cannot move to open yet. The round's closing time has passed: set a later one."):
        round_status_change(round_=round_, status=Round.Status.OPEN, acting_user=programme_manager, reason="Ready")


def test_a_round_with_no_criteria_is_told_so(programme_manager):
    round_ = set_up_to_open(RoundFactory(status=Round.Status.DRAFT))
    round_.criteria.all().delete()
    with pytest.raises(RoundNotReady) as refused:
        round_status_change(round_=round_, status=Round.Status.OPEN, acting_user=programme_manager, reason="Ready")
    assert refused.value.blockers == ["The round has no criteria for assessors to score against."]


def test_an_open_round_closes_by_itself_once_its_closing_time_has_passed_and_says_so_in_its_history():
    due = RoundFactory(status=Round.Status.OPEN, closes_at=timezone.now() - timedelta(minutes=1))
    still_open = RoundFactory(status=Round.Status.OPEN)
    assert rounds_close_due() == 1
    due.refresh_from_db()
    still_open.refresh_from_db()
    assert (due.status, still_open.status) == (Round.Status.CLOSED, Round.Status.OPEN)
    event = AuditEvent.objects.get(action=AuditAction.ROUND_STATUS_CHANGED)
    assert (event.actor, event.from_state, event.to_state, event.reason) == (
        None, Round.Status.OPEN, Round.Status.CLOSED, "Its closing time passed."
    )
    assert rounds_close_due() == 0
    assert AuditEvent.objects.filter(action=AuditAction.ROUND_STATUS_CHANGED).count() == 1


def test_a_round_stays_open_until_the_latest_deadline_it_gave_an_organisation_has_passed(programme_manager):
    round_ = RoundFactory(status=Round.Status.OPEN, closes_at=timezone.now() - timedelta(hours=1))
    extended_to = timezone.now() + timedelta(days=2)
    extension_grant(round_=round_, organisation=EligibilityCheckFactory(round=round_).organisation,
                    closes_at=extended_to, reason="Time in hospital", acting_user=programme_manager)
    assert rounds_close_due() == 0
    assert rounds_close_due(now=extended_to + timedelta(minutes=1)) == 1
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED


def test_a_programme_manager_can_close_an_open_round_before_its_closing_time(programme_manager):
    round_ = round_status_change(round_=RoundFactory(status=Round.Status.OPEN), status=Round.Status.CLOSED,
                                 acting_user=programme_manager, reason="The fund was withdrawn")
    assert round_.status == Round.Status.CLOSED
    assert AuditEvent.objects.get(action=AuditAction.ROUND_STATUS_CHANGED).actor == programme_manager


def test_the_close_rounds_command_closes_the_rounds_that_are_due():
    due = RoundFactory(status=Round.Status.OPEN, closes_at=timezone.now() - timedelta(minutes=1))
    output = StringIO()
    call_command("close_rounds", stdout=output)
    assert output.getvalue() == "1 rounds closed.\n"
    due.refresh_from_db()
    assert due.status == Round.Status.CLOSED


def test_copying_a_round_copies_what_each_score_means_for_each_criterion(programme_manager):
    source = RoundFactory(reference_prefix="DHC27")
    described_criteria(source)
    copy = round_copy(source=source, acting_user=programme_manager)
    described = ScoreDescriptor.objects.filter(criterion__round=copy).order_by("criterion__position", "score")
    assert [(descriptor.criterion.name, descriptor.score, descriptor.description) for descriptor in described] == [
        (descriptor.criterion.name, descriptor.score, descriptor.description)
        for descriptor in ScoreDescriptor.objects.filter(criterion__round=source).order_by("criterion__position", "score")
    ]
    assert described.count() == 2 * (source.score_scale_max + 1)


def test_a_programme_manager_starts_a_round_as_a_draft_with_award_limits_within_its_budget(programme_manager):
    round_ = round_create(fields={
        "name": "Small grants 2028", "reference_prefix": "SG28", "summary": "For DDPOs.", "budget": Decimal("5000"),
        "opens_at": timezone.now() + timedelta(days=10), "closes_at": timezone.now() + timedelta(days=40),
        "quarters": 4,
    }, acting_user=programme_manager)
    assert round_.status == Round.Status.DRAFT
    assert (round_.minimum_award, round_.maximum_award) == (Decimal("1000.00"), Decimal("5000"))
    event = AuditEvent.objects.get(action=AuditAction.ROUND_CREATED)
    assert (event.actor, event.target_id) == (programme_manager, str(round_.pk))


def test_only_a_programme_manager_sets_a_round_up(programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    with pytest.raises(ApplicationError, match="Only a programme manager"):
        round_update(round_=round_, fields={"name": "Mine"}, acting_user=UserFactory(role=Role.FINANCE_OFFICER))


def test_a_change_to_a_rounds_set_up_is_kept_with_what_each_value_was_and_became(programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT, budget=Decimal("100000.00"), requires_disabled_leader=True)
    round_update(round_=round_, fields={"budget": Decimal("120000.00"), "requires_disabled_leader": False,
                                        "name": round_.name}, acting_user=programme_manager)
    round_.refresh_from_db()
    assert (round_.budget, round_.requires_disabled_leader) == (Decimal("120000.00"), False)
    event = AuditEvent.objects.get(action=AuditAction.ROUND_SET_UP_CHANGED)
    assert event.sentence == ("changed ringfenced budget from £100,000 to £120,000; chair or chief officer must be a "
                              "Disabled person from Yes to No")
    round_update(round_=round_, fields={"budget": Decimal("120000.00")}, acting_user=programme_manager)
    assert AuditEvent.objects.filter(action=AuditAction.ROUND_SET_UP_CHANGED).count() == 1


def test_a_change_to_the_tranche_schedule_is_kept_in_words(programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    round_update(round_=round_, fields={"tranche_schedule": [
        {"share": "40", "after": "acceptance"}, {"share": "60", "after": "return", "quarter": 2},
    ]}, acting_user=programme_manager)
    assert AuditEvent.objects.get(action=AuditAction.ROUND_SET_UP_CHANGED).sentence == (
        "changed tranche schedule from 50% on acceptance, 25% after the quarter 2 return, 25% after the quarter 4 "
        "return to 40% on acceptance, 60% after the quarter 2 return"
    )


def test_a_set_up_that_breaks_the_rounds_rules_is_refused_in_words(programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT, budget=Decimal("20000.00"))
    with pytest.raises(ApplicationError, match="^The largest award cannot be more than the budget.$"):
        round_update(round_=round_, fields={"maximum_award": Decimal("25000.00")}, acting_user=programme_manager)
    with pytest.raises(ApplicationError, match="must add up to 100%"):
        round_update(round_=round_, fields={"tranche_schedule": [{"share": "50", "after": "acceptance"}]},
                     acting_user=programme_manager)
    round_.refresh_from_db()
    assert round_.maximum_award == Decimal("10000.00")


def test_once_a_round_is_open_only_its_name_and_summary_can_change(programme_manager):
    round_ = RoundFactory(status=Round.Status.OPEN)
    with pytest.raises(ApplicationError, match="only its name and summary can change now"):
        round_update(round_=round_, fields={"income_cap": Decimal("1")}, acting_user=programme_manager)
    round_update(round_=round_, fields={"summary": "Clearer words.", "income_cap": round_.income_cap},
                 acting_user=programme_manager)
    round_.refresh_from_db()
    assert round_.summary == "Clearer words."


def test_a_criterion_is_added_last_with_what_each_score_means_and_changes_are_kept_in_words(programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT, score_scale_max=3)
    CriterionFactory(round=round_, name="Need", position=4)
    meanings = {0: "No evidence", 1: "Weak", 2: "Good", 3: "Strong"}
    criterion = criterion_save(round_=round_, criterion=None, acting_user=programme_manager, descriptions=meanings,
                               fields={"name": "Reach", "guidance": "", "weight": Decimal("25")})
    assert criterion.position == 5
    assert dict(criterion.descriptors.values_list("score", "description")) == meanings
    criterion_save(round_=round_, criterion=criterion, acting_user=programme_manager,
                   descriptions={**meanings, 2: "Clear evidence"},
                   fields={"name": "Reach", "guidance": "", "weight": Decimal("30")})
    sentences = [event.sentence for event in AuditEvent.objects.filter(target_id=str(round_.pk)).order_by("id")]
    assert sentences == [
        "added the criterion Reach",
        "changed the criterion Reach: weight (%) from 25 to 30; what a score of 2 means from Good to Clear evidence",
    ]


def test_a_criterion_or_indicator_of_an_open_round_cannot_change_here(programme_manager):
    round_ = RoundFactory(status=Round.Status.OPEN)
    with pytest.raises(ApplicationError, match="its questions, criteria and indicators can no longer change"):
        criterion_save(round_=round_, criterion=None, acting_user=programme_manager, descriptions={},
                       fields={"name": "Reach", "guidance": "", "weight": Decimal("25")})
    with pytest.raises(ApplicationError, match="its questions, criteria and indicators can no longer change"):
        indicator_remove(indicator=IndicatorFactory(round=round_), acting_user=programme_manager)
    assert round_.indicators.count() == 1


def test_a_criterion_is_removed_with_its_meanings_and_the_removal_kept(programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    criterion, _ = described_criteria(round_)
    criterion_remove(criterion=criterion, acting_user=programme_manager)
    assert list(round_.criteria.values_list("name", flat=True)) == ["Criterion 2"]
    assert not ScoreDescriptor.objects.filter(criterion_id=criterion.pk).exists()
    assert AuditEvent.objects.get(action=AuditAction.CRITERION_REMOVED).sentence == "removed the criterion Criterion 1"


def test_an_indicator_gets_a_code_of_its_own_from_its_name_and_the_round_knows_it_changed(programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    Round.objects.filter(pk=round_.pk).update(updated_at=timezone.now() - timedelta(days=1))
    fields = {"name": "Victims supported", "guidance": "", "unit": "number", "has_target": True, "part_of": None}
    first = indicator_save(round_=round_, indicator=None, fields=fields, acting_user=programme_manager)
    fields["name"] = "Victims supported!"
    second = indicator_save(round_=round_, indicator=None, fields=fields, acting_user=programme_manager)
    assert (first.code, second.code, second.position) == ("victims-supported", "victims-supported-2", first.position + 1)
    round_.refresh_from_db()
    assert timezone.now() - round_.updated_at < timedelta(minutes=1)
    indicator_save(round_=round_, indicator=second, fields={**fields, "has_target": False, "part_of": first},
                   acting_user=programme_manager)
    assert AuditEvent.objects.filter(action=AuditAction.INDICATOR_CHANGED).get().sentence == (
        "changed the indicator Victims supported!: has target from Yes to No; part of from not set to Victims supported"
    )


def test_an_indicator_cannot_be_part_of_one_counted_in_another_unit(programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    whole = IndicatorFactory(round=round_, unit="percentage")
    with pytest.raises(ApplicationError, match="^Choose an indicator counted in the same unit.$"):
        indicator_save(round_=round_, indicator=None, acting_user=programme_manager, fields={
            "name": "Reports taken", "guidance": "", "unit": "number", "has_target": False, "part_of": whole,
        })
    assert round_.indicators.count() == 1


def test_a_copied_round_matches_its_source_field_by_field_but_its_name_dates_and_numbering(programme_manager):
    source = RoundFactory(
        status=Round.Status.COMPLETED, score_scale_max=4, minimum_disabled_staff_share=50, last_reference_number=7,
        required_documents=["accounts"], tie_break=Round.TieBreak.EARLIER_SUBMISSION, offer_acceptance_days=21,
        tranche_schedule=[{"share": "70", "after": "acceptance"}, {"share": "30", "after": "return", "quarter": 3}],
    )
    described_criteria(source, weights=(50, 30, 20))
    round_add_standard_indicators(round_=source, acting_user=programme_manager)
    source.assessors.add(*(UserFactory(role=Role.ASSESSOR) for _ in range(3)))
    copy = round_copy(source=source, acting_user=programme_manager)
    starting_afresh = {"id", "name", "reference_prefix", "status", "opens_at", "closes_at", "last_reference_number",
                       "updated_at"}
    for field in Round._meta.concrete_fields:
        if field.attname not in starting_afresh:
            assert getattr(copy, field.attname) == getattr(source, field.attname), field.name

    def criteria(round_):
        return [(criterion.name, criterion.guidance, criterion.weight, criterion.position,
                 list(criterion.descriptors.values_list("score", "description")))
                for criterion in round_.criteria.order_by("position")]

    def indicators(round_):
        return list(round_.indicators.order_by("position").values_list(
            "code", "name", "guidance", "has_target", "unit", "position", "part_of__code"))

    assert criteria(copy) == criteria(source) and len(criteria(copy)) == 3
    assert indicators(copy) == indicators(source) and len(indicators(copy)) == len(STANDARD_INDICATORS)
    assert set(copy.assessors.all()) == set(source.assessors.all()) and copy.assessors.count() == 3
    assert (copy.status, copy.last_reference_number) == (Round.Status.DRAFT, 0)
    assert copy.reference_prefix != source.reference_prefix


def test_two_criteria_of_a_round_cannot_share_a_name(programme_manager):
    round_ = RoundFactory(status=Round.Status.DRAFT)
    CriterionFactory(round=round_, name="Need")
    with pytest.raises(ApplicationError, match="already has a criterion called need"):
        criterion_save(round_=round_, criterion=None, acting_user=programme_manager, descriptions={},
                       fields={"name": "need", "guidance": "", "weight": Decimal("25")})


FORBIDDEN_ROUND_MOVES = [
    (start, end) for start in Round.Status.values for end in Round.Status.values
    if end not in Round.TRANSITIONS.get(start, ())
]


@pytest.mark.parametrize(("start", "end"), FORBIDDEN_ROUND_MOVES)
def test_a_round_cannot_skip_a_stage_or_go_back(programme_manager, start, end):
    round_ = RoundFactory(status=start)
    with pytest.raises(InvalidTransition):
        round_status_change(round_=round_, status=end, acting_user=programme_manager, reason="Skip ahead")
    round_.refresh_from_db()
    assert round_.status == start


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_budget_cut_and_an_offer_at_the_same_moment_never_promise_more_than_the_budget():
    from grants.services import GrantError, award_offer, committed_in

    manager = UserFactory(role="programme_manager")
    round_ = RoundFactory(budget=Decimal("10000.00"), maximum_award=Decimal("5000.00"))
    application = ApplicationFactory(round=round_, status="scored", amount_requested=Decimal("6000.00"))
    round_status_change(round_=round_, status=Round.Status.CLOSED, acting_user=manager, reason="Scored")
    start, refusals = threading.Barrier(2), []

    def offer():
        start.wait()
        try:
            award_offer(application=application, amount=Decimal("6000.00"), acting_user=manager)
        except GrantError as refused:
            refusals.append(refused)
        finally:
            connection.close()

    def cut():
        start.wait()
        try:
            round_budget_change(round_=round_, budget=Decimal("5000.00"), acting_user=manager, reason="Cuts")
        except ApplicationError as refused:
            refusals.append(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=offer), threading.Thread(target=cut)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    round_.refresh_from_db()
    assert len(refusals) == 1
    assert committed_in(round_) <= round_.budget


def test_setting_the_budget_it_already_has_is_refused_and_not_audited(programme_manager):
    round_ = RoundFactory(budget=Decimal("100000.00"))
    with pytest.raises(ApplicationError, match="already £100,000.00"):
        round_budget_change(round_=round_, budget=Decimal("100000"), acting_user=programme_manager, reason="Same")
    assert not AuditEvent.objects.filter(action=AuditAction.BUDGET_CHANGED).exists()


def question_fields(**overrides) -> dict:
    return {"label": "Do you work online?", "hint": "", "kind": "yes_no", "required": True, "max_words": None,
            "max_chars": None, "choices": [], "recording_allowed": False, "shown_if": None, "shown_if_answer": "",
            "is_title": False, "is_description": False, **overrides}


def test_a_programme_manager_builds_sections_and_questions_with_a_condition_each_change_audited(programme_manager):
    round_ = RoundFactory(status="draft", questions=False)
    section = section_save(round_=round_, section=None, fields={"title": "How you work", "intro": ""},
                           acting_user=programme_manager)
    assert section.slug == "how-you-work"
    online = question_save(section=section, question=None, fields=question_fields(), acting_user=programme_manager)
    where = question_save(section=section, question=None, acting_user=programme_manager, fields=question_fields(
        label="Which platforms?", kind="several_choices", choices=["Facebook", "WhatsApp"], shown_if=online,
        shown_if_answer="Yes",
    ))
    assert (online.code, where.code, where.position) == ("do-you-work-online", "which-platforms", 1)
    question_save(section=section, question=where, acting_user=programme_manager,
                  fields=question_fields(label="Which platforms?", kind="several_choices",
                                         choices=["Facebook", "WhatsApp", "TikTok"], shown_if=online,
                                         shown_if_answer="Yes"))
    sentences = [event.sentence for event in AuditEvent.objects.filter(target_id=str(round_.pk), target_type__model="round").order_by("id")]
    assert sentences[-1].endswith(
        "changed the question Which platforms?: options from Facebook, WhatsApp to Facebook, WhatsApp, TikTok"
    ), sentences


@pytest.mark.parametrize("fields, refusal", [
    ({"kind": "one_choice", "choices": ["Only one"]}, "Give at least two options"),
    ({"kind": "long_text", "is_title": True}, "Only a short text answer can be the project's name"),
    ({"kind": "number", "is_description": True}, "Only a written answer can be the project's published summary"),
    ({"shown_if_answer": "Maybe"}, "Choose one of the answers to ‘Do you work online\\?’: Yes, No"),
])
def test_a_question_that_could_not_be_asked_as_set_up_is_refused_in_words(programme_manager, fields, refusal):
    round_ = RoundFactory(status="draft", questions=False)
    section = section_save(round_=round_, section=None, fields={"title": "How you work", "intro": ""},
                           acting_user=programme_manager)
    online = question_save(section=section, question=None, fields=question_fields(), acting_user=programme_manager)
    overrides = {"shown_if": online, **fields} if "shown_if_answer" in fields else fields
    with pytest.raises(ApplicationError, match=refusal):
        question_save(section=section, question=None, fields=question_fields(label="Another", **overrides),
                      acting_user=programme_manager)


def test_a_question_cannot_depend_on_a_later_one_nor_be_removed_while_another_depends_on_it(programme_manager):
    round_ = RoundFactory(status="draft", questions=False)
    first = section_save(round_=round_, section=None, fields={"title": "First", "intro": ""},
                         acting_user=programme_manager)
    second = section_save(round_=round_, section=None, fields={"title": "Second", "intro": ""},
                          acting_user=programme_manager)
    early = question_save(section=first, question=None, fields=question_fields(label="Early"),
                          acting_user=programme_manager)
    later = question_save(section=second, question=None, fields=question_fields(label="Later"),
                          acting_user=programme_manager)
    with pytest.raises(ApplicationError, match="asked before it"):
        question_save(section=first, question=early, acting_user=programme_manager,
                      fields=question_fields(label="Early", shown_if=later, shown_if_answer="Yes"))
    question_save(section=second, question=later, acting_user=programme_manager,
                  fields=question_fields(label="Later", shown_if=early, shown_if_answer="No"))
    with pytest.raises(ApplicationError, match="Other questions are asked only for an answer to this one: Later"):
        question_remove(question=early, acting_user=programme_manager)
    with pytest.raises(ApplicationError, match="Later"):
        section_remove(section=first, acting_user=programme_manager)
    section_remove(section=second, acting_user=programme_manager)
    question_remove(question=early, acting_user=programme_manager)
    assert not Question.objects.filter(section__round=round_).exists()


def test_questions_and_sections_move_one_place_at_a_time_but_never_ahead_of_the_answer_they_depend_on(
    programme_manager
):
    round_ = RoundFactory(status="draft", questions=False)
    first, second = (section_save(round_=round_, section=None, fields={"title": title, "intro": ""},
                                  acting_user=programme_manager) for title in ("First", "Second"))
    online, phone, platforms = (
        question_save(section=first, question=None, fields=question_fields(label=label), acting_user=programme_manager)
        for label in ("Online?", "Phone?", "Platforms?"))
    question_save(section=first, question=platforms, acting_user=programme_manager,
                  fields=question_fields(label="Platforms?", shown_if=online, shown_if_answer="Yes"))
    later = question_save(section=second, question=None, acting_user=programme_manager,
                          fields=question_fields(label="Later?", shown_if=phone, shown_if_answer="No"))

    def order(section):
        return list(section.questions.order_by("position").values_list("label", flat=True))

    question_move(question=platforms, up=True, acting_user=programme_manager)
    assert order(first) == ["Online?", "Platforms?", "Phone?"]
    with pytest.raises(ApplicationError, match="‘Platforms\\?’ is asked only for an answer to ‘Online\\?’, so it must "
                                               "come after it"):
        question_move(question=platforms, up=True, acting_user=programme_manager)
    with pytest.raises(ApplicationError, match="must come after it"):
        question_move(question=online, up=False, acting_user=programme_manager)
    assert order(first) == ["Online?", "Platforms?", "Phone?"]
    question_move(question=online, up=True, acting_user=programme_manager)  # first already: nothing moves
    question_move(question=phone, up=False, acting_user=programme_manager)  # last already
    assert order(first) == ["Online?", "Platforms?", "Phone?"]

    with pytest.raises(ApplicationError, match="so Second must come after First"):
        section_move(section=second, up=True, acting_user=programme_manager)
    question_remove(question=later, acting_user=programme_manager)
    section_move(section=second, up=True, acting_user=programme_manager)
    assert list(round_.sections.order_by("position").values_list("title", flat=True)) == ["Second", "First"]
    sentences = [event.sentence for event in AuditEvent.objects.filter(
        target_id=str(round_.pk), action__in=[AuditAction.QUESTION_MOVED, AuditAction.SECTION_MOVED]).order_by("id")]
    assert sentences == ["moved the question Platforms? up", "moved the section Second up"]


def test_an_open_rounds_questions_cannot_change(programme_manager):
    round_ = RoundFactory(status="open")
    with pytest.raises(ApplicationError):
        section_save(round_=round_, section=None, fields={"title": "More", "intro": ""}, acting_user=programme_manager)
    with pytest.raises(ApplicationError):
        question_remove(question=Question.objects.filter(section__round=round_).first(), acting_user=programme_manager)
    with pytest.raises(ApplicationError):
        question_move(question=Question.objects.filter(section__round=round_).last(), up=True,
                      acting_user=programme_manager)


def test_a_section_cannot_take_the_name_of_another_page_of_the_application(programme_manager):
    round_ = RoundFactory(status="draft", questions=False)
    for title in ("Budget", "Letters"):
        section_save(round_=round_, section=None, fields={"title": title, "intro": ""}, acting_user=programme_manager)
    assert set(Section.objects.filter(round=round_).values_list("slug", flat=True)) == {"budget-2", "letters-2"}
    with pytest.raises(ApplicationError, match="already has a section called budget"):
        section_save(round_=round_, section=None, fields={"title": "budget", "intro": ""}, acting_user=programme_manager)


def test_the_standard_questions_are_added_once_and_a_copy_keeps_questions_and_their_conditions(programme_manager):
    source = RoundFactory(status="draft", questions=False)
    assert round_add_standard_questions(round_=source, acting_user=programme_manager) is not None
    assert round_add_standard_questions(round_=source, acting_user=programme_manager) is None
    section = source.sections.get()
    online = question_save(section=section, question=None, fields=question_fields(), acting_user=programme_manager)
    question_save(section=section, question=None, acting_user=programme_manager,
                  fields=question_fields(label="How?", kind="short_text", shown_if=online, shown_if_answer="Yes"))
    copy = round_copy(source=source, acting_user=programme_manager)
    copied = list(Question.objects.filter(section__round=copy).select_related("shown_if", "section"))
    compared = [field.name for field in Question._meta.concrete_fields if field.name not in ("id", "section",
                                                                                              "shown_if")]
    assert [[getattr(question, name) for name in compared] for question in copied] == [
        [getattr(question, name) for name in compared] for question in Question.objects.filter(section__round=source)
    ]
    assert [(section.slug, section.title, section.intro, section.position) for section in copy.sections.all()] == [
        (section.slug, section.title, section.intro, section.position) for section in source.sections.all()
    ]
    how = next(question for question in copied if question.label == "How?")
    assert how.shown_if.section.round_id == copy.pk and how.shown_if.label == "Do you work online?"


def sent_with_answers(round_=None):
    application = ApplicationFactory(round=round_ or RoundFactory(status="open"), complete=True, status="submitted",
                                     reference="R-0001", submitted_at=timezone.now())
    answers_given(application, title="Reporting centre", need="Few report.")
    return application


def test_asking_for_more_information_reopens_only_the_named_sections_until_the_changes_are_sent(
    programme_manager, django_capture_on_commit_callbacks
):
    application = sent_with_answers()
    member = MembershipFactory(organisation=application.organisation).user
    section = application.round.sections.get()
    with django_capture_on_commit_callbacks(execute=True):
        request = information_request(application=application, sections=[section], message="Tell us more about need.",
                                      respond_by=timezone.now() + timedelta(days=7), acting_user=programme_manager)
    assert request.before == {"title": ["Project name", "Reporting centre"],
                              "need": ["What need will your project meet?", "Few report."]}
    assert [message.to for message in mail.outbox] == [[member.email]]
    assert "Tell us more" not in mail.outbox[0].body  # the email links to the request, never holds it
    with pytest.raises(ApplicationError, match="already has a request waiting"):
        information_request(application=application, sections=[section], message="Again",
                            respond_by=timezone.now() + timedelta(days=7), acting_user=programme_manager)
    with pytest.raises(ApplicationError, match="can no longer be changed"):
        application_save_section(application=application, step="budget", data={}, acting_user=member, completed=True)
    application_save_section(application=application, step="project", data={}, acting_user=member, completed=True,
                             answers={"section": section, "answers": {
                                 question: value for question, value in [
                                     (section.questions.get(code="title"), "Reporting centre"),
                                     (section.questions.get(code="need"), "Many do not report: we asked 40 members."),
                                 ]}})
    # Until they are sent, the changes wait on the request: no one reads a half-made answer as the application's.
    assert application.answers.get(question__code="need").value == "Few report."
    sent = information_send(application=application, acting_user=member)
    assert application.answers.get(question__code="need").value == "Many do not report: we asked 40 members."
    assert sent.after["need"] == ["What need will your project meet?", "Many do not report: we asked 40 members."]
    assert sent.before["need"][1] == "Few report."
    with pytest.raises(ApplicationError, match="can no longer be changed"):
        application_save_section(application=application, step="project", data={}, acting_user=member, completed=True)
    assert [event.action for event in AuditEvent.objects.filter(target_id=str(application.pk)).order_by("id")][-2:] == [
        AuditAction.INFORMATION_REQUESTED, AuditAction.INFORMATION_SENT,
    ]


def test_files_and_recordings_given_in_a_reopened_section_are_held_until_the_changes_are_sent(
    programme_manager, django_capture_on_commit_callbacks
):
    application = sent_with_answers()
    member = MembershipFactory(organisation=application.organisation).user
    section = application.round.sections.get()
    evidence = Question.objects.create(section=section, code="evidence", label="Upload your evidence", kind="file",
                                       required=False, position=9)
    sent_file = FileAnswerFactory(application=application, question=evidence, original_name="survey.pdf")
    sent_recording = MediaAnswerFactory(application=application, question="need")
    with pytest.raises(ApplicationError, match="can no longer be changed"):
        application_store_media_answers(application=application, acting_user=member, uploads={
            "need": (SimpleUploadedFile("early.mp3", MP3_BYTES, content_type="audio/mpeg"), "audio/mpeg")})
    request = information_request(application=application, sections=[section], message="Show us your evidence.",
                                  respond_by=timezone.now() + timedelta(days=7), acting_user=programme_manager)
    answers = {question: value for question, value in [
        (section.questions.get(code="title"), "Reporting centre"),
        (section.questions.get(code="need"), "Few report."),
        (evidence, "survey-2026.pdf"),
    ]}
    for _ in range(2):  # saved twice, the second time with the same files: each is held once
        application_save_section(application=application, step=section.slug, data={}, acting_user=member,
                                 completed=True, answers={"section": section, "answers": answers, "files": {
                                     evidence: (SimpleUploadedFile("survey-2026.pdf", PDF_BYTES), "application/pdf"),
                                 }, "media": {
                                     "need": (SimpleUploadedFile("need-2026.mp3", MP3_BYTES), "audio/mpeg"),
                                 }})
    # Until the changes are sent, the application's file and recording are the ones sent.
    assert [answer.pk for answer in application.file_answers.all()] == [sent_file.pk]
    assert [answer.pk for answer in application.media_answers.all()] == [sent_recording.pk]
    assert FileAnswer.with_held.filter(held_for=request).get().original_name == "survey-2026.pdf"
    replaced = [sent_file.file.name, sent_recording.file.name]
    with django_capture_on_commit_callbacks(execute=True):
        information_send(application=application, acting_user=member)
    assert [answer.original_name for answer in application.file_answers.all()] == ["survey-2026.pdf"]
    assert [answer.original_name for answer in application.media_answers.all()] == ["need-2026.mp3"]
    assert not any(default_storage.exists(name) for name in replaced)
    assert application.answers.get(question=evidence).value == "survey-2026.pdf"
    request.refresh_from_db()
    assert request.after["evidence"] == ["Upload your evidence", "survey-2026.pdf"]


@pytest.mark.parametrize("status", ["draft", "awarded", "withdrawn"])
def test_more_information_is_asked_only_between_sending_and_the_decision(programme_manager, status):
    application = sent_with_answers()
    Application.objects.filter(pk=application.pk).update(status=status)
    with pytest.raises(ApplicationError, match="only on a sent application that is not decided"):
        information_request(application=application, sections=list(application.round.sections.all()), message="?",
                            respond_by=timezone.now() + timedelta(days=7), acting_user=programme_manager)


def test_changes_are_refused_after_the_date_to_answer_by(programme_manager):
    application = sent_with_answers()
    member = MembershipFactory(organisation=application.organisation).user
    information_request(application=application, sections=list(application.round.sections.all()), message="?",
                        respond_by=timezone.now() + timedelta(days=1), acting_user=programme_manager)
    application.information_requests.update(respond_by=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ApplicationError, match="date to answer by has passed"):
        information_send(application=application, acting_user=member)


def test_a_question_others_depend_on_keeps_the_answers_they_name(programme_manager):
    round_ = RoundFactory(status="draft", questions=False)
    section = section_save(round_=round_, section=None, fields={"title": "About you", "intro": ""},
                           acting_user=programme_manager)
    size = question_save(section=section, question=None, acting_user=programme_manager, fields=question_fields(
        label="How big is your group?", kind="one_choice", choices=["Small", "More than 50 members"]))
    question_save(section=section, question=None, acting_user=programme_manager, fields=question_fields(
        label="How do you involve them all?", kind="long_text", shown_if=size, shown_if_answer="More than 50 members"))
    for changed in ({"kind": "short_text", "choices": []}, {"choices": ["Small", "51 or more members"]}):
        with pytest.raises(ApplicationError, match="‘How do you involve them all\\?’ is asked only for the answer More "
                                                   "than 50 members"):
            question_save(section=section, question=size, acting_user=programme_manager, fields=question_fields(**{
                "label": "How big is your group?", "kind": "one_choice", "choices": ["Small", "More than 50 members"],
                **changed,
            }))
    # Changed behind the service's back (in the admin, say): the round cannot open until it is put right.
    Question.objects.filter(pk=size.pk).update(choices=["Small", "Large"])
    assert any("is asked only for the answer More than 50 members" in problem for problem in round_setup_gaps(round_))


def test_sending_changes_twice_sends_them_once(programme_manager):
    application = sent_with_answers()
    member = MembershipFactory(organisation=application.organisation).user
    information_request(application=application, sections=list(application.round.sections.all()), message="?",
                        respond_by=timezone.now() + timedelta(days=1), acting_user=programme_manager)
    first = information_send(application=application, acting_user=member)
    again = information_send(application=application, acting_user=member)
    assert again == first and again.answered_at == first.answered_at
    assert AuditEvent.objects.filter(action=AuditAction.INFORMATION_SENT).count() == 1
