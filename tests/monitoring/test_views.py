import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.models import TypedDraft
from core.services import audit_record_each
from grants.audit import AuditAction as GrantsAuditAction
from grants.models import Tranche
from monitoring.checks import send_refusal
from monitoring.models import Return
from monitoring.services import return_review, return_save, return_submit, returns_mark_due
from tests.factories import AwardFactory, award_started_months_ago

pytestmark = pytest.mark.django_db


def return_url(award, quarter=1):
    return reverse("monitoring:return", kwargs={"pk": award.pk, "quarter": quarter})


def answers(supported, caseworker, **changes):
    data = {
        f"count_{supported.pk}": "12", f"spend_{caseworker.pk}": "1,250.50",
        "what_changed": "Twelve people reported hate crime with our support.", "challenges": "", "case_study": "",
        "declarant_name": "Amara Okafor",
    }
    return {**data, **changes}


def table_rows(page: str) -> list[list[str]]:
    """Each table row's cells as their words, markup and spacing taken out."""
    return [[" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)]


def test_the_grantee_sees_each_indicator_with_its_target_and_each_budget_line(client_for, applicant, award, supported, caseworker):
    page = client_for(applicant).get(return_url(award)).content.decode()
    assert "Disabled victims supported" in page
    assert "Your target this quarter: 20." in page
    assert "Budget: £4,000" in page


def test_saving_a_draft_keeps_every_answer_and_sends_nothing(client_for, applicant, award, supported, caseworker):
    response = client_for(applicant).post(return_url(award), answers(supported, caseworker, save="1"))
    assert response.status_code == 302
    first = award.returns.get(quarter=1)
    assert first.status == Return.Status.NOT_DUE
    assert first.counts.get().value == 12
    assert first.spending.get().amount == Decimal("1250.50")
    assert "Twelve people" in client_for(applicant).get(return_url(award)).content.decode()


def test_a_draft_can_be_saved_with_answers_missing_but_not_sent(client_for, applicant, award, supported, caseworker):
    client = client_for(applicant)
    client.post(return_url(award), answers(supported, caseworker, save="1"))
    blank = {f"count_{supported.pk}": ""}
    assert client.post(return_url(award), answers(supported, caseworker, save="1", **blank)).status_code == 302
    assert not award.returns.get(quarter=1).counts.exists(), "a number cleared in a draft is cleared"
    response = client.post(return_url(award), answers(supported, caseworker, send="1", **blank))
    assert "Enter a number for disabled victims supported" in response.content.decode()
    assert award.returns.get(quarter=1).status == Return.Status.NOT_DUE


def test_sending_needs_a_name_for_the_declaration(client_for, applicant, award, supported, caseworker):
    response = client_for(applicant).post(return_url(award), answers(supported, caseworker, send="1", declarant_name=""))
    assert "Enter your full name to send the return" in response.content.decode()
    assert award.returns.get(quarter=1).status == Return.Status.NOT_DUE


def test_a_bad_number_is_explained_and_nothing_is_lost(client_for, applicant, award, supported, caseworker):
    response = client_for(applicant).post(return_url(award), answers(supported, caseworker, send="1", **{f"count_{supported.pk}": "a dozen"}))
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Twelve people reported hate crime" in page
    assert award.returns.get(quarter=1).submitted_at is None


def test_personal_data_is_pointed_out_before_sending_and_can_be_confirmed(client_for, applicant, award, supported, caseworker):
    client = client_for(applicant)
    story = "We helped a man from E8 1HR; call him on 07700 900982."
    response = client.post(return_url(award), answers(supported, caseworker, send="1", case_study=story))
    page = response.content.decode()
    assert "Check for personal data before you send" in page
    assert "A postcode" in page and "A phone number" in page
    assert 'name="personal_data_checked"' in page
    assert award.returns.get(quarter=1).status == Return.Status.NOT_DUE
    assert award.returns.get(quarter=1).case_study == story, "the answers are saved, not lost"
    response = client.post(return_url(award), answers(supported, caseworker, send="1", case_study=story, warned="1",
                                                       personal_data_checked="on"))
    assert response.status_code == 302
    assert award.returns.get(quarter=1).status == Return.Status.SUBMITTED


def test_taking_the_personal_data_out_lets_the_return_go(client_for, applicant, award, supported, caseworker):
    client = client_for(applicant)
    client.post(return_url(award), answers(supported, caseworker, send="1", case_study="Email jo@example.org"))
    response = client.post(return_url(award), answers(supported, caseworker, send="1", warned="1", case_study="A woman we supported."))
    assert response.status_code == 302
    assert award.returns.get(quarter=1).status == Return.Status.SUBMITTED


def test_a_sent_return_is_read_only(client_for, applicant, award, supported, caseworker):
    client = client_for(applicant)
    client.post(return_url(award), answers(supported, caseworker, send="1"))
    response = client.get(return_url(award))
    assert "A sent return cannot be changed" in response.content.decode()
    client.post(return_url(award), answers(supported, caseworker, save="1", **{f"count_{supported.pk}": "99"}))
    assert award.returns.get(quarter=1).counts.get().value == 12


def test_a_sent_return_shows_its_grantee_what_they_sent(client_for, applicant, award, supported, caseworker,
                                                         django_assert_max_num_queries):
    client = client_for(applicant)
    client.post(return_url(award), answers(supported, caseworker, send="1"))
    with django_assert_max_num_queries(16):
        response = client.get(return_url(award))
    assert response.status_code == 200
    figures = table_rows(response.content.decode())
    assert ["Disabled victims supported", "20", "12", "Under 75% of target"] in figures
    assert ["Staff costs: Caseworker", "£4,000", "£1,250.50", ""] in figures
    assert "Twelve people reported hate crime with our support." in response.content.decode()


def test_a_quarter_the_grant_does_not_have_is_not_found(client_for, applicant, award):
    assert client_for(applicant).get(return_url(award, quarter=9)).status_code == 404


def test_the_grantees_award_page_lists_its_returns(client_for, applicant, award):
    page = client_for(applicant).get(reverse("grants:award", kwargs={"pk": award.pk})).content.decode()
    assert page.count(reverse("monitoring:return", kwargs={"pk": award.pk, "quarter": 1})) == 1
    assert "Quarter 4" in page


@pytest.fixture
def sent(award, applicant, supported, caseworker):
    first = award.returns.get(quarter=1)
    return_save(monitoring_return=first, counts={supported.pk: 12}, spending={caseworker.pk: Decimal("4200")},
                narrative={"what_changed": "More reports taken"}, acting_user=applicant)
    return return_submit(monitoring_return=first, declarant_name="Amara", acting_user=applicant)


def test_returns_waiting_for_review_and_late_ones_are_listed(client_for, programme_manager, award, sent, django_assert_max_num_queries):
    late = award.returns.get(quarter=2)
    Return.objects.filter(pk=late.pk).update(due_on=late.due_on.replace(year=2000))
    client = client_for(programme_manager)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("monitoring:returns")).content.decode()
    assert reverse("monitoring:review", kwargs={"pk": sent.pk}) in page
    assert reverse("monitoring:review", kwargs={"pk": late.pk}) in page
    assert "1 return is waiting for your review and 1 is late." in page
    waiting = client.get(reverse("monitoring:returns"), {"show": "review"}).content.decode()
    assert reverse("monitoring:review", kwargs={"pk": sent.pk}) in waiting
    assert reverse("monitoring:review", kwargs={"pk": late.pk}) not in waiting
    overdue = client.get(reverse("monitoring:returns"), {"show": "late"}).content.decode()
    assert reverse("monitoring:review", kwargs={"pk": sent.pk}) not in overdue
    assert reverse("monitoring:review", kwargs={"pk": late.pk}) in overdue


def returns_row(page: str, monitoring_return) -> str:
    """The row of a returns table that links to `monitoring_return`."""
    return page.split(reverse("monitoring:review", kwargs={"pk": monitoring_return.pk}))[1].split("</tr>")[0]


def test_a_return_past_its_due_date_and_not_sent_is_tagged_late_not_due(client_for, programme_manager, award):
    award_started_months_ago(award)  # six months in: quarter 1 was due weeks ago, quarter 2 has only just ended
    returns_mark_due()
    late, due = award.returns.get(quarter=1), award.returns.get(quarter=2)
    assert late.status == due.status == Return.Status.DUE
    client = client_for(programme_manager)
    listed = client.get(reverse("monitoring:returns")).content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">Late</strong>' in returns_row(listed, late)
    assert ">Due<" not in returns_row(listed, late)
    grant = client.get(reverse("monitoring:grant", kwargs={"pk": award.pk})).content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">Late</strong>' in returns_row(grant, late)
    assert '<strong class="govuk-tag govuk-tag--grey">Due</strong>' in returns_row(grant, due)
    review = client.get(reverse("monitoring:review", kwargs={"pk": late.pk})).content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">Late</strong>' in review and ">Due<" not in review


def returns_sent(award, count: int) -> None:
    """`count` more returns of `award` waiting for review, made at once: the list's size, not how each was sent."""
    start = date(2026, 1, 1)
    Return.objects.bulk_create(
        Return(award=award, quarter=100 + n, period_start=start, period_end=start + timedelta(days=90),
               due_on=start + timedelta(days=100 + n), status=Return.Status.SUBMITTED, submitted_at=timezone.now())
        for n in range(count)
    )


RETURNS_HEADING = '<h1 class="govuk-heading-l">Returns</h1>'
REVIEW_LINK = re.compile(r'href="/manage/returns/\d+/"')


@pytest.mark.parametrize("count", [3, 120])
def test_the_returns_list_makes_the_same_queries_at_few_and_many_returns(
    count, client_for, programme_manager, award, django_assert_max_num_queries
):
    returns_sent(award, count)
    client = client_for(programme_manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("monitoring:returns"))
    assert response.status_code == 200
    page = response.content.decode()
    assert RETURNS_HEADING in page
    assert len(REVIEW_LINK.findall(page)) == min(count, 100)


def test_the_returns_list_pages_keep_the_filters(client_for, programme_manager, award, django_assert_max_num_queries):
    other = AwardFactory()
    returns_sent(award, 120)
    returns_sent(other, 5)
    client = client_for(programme_manager)
    filters = {"show": "review", "round": award.round_id}
    with django_assert_max_num_queries(12):
        response = client.get(reverse("monitoring:returns"), {**filters, "page": 2})
    assert response.status_code == 200
    page = response.content.decode()
    assert RETURNS_HEADING in page
    assert len(REVIEW_LINK.findall(page)) == 20
    assert "Page 2 of 2" in page
    assert f'href="?show=review&amp;round={award.round_id}&amp;page=1"' in page
    assert other.reference not in page


@pytest.mark.parametrize("address", [{"show": "everything"}, {"round": "x"}, {"round": "99999"}, {"page": "-1"}])
def test_the_returns_list_ignores_filters_it_does_not_know(client_for, programme_manager, sent, address):
    response = client_for(programme_manager).get(reverse("monitoring:returns"), address)
    assert response.status_code == 200
    assert reverse("monitoring:review", kwargs={"pk": sent.pk}) in response.content.decode()


def test_the_review_flags_counts_under_target_and_spend_over_budget(client_for, programme_manager, sent):
    page = client_for(programme_manager).get(reverse("monitoring:review", kwargs={"pk": sent.pk})).content.decode()
    assert "Under 75% of target" in page
    assert "Over budget" in page
    assert "More reports taken" in page


def test_asking_for_changes_needs_a_comment(client_for, programme_manager, sent):
    url = reverse("monitoring:review", kwargs={"pk": sent.pk})
    response = client_for(programme_manager).post(url, {"outcome": "changes", "comments": " "})
    assert "Say what needs changing" in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == Return.Status.SUBMITTED


def test_changes_asked_for_reach_the_grantee_who_can_edit_again(client_for, programme_manager, applicant, award, sent):
    url = reverse("monitoring:review", kwargs={"pk": sent.pk})
    assert client_for(programme_manager).post(url, {"outcome": "changes", "comments": "Split spend by line"}).status_code == 302
    page = client_for(applicant).get(return_url(award)).content.decode()
    assert "Split spend by line" in page
    assert "Send the return" in page


def test_accepting_the_quarter_2_return_makes_the_second_payment_due(
    client_for, programme_manager, applicant, award, supported, caseworker, sent,
):
    return_review(monitoring_return=sent, accept=True, comments="", acting_user=programme_manager)
    award_started_months_ago(award)  # six months in: quarter 2 has ended too
    second = award.returns.get(quarter=2)
    return_save(monitoring_return=second, counts={supported.pk: 20}, spending={caseworker.pk: Decimal("2000")},
                narrative={}, acting_user=applicant)
    return_submit(monitoring_return=second, declarant_name="Amara", acting_user=applicant)
    client_for(programme_manager).post(reverse("monitoring:review", kwargs={"pk": second.pk}), {"outcome": "accept"})
    assert award.tranches.get(number=2).status == Tranche.Status.DUE


def test_a_reviewed_return_offers_no_second_review(client_for, programme_manager, sent):
    return_review(monitoring_return=sent, accept=True, comments="", acting_user=programme_manager)
    page = client_for(programme_manager).get(reverse("monitoring:review", kwargs={"pk": sent.pk})).content.decode()
    assert "Save review" not in page
    response = client_for(programme_manager).post(reverse("monitoring:review", kwargs={"pk": sent.pk}), {"outcome": "accept"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_the_grant_page_shows_returns_payments_and_history(client_for, programme_manager, award, sent):
    page = client_for(programme_manager).get(reverse("monitoring:grant", kwargs={"pk": award.pk})).content.decode()
    assert reverse("monitoring:review", kwargs={"pk": sent.pk}) in page
    assert "Part 1:" in page
    assert "sent the quarter 1 return" in page
    assert f'<a href="{reverse("monitoring:returns")}" class="govuk-back-link">Back to returns</a>' in page


def test_a_spend_too_large_to_save_is_explained_and_nothing_is_lost(client_for, applicant, award, supported, caseworker):
    too_large = {f"spend_{caseworker.pk}": "1,000,000,000"}
    response = client_for(applicant).post(return_url(award), answers(supported, caseworker, save="1", **too_large))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The spend must be £99,999,999.99 or less" in page
    assert 'value="1,000,000,000"' in page
    assert "Twelve people reported hate crime" in page
    assert not award.returns.get(quarter=1).spending.exists()


@pytest.mark.parametrize(
    ("story", "error"),
    [
        ("-".join(["word"] * 301), "must be 300 words or fewer. It has 301 words."),
        ("\u200b".join(["word"] * 301), "must be 300 words or fewer. It has 301 words."),
        ("a" * 3001, "must be 3,000 characters or fewer. It has 3,001 characters."),
    ],
    ids=["hyphens", "zero-width spaces", "one long word"],
)
def test_an_answer_over_its_limit_is_refused_and_kept(client_for, applicant, award, supported, caseworker, story, error):
    response = client_for(applicant).post(return_url(award), answers(supported, caseworker, save="1", case_study=story))
    page = response.content.decode()
    assert response.status_code == 200
    assert error in page
    assert story in page
    assert award.returns.get(quarter=1).case_study == ""


# Sending early, and figures that cannot be true -----------------------------------------------------------------


def error_summary(page: str) -> str:
    start = page.index('class="govuk-error-summary"')
    return page[start:page.index("</ul>", start)]


def test_before_its_quarter_ends_the_return_says_when_it_can_be_sent_and_offers_no_send_button(
    client_for, applicant, award, supported, caseworker
):
    second = award.returns.get(quarter=2)
    page = client_for(applicant).get(return_url(award, 2)).content.decode()
    assert send_refusal(second) in page
    assert "Send the return" not in page
    assert "Save and come back later" in page
    assert "Send the return" in client_for(applicant).get(return_url(award, 1)).content.decode()


def test_sending_before_the_quarter_ends_is_refused_with_the_reason_and_the_draft_is_kept(
    client_for, applicant, award, supported, caseworker
):
    response = client_for(applicant).post(return_url(award, 2), answers(supported, caseworker, send="1"))
    assert response.status_code == 200
    second = award.returns.get(quarter=2)
    assert send_refusal(second) in error_summary(response.content.decode())
    assert (second.status, second.counts.get().value) == (Return.Status.NOT_DUE, 12)


def test_a_programme_manager_allows_a_return_early_and_the_grantee_sees_why_and_sends_it(
    client_for, programme_manager, applicant, award, supported, caseworker
):
    second = award.returns.get(quarter=2)
    review_url = reverse("monitoring:review", kwargs={"pk": second.pk})
    allow_url = reverse("monitoring:allow_early", kwargs={"pk": second.pk})
    manager = client_for(programme_manager)
    assert allow_url in manager.get(review_url).content.decode()
    assert "Allow the quarter 2 return to be sent early" in manager.get(allow_url).content.decode()
    blank = manager.post(allow_url, {"reason": ""})
    assert "Say why this return can be sent before its quarter ends" in error_summary(blank.content.decode())
    assert manager.post(allow_url, {"reason": "The project ends in May; we agreed a final report."}).url == review_url
    staff_page = manager.get(review_url).content.decode()
    assert "The project ends in May; we agreed a final report." in staff_page
    assert escape(programme_manager.full_name) in staff_page
    assert allow_url not in staff_page

    grantee = client_for(applicant)
    page = grantee.get(return_url(award, 2)).content.decode()
    assert "We agreed this because: The project ends in May; we agreed a final report." in page
    assert "Send the return" in page
    assert grantee.post(return_url(award, 2), answers(supported, caseworker, send="1")).status_code == 302
    assert award.returns.get(quarter=2).status == Return.Status.SUBMITTED


def test_a_return_whose_quarter_has_ended_is_not_offered_to_be_allowed_early(client_for, programme_manager, award):
    first = award.returns.get(quarter=1)
    manager = client_for(programme_manager)
    allow_url = reverse("monitoring:allow_early", kwargs={"pk": first.pk})
    assert allow_url not in manager.get(reverse("monitoring:review", kwargs={"pk": first.pk})).content.decode()
    response = manager.post(allow_url, {"reason": "Why not"}, follow=True)
    assert "This return cannot be allowed early" in response.content.decode()
    assert not award.returns.get(quarter=1).allowed_early


def test_an_impossible_figure_is_refused_with_an_error_summary_and_nothing_is_saved(
    client_for, applicant, award, supported, caseworker, reports
):
    made, taken = reports
    data = answers(supported, caseworker, send="1", **{f"count_{made.pk}": "3", f"count_{taken.pk}": "6"})
    response = client_for(applicant).post(return_url(award), data)
    assert response.status_code == 200
    summary = error_summary(response.content.decode())
    assert f'href="#id_count_{taken.pk}"' in summary
    assert "Reports the police took (6) cannot be more than hate crime reports made (3)" in summary
    first = award.returns.get(quarter=1)
    assert (first.status, first.counts.exists()) == (Return.Status.NOT_DUE, False)


def test_a_half_typed_return_is_kept_as_a_draft_and_filled_in_again(client_for, applicant, award, supported, caseworker):
    client = client_for(applicant)
    typed = {"what_changed": "Twelve people reported hate crime with our sup", f"count_{supported.pk}": "1"}
    assert client.post(return_url(award), {**typed, "autosave": "1", "junk": "x" * 100}).status_code == 204
    first = award.returns.get(quarter=1)
    assert first.what_changed == "" and not first.counts.exists()  # nothing saved to the return itself
    page = client_for(applicant).get(return_url(award)).content.decode()
    assert "We saved what you had typed on" in page
    assert "Twelve people reported hate crime with our sup" in page
    assert TypedDraft.objects.get().data.keys() == set(typed)


def test_saving_the_return_throws_its_draft_away(client_for, applicant, award, supported, caseworker):
    client = client_for(applicant)
    client.post(return_url(award), {"what_changed": "Half", "autosave": "1"})
    client.post(return_url(award), answers(supported, caseworker, save="1"))
    assert not TypedDraft.objects.exists()
    assert "We saved what you had typed" not in client.get(return_url(award)).content.decode()


def test_nobody_outside_the_organisation_can_keep_a_draft_of_its_return(client_for, other_applicant, award):
    response = client_for(other_applicant).post(return_url(award), {"what_changed": "x", "autosave": "1"})
    assert response.status_code == 404
    assert not TypedDraft.objects.exists()


def test_a_draft_too_large_to_keep_is_refused_not_an_error(client_for, applicant, award, supported, caseworker):
    huge = {name: "x" * 20_000 for name in ("what_changed", "challenges", "case_study")}
    huge[f"count_{supported.pk}"] = ["9" * 20_000] * 30
    response = client_for(applicant).post(return_url(award), {**huge, "autosave": "1"})
    assert response.status_code == 400
    assert not TypedDraft.objects.exists()


@pytest.mark.parametrize("count", [3, 120])
def test_the_grant_page_shows_100_changes_a_page_with_the_same_queries_at_few_and_many(
    count, client_for, programme_manager, award, django_assert_max_num_queries
):
    audit_record_each(acting_user=programme_manager, action=GrantsAuditAction.FIRST_PAYMENT_MADE,
                      targets=[award] * count)
    client = client_for(programme_manager)
    url = reverse("monitoring:grant", kwargs={"pk": award.pk})
    client.get(url)  # the kinds of record in the history are looked up once, then kept
    # Signed in (3), the grant, its returns and parts, its variations, the history and its count, its suspensions,
    # clawbacks, what may be clawed back (2) and its end-of-grant report, and the session's save (3).
    with django_assert_max_num_queries(17):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<h1 class="govuk-heading-l">Grant {award.reference}: £8,000</h1>' in page
    assert page.count("first payment made") == min(count, 100)  # newest first: the offer's acceptance comes after
    if count > 100:
        older = client.get(url, {"page": 2}).content.decode()
        assert "Page 2 of 2" in older and "accepted the offer" in older


def test_a_return_asks_for_each_part_and_a_surveys_people_asked_and_the_review_shows_them(
    client_for, applicant, programme_manager, award, caseworker, hotspots, satisfaction
):
    client = client_for(applicant)
    page = client.get(return_url(award)).content.decode()
    assert re.search(r"<legend[^>]*>\s*Incidents by borough\s*</legend>", page)
    assert re.search(r"<legend[^>]*>\s*Satisfaction with the police\s*</legend>", page)
    assert "How many did you ask?" in page and "Give how many you asked, then how many gave each answer." in page
    assert f'for="id_count_{hotspots.pk}_0"' in page and ">\n          Camden\n" in page
    figures = {f"count_{hotspots.pk}_0": "3", f"count_{hotspots.pk}_1": "2", f"asked_{satisfaction.pk}": "5",
               f"count_{satisfaction.pk}_0": "4", f"count_{satisfaction.pk}_1": "1", f"count_{satisfaction.pk}_2": "1",
               f"spend_{caseworker.pk}": "100", "what_changed": "", "challenges": "", "case_study": "",
               "declarant_name": "Amara Okafor"}
    response = client.post(return_url(award), {**figures, "send": "1"})
    page = response.content.decode()
    # Six answers from five people asked: the error is beside the survey's first box, and nothing typed is lost.
    assert f'href="#id_asked_{satisfaction.pk}">The answers to satisfaction with the police (6) cannot be more than ' \
           'the people asked (5)' in page
    assert f'name="count_{hotspots.pk}_1" value="2"' in page
    response = client.post(return_url(award), {**figures, f"count_{satisfaction.pk}_2": "0", "send": "1"})
    assert response.status_code == 302
    first = award.returns.get(quarter=1)
    assert first.status == Return.Status.SUBMITTED
    assert first.counts.get(indicator=hotspots).value == 5
    review = client_for(programme_manager).get(reverse("monitoring:review", kwargs={"pk": first.pk})).content.decode()
    assert "<li>Camden: 3</li>" in review and "<li>Islington: 2</li>" in review
    assert "<li>Asked: 5, answered: 5</li>" in review and "<li>Dissatisfied: 0</li>" in review


def test_a_draft_return_shows_the_parts_saved_before(client_for, applicant, award, hotspots):
    from monitoring.figures import SplitFigure

    camden = award.application.boroughs.get(name="Camden")
    return_save(monitoring_return=award.returns.get(quarter=1), acting_user=applicant, spending={}, narrative={},
                counts={hotspots.pk: SplitFigure({camden.gss_code: 7})})
    page = client_for(applicant).get(return_url(award)).content.decode()
    assert f'name="count_{hotspots.pk}_0" value="7"' in page
    assert re.search(rf'name="count_{hotspots.pk}_1"(?![^>]*value=)', page)


def test_a_grantee_records_changes_and_removes_a_poor_police_response_with_their_return(
    client_for, applicant, programme_manager, award
):
    from monitoring.models import PoorResponse

    client = client_for(applicant)
    page = client.get(return_url(award)).content.decode()
    add = reverse("monitoring:poor_response_new", kwargs={"pk": award.pk, "quarter": 1})
    assert "Poor police responses this quarter" in page and f'href="{add}"' in page
    form = client.get(add).content.decode()
    assert "Choose the police area" in form and "British Transport Police" in form
    assert f'value="{award.starts_on.replace(day=1).isoformat()}"' in form
    refused = client.post(add, {"police_area": "", "month": "", "details": ""}).content.decode()
    for message in ("Choose the police area", "Choose the month", "Select at least one thing that went wrong",
                    "Select yes if a complaint was made to the police"):
        assert message in refused
    month = award.starts_on.replace(day=1).isoformat()
    answers = {"police_area": "Central East BCU", "month": month, "problems": ["disablist_attitude", "no_follow_up"],
               "details": "The officer said Ana Silva was wasting police time.", "complaint_made": "True",
               "escalated": "False"}
    warned = client.post(add, answers).content.decode()
    assert "Check for personal data before you save" in warned and "A name: \"Ana Silva\"" in warned
    assert not PoorResponse.objects.exists()
    assert client.post(add, {**answers, "warned": "1", "details": "The officer said they were wasting police time."}
                       ).status_code == 302
    recorded = PoorResponse.objects.get()
    page = client.get(return_url(award)).content.decode()
    assert "1 poor police response recorded" in page and "A disablist attitude" in page
    edit = reverse("monitoring:poor_response_edit", kwargs={"pk": award.pk, "quarter": 1, "response_pk": recorded.pk})
    assert re.search(r'value="disablist_attitude"[^>]*checked', client.get(edit).content.decode())
    client.post(edit, {**answers, "details": "", "escalated": "True"})
    recorded.refresh_from_db()
    assert (recorded.details, recorded.escalated) == ("", True)
    first = award.returns.get(quarter=1)
    return_submit(monitoring_return=first, declarant_name="Amara", acting_user=applicant)
    review = client_for(programme_manager).get(reverse("monitoring:review", kwargs={"pk": first.pk})).content.decode()
    assert "Central East BCU" in review and "No one followed it up" in review
    remove = reverse("monitoring:poor_response_remove", kwargs={"pk": award.pk, "quarter": 1, "response_pk": recorded.pk})
    assert "can no longer be changed" in client.post(remove, follow=True).content.decode()
    assert PoorResponse.objects.exists()


def test_a_second_click_records_a_poor_police_response_once_but_a_second_visit_records_another(
    client_for, applicant, award
):
    from monitoring.models import PoorResponse

    client = client_for(applicant)
    add = reverse("monitoring:poor_response_new", kwargs={"pk": award.pk, "quarter": 1})
    seen = re.search(r'name="seen" value="(\d+)"', client.get(add).content.decode()).group(1)
    answers = {"police_area": "Central East BCU", "month": award.starts_on.replace(day=1).isoformat(),
               "problems": ["no_follow_up"], "details": "", "complaint_made": "False", "escalated": "False",
               "seen": seen}
    for _ in range(2):
        assert client.post(add, answers).status_code == 302
    assert PoorResponse.objects.count() == 1
    seen = re.search(r'name="seen" value="(\d+)"', client.get(add).content.decode()).group(1)
    assert client.post(add, {**answers, "seen": seen}).status_code == 302
    assert PoorResponse.objects.count() == 2


def test_the_review_points_out_poor_responses_counted_but_not_recorded(client_for, programme_manager, applicant, award):
    from tests.factories import IndicatorFactory

    poor = IndicatorFactory(round=award.round, code="police_response_poor", name="Police response judged poor",
                            has_target=False)
    first = award.returns.get(quarter=1)
    return_save(monitoring_return=first, counts={poor.pk: 2}, spending={}, narrative={}, acting_user=applicant)
    page = client_for(programme_manager).get(reverse("monitoring:review", kwargs={"pk": first.pk})).content.decode()
    assert "The return counts 2 poor police responses but records 0." in page


# Closing a grant ----------------------------------------------------------------------------------------------------


def test_a_grant_is_closed_through_its_end_of_grant_report_pages(client_for, award, applicant, programme_manager,
                                                                 finance_officer, supported):
    from grants.models import Letter, Tranche
    from grants.payments import tranche_record_bacs
    from grants.services import tranche_make_due
    from monitoring.models import EndReport
    from tests.factories import award_started_months_ago

    award = award_started_months_ago(award, 12)
    Return.objects.filter(award=award).update(status=Return.Status.ACCEPTED)
    for tranche in award.tranches.all():
        if tranche.status == Tranche.Status.SCHEDULED:
            tranche_make_due(award=award, quarter=tranche.after_quarter, acting_user=programme_manager)
        tranche_record_bacs(tranche=tranche, bank_reference=f"BACS-{tranche.number}", paid_on=timezone.localdate(),
                            acting_user=finance_officer)
    grantee = client_for(applicant)
    url = reverse("monitoring:end_report", kwargs={"pk": award.pk})
    assert url in grantee.get(reverse("grants:award", kwargs={"pk": award.pk})).content.decode()
    page = grantee.get(url).content.decode()
    assert "Disabled victims supported" in page and ">80<" in page  # promised over four quarters
    answers = {"achievements": "Most of it", "spent": "7,600", "underspend_reason": "A volunteer left",
               "lessons": "Recruit early", "story": "Ring Sam on 07700 900123", "declarant_name": "Amara Okafor"}
    response = grantee.post(url, {**answers, "action": "save"}, follow=True)
    assert "Your end-of-grant report is saved" in response.content.decode()
    page = grantee.post(url, {**answers, "action": "send"}).content.decode()
    assert "Check for personal data before you send" in page and "I have checked" in page
    assert "Ring Sam on 07700 900123" in page  # nothing typed is lost
    response = grantee.post(url, {**answers, "action": "send", "warned": "1", "personal_data_checked": "on"},
                            follow=True)
    assert "Your end-of-grant report is sent" in response.content.decode()
    assert EndReport.objects.get(award=award).status == EndReport.Status.SUBMITTED

    manager = client_for(programme_manager)
    review_url = reverse("monitoring:end_report_review", kwargs={"pk": award.pk})
    assert review_url in manager.get(reverse("monitoring:returns")).content.decode()
    page = manager.get(review_url).content.decode()
    assert "£400 was paid and not spent" in page
    page = manager.post(review_url, {"outcome": "accept"}).content.decode()
    assert "Choose whether to ask for the money back or write it off" in page
    response = manager.post(review_url, {"outcome": "accept", "underspend_outcome": "written_off"}, follow=True)
    assert f"Grant {award.reference} is complete" in response.content.decode()
    award.refresh_from_db()
    assert award.status == "completed"
    assert Letter.objects.filter(application=award.application, kind="completion").count() == 2
    page = grantee.get(url).content.decode()
    assert "Read your completion letter" in page and "Recruit early" in page


def test_the_returns_page_lists_end_of_grant_reports_to_review_in_a_fixed_number_of_queries(
    client_for, programme_manager, django_assert_max_num_queries
):
    from monitoring.models import EndReport
    from tests.factories import AwardFactory

    for _ in range(3):
        EndReport.objects.create(award=AwardFactory(status="active"), status=EndReport.Status.SUBMITTED,
                                 submitted_at=timezone.now(), declarant_name="Amara")
    client = client_for(programme_manager)
    client.get(reverse("monitoring:returns"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("monitoring:returns"))
    assert response.status_code == 200
    assert response.content.decode().count("/end-report/") == 3
