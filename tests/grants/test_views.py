import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from applications.models import Round
from assessment.selectors import ranking_for
from grants.letters import offer_letter_pdf
from grants.models import Award, Clawback, Decision, Letter, LetterBatch, LetterBatchItem, Tranche
from grants.selectors import ledger_awards
from grants.services import award_accept, decision_record, decisions_accept_proposals, letter_batch_start
from grants.spreadsheets import ledger_sheet
from tests.factories import ApplicationFactory, AwardFactory, LetterFactory, MembershipFactory, RoundFactory, UserFactory, letter_issued
from tests.grants.conftest import scored

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def confirm_as_shown(client, round_):
    """Presses 'Confirm' on the confirmation page as it is now, as the second programme manager would."""
    url = reverse("grants:confirm", kwargs={"pk": round_.pk})
    shown = re.findall(r'name="shown" value="([^"]+)"', client.get(url).content.decode())
    return client.post(url, {"shown": shown, "all": "1"}, follow=True)


def test_decide_confirm_issue_and_accept_through_the_pages(
    client_for, scored_round, programme_manager, second_manager, django_capture_on_commit_callbacks, run_worker
):
    round_, (first, second, third) = scored_round
    manager, checker = client_for(programme_manager), client_for(second_manager)
    page = manager.get(reverse("grants:decisions", kwargs={"pk": round_.pk})).content.decode()
    assert "Left to offer" in page and "£10,000" in page
    manager.post(reverse("grants:decisions", kwargs={"pk": round_.pk}))
    assert Decision.objects.count() == 3

    own = manager.get(reverse("grants:confirm", kwargs={"pk": round_.pk})).content.decode()
    assert "There are no decisions for you to confirm" in own
    confirm_as_shown(checker, round_)
    assert Award.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = checker.post(reverse("grants:letters_for_round", kwargs={"pk": round_.pk}))
    assert "0 of 3 letters issued so far" in checker.get(response.url).content.decode()
    run_worker()
    batch_page = checker.get(response.url).content.decode()
    assert "Finished: 3 of 3 letters issued" in batch_page
    assert Letter.objects.count() == 6
    assert len(mail.outbox) == 3

    owner = first.organisation.memberships.get().user
    grantee = client_for(owner)
    award = first.award
    letters = grantee.get(reverse("grants:letters", kwargs={"pk": first.pk})).content.decode()
    letter = Letter.objects.get(application=first, large_print=False)
    assert reverse("grants:letter", kwargs={"pk": letter.pk}) in letters
    pdf = grantee.get(reverse("grants:letter", kwargs={"pk": letter.pk}))
    assert pdf["Content-Type"] == "application/pdf"
    refused = grantee.post(reverse("grants:accept", kwargs={"pk": award.pk}), {"name": "", "role": ""})
    assert "Confirm that you agree to the conditions of the grant" in refused.content.decode()
    grantee.post(reverse("grants:accept", kwargs={"pk": award.pk}), {"name": "Amara", "role": "Chair", "agree": "on"})
    award.refresh_from_db()
    assert award.status == Award.Status.ACCEPTED
    assert "£3,000" in grantee.get(reverse("grants:award", kwargs={"pk": award.pk})).content.decode()


def test_a_partial_offer_from_the_page_needs_a_reason(client_for, scored_round, programme_manager):
    round_, (first, _, _) = scored_round
    url = reverse("grants:decide", kwargs={"pk": first.pk})
    refused = client_for(programme_manager).post(url, {"outcome": "fund", "amount": "4000", "reason": ""})
    assert "Give a reason" in refused.content.decode()
    client_for(programme_manager).post(url, {"outcome": "fund", "amount": "4000", "reason": "Partial"})
    assert Decision.objects.get().amount == 4000


def test_the_decision_page_starts_from_the_proposal_then_from_the_decision_recorded(
    client_for, scored_round, programme_manager, form_data
):
    _, (first, _, _) = scored_round
    manager, url = client_for(programme_manager), reverse("grants:decide", kwargs={"pk": first.pk})
    page = manager.get(url)
    assert "The ranking proposes: fund £6,000" in page.content.decode()
    assert form_data(page)["outcome"] == ["fund"]
    manager.post(url, {"outcome": "fund", "amount": "4000", "reason": "Partial"})
    again = form_data(manager.get(url))
    assert again["reason"] == ["Partial"]


def test_declining_needs_a_yes_and_returns_the_money(client_for, scored_round, programme_manager, second_manager):
    from grants.services import decision_confirm, decision_record

    _, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=first.amount_requested, reason="",
                               acting_user=programme_manager)
    decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at)
    letter_issued(first)
    grantee = client_for(first.organisation.memberships.get().user)
    grantee.post(reverse("grants:decline", kwargs={"pk": first.award.pk}), {"confirm": "False"})
    assert Award.objects.get().status == "offered"
    grantee.post(reverse("grants:decline", kwargs={"pk": first.award.pk}), {"confirm": "True", "reason": "Merged"})
    assert Award.objects.get().status == "declined"


def test_a_letter_from_another_organisation_is_not_found(client_for, scored_round, programme_manager, second_manager, other_applicant):
    from grants.services import decision_confirm, decision_record, letter_issue

    _, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=first.amount_requested, reason="",
                               acting_user=programme_manager)
    decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at)
    letter, _ = letter_issue(application=first, acting_user=second_manager, site_url="")
    assert client_for(other_applicant).get(reverse("grants:letter", kwargs={"pk": letter.pk})).status_code == 404


def test_finance_records_a_bacs_payment_and_the_ledger_shows_it(client_for, finance_officer, programme_manager, exported):
    from datetime import date

    from grants.services import award_accept
    from tests.factories import AwardFactory

    award = AwardFactory(amount=8000)
    award_accept(award=award, name="Amara", role="Chair", acting_user=programme_manager)
    tranche = award.tranches.get(number=1)
    client = client_for(finance_officer)
    assert award.reference in client.get(reverse("grants:payments")).content.decode()
    url = reverse("grants:tranche_release", kwargs={"pk": tranche.pk})
    refused = client.post(url, {"bank_reference": "", "paid_on_0": "31", "paid_on_1": "2", "paid_on_2": "2027"})
    content = refused.content.decode()
    assert "Enter the bank payment reference" in content and "Date paid must be a real date" in content
    today = date.today()
    client.post(url, {"bank_reference": "BACS-77", "paid_on_0": today.day, "paid_on_1": today.month, "paid_on_2": today.year})
    tranche.refresh_from_db()
    assert tranche.status == "paid"
    ledger = client.get(reverse("grants:ledger", kwargs={"pk": award.round.pk})).content.decode()
    assert "£4,000" in ledger and "paid on" in ledger
    assert f'<a href="{reverse("grants:payments")}" class="govuk-back-link">Back to payments</a>' in ledger
    managers_ledger = client_for(programme_manager).get(reverse("grants:ledger", kwargs={"pk": award.round.pk}))
    round_url = reverse("applications:manage_round", kwargs={"pk": award.round.pk})
    assert f'<a href="{round_url}" class="govuk-back-link">' in managers_ledger.content.decode()
    assert reverse("grants:ledger_export", kwargs={"pk": award.round.pk}) in ledger
    download = exported(client, reverse("grants:ledger_export", kwargs={"pk": award.round.pk}))
    assert download["Content-Disposition"] == f'attachment; filename="{award.round.reference_prefix}-ledger.csv"'
    assert download["Content-Type"] == "text/csv"
    csv_text = b"".join(download.streaming_content).decode()
    assert "BACS-77" in csv_text and award.reference in csv_text
    assert csv_text == ledger_sheet(ledger_awards(award.round))[0]


def test_the_release_page_shows_the_route_recorded_and_refuses_a_bank_transfer_for_a_stripe_payment(
    client_for, finance_officer, fake_stripe, accepted_award, connected
):
    tranche = accepted_award.tranches.get(number=1)
    client = client_for(finance_officer)
    url = reverse("grants:tranche_release", kwargs={"pk": tranche.pk})
    page = client.get(url).content.decode()
    assert "To be paid by" in page and "Stripe Connect" in page and "Send the payment by Stripe" in page
    assert client.post(url, {"route": "stripe"}).status_code == 302
    connected.transfers_enabled = False  # the grantee's Stripe account is restricted after the transfer
    connected.save()
    page = client.get(url).content.decode()
    assert "Paid by" in page and "Stripe Connect" in page and "tr_1" in page
    assert "Record the payment" not in page
    today = date.today()
    refused = client.post(url, {"bank_reference": "BACS-77", "paid_on_0": today.day, "paid_on_1": today.month,
                                "paid_on_2": today.year})
    assert refused.status_code == 200
    content = refused.content.decode()
    assert "govuk-error-summary" in content and "so a bank transfer cannot be recorded for it" in content
    tranche.refresh_from_db()
    assert (tranche.status, tranche.rail, tranche.bank_reference) == ("released", "stripe", "")


def test_a_stripe_payment_for_a_grantee_without_a_payout_account_is_refused_on_the_page(
    client_for, finance_officer, fake_stripe, accepted_award
):
    tranche = accepted_award.tranches.get(number=1)
    url = reverse("grants:tranche_release", kwargs={"pk": tranche.pk})
    response = client_for(finance_officer).post(url, {"route": "stripe"})
    assert response.status_code == 200
    assert "cannot receive Stripe payments yet" in response.content.decode()
    assert "Record the payment" in response.content.decode()  # the bank transfer form is still there


def test_a_stripe_payment_begun_but_not_finished_can_only_be_finished_by_stripe(
    client_for, finance_officer, fake_stripe, accepted_award, connected
):
    from grants.models import Tranche

    tranche = accepted_award.tranches.get(number=1)
    Tranche.objects.filter(pk=tranche.pk).update(rail="stripe")
    page = client_for(finance_officer).get(reverse("grants:tranche_release", kwargs={"pk": tranche.pk})).content.decode()
    assert "A Stripe payment has been started" in page and "Send the payment by Stripe" in page
    assert "Record the payment" not in page


def test_the_webhook_endpoint_takes_signed_events_and_refuses_forged_ones(client, settings, programme_manager):
    from grants.services import award_accept
    from tests.factories import AwardFactory
    from tests.grants.test_payments import signed, transfer_event

    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
    award = AwardFactory()
    award_accept(award=award, name="A", role="B", acting_user=programme_manager)
    payload, signature = signed(transfer_event("evt_v1", "transfer.created", award.tranches.get(number=1)))
    url = reverse("grants:stripe_webhook")
    assert client.post(url, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature).status_code == 200
    assert client.post(url, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE="t=1,v1=00").status_code == 400
    assert award.tranches.get(number=1).status == "paid"


def test_a_payment_dated_before_the_grant_was_accepted_is_explained_beside_the_date_and_kept(
    client_for, programme_manager, finance_officer
):
    from grants.services import award_accept
    from tests.factories import AwardFactory

    award = AwardFactory(amount=8000)
    award_accept(award=award, name="Amara", role="Chair", acting_user=programme_manager)
    tranche = award.tranches.get(number=1)
    response = client_for(finance_officer).post(
        reverse("grants:tranche_release", kwargs={"pk": tranche.pk}),
        {"bank_reference": "BACS-1999", "paid_on_0": "1", "paid_on_1": "1", "paid_on_2": "1999"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "The date paid cannot be before the grant was accepted" in content
    assert 'value="BACS-1999"' in content and 'value="1999"' in content
    tranche.refresh_from_db()
    assert tranche.status == "due"


def more_scored(round_, count: int, start: int) -> None:
    for number in range(start, start + count):
        scored(round_, list(round_.assessors.all()), reference=f"D-{number:04d}", amount="1000.00", score=number % 6)


def test_the_decisions_page_makes_as_many_queries_for_30_applications_as_for_5(
    client_for, scored_round, programme_manager, django_assert_max_num_queries
):
    round_, (first, _, _) = scored_round
    more_scored(round_, 2, start=4)
    decision_record(application=first, outcome="fund", amount=first.amount_requested, reason="",
                    acting_user=programme_manager)
    manager, url = client_for(programme_manager), reverse("grants:decisions", kwargs={"pk": round_.pk})
    with CaptureQueriesContext(connection) as five:
        assert manager.get(url).status_code == 200
    more_scored(round_, 25, start=6)
    with django_assert_max_num_queries(len(five.captured_queries)):
        response = manager.get(url)
        assert response.status_code == 200
    assert response.content.decode().count("Change<span") == 30


def test_the_decisions_page_is_paged_and_counts_every_undecided_application(
    client_for, scored_round, programme_manager, monkeypatch
):
    round_, (first, _, _) = scored_round
    more_scored(round_, 2, start=4)
    decision_record(application=first, outcome="fund", amount=first.amount_requested, reason="",
                    acting_user=programme_manager)
    monkeypatch.setattr("core.paging.PAGE_SIZE", 3)
    manager, url = client_for(programme_manager), reverse("grants:decisions", kwargs={"pk": round_.pk})
    first_page, second_page = (manager.get(url, {"page": number}) for number in (1, 2))
    assert first_page.status_code == second_page.status_code == 200
    first_page, second_page = first_page.content.decode(), second_page.content.decode()
    assert (first_page.count("Change<span"), second_page.count("Change<span")) == (3, 2)
    assert "Page 1 of 2" in first_page and "D-0001" in first_page and "D-0001" not in second_page
    assert "Record the 4 proposed decisions" in second_page


def test_the_decisions_page_ranks_the_round_once(client_for, scored_round, programme_manager, monkeypatch):
    round_, _ = scored_round
    rankings = []

    def counted(*args, **kwargs):
        rankings.append(args)
        return ranking_for(*args, **kwargs)

    # The page's own reading and the proposals' are both counted, wherever they are called from.
    monkeypatch.setattr("grants.services.ranking_for", counted)
    assert client_for(programme_manager).get(reverse("grants:decisions", kwargs={"pk": round_.pk})).status_code == 200
    assert len(rankings) == 1


def test_the_confirm_page_says_why_a_newly_appointed_manager_cannot_confirm_and_leaves_those_decisions(
    client_for, scored_round, programme_manager, superuser
):
    from accounts.models import Role
    from accounts.services import user_role_change
    from grants.services import decision_record
    from tests.factories import UserFactory

    round_, (first, _, _) = scored_round
    decision_record(application=first, outcome="fund", amount=Decimal("6000"), reason="", acting_user=programme_manager)
    newcomer = user_role_change(user=UserFactory(), role=Role.PROGRAMME_MANAGER, acting_user=superuser,
                                reason="Appointed")
    client = client_for(newcomer)
    url = reverse("grants:confirm", kwargs={"pk": round_.pk})
    page = client.get(url).content.decode()
    assert "There are no decisions for you to confirm" in page
    assert "Decisions you cannot confirm" in page and "D-0001" in page
    assert "Only someone who was a programme manager before this decision was proposed can check it." in page
    client.post(url)
    assert not Award.objects.exists()


def test_the_letters_page_offers_the_grant_to_its_organisation_and_corrections_to_the_programme_manager(
    client_for, programme_manager
):
    from tests.factories import AwardFactory, MembershipFactory

    award = AwardFactory()  # with its offer letter
    member = MembershipFactory(organisation=award.application.organisation).user
    url = reverse("grants:letters", kwargs={"pk": award.application.pk})
    correct = reverse("grants:letter_correct", kwargs={"pk": award.application.pk})
    grantee_page = client_for(member).get(url).content.decode()
    assert reverse("grants:award", kwargs={"pk": award.pk}) in grantee_page and correct not in grantee_page
    manager_page = client_for(programme_manager).get(url).content.decode()
    assert correct in manager_page and reverse("grants:award", kwargs={"pk": award.pk}) not in manager_page


def test_the_confirm_page_makes_as_many_queries_for_8_decisions_as_for_3(
    client_for, scored_round, programme_manager, second_manager, django_assert_max_num_queries
):
    round_, _ = scored_round
    client_for(programme_manager).post(reverse("grants:decisions", kwargs={"pk": round_.pk}))
    checker, url = client_for(second_manager), reverse("grants:confirm", kwargs={"pk": round_.pk})
    with CaptureQueriesContext(connection) as three:
        response = checker.get(url)
    assert response.status_code == 200
    three = len(three.captured_queries)  # counted now: the query log is cleared when the next request starts
    assert "Confirm all 3 decisions shown" in response.content.decode()
    more_scored(round_, 5, start=4)
    client_for(programme_manager).post(reverse("grants:decisions", kwargs={"pk": round_.pk}))
    # Roles, ranking, scores and people are each read once for the whole page, not once a decision.
    with django_assert_max_num_queries(three):
        response = checker.get(url)
    assert response.status_code == 200
    assert "Confirm all 8 decisions shown" in response.content.decode()
    assert response.content.decode().count("Rank in the round") == 8


def test_confirming_confirms_only_the_decisions_shown_as_they_were_shown(
    client_for, scored_round, programme_manager, second_manager
):
    from grants.services import decision_record

    round_, (first, second, _) = scored_round
    decision_record(application=first, outcome="fund", amount=Decimal("5000"), reason="Panel view",
                    acting_user=programme_manager)
    checker, url = client_for(second_manager), reverse("grants:confirm", kwargs={"pk": round_.pk})
    shown = re.findall(r'name="shown" value="([^"]+)"', checker.get(url).content.decode())
    assert len(shown) == 1
    # While the page is open, the proposer changes the amount and proposes another decision.
    decision_record(application=first, outcome="fund", amount=Decimal("4000"), reason="Asked for less",
                    acting_user=programme_manager)
    decision_record(application=second, outcome="fund", amount=second.amount_requested, reason="Panel view",
                    acting_user=programme_manager)
    page = checker.post(url, {"shown": shown}, follow=True).content.decode()
    assert not Award.objects.exists()
    assert f"The decision on {first.reference} was changed after you opened the page" in page
    # That row's button was for that decision alone: the one proposed since is simply shown, to be checked.
    assert "proposed after you opened the page" not in page
    assert "Confirm all 2 decisions shown" in page and "£4,000" in page
    confirm_as_shown(checker, round_)
    assert sorted(Award.objects.values_list("amount", flat=True)) == sorted([Decimal("4000"), second.amount_requested])


def test_a_confirmation_post_with_nonsense_in_it_confirms_nothing(client_for, scored_round, programme_manager,
                                                                 second_manager):
    from grants.services import decision_record

    round_, (first, _, _) = scored_round
    decision_record(application=first, outcome="fund", amount=Decimal("5000"), reason="Panel view",
                    acting_user=programme_manager)
    url = reverse("grants:confirm", kwargs={"pk": round_.pk})
    response = client_for(second_manager).post(url, {"shown": ["x@y", "@", "12", f"{first.decision.pk}@not-a-date"]})
    assert response.status_code == 302
    assert not Award.objects.exists()


def test_the_grant_is_reached_from_the_dashboard_and_the_application_page(client_for):
    from tests.factories import AwardFactory, MembershipFactory

    award = AwardFactory()
    member = client_for(MembershipFactory(organisation=award.application.organisation).user)
    link = reverse("grants:application_grant", kwargs={"pk": award.application_id})
    assert link in member.get(reverse("applications:dashboard")).content.decode()
    assert link in member.get(reverse("applications:detail", kwargs={"pk": award.application_id})).content.decode()
    assert member.get(link).url == reverse("grants:award", kwargs={"pk": award.pk})


def test_the_decisions_page_says_the_round_is_still_open_and_offers_nothing_to_record(
    client_for, open_scored_round, programme_manager
):
    round_, _ = open_scored_round
    manager, url = client_for(programme_manager), reverse("grants:decisions", kwargs={"pk": round_.pk})
    response = manager.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The round has not closed yet. Decisions can be made once it closes" in page
    assert "Cannot be decided yet:" in page and "Fund £6,000" not in page
    assert "Record the" not in page
    recorded = manager.post(url, follow=True).content.decode()
    assert "0 proposed decisions recorded" in recorded
    assert "1 left undecided: D-0001: The round has not closed yet." in recorded
    assert not Decision.objects.exists()


def test_the_decisions_page_shows_what_each_application_still_needs_and_records_only_the_rest(
    client_for, scored_round, programme_manager
):
    round_, _ = scored_round
    scored(round_, list(round_.assessors.all())[:1], reference="D-0004", amount="1000.00", score=5)
    manager, url = client_for(programme_manager), reverse("grants:decisions", kwargs={"pk": round_.pk})
    page = manager.get(url).content.decode()
    assert "The round has not closed yet" not in page
    assert "Cannot be decided yet:<br><strong class=\"govuk-tag govuk-tag--yellow\">1 of 2 scores in</strong>" in page
    assert "Record the 3 proposed decisions" in page
    recorded = manager.post(url, follow=True).content.decode()
    assert "3 proposed decisions recorded" in recorded
    assert "1 left undecided: D-0004: 1 of 2 scores in." in recorded
    assert set(Decision.objects.values_list("application__reference", flat=True)) == {"D-0001", "D-0002", "D-0003"}


def test_the_decide_page_shows_what_is_missing_instead_of_a_proposal_and_refuses_a_decision(
    client_for, scored_round, programme_manager
):
    round_, _ = scored_round
    apart = scored(round_, list(round_.assessors.all()), reference="D-0004", amount="1000.00", score=(1, 5))
    manager, url = client_for(programme_manager), reverse("grants:decide", kwargs={"pk": apart.pk})
    page = manager.get(url).content.decode()
    assert "This application cannot be decided yet:" in page and "<li>Needs moderation: " in page
    assert "The ranking proposes" not in page
    refused = manager.post(url, {"outcome": "fund", "amount": "1000", "reason": "Good project"})
    assert refused.status_code == 200
    assert "D-0004 cannot be decided yet. Needs moderation: " in refused.content.decode()
    assert not Decision.objects.exists()


def test_confirming_several_decisions_ranks_the_round_once(
    client_for, scored_round, programme_manager, second_manager, monkeypatch
):
    round_, _ = scored_round
    decisions_accept_proposals(round_=round_, acting_user=programme_manager)
    checker, url = client_for(second_manager), reverse("grants:confirm", kwargs={"pk": round_.pk})
    shown = re.findall(r'name="shown" value="([^"]+)"', checker.get(url).content.decode())
    rankings = []

    def counted(*args, **kwargs):
        rankings.append(args)
        return ranking_for(*args, **kwargs)

    monkeypatch.setattr("grants.services.ranking_for", counted)
    checker.post(url, {"shown": shown})
    assert Decision.objects.filter(confirmed_at__isnull=False).count() == 3
    assert len(rankings) == 1


def test_recording_proposals_names_only_the_first_few_applications_it_left(
    client_for, scored_round, programme_manager, monkeypatch
):
    round_, _ = scored_round
    for number in (4, 5, 6):
        scored(round_, list(round_.assessors.all())[:1], reference=f"D-{number:04d}", amount="1000.00", score=5)
    monkeypatch.setattr("grants.views.LEFT_UNDECIDED_NAMED", 2)
    recorded = client_for(programme_manager).post(
        reverse("grants:decisions", kwargs={"pk": round_.pk}), follow=True
    ).content.decode()
    assert ("3 left undecided: D-0004: 1 of 2 scores in. D-0005: 1 of 2 scores in. And 1 more: the table says what "
            "each still needs.") in recorded
    assert "D-0006: 1 of 2" not in recorded


def test_the_decisions_page_of_a_completed_round_says_it_is_completed(client_for, scored_round, programme_manager):
    round_, _ = scored_round
    # As a round left completed by an earlier version, before a round needed every application decided to move on.
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.COMPLETED)
    response = client_for(programme_manager).get(reverse("grants:decisions", kwargs={"pk": round_.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The round is completed." in page and "once it closes" not in page
    assert "Record the" not in page


# What applicants see, when -------------------------------------------------------------------------------------


def shown_status(html: str) -> list[str]:
    """The words of the status tags on a page, less the phase banner's."""
    return [word for word in re.findall(r'<strong class="govuk-tag[^"]*">([^<]+)</strong>', html) if word != "Beta"]


def applicant_pages(client, application) -> dict[str, str]:
    pages = {
        "dashboard": reverse("applications:dashboard"),
        "application": reverse("applications:detail", kwargs={"pk": application.pk}),
        "letters": reverse("grants:letters", kwargs={"pk": application.pk}),
    }
    application.refresh_from_db()
    if application.decision_sent == "awarded":
        pages["grant"] = reverse("grants:award", kwargs={"pk": application.award.pk})
    return {name: client.get(url).content.decode() for name, url in pages.items()}


def test_the_applicant_sees_the_decision_only_once_its_letter_is_issued(
    client_for, scored_round, programme_manager, second_manager
):
    round_, (first, second, _) = scored_round
    funded, refused = (client_for(application.organisation.memberships.get().user) for application in (first, second))
    assert shown_status(applicant_pages(funded, first)["dashboard"]) == ["Being decided"]
    decisions_accept_proposals(round_=round_, acting_user=programme_manager)
    confirm_as_shown(client_for(second_manager), round_)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("awarded", "not_funded")  # staff see the decision at once

    for application, client in ((first, funded), (second, refused)):
        for name, page in applicant_pages(client, application).items():
            assert shown_status(page)[:1] == ["Being decided"], name
            assert "Awarded" not in page and "Not funded" not in page, name
    # Nor is there a grant to see: its page is not found, and nothing links to it.
    grant = reverse("grants:award", kwargs={"pk": first.award.pk})
    assert funded.get(grant).status_code == 404
    assert funded.get(reverse("grants:application_grant", kwargs={"pk": first.pk})).status_code == 404
    assert all(grant not in page for page in applicant_pages(funded, first).values())
    staff = client_for(programme_manager).get(reverse("applications:manage_round", kwargs={"pk": round_.pk}))
    assert "Awarded" in shown_status(staff.content.decode())

    letter_issued(first)
    letter_issued(second)
    for name, page in applicant_pages(funded, first).items():
        assert shown_status(page)[:1] == ["Awarded"], name
    for name, page in applicant_pages(refused, second).items():
        assert shown_status(page)[:1] == ["Not funded"], name
    grant = applicant_pages(funded, first)["grant"]
    assert "£6,000" in grant and reverse("grants:accept", kwargs={"pk": first.award.pk}) in grant


def test_an_offer_cannot_be_accepted_through_the_pages_before_its_letter(client_for):
    award = AwardFactory(letter_issued=False)
    owner = client_for(MembershipFactory(organisation=award.application.organisation, user=UserFactory()).user)
    accept = reverse("grants:accept", kwargs={"pk": award.pk})
    assert owner.post(accept, {"name": "Amara Okafor", "role": "Chair", "agree": "on"}).status_code == 404
    decline = reverse("grants:decline", kwargs={"pk": award.pk})
    assert owner.post(decline, {"confirm": "True", "reason": ""}).status_code == 404
    award.refresh_from_db()
    assert award.status == Award.Status.OFFERED and award.accepted_at is None


def test_the_grant_page_gives_the_deadline_without_a_leading_zero(client_for):
    award = AwardFactory(letter_issued=False)
    owner = MembershipFactory(organisation=award.application.organisation).user
    with time_machine.travel(datetime(2027, 3, 4, 10, 0, tzinfo=LONDON), tick=False):
        letter_issued(award.application)
        page = client_for(owner).get(reverse("grants:award", kwargs={"pk": award.pk})).content.decode()
    assert "1 April 2027 at 11:59pm" in page and "01 April" not in page


# A batch that says where it stands ------------------------------------------------------------------------------


def failing_batch(monkeypatch, run_worker, django_capture_on_commit_callbacks):
    from tests.grants.test_tasks import awarded

    round_, manager, _ = awarded(count=1)
    monkeypatch.setattr("grants.services.offer_letter_pdf", lambda *args, **kwargs: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        batch = letter_batch_start(round_=round_, acting_user=manager, site_url="http://testserver")
    return manager, batch


def test_the_batch_page_words_fit_its_state_and_list_each_failure_with_its_reason(
    client_for, monkeypatch, run_worker, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    manager, batch = failing_batch(monkeypatch, run_worker, django_capture_on_commit_callbacks)
    client = client_for(manager)
    url = reverse("grants:letter_batch", kwargs={"pk": batch.pk})
    page = client.get(url).content.decode()
    assert "0 of 1 letter issued so far." in page and "the letters carry on" in page
    assert "could not be made" not in page
    run_worker()
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Finished: 0 of 1 letter issued. 1 could not be made: see why below, then try again." in page
    assert "the letters carry on" not in page and "Traceback" not in page and "ZeroDivisionError" not in page
    assert "Something went wrong in the service while making the letter." in page
    assert "Try again to make this letter" in page
    monkeypatch.setattr("grants.services.offer_letter_pdf", offer_letter_pdf)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("grants:letter_batch_retry", kwargs={"pk": batch.pk}), follow=True)
    assert "1 letter queued to be made again." in response.content.decode()
    run_worker()
    page = client.get(url).content.decode()
    assert "Finished: 1 of 1 letter issued." in page and "could not be made" not in page


def test_a_stale_letters_page_makes_no_empty_batch(client_for, programme_manager):
    round_ = RoundFactory()
    client = client_for(programme_manager)
    url = reverse("grants:letters_for_round", kwargs={"pk": round_.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, follow=True)
    assert "There are no letters to issue: no decisions have been confirmed yet." in response.content.decode()
    assert not LetterBatch.objects.exists()


def test_the_letters_page_says_plainly_when_no_decision_is_confirmed_yet(
    client_for, scored_round, programme_manager, second_manager
):
    from grants.services import decision_confirm

    round_, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=first.amount_requested, reason="",
                               acting_user=programme_manager)
    client = client_for(programme_manager)
    url = reverse("grants:letters_for_round", kwargs={"pk": round_.pk})
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "No decisions have been confirmed yet, so there are no letters to issue." in page
    assert "Every confirmed decision has its letter." not in page
    decision_confirm(decision=decision, acting_user=second_manager, proposed_at=decision.decided_at)
    letter_issued(first)
    page = client.get(url).content.decode()
    assert "Every confirmed decision has its letter." in page
    assert "No decisions have been confirmed yet" not in page


def test_the_confirm_page_shows_what_each_decision_rests_on(client_for, scored_round, programme_manager, second_manager):
    from assessment.services import moderation_record

    round_, (first, second, _) = scored_round
    apart = scored(round_, list(round_.assessors.all()), reference="D-0004", amount="1000.00", score=(1, 5))
    for criterion in round_.criteria.all():
        moderation_record(application=apart, criterion=criterion, score=4, reason="Agreed at panel",
                          acting_user=programme_manager)
    decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                    acting_user=programme_manager)
    decision_record(application=apart, outcome="fund", amount=Decimal("1000.00"), reason="Strong after moderation",
                    acting_user=programme_manager)
    response = client_for(second_manager).get(reverse("grants:confirm", kwargs={"pk": round_.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    cards = page.split('class="govuk-summary-card"')[1:]
    assert len(cards) == 2
    top, moderated = cards
    assert reverse("applications:manage_application", kwargs={"pk": first.pk}) in top
    assert escape(first.organisation.name) in top
    text = " ".join(re.sub(r"<[^>]+>", " ", top).split())
    assert "Rank in the round 1 " in text and "Weighted score 100.0% " in text
    assert "Moderation No moderation needed" in text and "Decision Fund £6,000 " in text
    assert f"Proposed by {programme_manager.full_name}, " in text and "Their reason No reason given" in text
    text = " ".join(re.sub(r"<[^>]+>", " ", moderated).split())
    assert "Moderation Moderated" in text and "Rank in the round 2 " in text and "Weighted score 80.0% " in text
    assert "Their reason Strong after moderation" in text
    assert "2 decisions are waiting for you to check." in page


def test_a_decision_confirmed_from_its_own_row_leaves_the_others_waiting(
    client_for, scored_round, programme_manager, second_manager
):
    round_, (first, second, third) = scored_round
    decisions_accept_proposals(round_=round_, acting_user=programme_manager)
    checker, url = client_for(second_manager), reverse("grants:confirm", kwargs={"pk": round_.pk})
    page = checker.get(url).content.decode()
    row = f"{third.decision.pk}@{third.decision.decided_at.isoformat()}"
    assert f'name="shown" value="{row}"' in page
    after = checker.post(url, {"shown": [row]}, follow=True).content.decode()
    assert "1 decision confirmed. You can now issue the letters." in after
    assert list(Award.objects.values_list("application", flat=True)) == [third.pk]
    assert "proposed after you opened the page" not in after
    assert "Confirm all 2 decisions shown" in after and "2 decisions are waiting for you to check." in after


def test_confirming_all_shown_names_a_decision_proposed_since(client_for, scored_round, programme_manager,
                                                              second_manager):
    round_, (first, second, third) = scored_round
    decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                    acting_user=programme_manager)
    decision_record(application=third, outcome="fund", amount=Decimal("3000.00"), reason="",
                    acting_user=programme_manager)
    checker, url = client_for(second_manager), reverse("grants:confirm", kwargs={"pk": round_.pk})
    shown = re.findall(r'name="shown" value="([^"]+)"', checker.get(url).content.decode())
    decision_record(application=second, outcome="not_fund", amount=None, reason="", acting_user=programme_manager)
    page = checker.post(url, {"shown": shown, "all": "1"}, follow=True).content.decode()
    assert "2 decisions confirmed." in page
    assert f"The decision on {second.reference} was proposed after you opened the page" in page
    assert "1 decision is waiting for you to check." in page and "Confirm all" not in page


def test_sending_back_from_the_page_needs_a_reason_and_shows_it_to_the_proposer(
    client_for, scored_round, programme_manager, second_manager
):
    round_, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                               acting_user=programme_manager)
    checker = client_for(second_manager)
    confirm_page = checker.get(reverse("grants:confirm", kwargs={"pk": round_.pk})).content.decode()
    url = reverse("grants:send_back", kwargs={"pk": decision.pk})
    assert f'href="{url}"' in confirm_page
    form = checker.get(url)
    assert form.status_code == 200
    assert "Send back the decision on D-0001" in form.content.decode() and "Fund £6,000" in form.content.decode()
    shown = re.search(r'name="shown" value="([^"]+)"', form.content.decode()).group(1)

    refused = checker.post(url, {"shown": shown, "reason": " "})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "govuk-error-summary" in page and 'href="#id_reason"' in page
    assert "Say why you are sending the decision back" in page
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.PROPOSED

    sent = checker.post(url, {"shown": shown, "reason": "Check the venue costs: they are in twice."}, follow=True)
    assert "The decision on D-0001 was sent back to" in sent.content.decode()
    assert "There are no decisions for you to confirm" in sent.content.decode()
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.SENT_BACK

    proposer = client_for(programme_manager)
    decisions = proposer.get(reverse("grants:decisions", kwargs={"pk": round_.pk})).content.decode()
    assert "Sent back</strong> by Second Manager" in decisions
    assert "Check the venue costs: they are in twice." in decisions and "Revise it and propose it again" in decisions
    decide = proposer.get(reverse("grants:decide", kwargs={"pk": first.pk})).content.decode()
    assert "Second Manager sent this decision back on" in decide
    proposer.post(reverse("grants:decide", kwargs={"pk": first.pk}),
                  {"outcome": "fund", "amount": "5000", "reason": "Venue counted once"})
    again = checker.get(reverse("grants:confirm", kwargs={"pk": round_.pk})).content.decode()
    assert "Fund £5,000" in again and "Sent back before" in again and "Venue counted once" in again


def test_a_send_back_page_left_open_while_the_decision_changed_sends_nothing_back(
    client_for, scored_round, programme_manager, second_manager
):
    round_, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                               acting_user=programme_manager)
    checker, url = client_for(second_manager), reverse("grants:send_back", kwargs={"pk": decision.pk})
    shown = re.search(r'name="shown" value="([^"]+)"', checker.get(url).content.decode()).group(1)
    decision_record(application=first, outcome="fund", amount=Decimal("4000.00"), reason="Asked for less",
                    acting_user=programme_manager)
    stale = checker.post(url, {"shown": shown, "reason": "Too much"})
    assert stale.status_code == 200
    page = stale.content.decode()
    assert "govuk-error-summary" in page and "was changed after you opened the page" in page
    assert "Fund £4,000" in page
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.PROPOSED
    garbled = checker.post(url, {"shown": "nonsense", "reason": "Too much"})
    assert garbled.status_code == 200 and "was changed after you opened the page" in garbled.content.decode()
    fresh = re.search(r'name="shown" value="([^"]+)"', page).group(1)
    checker.post(url, {"shown": fresh, "reason": "Still too much"})
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.SENT_BACK


def test_the_proposer_is_turned_away_from_sending_back_their_own_decision(
    client_for, scored_round, programme_manager, second_manager
):
    round_, (first, _, _) = scored_round
    decision = decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                               acting_user=programme_manager)
    proposer, url = client_for(programme_manager), reverse("grants:send_back", kwargs={"pk": decision.pk})
    page = proposer.get(url, follow=True).content.decode()
    assert "Another programme manager must check your decision." in page
    proposer.post(url, {"shown": f"{decision.pk}@{decision.decided_at.isoformat()}", "reason": "Mine"})
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.PROPOSED
    assert "Another programme manager must check your decision: D-0001." in page


def test_wording_counts_one_decision_as_one(client_for, scored_round, programme_manager, second_manager):
    round_, (first, second, third) = scored_round
    decision_record(application=first, outcome="fund", amount=Decimal("6000.00"), reason="",
                    acting_user=programme_manager)
    decision_record(application=second, outcome="not_fund", amount=None, reason="", acting_user=programme_manager)
    recorded = client_for(programme_manager).post(reverse("grants:decisions", kwargs={"pk": round_.pk}), follow=True)
    assert "1 proposed decision recorded. Another programme manager must now confirm it." in recorded.content.decode()
    page = client_for(programme_manager).get(reverse("grants:confirm", kwargs={"pk": round_.pk})).content.decode()
    assert "Another programme manager must check your 3 decisions: D-0001, D-0002, D-0003." in page
    confirmed = confirm_as_shown(client_for(second_manager), round_).content.decode()
    assert "3 decisions confirmed." in confirmed


def test_an_offer_over_the_request_is_refused_in_pounds_on_the_page(client_for, scored_round, programme_manager):
    round_, (first, _, _) = scored_round
    response = client_for(programme_manager).post(reverse("grants:decide", kwargs={"pk": first.pk}),
                                                  {"outcome": "fund", "amount": "6500", "reason": "More"})
    assert "You cannot offer more than the £6,000 asked for." in response.content.decode()


# Lists a page at a time ---------------------------------------------------------------------------------------------


def awards_with_a_part_due(round_, count: int) -> list[Award]:
    """`count` accepted grants of `round_`, each with its first part due to be paid, made at once."""
    awards = [AwardFactory(application__round=round_, status=Award.Status.ACCEPTED, letter_issued=False)
              for _ in range(count)]
    Tranche.objects.bulk_create(
        Tranche(award=award, number=1, share=Decimal("50"), amount=Decimal("2500.00"), after="acceptance",
                status=Tranche.Status.DUE, due_at=timezone.now(), idempotency_key=f"test-{award.pk}-1")
        for award in awards
    )
    return awards


PAY_LINK = re.compile(r'href="/finance/tranches/\d+/release/"')


@pytest.mark.parametrize("count", [3, 120])
def test_the_payments_page_shows_100_parts_a_page_with_the_same_queries_at_few_and_many(
    count, client_for, finance_officer, django_assert_max_num_queries
):
    awards_with_a_part_due(RoundFactory(), count)
    client = client_for(finance_officer)
    # Signed in (3), the new notifications, the parts due and their count, the rounds, and the session's save (3).
    with django_assert_max_num_queries(10):
        response = client.get(reverse("grants:payments"))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Payments</h1>' in page
    assert len(PAY_LINK.findall(page)) == min(count, 100)
    if count > 100:
        second = client.get(reverse("grants:payments"), {"page": 2}).content.decode()
        assert len(PAY_LINK.findall(second)) == 20 and "Page 2 of 2" in second


@pytest.mark.parametrize("count", [3, 120])
def test_the_ledger_shows_100_awards_a_page_and_the_whole_rounds_money_on_each(
    count, client_for, finance_officer, django_assert_max_num_queries
):
    round_ = RoundFactory(budget=Decimal("1000000.00"))
    awards = awards_with_a_part_due(round_, count)
    Tranche.objects.filter(award=awards[-1]).update(status=Tranche.Status.PAID, paid_on=date(2027, 5, 2),
                                                    bank_reference="BACS-1")
    client = client_for(finance_officer)
    url = reverse("grants:ledger", kwargs={"pk": round_.pk})
    # Signed in (3), the round, its money (6), the awards, their count, their parts, the session (3).
    with django_assert_max_num_queries(16):
        response = client.get(url, {"page": 2 if count > 100 else 1})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<h1 class="govuk-heading-l">Ledger: {escape(round_.name)}</h1>' in page
    assert page.count("Part 1: £2,500") == (20 if count > 100 else count)
    committed = Decimal(5000) * count
    assert f"£{committed:,.0f}" in page  # accepted, for the whole round
    assert f"£{committed - Decimal(2500):,.0f}" in page  # still to pay
    assert f"£{Decimal(1000000) - committed:,.0f}" in page  # left in the ringfence
    assert "paid on 2 May 2027" in page  # the last award, on the last page


def batch_with_failures(count: int) -> LetterBatch:
    """A finished batch whose `count` letters could not be made, made at once."""
    round_ = RoundFactory()
    batch = LetterBatch.objects.create(round=round_)
    LetterBatchItem.objects.bulk_create(
        LetterBatchItem(batch=batch, application=ApplicationFactory(round=round_, status="awarded"),
                        outcome=LetterBatchItem.Outcome.FAILED, failure=f"Reason {n}")
        for n in range(count)
    )
    return batch


@pytest.mark.parametrize("count", [3, 120])
def test_the_batch_page_lists_100_failures_a_page_with_the_same_queries_at_few_and_many(
    count, client_for, programme_manager, django_assert_max_num_queries
):
    batch = batch_with_failures(count)
    client = client_for(programme_manager)
    url = reverse("grants:letter_batch", kwargs={"pk": batch.pk})
    # Signed in (3), the batch with its counts, the failures and their count, and the session's save (3).
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<h1 class="govuk-heading-l">Issuing letters for {escape(batch.round.name)}</h1>' in page
    assert page.count("Reason ") == min(count, 100)
    assert f"Try again to make these {count} letters" in page
    if count > 100:
        second = client.get(url, {"page": 2}).content.decode()
        assert second.count("Reason ") == 20 and "Page 2 of 2" in second


@pytest.mark.parametrize("count", [3, 120])
def test_the_letters_page_of_a_round_makes_the_same_queries_however_many_batches(
    count, client_for, programme_manager, django_assert_max_num_queries
):
    round_ = RoundFactory()
    LetterBatch.objects.bulk_create(LetterBatch(round=round_) for _ in range(count))
    client = client_for(programme_manager)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("grants:letters_for_round", kwargs={"pk": round_.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">Issue letters</h1>' in page
    assert page.count('href="/manage/letter-batches/') == min(count, 5)


@pytest.mark.parametrize("corrections", [0, 12])
def test_the_grantees_grant_and_letters_pages_make_the_same_queries_however_many_letters(
    corrections, client_for, applicant, organisation, programme_manager, django_assert_max_num_queries
):
    award = AwardFactory(application__organisation=organisation)
    award_accept(award=award, name="Amara", role="Chair", acting_user=programme_manager)
    for version in range(2, corrections + 2):
        LetterFactory(application=award.application, kind="offer", version=version, correction_reason="Typo")
    client = client_for(applicant)
    # Signed in (2), the grant, its letters, parts and returns, money asked back and the end-of-grant report, the
    # owner check, and the session's save (3), however many letters.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("grants:award", kwargs={"pk": award.pk}))
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">Your grant {award.reference}</h1>' in response.content.decode()
    # Signed in (2), the application, its grant, the member check, its letters, and the session's save (3).
    with django_assert_max_num_queries(9):
        response = client.get(reverse("grants:letters", kwargs={"pk": award.application.pk}))
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">Letters about {escape(str(award.application))}</h1>' in response.content.decode()
    assert response.content.decode().count("(PDF)") == corrections + 1


# After the award: suspension and clawback -------------------------------------------------------------------------


def test_a_grant_suspended_and_lifted_through_the_pages_holds_its_payments_meanwhile(
    client_for, accepted_award, programme_manager, finance_officer
):
    member = MembershipFactory(organisation=accepted_award.application.organisation).user
    manager = client_for(programme_manager)
    grant_page = reverse("monitoring:grant", kwargs={"pk": accepted_award.pk})
    assert 'href="%s"' % reverse("grants:suspend", kwargs={"pk": accepted_award.pk}) in manager.get(grant_page).content.decode()
    response = manager.post(reverse("grants:suspend", kwargs={"pk": accepted_award.pk}), {"reason": ""})
    assert "Say why you are suspending the grant" in response.content.decode()
    response = manager.post(reverse("grants:suspend", kwargs={"pk": accepted_award.pk}),
                            {"reason": "A safeguarding concern"}, follow=True)
    assert "no payment will be made on it" in response.content.decode()
    assert "Lift the suspension" in response.content.decode()

    grantee_page = client_for(member).get(reverse("grants:award", kwargs={"pk": accepted_award.pk})).content.decode()
    assert "Your grant is suspended" in grantee_page and "A safeguarding concern" in grantee_page

    finance = client_for(finance_officer)
    assert "On hold: the grant is suspended" in finance.get(reverse("grants:payments")).content.decode()
    tranche = accepted_award.tranches.get(number=1)
    today = timezone.localdate()
    response = finance.post(reverse("grants:tranche_release", kwargs={"pk": tranche.pk}), {
        "bank_reference": "BACS-1", "paid_on_0": today.day, "paid_on_1": today.month, "paid_on_2": today.year})
    assert "is suspended, so" in response.content.decode()
    tranche.refresh_from_db()
    assert tranche.status == Tranche.Status.DUE

    response = manager.post(reverse("grants:resume", kwargs={"pk": accepted_award.pk}), {"reason": "Looked into"},
                            follow=True)
    assert "due payments can be made again" in response.content.decode()
    accepted_award.refresh_from_db()
    assert accepted_award.status == Award.Status.ACCEPTED
    assert "On hold" not in finance.get(reverse("grants:payments")).content.decode()


def test_a_clawback_is_proposed_confirmed_by_another_manager_and_repaid_through_the_pages(
    client_for, accepted_award, programme_manager, second_manager, finance_officer
):
    from grants.payments import tranche_record_bacs

    member = MembershipFactory(organisation=accepted_award.application.organisation).user
    tranche_record_bacs(tranche=accepted_award.tranches.get(number=1), bank_reference="BACS-1",
                        paid_on=timezone.localdate(), acting_user=finance_officer)
    manager = client_for(programme_manager)
    new_url = reverse("grants:clawback_new", kwargs={"pk": accepted_award.pk})
    page = manager.post(new_url, {"amount": "4000.01", "reason": "Spent outside the project"}).content.decode()
    assert "You can claw back at most £4,000" in page
    assert 'value="Spent outside the project"' in page or "Spent outside the project</textarea>" in page
    response = manager.post(new_url, {"amount": "1,500", "reason": "Spent outside the project"}, follow=True)
    clawback = accepted_award.clawbacks.get()
    assert response.redirect_chain[-1][0] == reverse("grants:clawback", kwargs={"pk": clawback.pk})
    assert "Another programme manager must check your clawback." in response.content.decode()

    checker = client_for(second_manager)
    clawback_url = reverse("grants:clawback", kwargs={"pk": clawback.pk})
    page = checker.get(clawback_url).content.decode()
    assert "Confirm the clawback" in page
    page = checker.post(clawback_url, {"action": "refuse", "reason": "", "shown": clawback.proposed_at.isoformat()})
    assert "Say why you are not confirming the clawback" in page.content.decode()
    page = checker.post(clawback_url, {"action": "confirm", "shown": "not a moment"}).content.decode()
    assert "changed after you opened the page" in page
    response = checker.post(clawback_url, {"action": "confirm", "shown": clawback.proposed_at.isoformat()}, follow=True)
    assert "The clawback is confirmed" in response.content.decode()
    clawback.refresh_from_db()
    assert clawback.status == Clawback.Status.OWED

    grantee_page = client_for(member).get(reverse("grants:award", kwargs={"pk": accepted_award.pk})).content.decode()
    assert "Money to pay back" in grantee_page and "Spent outside the project" in grantee_page

    finance = client_for(finance_officer)
    assert clawback_url in finance.get(reverse("grants:payments")).content.decode()
    repay_url = reverse("grants:repayment_new", kwargs={"pk": clawback.pk})
    page = finance.post(repay_url, {"amount": "1500.01", "received_on_0": str(timezone.localdate().day),
                                    "received_on_1": str(timezone.localdate().month),
                                    "received_on_2": str(timezone.localdate().year), "bank_reference": "BACK-1"})
    assert "Only £1,500 is still owed on this clawback." in page.content.decode()
    response = finance.post(repay_url, {"amount": "1500", "received_on_0": str(timezone.localdate().day),
                                        "received_on_1": str(timezone.localdate().month),
                                        "received_on_2": str(timezone.localdate().year), "bank_reference": "BACK-1"},
                            follow=True)
    assert "Repayment of £1,500 recorded." in response.content.decode()
    clawback.refresh_from_db()
    assert clawback.status == Clawback.Status.REPAID
    ledger = manager.get(reverse("grants:ledger", kwargs={"pk": accepted_award.round_id})).content.decode()
    assert "Recovered" in ledger and "£1,500" in ledger and "do not add up" not in ledger


def test_the_payments_page_lists_money_owed_back_in_a_fixed_number_of_queries(
    client_for, finance_officer, programme_manager, second_manager, django_assert_max_num_queries
):
    for _ in range(3):
        award = AwardFactory(status=Award.Status.ACTIVE)
        Tranche.objects.create(award=award, number=1, share=100, amount=award.amount, after="acceptance",
                               status=Tranche.Status.PAID, idempotency_key=f"paid-{award.pk}")
        clawback = Clawback.objects.create(award=award, amount=Decimal("100.00"), reason="Not spent",
                                           proposed_by=programme_manager, proposed_at=timezone.now(),
                                           status=Clawback.Status.OWED, checked_by=second_manager,
                                           checked_at=timezone.now())
    client = client_for(finance_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("grants:payments"))
    assert response.status_code == 200
    assert response.content.decode().count("Record a repayment<span") == 3
    assert reverse("grants:clawback", kwargs={"pk": clawback.pk}) in response.content.decode()
