"""Every status of every lifecycle is reached from its first one through the services, and nothing else sets one.

One round is walked from draft to completed as the people using the service would: applications sent through the
wizard, screened, scored, decided, offered, accepted, declined, lapsed, paid by bank transfer and by Stripe (with
its signed webhooks), and monitored through their quarterly returns. After every step the statuses in the database
are looked at, so a status that a service passes through on its way is counted too.
"""

import ast
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from accounts.models import Role
from applications.models import AdjustmentRequest, Application, Round
from applications.services import (
    adjustment_decide,
    adjustment_request,
    application_start,
    application_submit,
    application_withdraw,
    round_status_change,
)
from assessment.models import Assessment
from assessment.services import (
    allocation_auto,
    application_screen,
    assessment_revise,
    assessment_save,
    conflict_declare,
)
from core.state import StatusMachine
from grants.clawbacks import clawback_confirm, clawback_propose, clawback_refuse, repayment_record
from grants.models import Award, Clawback, ConnectedAccount, Decision, Tranche
from grants.payments import tranche_record_bacs, tranche_release_stripe, webhook_receive
from grants.suspensions import award_resume, award_suspend
from grants.services import (
    award_accept,
    award_decline,
    awards_lapse,
    decision_confirm,
    decision_record,
    decision_send_back,
    decisions_accept_proposals,
)
from monitoring.closing import end_report_review, end_report_save, end_report_submit
from monitoring.models import EndReport, Return
from monitoring.services import return_review, return_save, return_submit, returns_mark_due
from tests.applications.conftest import complete_every_section
from tests.factories import (
    EligibilityCheckFactory,
    IndicatorFactory,
    MembershipFactory,
    RoundFactory,
    UserFactory,
    award_started_months_ago,
    described_criteria,
    letter_issued,
)
from tests.grants.test_payments import signed, transfer_event
from variations.changes import Asked
from variations.models import Variation
from variations.services import variation_approve, variation_confirm, variation_refuse, variation_request

pytestmark = pytest.mark.django_db

MACHINES = [Round, Application, AdjustmentRequest, Assessment, Decision, Award, Tranche, Return, Clawback, EndReport,
            Variation]


class Seen:
    """The statuses each machine's rows have been seen in, and a check that each machine's first rows include one
    at its initial status (a tranche paid on acceptance is due from the moment it exists, beside the others)."""

    def __init__(self):
        self.statuses = {model: set() for model in MACHINES}

    def look(self) -> None:
        for model, seen in self.statuses.items():
            now = set(model.objects.values_list("status", flat=True))
            if now and not seen:
                initial = model._meta.get_field("status").default
                assert initial in now, f"{model.__name__} did not start at its initial status"
            seen |= now


@pytest.fixture
def seen():
    return Seen()


def look_after(seen: Seen, result):
    seen.look()
    return result


def sent_application(round_, client_for, seen: Seen) -> Application:
    """An application started, filled in through the wizard and sent by its organisation's owner."""
    owner = MembershipFactory(user__role=Role.APPLICANT).user
    check = EligibilityCheckFactory(round=round_, organisation=owner.memberships.get().organisation)
    application = look_after(seen, application_start(eligibility_check=check, acting_user=owner))
    complete_every_section(client_for(owner), application)
    return look_after(seen, application_submit(application=application, acting_user=owner, site_url="http://testserver"))


def owner_of(application: Application):
    return application.organisation.memberships.get().user


def test_every_status_of_every_machine_is_reached_from_its_first_through_the_services(
    client_for, programme_manager, finance_officer, fake_stripe, seen
):
    second_manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    round_ = RoundFactory(status=Round.Status.DRAFT, budget=Decimal("10000.00"), maximum_award=Decimal("10000.00"))
    described_criteria(round_)
    IndicatorFactory(round=round_, name="Disabled victims supported")
    assessors = [UserFactory(role=Role.ASSESSOR) for _ in range(round_.assessors_per_application)]
    round_.assessors.add(*assessors)
    seen.look()

    def move_round(status):
        look_after(seen, round_status_change(round_=round_, status=status, acting_user=programme_manager,
                                             reason="The next stage"))
        round_.refresh_from_db()

    move_round(Round.Status.OPEN)
    first, second, third, ineligible = (sent_application(round_, client_for, seen) for _ in range(4))
    owner = MembershipFactory(user__role=Role.APPLICANT).user
    unsent = application_start(eligibility_check=EligibilityCheckFactory(round=round_, organisation=owner.memberships.get()
                                                                         .organisation), acting_user=owner)
    look_after(seen, application_withdraw(application=unsent, acting_user=owner, reason="We merged with another group"))

    # Reasonable adjustments: waiting, agreed, not agreed, and agreed at once for BSL or audio answers.
    for agreed in (True, False):
        adjustment = look_after(seen, adjustment_request(application=first, kind=AdjustmentRequest.Kind.OTHER,
                                                         details="Large print forms", acting_user=owner_of(first)))
        look_after(seen, adjustment_decide(adjustment=adjustment, agreed=agreed, response="Our answer",
                                           acting_user=programme_manager))
    look_after(seen, adjustment_request(application=second, kind=AdjustmentRequest.Kind.ALTERNATIVE_FORMAT,
                                        details="BSL is my first language", acting_user=owner_of(second)))

    move_round(Round.Status.CLOSED)
    move_round(Round.Status.ASSESSING)
    for application in (first, second, third):
        look_after(seen, application_screen(application=application, eligible=True, reason="", acting_user=programme_manager))
    look_after(seen, application_screen(application=ineligible, eligible=False, reason="Outside London",
                                        acting_user=programme_manager))

    # Scored in rank order first, second, third; one assessor drafts, sends, then revises and sends again.
    allocation_auto(round_=round_, acting_user=programme_manager)
    for application, score in ((first, 5), (second, 4), (third, 3)):
        for allocation in application.allocations.all():
            scores = {criterion.pk: (score, "Clear evidence") for criterion in round_.criteria.all()}
            conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=allocation.assessor)
            look_after(seen, assessment_save(allocation=allocation, scores=scores, acting_user=allocation.assessor,
                                             submit=False))
            look_after(seen, assessment_save(allocation=allocation, scores={}, acting_user=allocation.assessor,
                                             submit=True))
    revised = first.allocations.first()
    look_after(seen, assessment_revise(allocation=revised, acting_user=revised.assessor))
    look_after(seen, assessment_save(allocation=revised, scores={}, acting_user=revised.assessor, submit=True))

    # The ringfence of £10,000 funds the first two, £5,000 each; the third is not funded.
    look_after(seen, decisions_accept_proposals(round_=round_, acting_user=programme_manager))
    # The second manager sends one back; its proposer proposes it again, as it was, with the reason asked for.
    sent_back = Decision.objects.get(application=third)
    look_after(seen, decision_send_back(decision=sent_back, reason="Say why it is not funded",
                                        acting_user=second_manager, proposed_at=sent_back.decided_at))
    look_after(seen, decision_record(application=third, outcome=sent_back.outcome, amount=sent_back.amount,
                                     reason="The ringfence has no room for it", acting_user=programme_manager))
    for decision in Decision.objects.all():
        look_after(seen, decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at))
    move_round(Round.Status.DECIDED)
    for application in (first, second, third):
        letter_issued(application)

    accepted = look_after(seen, award_accept(award=first.award, name="Amara", role="Chair", acting_user=owner_of(first)))
    look_after(seen, award_decline(award=second.award, reason="We cannot run it this year",
                                   acting_user=owner_of(second)))
    # The declined £5,000 goes to the third, whose offer then lapses unanswered.
    decision = decision_record(application=third, outcome=Decision.Outcome.FUND, amount=third.amount_requested,
                               reason="", acting_user=programme_manager)
    look_after(seen, decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at))
    letter_issued(third)
    look_after(seen, awards_lapse(now=timezone.now() + timedelta(days=365)))

    first_part, second_part = accepted.tranches.get(number=1), accepted.tranches.get(number=2)
    # Suspended before anything is paid, then lifted; paid; then money asked back, refused once, then owed and repaid.
    look_after(seen, award_suspend(award=accepted, reason="A safeguarding concern", acting_user=programme_manager))
    look_after(seen, award_resume(award=accepted, reason="The concern was looked into", acting_user=programme_manager))
    look_after(seen, tranche_record_bacs(tranche=first_part, bank_reference="BACS-1", paid_on=timezone.localdate(),
                                         acting_user=finance_officer))
    for confirmed in (False, True):
        clawback = look_after(seen, clawback_propose(award=accepted, amount=Decimal("100.00"), reason="Not spent",
                                                     acting_user=programme_manager))
        if confirmed:
            look_after(seen, clawback_confirm(clawback=clawback, proposed_at=clawback.proposed_at,
                                              acting_user=second_manager))
        else:
            look_after(seen, clawback_refuse(clawback=clawback, proposed_at=clawback.proposed_at,
                                             reason="It was spent", acting_user=second_manager))
    look_after(seen, repayment_record(clawback=clawback, amount=Decimal("100.00"), received_on=timezone.localdate(),
                                      bank_reference="BACK-1", acting_user=finance_officer))
    move_round(Round.Status.MONITORING)

    # The grantee asks to move money between budget lines three times: a little, approved by one manager; more,
    # confirmed by a second; and once more, refused.
    def ask(moved: str) -> Variation:
        staff, access = first.budget_lines.order_by("position", "id")
        return look_after(seen, variation_request(award=accepted, reason="Interpreters cost more",
                                                  acting_user=owner_of(first), asked=Asked(budget={
                                                      staff.pk: staff.amount - Decimal(moved),
                                                      access.pk: access.amount + Decimal(moved)})))

    look_after(seen, variation_approve(variation=ask("100"), acting_user=programme_manager))
    larger = look_after(seen, variation_approve(variation=ask("1000"), acting_user=programme_manager))
    look_after(seen, variation_confirm(variation=larger, acting_user=second_manager, approved_at=larger.approved_at))
    look_after(seen, variation_refuse(variation=ask("100"), reason="Not again", acting_user=programme_manager))

    # Returns fall due; the first needs changes before it is accepted; accepting the second makes part 2 due.
    look_after(seen, returns_mark_due(today=timezone.localdate() + timedelta(days=800)))
    indicators = list(round_.indicators.values_list("pk", flat=True))
    budget_lines = list(first.budget_lines.values_list("pk", flat=True))
    award_started_months_ago(accepted, 12)  # a return is sent once its quarter has ended
    for quarter, sendings in ((1, 2), (2, 1), (3, 1), (4, 1)):
        monitoring_return = accepted.returns.get(quarter=quarter)
        return_save(monitoring_return=monitoring_return, counts={pk: 3 for pk in indicators},
                    spending={pk: Decimal("100.00") for pk in budget_lines}, narrative={}, acting_user=owner_of(first))
        for sending in range(sendings, 0, -1):
            look_after(seen, return_submit(monitoring_return=monitoring_return, declarant_name="Amara",
                                           acting_user=owner_of(first)))
            look_after(seen, return_review(monitoring_return=monitoring_return, accept=sending == 1,
                                           comments="Say more about the referrals", acting_user=programme_manager))

    ConnectedAccount.objects.create(organisation=first.organisation, stripe_account_id="acct_grantee",
                                    transfers_enabled=True)
    second_part = look_after(seen, tranche_release_stripe(tranche=second_part, acting_user=finance_officer))
    for event_id, event_type in (("evt_1", "transfer.created"), ("evt_2", "transfer.reversed")):
        payload, signature = signed(transfer_event(event_id, event_type, second_part,
                                                   transfer_id=second_part.stripe_transfer_id))
        look_after(seen, webhook_receive(payload=payload, signature=signature))
    # The grant ends: its end-of-grant report is sent, sent back for changes, sent again and accepted. The group
    # spent all but the last part, which is then not needed. A round is completed once every grant in it is paid
    # or not needed, and every return accepted.
    last_part = accepted.tranches.get(number=3)
    report = look_after(seen, end_report_save(award=accepted, acting_user=owner_of(first), fields={
        "achievements": "We supported more people than we promised", "spent": accepted.amount - last_part.amount,
        "underspend_reason": "A volunteer ran the last sessions", "lessons": "Start the outreach sooner",
        "story": "A woman reported the abuse and it stopped"}))
    for accept in (False, True):
        look_after(seen, end_report_submit(report=report, declarant_name="Amara", acting_user=owner_of(first)))
        look_after(seen, end_report_review(report=report, accept=accept, comments="Say more about the lessons",
                                           underspend_outcome="", acting_user=programme_manager,
                                           site_url="http://testserver"))
    move_round(Round.Status.COMPLETED)

    assert seen.statuses == {model: set(model.Status.values) for model in MACHINES}


def project_apps() -> list:
    # The virtual environment may live inside the project: its installed apps are not ours.
    root, installed = Path(settings.BASE_DIR), Path(sys.prefix)
    return [
        config for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(root) and not Path(config.path).is_relative_to(installed)
    ]


def test_every_model_with_a_status_is_a_status_machine_walked_above():
    with_status = {
        model for config in project_apps() for model in config.get_models()
        if "status" in {field.name for field in model._meta.fields}
    }
    assert with_status == set(MACHINES)
    assert all(issubclass(model, StatusMachine) and model.TRANSITIONS for model in MACHINES)


def test_every_status_in_a_transition_table_is_one_of_its_choices():
    for model in MACHINES:
        named = set(model.TRANSITIONS) | set().union(*model.TRANSITIONS.values())
        assert named <= set(model.Status.values), model


def _status_writes(tree: ast.AST):
    """Lines that set a `status` other than by `transition_to`: assignments to `.status`, `setattr(..., "status",
    ...)` and `.update(status=...)`."""
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = [element for target in node.targets
                       for element in (target.elts if isinstance(target, ast.Tuple) else [target])]
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        if any(isinstance(target, ast.Attribute) and target.attr == "status" for target in targets):
            yield node.lineno
        if isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Name) and function.id == "setattr" and len(node.args) > 1 and \
                    isinstance(node.args[1], ast.Constant) and node.args[1].value == "status":
                yield node.lineno
            if isinstance(function, ast.Attribute) and function.attr == "update" and \
                    any(keyword.arg == "status" for keyword in node.keywords):
                yield node.lineno


def _inside_transition_to(tree: ast.AST) -> set[int]:
    return {
        line for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == "transition_to"
        for line in range(node.lineno, node.end_lineno + 1)
    }


# Modules that set a status other than through a transition table, and why.
NOT_OUR_STATUSES = {
    Path("core/queue.py"): "the task queue's own results, not ours, queued again after their worker died",
    Path("monitoring/demo.py"): "last year's awarded applications in the demo: history written as it stands",
}


def test_nothing_but_transition_to_sets_a_status():
    root = Path(settings.BASE_DIR)
    folders = [Path(config.path) for config in project_apps()]
    offences = []
    for folder in folders:
        for path in folder.rglob("*.py"):
            if "migrations" in path.parts or path.relative_to(root) in NOT_OUR_STATUSES:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            allowed = _inside_transition_to(tree)
            offences += [f"{path.relative_to(root)}:{line}" for line in _status_writes(tree) if line not in allowed]
    assert folders and not offences, "Statuses set outside transition_to:\n" + "\n".join(offences)


def test_the_check_for_status_writes_finds_each_way_of_writing_one():
    source = (
        "award.status = 'active'\n"
        "previous, tranche.status = tranche.status, 'paid'\n"
        "setattr(award, 'status', 'active')\n"
        "Award.objects.filter(pk=1).update(status='active')\n"
        "award.status == 'active'\n"
    )
    assert sorted(_status_writes(ast.parse(source))) == [1, 2, 3, 4]
