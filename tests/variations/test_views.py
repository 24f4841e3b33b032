from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import Letter
from tests.factories import grant_under_way
from tests.variations.conftest import lines_of
from variations.changes import Asked
from variations.models import Variation
from variations.services import variation_approve, variation_request

pytestmark = pytest.mark.django_db


def form_data(grant, **changes) -> dict:
    """The form as the page fills it, with `changes` over it."""
    data = {"reason": "Our interpreter costs went up.", "amount": str(grant.amount)}
    for line in lines_of(grant):
        data[f"line_{line.pk}"] = str(line.amount)
    for target in grant.application.targets.all():
        data[f"target_{target.pk}"] = str(target.target)
    for tranche in grant.tranches.filter(status__in=["scheduled", "due"]):
        data[f"part_{tranche.number}_amount"] = str(tranche.amount)
        if tranche.status == "scheduled":
            data[f"part_{tranche.number}_quarter"] = str(tranche.after_quarter)
    return {**data, **changes}


def moved(grant, amount: str) -> Variation:
    first, second = lines_of(grant)[:2]
    return variation_request(award=grant, reason="A bigger room.", acting_user=grant.application.organisation
                             .memberships.first().user,
                             asked=Asked(budget={first.pk: first.amount - Decimal(amount),
                                                 second.pk: second.amount + Decimal(amount)}))


def test_the_grant_page_offers_the_change_and_shows_its_version(client_for, grant, applicant):
    page = client_for(applicant).get(reverse("grants:award", kwargs={"pk": grant.pk})).content.decode()
    assert "This is version 1 of the grant, as it was accepted." in page
    assert reverse("variations:new", kwargs={"pk": grant.pk}) in page


def test_a_grantee_asks_for_a_change_through_the_form(client_for, grant, applicant):
    client = client_for(applicant)
    url = reverse("variations:new", kwargs={"pk": grant.pk})
    page = client.get(url).content.decode()
    assert 'class="govuk-input__prefix" aria-hidden="true">£' in page and 'name="ends_on_0"' in page
    first, second, _ = lines_of(grant)
    response = client.post(url, form_data(grant, **{f"line_{first.pk}": "4,800", f"line_{second.pk}": "£2,200"}))
    variation = Variation.objects.get()
    assert response.status_code == 302 and response.url == reverse("variations:detail", kwargs={"pk": variation.pk})
    assert variation.budget == {str(first.pk): "4800.00", str(second.pk): "2200.00"}
    page = client.get(response.url).content.decode()
    assert "Waiting for a decision" in page and "The budget for Staff costs: Caseworker" in page


def test_a_part_waiting_for_the_end_of_grant_report_offers_no_quarter_and_keeps_waiting(client_for, grant, applicant,
                                                                                         programme_manager):
    last = grant.tranches.order_by("number").last()
    last.after, last.after_quarter = "end_report", None
    last.save(update_fields=["after", "after_quarter"])
    client = client_for(applicant)
    url = reverse("variations:new", kwargs={"pk": grant.pk})
    page = client.get(url).content.decode()
    assert f'name="part_{last.number}_quarter"' not in page
    assert "It is paid once the end-of-grant report is accepted." in page
    data = form_data(grant, amount=str(grant.amount + 500), **{f"part_{last.number}_amount": str(last.amount + 500)})
    del data[f"part_{last.number}_quarter"]
    assert client.post(url, data).status_code == 302
    variation = Variation.objects.get()
    assert variation.tranches == [{"number": last.number, "amount": str(last.amount + 500), "quarter": None}]
    variation_approve(variation=variation, acting_user=programme_manager)
    last.refresh_from_db()
    assert (last.amount, last.after, last.after_quarter) == (Decimal(variation.tranches[0]["amount"]), "end_report", None)


def test_a_budget_that_does_not_add_up_is_explained_and_nothing_typed_is_lost(client_for, grant, applicant):
    first = lines_of(grant)[0]
    response = client_for(applicant).post(reverse("variations:new", kwargs={"pk": grant.pk}),
                                          form_data(grant, **{f"line_{first.pk}": "5,500"}))
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "The budget lines must still add up to £8,000. With your changes they add up to £8,500." in page
    assert 'value="5,500"' in page and not Variation.objects.exists()


def test_asking_for_nothing_is_explained(client_for, grant, applicant):
    page = client_for(applicant).post(reverse("variations:new", kwargs={"pk": grant.pk}),
                                      form_data(grant)).content.decode()
    assert "Change at least one thing about the grant" in page


def test_a_later_end_date_and_a_bad_date_are_read_as_people_type_them(client_for, grant, applicant):
    url = reverse("variations:new", kwargs={"pk": grant.pk})
    page = client_for(applicant).post(url, form_data(grant, ends_on_0="31", ends_on_1="2", ends_on_2="2030")).content
    assert "End date must be a real date" in page.decode()
    later = grant.ends_on.replace(year=grant.ends_on.year + 1)
    response = client_for(applicant).post(url, form_data(grant, ends_on_0=str(later.day), ends_on_1=str(later.month),
                                                          ends_on_2=str(later.year)))
    assert response.status_code == 302 and Variation.objects.get().ends_on == later


def test_a_second_request_while_one_waits_goes_to_the_first(client_for, grant, applicant):
    variation = moved(grant, "100")
    response = client_for(applicant).get(reverse("variations:new", kwargs={"pk": grant.pk}))
    assert response.url == reverse("variations:detail", kwargs={"pk": variation.pk})


def test_the_waiting_list_is_one_page_in_a_fixed_number_of_queries(client_for, programme_manager,
                                                                  django_assert_max_num_queries):
    for _ in range(3):
        moved(grant_under_way(), "100")
    client = client_for(programme_manager)
    url = reverse("variations:waiting")
    with django_assert_max_num_queries(20) as three:
        response = client.get(url)
    assert response.status_code == 200 and response.content.decode().count("Variation 1 of") == 3
    for _ in range(5):
        moved(grant_under_way(), "100")
    with django_assert_max_num_queries(len(three.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and response.content.decode().count("Variation 1 of") == 8


def test_a_manager_approves_below_the_threshold_and_the_grantee_reads_the_letter(client_for, grant, applicant,
                                                                                programme_manager):
    variation = moved(grant, "100")
    url = reverse("variations:approve", kwargs={"pk": variation.pk})
    manager = client_for(programme_manager)
    assert "Approve or refuse variation 1" in manager.get(url).content.decode()
    response = manager.post(url, {}, follow=True)
    assert "is approved and made: the grant is now version 2" in response.content.decode()
    again = manager.post(url, {}, follow=True).content.decode()
    assert "has changed since the page was opened" in again
    grantee = client_for(applicant)
    award_page = grantee.get(reverse("grants:award", kwargs={"pk": grant.pk})).content.decode()
    assert "This is version 2 of the grant" in award_page and "Version 1, before variation 1" in award_page
    letters_page = grantee.get(reverse("grants:letters", kwargs={"pk": grant.application_id})).content.decode()
    assert "Variation of the grant, version 1 (PDF)" in letters_page
    letter = Letter.objects.get(kind=Letter.Kind.VARIATION, large_print=False)
    download = grantee.get(reverse("grants:letter", kwargs={"pk": letter.pk}))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_above_the_threshold_the_approver_is_sent_to_another_manager_who_confirms(
    client_for, grant, programme_manager, second_manager
):
    variation = variation_approve(variation=moved(grant, "1000"), acting_user=programme_manager)
    url = reverse("variations:confirm", kwargs={"pk": variation.pk})
    mine = client_for(programme_manager).get(url, follow=True).content.decode()
    assert "Another programme manager must confirm the change you approved." in mine
    second = client_for(second_manager)
    page = second.get(url).content.decode()
    assert "Confirm or refuse variation 1" in page and variation.approved_at.isoformat() in page
    response = second.post(url, {"shown": variation.approved_at.isoformat()}, follow=True)
    assert "is confirmed and made" in response.content.decode()
    assert lines_of(grant)[0].amount == Decimal("4000.00")
    staff_page = second.get(reverse("monitoring:grant", kwargs={"pk": grant.pk})).content.decode()
    assert "Variation 1" in staff_page and "Approved and confirmed" in staff_page


def test_a_confirmation_of_an_approval_not_shown_is_refused_on_the_page(client_for, grant, programme_manager,
                                                                       second_manager):
    variation = variation_approve(variation=moved(grant, "1000"), acting_user=programme_manager)
    page = client_for(second_manager).post(reverse("variations:confirm", kwargs={"pk": variation.pk}),
                                           {"shown": "not a moment"}, follow=True).content.decode()
    assert "approved again after you opened the page" in page
    assert Variation.objects.get().status == "approved"


def test_a_manager_refuses_with_a_reason_the_grantee_reads(client_for, grant, applicant, programme_manager):
    variation = moved(grant, "100")
    url = reverse("variations:refuse", kwargs={"pk": variation.pk})
    manager = client_for(programme_manager)
    assert "Say why you are refusing the change" in manager.post(url, {"reason": ""}).content.decode()
    manager.post(url, {"reason": "Keep the room budget as it is."})
    page = client_for(applicant).get(reverse("variations:detail", kwargs={"pk": variation.pk})).content.decode()
    assert "Refused" in page and "Keep the room budget as it is." in page
    assert manager.get(url).status_code == 302


def test_another_organisation_cannot_read_the_variation(client_for, grant, stranger):
    variation = moved(grant, "100")
    assert client_for(stranger).get(reverse("variations:detail", kwargs={"pk": variation.pk})).status_code == 404
    assert client_for(stranger).get(reverse("variations:new", kwargs={"pk": grant.pk})).status_code == 404
