"""After the award, in the browser: a grant suspended and its suspension lifted, money clawed back with a second
manager's confirmation and repaid, with the round's ledger read against sums worked out by hand at each step."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from applications.models import Round
from grants.models import Award, Clawback
from grants.payments import tranche_record_bacs
from grants.services import award_accept, tranche_make_due
from tests.browser.conftest import sign_in
from tests.browser.test_awarding import sign_out
from tests.factories import TEST_PASSWORD, AwardFactory, MembershipFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def ledger_line(page, line: str) -> str:
    row = page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=re.compile(f"^{line}$")))
    return row.locator("dd").inner_text().strip()


def read_ledger(page, round_, expected: dict[str, str], context: str) -> None:
    page.goto(reverse("grants:ledger", kwargs={"pk": round_.pk}))
    page.axe.check(f"ledger {context}")
    assert {line: ledger_line(page, line) for line in expected} == expected, context
    assert "do not add up" not in page.content()


def test_a_grant_suspended_clawed_back_in_part_repaid_and_resumed(page):
    round_ = RoundFactory(name="Hate Crime Support 2027", budget=Decimal("20000.00"), status=Round.Status.MONITORING)
    first_manager, second_manager = (UserFactory(role=Role.PROGRAMME_MANAGER) for _ in range(2))
    finance = UserFactory(role=Role.FINANCE_OFFICER)
    award = AwardFactory(application__round=round_, amount=Decimal("8000.00"),
                         application__title="Peer advocates for Disabled victims")
    grantee = MembershipFactory(organisation=award.application.organisation, user__role=Role.APPLICANT).user
    award_accept(award=award, name="Amara Okafor", role="Chair", acting_user=grantee)
    tranche_record_bacs(tranche=award.tranches.get(number=1), bank_reference="BACS-1", paid_on=timezone.localdate(),
                        acting_user=finance)
    tranche_make_due(award=award, quarter=award.tranches.get(number=2).after_quarter, acting_user=first_manager)
    # £8,000 accepted and £4,000 of it paid; £12,000 left of the £20,000 ringfence.
    sign_in(page, first_manager.email, TEST_PASSWORD)
    page.axe.check()
    read_ledger(page, round_, {"Ringfenced budget": "£20,000", "Accepted": "£8,000", "Paid": "£4,000",
                               "Still to pay on grants": "£4,000", "Left in the ringfence": "£12,000"}, "at the start")

    page.goto(reverse("monitoring:grant", kwargs={"pk": award.pk}))
    page.axe.check("the grant")
    page.get_by_role("button", name="Suspend the grant").click()
    page.wait_for_load_state("load")
    page.axe.check("suspend")
    page.get_by_role("button", name="Suspend the grant").click()
    page.wait_for_load_state("load")
    page.axe.check("suspend without a reason")
    assert "Say why you are suspending the grant" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Why are you suspending the grant?").fill("The project lead has left and nobody runs it.")
    page.get_by_role("button", name="Suspend the grant").click()
    page.wait_for_load_state("load")
    page.axe.check("suspended")
    assert "This grant is suspended" in page.content()

    page.get_by_role("button", name="Claw back money").click()
    page.wait_for_load_state("load")
    page.axe.check("claw back")
    page.get_by_label("Amount to claw back").fill("5000")
    page.get_by_label("Why is the money being clawed back?").fill("Sessions paid for in advance did not run.")
    page.get_by_role("button", name="Propose the clawback").click()
    page.wait_for_load_state("load")
    page.axe.check("clawing back more than was paid")
    assert "You can claw back at most £4,000" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Amount to claw back").fill("1500")
    page.get_by_role("button", name="Propose the clawback").click()
    page.wait_for_load_state("load")
    page.axe.check("clawback proposed")
    assert "Another programme manager must check your clawback." in page.content()
    sign_out(page)

    sign_in(page, grantee.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("grants:award", kwargs={"pk": award.pk}))
    page.axe.check("the grantee's grant, suspended")
    assert "Your grant is suspended" in page.content() and "The project lead has left" in page.content()
    assert "Money to pay back" not in page.content()  # not until a second manager confirms it
    sign_out(page)

    sign_in(page, finance.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("grants:payments"))
    page.axe.check("payments while suspended")
    assert "On hold: the grant is suspended" in page.content()
    assert page.get_by_role("link", name=re.compile(f"Pay part 2 of {award.reference}")).count() == 0
    sign_out(page)

    sign_in(page, second_manager.email, TEST_PASSWORD)
    page.axe.check()
    clawback = Clawback.objects.get()
    page.goto(reverse("grants:clawback", kwargs={"pk": clawback.pk}))
    page.axe.check("clawback to check")
    page.get_by_role("button", name="Confirm the clawback").click()
    page.wait_for_load_state("load")
    page.axe.check("clawback confirmed")
    read_ledger(page, round_, {"Paid": "£4,000", "Owed back": "£1,500", "Recovered": "£0",
                               "Left in the ringfence": "£12,000"}, "once the clawback is owed")
    page.goto(reverse("monitoring:grant", kwargs={"pk": award.pk}))
    page.axe.check("the grant, suspended")
    page.get_by_role("button", name="Lift the suspension").click()
    page.wait_for_load_state("load")
    page.axe.check("lift the suspension")
    page.get_by_label("Why are you lifting the suspension?").fill("A new project lead started this week.")
    page.get_by_role("button", name="Lift the suspension").click()
    page.wait_for_load_state("load")
    page.axe.check("suspension lifted")
    assert Award.objects.get(pk=award.pk).status == Award.Status.ACTIVE
    sign_out(page)

    sign_in(page, finance.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("grants:payments"))
    page.axe.check("payments with money owed back")
    page.get_by_role("link", name=f"Record a repayment from {award.reference}").click()
    page.wait_for_load_state("load")
    page.axe.check("the clawback, for finance")
    page.get_by_role("button", name="Record a repayment").click()
    page.wait_for_load_state("load")
    page.axe.check("record a repayment")
    page.get_by_label("Amount received").fill("1500")
    today = date.today()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Bank payment reference").fill("REPAY-0001")
    page.get_by_role("button", name="Record the repayment").click()
    page.wait_for_load_state("load")
    page.axe.check("repaid")
    assert "Repayment of £1,500 recorded." in page.content()
    # The £1,500 repaid goes back to the ringfence: £20,000 - £8,000 + £1,500.
    read_ledger(page, round_, {"Accepted": "£8,000", "Paid": "£4,000", "Owed back": "£0", "Recovered": "£1,500",
                               "Left in the ringfence": "£13,500"}, "once repaid")
    page.goto(reverse("grants:payments"))
    page.axe.check("payments after the suspension is lifted")
    assert page.get_by_role("link", name=re.compile(f"Pay part 2 of {award.reference}")).count() == 1


def test_a_grant_closed_with_its_end_of_grant_report_and_its_money_back_in_the_ringfence(page):
    from monitoring.models import Return
    from tests.factories import award_started_months_ago

    round_ = RoundFactory(name="Hate Crime Support 2027", budget=Decimal("20000.00"), status=Round.Status.MONITORING)
    first_manager, second_manager = (UserFactory(role=Role.PROGRAMME_MANAGER) for _ in range(2))
    finance = UserFactory(role=Role.FINANCE_OFFICER)
    award = AwardFactory(application__round=round_, amount=Decimal("8000.00"),
                         application__title="Peer advocates for Disabled victims")
    grantee = MembershipFactory(organisation=award.application.organisation, user__role=Role.APPLICANT).user
    award_accept(award=award, name="Amara Okafor", role="Chair", acting_user=grantee)
    award = award_started_months_ago(award, 12)
    Return.objects.filter(award=award).update(status=Return.Status.ACCEPTED)
    for tranche in award.tranches.order_by("number")[:2]:
        if tranche.status == "scheduled":
            tranche_make_due(award=award, quarter=tranche.after_quarter, acting_user=first_manager)
        tranche_record_bacs(tranche=tranche, bank_reference=f"BACS-{tranche.number}", paid_on=timezone.localdate(),
                            acting_user=finance)
    # £6,000 of the £8,000 paid; the last £2,000 waits on the quarter 4 return.

    sign_in(page, grantee.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("grants:award", kwargs={"pk": award.pk}))
    page.axe.check("the grant, a year on")
    page.get_by_role("link", name="Write your end-of-grant report").click()
    page.wait_for_load_state("load")
    page.axe.check("the end-of-grant report")
    page.get_by_label("What did the project achieve, against what you promised?").fill(
        "We supported 70 Disabled victims against a promise of 80, and trained 12 volunteers.")
    page.get_by_label("How much of the grant did you spend?").fill("5500")
    page.get_by_label("Why was some of the grant not spent?").fill("Our coordinator left for three months.")
    page.get_by_label("What did you learn?").fill("Recruit two coordinators so one leaving does not stop the work.")
    page.get_by_label("A story of change").fill("Ring Sam on 07700 900123 to hear how reporting helped.")
    page.get_by_label("Your full name").fill("Amara Okafor")
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_load_state("load")
    page.axe.check("personal data pointed out")
    assert "Check for personal data before you send" in page.content()
    page.get_by_label("A story of change").fill("A Deaf man reported abuse on his estate with us, and it stopped.")
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_load_state("load")
    page.axe.check("report sent")
    assert "Your end-of-grant report is sent" in page.content()
    sign_out(page)

    sign_in(page, first_manager.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("monitoring:returns"))
    page.axe.check("returns, with the report to review")
    page.get_by_role("link", name=re.compile(f"^{award.reference}")).click()
    page.wait_for_load_state("load")
    page.axe.check("reviewing the report")
    # £2,500 not spent: the £2,000 not yet paid is never paid, and £500 was paid and not spent.
    assert "£2,000 not yet paid is not needed" in page.content() and "£500 was paid and not spent" in page.content()
    page.get_by_label("Accept the report and complete the grant").check()
    page.get_by_role("button", name="Save review").click()
    page.wait_for_load_state("load")
    page.axe.check("no choice for the money not spent")
    assert "Choose whether to ask for the money back or write it off" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Ask for it back").check()
    page.get_by_role("button", name="Save review").click()
    page.wait_for_load_state("load")
    page.axe.check("grant completed")
    assert f"Grant {award.reference} is complete" in page.content()
    read_ledger(page, round_, {"Accepted": "£8,000", "Paid": "£6,000", "Still to pay on grants": "£0",
                               "Underspent": "£2,000", "Owed back": "£0", "Left in the ringfence": "£14,000"},
                "once completed")
    sign_out(page)

    sign_in(page, second_manager.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("grants:clawback", kwargs={"pk": award.clawbacks.get().pk}))
    page.axe.check("the underspend to ask back")
    page.get_by_role("button", name="Confirm the clawback").click()
    page.wait_for_load_state("load")
    page.axe.check("underspend owed")
    read_ledger(page, round_, {"Owed back": "£500", "Recovered": "£0", "Left in the ringfence": "£14,000"},
                "once the underspend is owed")
    sign_out(page)

    sign_in(page, grantee.email, TEST_PASSWORD)
    page.axe.check()
    page.goto(reverse("grants:letters", kwargs={"pk": award.application_id}))
    page.axe.check("the completion letter")
    assert page.get_by_role("link", name=re.compile("Completion of the grant")).count() == 2
