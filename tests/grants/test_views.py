import pytest
from django.core import mail
from django.urls import reverse

from grants.models import Award, Decision, Letter

pytestmark = pytest.mark.django_db


def test_decide_confirm_issue_and_accept_through_the_pages(
    client_for, scored_round, programme_manager, second_manager, django_capture_on_commit_callbacks
):
    round_, (first, second, third) = scored_round
    manager, checker = client_for(programme_manager), client_for(second_manager)
    page = manager.get(reverse("grants:decisions", kwargs={"pk": round_.pk})).content.decode()
    assert "Left to offer" in page and "£10,000" in page
    manager.post(reverse("grants:decisions", kwargs={"pk": round_.pk}))
    assert Decision.objects.count() == 3

    own = manager.get(reverse("grants:confirm", kwargs={"pk": round_.pk})).content.decode()
    assert "There are no decisions for you to confirm" in own
    checker.post(reverse("grants:confirm", kwargs={"pk": round_.pk}))
    assert Award.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = checker.post(reverse("grants:letters_for_round", kwargs={"pk": round_.pk}))
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


def test_declining_needs_a_yes_and_returns_the_money(client_for, scored_round, programme_manager, second_manager):
    from grants.services import decision_confirm, decision_record

    _, (first, _, _) = scored_round
    decision_confirm(decision=decision_record(application=first, outcome="fund", amount=first.amount_requested,
                                              reason="", acting_user=programme_manager), acting_user=second_manager)
    grantee = client_for(first.organisation.memberships.get().user)
    grantee.post(reverse("grants:decline", kwargs={"pk": first.award.pk}), {"confirm": "False"})
    assert Award.objects.get().status == "offered"
    grantee.post(reverse("grants:decline", kwargs={"pk": first.award.pk}), {"confirm": "True", "reason": "Merged"})
    assert Award.objects.get().status == "declined"


def test_a_letter_from_another_organisation_is_not_found(client_for, scored_round, programme_manager, second_manager, other_applicant):
    from grants.services import decision_confirm, decision_record, letter_issue

    _, (first, _, _) = scored_round
    decision_confirm(decision=decision_record(application=first, outcome="fund", amount=first.amount_requested,
                                              reason="", acting_user=programme_manager), acting_user=second_manager)
    letter, _ = letter_issue(application=first, acting_user=second_manager, site_url="")
    assert client_for(other_applicant).get(reverse("grants:letter", kwargs={"pk": letter.pk})).status_code == 404
