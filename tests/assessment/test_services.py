from decimal import Decimal

import pytest
from django.core import mail
from hypothesis import HealthCheck, settings
from hypothesis import given as given_examples
from hypothesis import strategies as st

from accounts.models import Role
from applications.models import Application
from applications.round_setup import criteria_problems
from applications.services import ApplicationError
from assessment.audit import AuditAction
from assessment.models import Allocation, Assessment, ModeratedScore, Score, ScoreSummary
from assessment.scoring import heaviest_criterion, submitted_order, summarise, tie_key
from assessment.selectors import criterion_scores_for, criterion_scores_of
from assessment.services import (
    allocation_add,
    allocation_auto,
    allocation_remove,
    application_screen,
    assessment_revise,
    assessment_save,
    conflict_declare,
    moderation_record,
    round_panel_add,
    round_panel_remove,
    round_score_summaries_refresh,
    score_summaries_refresh,
)
from core.models import AuditEvent
from core.state import InvalidTransition
from tests.factories import ApplicationFactory, MembershipFactory, RoundFactory, UserFactory, described_criteria

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(db):
    round_ = RoundFactory()
    described_criteria(round_)
    return round_


@pytest.fixture
def panel(round_):
    assessors = [UserFactory(role=Role.ASSESSOR, full_name=f"Assessor {n}") for n in range(3)]
    round_.assessors.add(*assessors)
    return assessors


def eligible(round_, **fields):
    return ApplicationFactory(round=round_, status="eligible", **fields)


def full_marks(round_, score=4):
    return {criterion.pk: (score, "Clear evidence of need") for criterion in round_.criteria.all()}


def declared(allocation, conflict=False):
    conflict_declare(allocation=allocation, has_conflict=conflict, nature="I am on their board" if conflict else "",
                     acting_user=allocation.assessor)
    return allocation


def test_criteria_must_add_up_to_100_and_describe_every_score(round_):
    assert criteria_problems(round_) == []
    criterion = round_.criteria.first()
    criterion.weight = 50
    criterion.save()
    criterion.descriptors.filter(score=3).delete()
    assert criteria_problems(round_) == [
        "The criteria's weights add up to 90%: they must add up to 100%.",
        "‘Criterion 1’ has no description for a score of 3.",
    ]


def test_screening_marks_eligible_or_not_and_keeps_the_reason(round_, programme_manager, django_capture_on_commit_callbacks):
    fine = ApplicationFactory(round=round_, status="submitted")
    assert application_screen(application=fine, eligible=True, reason="", acting_user=programme_manager).status == "eligible"
    refused = ApplicationFactory(round=round_, status="submitted")
    MembershipFactory(organisation=refused.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        application_screen(application=refused, eligible=False, reason="Your accounts show income over the limit.",
                           acting_user=programme_manager)
    refused.refresh_from_db()
    assert refused.status == Application.Status.INELIGIBLE
    assert "cannot go forward" in mail.outbox[0].subject
    assert refused.screening.reason == "Your accounts show income over the limit."


@pytest.mark.parametrize("status", ["draft", "eligible", "ineligible", "withdrawn", "awarded"])
def test_only_a_sent_application_can_be_screened(round_, programme_manager, status):
    with pytest.raises(InvalidTransition):
        application_screen(application=ApplicationFactory(round=round_, status=status), eligible=True, reason="",
                           acting_user=programme_manager)


def test_allocation_refuses_assessors_off_the_panel_and_unscreened_applications(round_, panel, programme_manager):
    with pytest.raises(ApplicationError, match="panel"):
        allocation_add(application=eligible(round_), assessor=UserFactory(role=Role.ASSESSOR), acting_user=programme_manager)
    with pytest.raises(ApplicationError, match="screened as eligible"):
        allocation_add(application=ApplicationFactory(round=round_, status="submitted"), assessor=panel[0],
                       acting_user=programme_manager)


def test_automatic_allocation_spreads_evenly_and_skips_conflicts(round_, panel, programme_manager):
    applications = [eligible(round_, reference=f"R-{n:04d}") for n in range(6)]
    declared(Allocation.objects.create(application=applications[0], assessor=panel[0]), conflict=True)
    Allocation.objects.filter(application=applications[0]).delete()  # taken back after the conflict
    made = allocation_auto(round_=round_, acting_user=programme_manager)
    assert made == 12
    for application in applications:
        assert application.allocations.count() == 2
    assert not applications[0].allocations.filter(assessor=panel[0]).exists()
    loads = sorted(Allocation.objects.filter(assessor=a).count() for a in panel)
    assert loads[-1] - loads[0] <= 1
    assert allocation_auto(round_=round_, acting_user=programme_manager) == 0
    shared = AuditEvent.objects.filter(action=AuditAction.SHARED_OUT).order_by("id")
    assert [event.data for event in shared] == [{"allocations": 12}, {"allocations": 0}]
    assert shared[0].sentence == "shared out applications to score (12 allocations)"


def test_a_declared_conflict_blocks_scoring_and_reallocation(round_, panel, programme_manager):
    application = eligible(round_)
    allocation = declared(Allocation.objects.create(application=application, assessor=panel[0]), conflict=True)
    with pytest.raises(ApplicationError, match="conflict of interest"):
        assessment_save(allocation=allocation, scores=full_marks(round_), acting_user=panel[0], submit=True)
    allocation_remove(allocation=allocation, acting_user=programme_manager)
    with pytest.raises(ApplicationError, match="declared a conflict"):
        allocation_add(application=application, assessor=panel[0], acting_user=programme_manager)
    assert AuditEvent.objects.filter(action=AuditAction.INTERESTS_DECLARED, to_state="conflict").exists()
    taken_back = AuditEvent.objects.get(action=AuditAction.ALLOCATION_REMOVED)
    assert taken_back.data == {"assessor": str(panel[0]), "assessor_id": panel[0].pk}
    assert taken_back.sentence == f"took back from {panel[0]}"


def test_an_application_already_with_an_assessor_is_not_given_twice(round_, panel, programme_manager):
    application = eligible(round_)
    allocation_add(application=application, assessor=panel[0], acting_user=programme_manager)
    with pytest.raises(ApplicationError, match="already with"):
        allocation_add(application=application, assessor=panel[0], acting_user=programme_manager)
    assert application.allocations.count() == 1


# The panel ---------------------------------------------------------------------------------------------------------


def test_a_programme_manager_adds_an_assessor_to_the_panel_with_an_audit_row(round_, panel, programme_manager):
    newcomer = UserFactory(role=Role.ASSESSOR, full_name="Nadia Newcomer")
    round_panel_add(round_=round_, assessor=newcomer, acting_user=programme_manager)
    assert round_.assessors.filter(pk=newcomer.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.PANEL_MEMBER_ADDED)
    assert event.actor == programme_manager and event.target_id == str(round_.pk)
    assert event.data == {"assessor": "Nadia Newcomer", "assessor_id": newcomer.pk}
    assert event.sentence == "added Nadia Newcomer to the panel"
    # Now on the panel, the newcomer can be given an application the others are conflicted on.
    application = eligible(round_)
    assert allocation_add(application=application, assessor=newcomer, acting_user=programme_manager)


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.PROGRAMME_MANAGER, Role.FINANCE_OFFICER])
def test_only_an_assessor_can_join_a_panel(round_, programme_manager, role):
    with pytest.raises(ApplicationError, match="does not have an assessor's account"):
        round_panel_add(round_=round_, assessor=UserFactory(role=role), acting_user=programme_manager)
    assert not round_.assessors.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.PANEL_MEMBER_ADDED).exists()


def test_an_assessor_whose_account_is_closed_cannot_join_a_panel(round_, programme_manager):
    with pytest.raises(ApplicationError, match="does not have an assessor's account"):
        round_panel_add(round_=round_, assessor=UserFactory(role=Role.ASSESSOR, is_active=False),
                        acting_user=programme_manager)


def test_a_panel_member_is_not_added_twice(round_, panel, programme_manager):
    with pytest.raises(ApplicationError, match="already on the panel"):
        round_panel_add(round_=round_, assessor=panel[0], acting_user=programme_manager)
    assert round_.assessors.count() == len(panel)


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.FINANCE_OFFICER, Role.APPLICANT])
def test_only_a_programme_manager_changes_the_panel(round_, role):
    someone = UserFactory(role=role)
    with pytest.raises(ApplicationError, match="Only a programme manager"):
        round_panel_add(round_=round_, assessor=UserFactory(role=Role.ASSESSOR), acting_user=someone)
    assert not round_.assessors.exists()


def test_a_programme_manager_takes_an_assessor_off_the_panel_with_an_audit_row(round_, panel, programme_manager):
    round_panel_remove(round_=round_, assessor=panel[0], acting_user=programme_manager)
    assert set(round_.assessors.all()) == set(panel[1:])
    assert AuditEvent.objects.get(action=AuditAction.PANEL_MEMBER_REMOVED).sentence == "took Assessor 0 off the panel"
    with pytest.raises(ApplicationError, match="is not on the panel"):
        round_panel_remove(round_=round_, assessor=panel[0], acting_user=programme_manager)


def test_an_assessor_with_applications_to_score_stays_on_the_panel(round_, panel, programme_manager):
    allocation_add(application=eligible(round_), assessor=panel[0], acting_user=programme_manager)
    with pytest.raises(ApplicationError, match="has applications to score"):
        round_panel_remove(round_=round_, assessor=panel[0], acting_user=programme_manager)
    assert round_.assessors.filter(pk=panel[0].pk).exists()
    with pytest.raises(ApplicationError, match="Only a programme manager"):
        round_panel_remove(round_=round_, assessor=panel[1], acting_user=panel[1])


def test_scoring_needs_a_declaration_first(round_, panel):
    allocation = Allocation.objects.create(application=eligible(round_), assessor=panel[0])
    with pytest.raises(ApplicationError, match="Declare whether you have a conflict"):
        assessment_save(allocation=allocation, scores=full_marks(round_), acting_user=panel[0], submit=False)


def test_only_the_allocated_assessor_can_score(round_, panel):
    allocation = declared(Allocation.objects.create(application=eligible(round_), assessor=panel[0]))
    with pytest.raises(ApplicationError):
        assessment_save(allocation=allocation, scores=full_marks(round_), acting_user=panel[1], submit=False)


def test_a_draft_can_be_partial_but_a_submission_needs_every_score_and_reason(round_, panel):
    allocation = declared(Allocation.objects.create(application=eligible(round_), assessor=panel[0]))
    first = round_.criteria.first()
    draft = assessment_save(allocation=allocation, scores={first.pk: (3, "")}, acting_user=panel[0], submit=False)
    assert draft.status == Assessment.Status.DRAFT
    with pytest.raises(ApplicationError, match="Give a score and a reason for every criterion"):
        assessment_save(allocation=allocation, scores={first.pk: (3, "Good")}, acting_user=panel[0], submit=True)
    sent = assessment_save(allocation=allocation, scores=full_marks(round_), acting_user=panel[0], submit=True)
    assert sent.status == Assessment.Status.SUBMITTED and sent.pk == draft.pk


def test_a_submitted_score_is_never_overwritten_a_change_is_a_new_version(round_, panel):
    allocation = declared(Allocation.objects.create(application=eligible(round_), assessor=panel[0]))
    first = assessment_save(allocation=allocation, scores=full_marks(round_, 2), acting_user=panel[0], submit=True)
    with pytest.raises(ApplicationError, match="start a new version"):
        assessment_save(allocation=allocation, scores=full_marks(round_, 5), acting_user=panel[0], submit=False)
    second = assessment_revise(allocation=allocation, acting_user=panel[0])
    assert second.version == 2 and second.status == Assessment.Status.DRAFT
    first.refresh_from_db()
    assert first.status == Assessment.Status.SUBMITTED  # still counts while the new version is drafted
    assessment_save(allocation=allocation, scores=full_marks(round_, 5), acting_user=panel[0], submit=True)
    first.refresh_from_db()
    assert first.status == Assessment.Status.SUPERSEDED
    assert set(Score.objects.filter(assessment=first).values_list("score", flat=True)) == {2}
    assert AuditEvent.objects.filter(action=AuditAction.SCORES_SENT, data__version=2,
                                     reason="Replaces version 1").exists()


@pytest.mark.parametrize(
    ("from_status", "allowed"),
    [("draft", {"submitted"}), ("submitted", {"superseded"}), ("superseded", set())],
)
def test_the_assessment_lifecycle_allows_only_its_own_moves(from_status, allowed):
    assessment = Assessment(status=from_status)
    assert {status for status in Assessment.Status.values if assessment.can_transition_to(status)} == allowed


def test_an_application_is_scored_once_enough_assessors_have_submitted(round_, panel):
    application = eligible(round_)
    for assessor in panel[:2]:
        allocation = declared(Allocation.objects.create(application=application, assessor=assessor))
        assessment_save(allocation=allocation, scores=full_marks(round_), acting_user=assessor, submit=True)
        application.refresh_from_db()
    assert application.status == Application.Status.SCORED


def test_moderation_records_an_agreed_score_beside_the_originals(round_, panel, programme_manager):
    application = eligible(round_)
    criterion = round_.criteria.first()
    moderation_record(application=application, criterion=criterion, score=3, reason="Panel agreed", acting_user=programme_manager)
    moderation_record(application=application, criterion=criterion, score=2, reason="Revisited", acting_user=programme_manager)
    assert ModeratedScore.objects.get().score == 2
    moderated = AuditEvent.objects.filter(action=AuditAction.MODERATED).latest("id")
    assert (moderated.to_state, moderated.data) == ("2", {"criterion": str(criterion), "criterion_id": criterion.pk})
    with pytest.raises(ApplicationError, match="from 0 to 5"):
        moderation_record(application=application, criterion=criterion, score=9, reason="x", acting_user=programme_manager)
    other_round_criterion = described_criteria(RoundFactory())[0]
    with pytest.raises(ApplicationError, match="not part of"):
        moderation_record(application=application, criterion=other_round_criterion, score=2, reason="x",
                          acting_user=programme_manager)


# What the ranking reads ---------------------------------------------------------------------------------------------

def stored_summaries(round_) -> dict:
    return {
        row.application_id: (row.total, row.assessments, row.moderation, row.tie_key)
        for row in ScoreSummary.objects.filter(round=round_)
    }


def fresh_summaries(round_) -> dict:
    """Worked out from the scores as they stand, with no stored row: what every stored row must equal."""
    round_.refresh_from_db()
    criteria = list(round_.criteria.order_by("position", "id"))
    heaviest = heaviest_criterion(criteria)
    given = criterion_scores_for(round_)
    fresh = {}
    for application in round_.applications.all():
        summary = summarise(criterion_scores_of(criteria, given.get(application.pk, {})),
                            scale_max=round_.score_scale_max, threshold=round_.moderation_threshold,
                            heaviest_criterion_id=heaviest.pk)
        key = None if summary.total is None else tie_key(
            round_.tie_break, amount_requested=application.amount_requested,
            submitted_order=submitted_order(application.submitted_at), heaviest_used=summary.heaviest_used,
        )
        fresh[application.pk] = (summary.total, summary.assessments, summary.moderation, key)
    return fresh


def assert_stored_as_fresh(round_):
    stored, fresh = stored_summaries(round_), fresh_summaries(round_)
    never_scored = (None, 0, [], None)
    assert {pk: stored.get(pk, never_scored) for pk in fresh} == fresh


STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("send"), st.integers(0, 2), st.integers(0, 1), st.lists(st.integers(0, 5), min_size=2, max_size=2)),
        st.tuples(st.just("moderate"), st.integers(0, 2), st.integers(0, 1), st.integers(0, 5)),
        st.tuples(st.just("take back"), st.integers(0, 2), st.integers(0, 1)),
    ),
    max_size=8,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given_examples(steps=STEPS, tie_break=st.sampled_from(["smaller_request", "earlier_submission", "heaviest_criterion"]))
def test_stored_totals_and_flags_equal_a_fresh_working_out_after_any_scoring(programme_manager, steps, tie_break):
    round_ = RoundFactory(tie_break=tie_break)
    criteria = described_criteria(round_)
    assessors = [UserFactory(role=Role.ASSESSOR) for _ in range(2)]
    applications = [eligible(round_, amount_requested=Decimal(1000 * (n + 1))) for n in range(3)]
    allocations = {
        (a, s): declared(Allocation.objects.create(application=application, assessor=assessor))
        for a, application in enumerate(applications) for s, assessor in enumerate(assessors)
    }
    for step in steps:
        kind, a, s, *rest = step
        allocation = allocations.get((a, s))
        try:
            if kind == "send" and allocation is not None:
                if allocation.assessments.filter(status="submitted").exists():
                    assessment_revise(allocation=allocation, acting_user=allocation.assessor)
                scores = {criterion.pk: (value, "Reason") for criterion, value in zip(criteria, rest[0])}
                assessment_save(allocation=allocation, scores=scores, acting_user=allocation.assessor, submit=True)
            elif kind == "moderate":
                moderation_record(application=applications[a], criterion=criteria[s], score=rest[0], reason="Agreed",
                                  acting_user=programme_manager)
            elif kind == "take back" and allocation is not None:
                allocation_remove(allocation=allocation, acting_user=programme_manager)
                del allocations[(a, s)]
        except ApplicationError:
            pass  # a step the rules refuse changes nothing
        assert_stored_as_fresh(round_)


def test_sending_scores_stores_the_total_in_the_same_transaction(round_, panel, monkeypatch):
    application = eligible(round_)
    allocation = declared(Allocation.objects.create(application=application, assessor=panel[0]))
    monkeypatch.setattr("assessment.services._mark_scored_when_complete",
                        lambda *args: (_ for _ in ()).throw(RuntimeError("the database went away")))
    with pytest.raises(RuntimeError):
        assessment_save(allocation=allocation, scores=full_marks(round_), acting_user=panel[0], submit=True)
    assert not ScoreSummary.objects.exists()


def test_the_bulk_refresh_reads_a_fixed_number_of_queries_per_round(round_, panel, django_assert_max_num_queries):
    applications = [eligible(round_) for _ in range(5)]
    ids = [application.pk for application in applications]
    with django_assert_max_num_queries(7):
        score_summaries_refresh(application_ids=ids)
    assert set(stored_summaries(round_)) == set(ids)


def test_changing_a_rounds_weights_and_threshold_refreshes_its_stored_totals(round_, panel):
    application = eligible(round_)
    for assessor, score in zip(panel[:2], (1, 4)):
        allocation = declared(Allocation.objects.create(application=application, assessor=assessor))
        assessment_save(allocation=allocation, scores=full_marks(round_, score), acting_user=assessor, submit=True)
    first = round_.criteria.order_by("position").first()
    first.weight = 90
    first.save()
    round_.moderation_threshold = 4
    round_.save()
    round_score_summaries_refresh(round_=round_)
    assert_stored_as_fresh(round_)
    assert stored_summaries(round_)[application.pk][2] == []
