"""Every button that changes something, pressed twice: the second press never gives a server error, and the page
says in plain English what happened. The same holds for a form left open while someone else moved the status on."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Role
from applications.models import Application, Round
from applications.services import round_status_change
from assessment.models import Allocation
from assessment.services import allocation_add, assessment_save, conflict_declare
from grants.clawbacks import clawback_confirm, clawback_propose
from grants.payments import tranche_record_bacs
from grants.services import award_accept
from grants.suspensions import award_suspend
from monitoring.closing import end_report_save, end_report_submit
from monitoring.models import Return
from monitoring.services import return_submit
from tests.applications.conftest import complete_every_section
from tests.clients import signed_in_client
from tests.factories import (
    AdjustmentRequestFactory,
    ApplicationFactory,
    AwardFactory,
    EligibilityCheckFactory,
    InvitationFactory,
    MembershipFactory,
    RoundFactory,
    UserFactory,
    award_started_months_ago,
    described_criteria,
    grant_under_way,
)
from tests.grants.conftest import scored
from variations.changes import Asked
from variations.services import variation_approve, variation_request

pytestmark = pytest.mark.django_db


def owner():
    return MembershipFactory(user__role=Role.APPLICANT).user


def manager():
    return UserFactory(role=Role.PROGRAMME_MANAGER)


def submitted_application(organisation=None, **fields):
    extra = {"organisation": organisation} if organisation else {}
    return ApplicationFactory(status=Application.Status.SUBMITTED, reference=f"S-{Application.objects.count() + 1:04d}",
                              amount_requested=Decimal("5000.00"), **extra, **fields)


def withdraw():
    user = owner()
    application = submitted_application(user.memberships.get().organisation)
    url = reverse("applications:withdraw", kwargs={"pk": application.pk})
    return user, url, {"reason": ""}, "This application has already been withdrawn."


def screen():
    application = submitted_application()
    url = reverse("assessment:screen", kwargs={"pk": application.pk})
    return manager(), url, {"eligible": "True", "reason": ""}, f"{application} has already been screened."


def adjustment_decide():
    adjustment = AdjustmentRequestFactory(application=ApplicationFactory())
    # Answered already: the page shows the answer that was given.
    url = reverse("applications:adjustment", kwargs={"pk": adjustment.pk})
    return manager(), url, {"agreed": "True", "response": "Yes, take the time you need."}, "Yes, take the time you need."


def eligible_with_assessor():
    round_ = RoundFactory()
    described_criteria(round_)
    assessor = UserFactory(role=Role.ASSESSOR)
    round_.assessors.add(assessor)
    application = submitted_application(round=round_)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.ELIGIBLE)
    application.refresh_from_db()
    return application, assessor


def allocate():
    application, assessor = eligible_with_assessor()
    url = reverse("assessment:allocate", kwargs={"pk": application.pk})
    return manager(), url, {"assessor": assessor.pk}, f"{application} is already with {assessor}."


def unallocate():
    application, assessor = eligible_with_assessor()
    programme_manager = manager()
    allocation = allocation_add(application=application, assessor=assessor, acting_user=programme_manager)
    return programme_manager, reverse("assessment:unallocate", kwargs={"pk": allocation.pk}), {}, "Page not found"


def declare():
    application, assessor = eligible_with_assessor()
    allocation = allocation_add(application=application, assessor=assessor, acting_user=manager())
    # Declared already: the second press goes on to the scoring page, as the first did.
    url = reverse("assessment:declare", kwargs={"pk": allocation.pk})
    return assessor, url, {"has_conflict": "False"}, f"Score {application.reference}"


def declared_allocation() -> Allocation:
    application, assessor = eligible_with_assessor()
    allocation = allocation_add(application=application, assessor=assessor, acting_user=manager())
    conflict_declare(allocation=allocation, has_conflict=False, nature="", acting_user=assessor)
    return allocation


def assess_and_send():
    allocation = declared_allocation()
    data = {"submit": "1"}
    for criterion in allocation.application.round.criteria.all():
        data.update({f"score_{criterion.pk}": "3", f"justification_{criterion.pk}": "A clear plan with local partners."})
    url = reverse("assessment:assess", kwargs={"pk": allocation.pk})
    return allocation.assessor, url, data, "You have sent your scores. To change them, start a new version."


def revise():
    allocation = declared_allocation()
    assessment_save(allocation=allocation, acting_user=allocation.assessor, submit=True,
                    scores={c.pk: (3, "A clear plan.") for c in allocation.application.round.criteria.all()})
    url = reverse("assessment:revise", kwargs={"pk": allocation.pk})
    return allocation.assessor, url, {}, "You are now changing your scores as version 2."


def begin_application():
    user = owner()
    check = EligibilityCheckFactory(organisation=user.memberships.get().organisation)
    # The application already started is the one opened again.
    return user, reverse("applications:application_begin", kwargs={"pk": check.pk}), {}, "Your application to"


def accept_invitation():
    user = UserFactory(role=Role.APPLICANT)
    invitation = InvitationFactory(email=user.email)
    url = reverse("applications:invitation", kwargs={"token": invitation.token})
    return user, url, {}, "This invitation has expired or has already been used."


def offered_award():
    user = owner()
    award = AwardFactory(application__organisation=user.memberships.get().organisation)
    return user, award


def accept_offer():
    user, award = offered_award()
    url = reverse("grants:accept", kwargs={"pk": award.pk})
    return user, url, {"name": "Amara Okafor", "role": "Chair", "agree": "on"}, "This offer is no longer open: the grant is accepted."


def decline_offer():
    user, award = offered_award()
    url = reverse("grants:decline", kwargs={"pk": award.pk})
    return user, url, {"confirm": "True", "reason": ""}, "This offer is no longer open: the grant is declined."


def decide():
    round_ = RoundFactory()
    described_criteria(round_)
    assessors = [UserFactory(role=Role.ASSESSOR) for _ in range(2)]
    round_.assessors.add(*assessors)
    application = scored(round_, assessors, reference="D-0001", amount="6000.00", score=4)
    programme_manager = manager()
    round_status_change(round_=round_, status=Round.Status.CLOSED, acting_user=programme_manager, reason="Scored")
    # Until a second programme manager confirms it, a decision may be made again.
    url = reverse("grants:decide", kwargs={"pk": application.pk})
    return programme_manager, url, {"outcome": "fund", "amount": "5000", "reason": "A strong application."}, "saved"


def accepted_award():
    user, award = offered_award()
    award_accept(award=award, name="Amara", role="Chair", acting_user=user)
    return user, award


def send_return():
    user, award = accepted_award()
    award_started_months_ago(award)  # quarter 1 has ended
    url = reverse("monitoring:return", kwargs={"pk": award.pk, "quarter": 1})
    data = {"what_changed": "We supported people to report.", "declarant_name": "Amara Okafor", "send": "1"}
    return user, url, data, "A sent return cannot be changed."


def review_return():
    user, award = accepted_award()
    award_started_months_ago(award)  # quarter 1 has ended
    first = award.returns.get(quarter=1)
    return_submit(monitoring_return=first, declarant_name="Amara Okafor", acting_user=user)
    url = reverse("monitoring:review", kwargs={"pk": first.pk})
    return manager(), url, {"outcome": "accept", "comments": ""}, "This return has already been reviewed"


def paid_grant():
    """An accepted grant with its first part paid: money that can be asked back."""
    user, award = accepted_award()
    tranche_record_bacs(tranche=award.tranches.get(number=1), bank_reference="BACS-1", paid_on=timezone.localdate(),
                        acting_user=UserFactory(role=Role.FINANCE_OFFICER))
    return user, award


def suspend_a_grant():
    _, award = accepted_award()
    url = reverse("grants:suspend", kwargs={"pk": award.pk})
    return manager(), url, {"reason": "A safeguarding concern"}, "cannot be suspended: it is suspended"


def lift_a_suspension():
    _, award = accepted_award()
    award_suspend(award=award, reason="A concern", acting_user=manager())
    url = reverse("grants:resume", kwargs={"pk": award.pk})
    return manager(), url, {"reason": "Looked into"}, "is not suspended"


def propose_a_clawback():
    _, award = paid_grant()
    url = reverse("grants:clawback_new", kwargs={"pk": award.pk})
    # The page showed no clawback yet: the second press finds the first press's and proposes nothing more.
    return manager(), url, {"amount": "100", "reason": "Not spent", "seen": "0"}, "Another programme manager must check"


def confirm_a_clawback():
    _, award = paid_grant()
    checker = manager()  # a programme manager before the clawback was proposed, as four eyes asks
    clawback = clawback_propose(award=award, amount=Decimal("100"), reason="Not spent", acting_user=manager())
    url = reverse("grants:clawback", kwargs={"pk": clawback.pk})
    return checker, url, {"action": "confirm", "shown": clawback.proposed_at.isoformat()}, "checked after you opened"


def record_a_repayment():
    _, award = paid_grant()
    checker = manager()
    clawback = clawback_propose(award=award, amount=Decimal("100"), reason="Not spent", acting_user=manager())
    clawback_confirm(clawback=clawback, proposed_at=clawback.proposed_at, acting_user=checker)
    url = reverse("grants:repayment_new", kwargs={"pk": clawback.pk})
    today = timezone.localdate()
    data = {"amount": "100", "received_on_0": today.day, "received_on_1": today.month, "received_on_2": today.year,
            "bank_reference": "BACK-1"}
    return UserFactory(role=Role.FINANCE_OFFICER), url, data, "Nothing is owed on this clawback"


def ended_grant():
    user, award = accepted_award()
    award_started_months_ago(award, 12)
    Return.objects.filter(award=award).update(status=Return.Status.ACCEPTED)
    return user, award


END_REPORT = {"achievements": "Most of it", "spent": "5000", "lessons": "Start sooner", "story": "A report was made",
              "declarant_name": "Amara Okafor", "action": "send"}


def send_an_end_report():
    user, award = ended_grant()
    url = reverse("monitoring:end_report", kwargs={"pk": award.pk})
    return user, url, END_REPORT, "A sent report cannot be changed."


def review_an_end_report():
    user, award = ended_grant()
    report = end_report_save(award=award, fields={**END_REPORT, "spent": Decimal("5000")}, acting_user=user)
    end_report_submit(report=report, declarant_name="Amara Okafor", acting_user=user)
    url = reverse("monitoring:end_report_review", kwargs={"pk": award.pk})
    return manager(), url, {"outcome": "accept", "comments": ""}, "This report has already been reviewed"


def send_application():
    user = owner()
    application = ApplicationFactory(organisation=user.memberships.get().organisation, title="")
    complete_every_section(signed_in_client(user), application)
    url = reverse("applications:step", kwargs={"pk": application.pk, "step": "check"})
    return user, url, {f"application_{application.pk}-current_step": "check"}, "can no longer be changed"


def ask_for_an_adjustment():
    user = owner()
    application = ApplicationFactory(organisation=user.memberships.get().organisation)
    url = reverse("applications:adjustment_new", kwargs={"pk": application.pk})
    return user, url, {"kind": "extra_time", "details": "Our coordinator is in hospital."}, "We have your request."


def invite_a_colleague():
    user = owner()
    url = reverse("applications:organisation_invite", kwargs={"pk": user.memberships.get().organisation_id})
    return user, url, {"email": "colleague@example.org", "role": "editor"}, "We have sent an invitation"


def give_more_time():
    round_ = RoundFactory()
    organisation = ApplicationFactory(round=round_).organisation
    url = reverse("applications:extension_new", kwargs={"pk": round_.pk})
    closes = round_.closes_at + timedelta(days=7)
    data = {"organisation": organisation.pk, "closes_on_0": closes.day, "closes_on_1": closes.month,
            "closes_on_2": closes.year, "reason": "A flood at their office."}
    return manager(), url, data, "now has until"


def allocate_automatically():
    application, _ = eligible_with_assessor()
    url = reverse("assessment:allocations", kwargs={"pk": application.round_id})
    return manager(), url, {"auto": "1"}, "0 new allocations made."


def moderate():
    allocation = declared_allocation()
    criterion = allocation.application.round.criteria.first()
    url = reverse("assessment:moderate", kwargs={"pk": allocation.application_id})
    return manager(), url, {"criterion": criterion.pk, "score": "3", "reason": "The panel agreed."}, "Agreed score"


def accept_proposed_decisions():
    url = reverse("grants:decisions", kwargs={"pk": RoundFactory().pk})
    return manager(), url, {}, "0 proposed decisions recorded."


def confirm_decisions():
    url = reverse("grants:confirm", kwargs={"pk": RoundFactory().pk})
    return manager(), url, {}, "There was nothing left to confirm"


def issue_letters():
    url = reverse("grants:letters_for_round", kwargs={"pk": RoundFactory().pk})
    # A round with nothing to issue makes no batch: both presses are told so.
    return manager(), url, {}, "There are no letters to issue"


def ask_for_the_360giving_file():
    # Each press asks for a file of its own, made from the round as it stands then.
    url = reverse("grants:three_sixty_giving_export", kwargs={"pk": RoundFactory().pk, "file_format": "csv"})
    return manager(), url, {}, "Preparing your file"


def variation_asked():
    award = grant_under_way()
    user = award.application.organisation.memberships.get().user
    first, second = award.application.budget_lines.order_by("position")[:2]
    variation = variation_request(award=award, reason="A bigger room.", acting_user=user,
                                  asked=Asked(budget={first.pk: first.amount - 1000, second.pk: second.amount + 1000}))
    return award, user, variation


def ask_for_a_variation():
    award = grant_under_way()
    user = award.application.organisation.memberships.get().user
    first, second = award.application.budget_lines.order_by("position")[:2]
    data = {"reason": "A bigger room.", "amount": str(award.amount), **{
        f"line_{line.pk}": str(line.amount) for line in award.application.budget_lines.all()},
        **{f"target_{target.pk}": str(target.target) for target in award.application.targets.all()},
        **{f"part_{t.number}_amount": str(t.amount) for t in award.tranches.all()},
        **{f"part_{t.number}_quarter": str(t.after_quarter) for t in award.tranches.filter(status="scheduled")},
        f"line_{first.pk}": str(first.amount - 100), f"line_{second.pk}": str(second.amount + 100)}
    url = reverse("variations:new", kwargs={"pk": award.pk})
    return user, url, data, "You have already asked for a change to this grant"


def approve_a_variation():
    _, _, variation = variation_asked()
    url = reverse("variations:approve", kwargs={"pk": variation.pk})
    return manager(), url, {}, "has changed since the page was opened"


def confirm_a_variation():
    _, _, variation = variation_asked()
    variation = variation_approve(variation=variation, acting_user=manager())
    url = reverse("variations:confirm", kwargs={"pk": variation.pk})
    return manager(), url, {"shown": variation.approved_at.isoformat()}, "is confirmed and made"


def refuse_a_variation():
    _, _, variation = variation_asked()
    url = reverse("variations:refuse", kwargs={"pk": variation.pk})
    return manager(), url, {"reason": "Not now."}, "has changed since the page was opened"


def send_a_message():
    user = owner()
    application = submitted_application(user.memberships.get().organisation)
    url = reverse("conversations:thread", kwargs={"pk": application.pk})
    # The page showed no message yet: the second press finds the first press's message and sends nothing more.
    return user, url, {"body": "Can we move spend to quarter 3?", "seen": "0"}, "Your message is sent."


def send_a_message_to_a_round():
    application = submitted_application()
    url = reverse("conversations:bulk_message_new", kwargs={"pk": application.round_id})
    data = {"audience": "everyone", "body": "Returns are due soon.", "previewed": "everyone", "seen": "0",
            "send": "Send"}
    return manager(), url, data, "Sending your message"


SECOND_CLICKS = [
    suspend_a_grant, lift_a_suspension, propose_a_clawback, confirm_a_clawback, record_a_repayment,
    send_an_end_report, review_an_end_report,
    ask_for_a_variation, approve_a_variation, confirm_a_variation, refuse_a_variation,
    send_a_message, send_a_message_to_a_round,
    send_application, ask_for_an_adjustment, invite_a_colleague, give_more_time, allocate_automatically, moderate,
    accept_proposed_decisions, confirm_decisions, issue_letters, ask_for_the_360giving_file,
    withdraw, screen, adjustment_decide, allocate, unallocate, declare, assess_and_send, revise, begin_application,
    accept_invitation, accept_offer, decline_offer, decide, send_return, review_return,
]


@pytest.mark.parametrize("arrange", SECOND_CLICKS, ids=[arrange.__name__ for arrange in SECOND_CLICKS])
def test_pressing_a_button_twice_never_gives_a_server_error(arrange):
    user, url, data, said = arrange()
    client = signed_in_client(user)
    came_from = f"http://testserver{url}"
    first = client.post(url, data, HTTP_REFERER=came_from, follow=True)
    assert first.status_code == 200
    second = client.post(url, data, HTTP_REFERER=came_from, follow=True)
    assert second.status_code in (200, 404)
    assert escape(said) in second.content.decode()
