import re
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Round
from applications.services import round_status_change
from assessment.selectors import ranking_for
from grants.models import Award, Decision, Letter
from grants.selectors import ledger_for
from grants.services import decision_record, decisions_accept_proposals
from grants.spreadsheets import ledger_sheet
from tests.grants.conftest import scored

pytestmark = pytest.mark.django_db


def confirm_as_shown(client, round_):
    """Presses 'Confirm' on the confirmation page as it is now, as the second programme manager would."""
    url = reverse("grants:confirm", kwargs={"pk": round_.pk})
    return client.post(url, {"shown": re.findall(r'name="shown" value="([^"]+)"', client.get(url).content.decode())},
                       follow=True)


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
    assert csv_text == ledger_sheet(ledger_for(award.round))[0]


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


def test_the_payments_page_makes_a_fixed_number_of_queries(client_for, finance_officer, programme_manager, django_assert_max_num_queries):
    from grants.services import award_accept
    from tests.factories import AwardFactory

    for _ in range(15):
        award_accept(award=AwardFactory(), name="A", role="B", acting_user=programme_manager)
    client = client_for(finance_officer)
    with django_assert_max_num_queries(8):
        client.get(reverse("grants:payments"))


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
    monkeypatch.setattr("grants.views.DECISIONS_PAGE_SIZE", 3)
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

    def counted(*args):
        rankings.append(args)
        return ranking_for(*args)

    # The page's own reading and the proposals' are both counted, wherever they are called from.
    monkeypatch.setattr("grants.views.ranking_for", counted)
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
    assert "Only someone who was a programme manager before this decision was proposed can confirm it." in page
    client.post(url)
    assert not Award.objects.exists()


def test_the_letters_page_offers_the_grant_to_its_organisation_and_corrections_to_the_programme_manager(
    client_for, programme_manager
):
    from tests.factories import AwardFactory, MembershipFactory

    award = AwardFactory()
    Letter.objects.create(application=award.application, kind=Letter.Kind.OFFER, version=1, file="letters/offer.pdf")
    member = MembershipFactory(organisation=award.application.organisation).user
    url = reverse("grants:letters", kwargs={"pk": award.application.pk})
    correct = reverse("grants:letter_correct", kwargs={"pk": award.application.pk})
    grantee_page = client_for(member).get(url).content.decode()
    assert reverse("grants:award", kwargs={"pk": award.pk}) in grantee_page and correct not in grantee_page
    manager_page = client_for(programme_manager).get(url).content.decode()
    assert correct in manager_page and reverse("grants:award", kwargs={"pk": award.pk}) not in manager_page


def test_the_confirm_page_reads_everyone_s_roles_in_one_query_however_many_decisions_wait(
    client_for, scored_round, programme_manager, second_manager, django_assert_max_num_queries
):
    round_, _ = scored_round
    client_for(programme_manager).post(reverse("grants:decisions", kwargs={"pk": round_.pk}))
    checker = client_for(second_manager)
    with django_assert_max_num_queries(9):
        response = checker.get(reverse("grants:confirm", kwargs={"pk": round_.pk}))
    assert response.status_code == 200
    assert "Confirm these 3 decisions" in response.content.decode()


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
    assert f"The decision on {second.reference} was proposed after you opened the page" in page
    assert "Confirm these 2 decisions" in page and "£4,000" in page
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

    def counted(*args):
        rankings.append(args)
        return ranking_for(*args)

    monkeypatch.setattr("grants.views.ranking_for", counted)
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
    for status in (Round.Status.ASSESSING, Round.Status.DECIDED, Round.Status.MONITORING, Round.Status.COMPLETED):
        round_ = round_status_change(round_=round_, status=status, acting_user=programme_manager, reason="Next stage")
    response = client_for(programme_manager).get(reverse("grants:decisions", kwargs={"pk": round_.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The round is completed." in page and "once it closes" not in page
    assert "Record the" not in page
