"""The admin site for rounds and their criteria: guarded fields change only through the audited services."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from accounts.services import user_role_change
from applications.audit import AuditAction
from applications.models import Criterion, Round
from core.models import AuditEvent
from tests.factories import AwardFactory, CriterionFactory, IndicatorFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    """A programme manager as the service makes one: admin access through the group, not superuser."""
    return user_role_change(user=UserFactory(full_name="Erin Walsh"), role=Role.PROGRAMME_MANAGER, acting_user=None,
                            reason="Appointed")


@pytest.fixture
def committed_round(db):
    """A round of £20,000 with £8,000 already offered."""
    award = AwardFactory(amount=Decimal("8000.00"), application__round=RoundFactory(budget=Decimal("20000.00")))
    return award.round


def change_url(round_: Round) -> str:
    return reverse("admin:applications_round_change", args=[round_.pk])


def test_a_programme_manager_sets_rounds_up_in_the_admin_without_being_a_superuser(client_for, manager):
    assert not manager.is_superuser
    client = client_for(manager)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:applications_round_add")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403


def test_the_plain_change_form_cannot_cut_the_budget_or_set_the_status(client_for, manager, committed_round, form_data):
    client = client_for(manager)
    data = form_data(client.get(change_url(committed_round)))
    data.update(budget=["1000.00"], status=["completed"], name=["Renamed round"])
    response = client.post(change_url(committed_round), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    committed_round.refresh_from_db()
    assert committed_round.name == "Renamed round"
    assert committed_round.budget == Decimal("20000.00")
    assert committed_round.status == Round.Status.OPEN


def test_cutting_the_budget_below_what_is_promised_is_refused_with_an_error_and_the_typed_amount_kept(
    client_for, manager, committed_round
):
    url = reverse("admin:applications_round_budget", args=[committed_round.pk])
    response = client_for(manager).post(url, {"budget": "7000.00", "reason": "Council cuts"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "cannot be less than the £8,000.00 already promised" in content
    assert 'value="7000.00"' in content and "Council cuts" in content
    committed_round.refresh_from_db()
    assert committed_round.budget == Decimal("20000.00")


def test_the_budget_form_changes_the_budget_through_the_audited_service(client_for, manager, committed_round):
    url = reverse("admin:applications_round_budget", args=[committed_round.pk])
    response = client_for(manager).post(url, {"budget": "12000.00", "reason": "Council cuts"})
    assert response.status_code == 302
    committed_round.refresh_from_db()
    assert committed_round.budget == Decimal("12000.00")
    event = AuditEvent.objects.get(action=AuditAction.BUDGET_CHANGED)
    assert (event.actor, event.from_state, event.to_state) == (manager, "20000.00", "12000.00")


def test_the_status_form_offers_only_the_next_stage_and_refuses_any_other(client_for, manager, open_round):
    url = reverse("admin:applications_round_status", args=[open_round.pk])
    client = client_for(manager)
    assert [value for value, _ in client.get(url).context["form"].fields["status"].choices] == [Round.Status.CLOSED]
    response = client.post(url, {"status": "completed", "reason": "Skip to the end"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    open_round.refresh_from_db()
    assert open_round.status == Round.Status.OPEN
    assert client.post(url, {"status": "closed", "reason": "Deadline passed"}).status_code == 302
    open_round.refresh_from_db()
    assert open_round.status == Round.Status.CLOSED
    assert AuditEvent.objects.get(action=AuditAction.ROUND_STATUS_CHANGED).to_state == Round.Status.CLOSED


def test_a_refusal_from_the_service_is_an_admin_error_message_not_a_server_error(client_for, superuser, open_round):
    url = reverse("admin:applications_round_status", args=[open_round.pk])
    response = client_for(superuser).post(url, {"status": "closed", "reason": "Operator tidying up"})
    assert response.status_code == 200
    assert "Only a programme manager can change" in response.content.decode()
    open_round.refresh_from_db()
    assert open_round.status == Round.Status.OPEN


def test_the_change_page_links_to_the_budget_and_status_forms_and_the_history(client_for, manager, open_round):
    content = client_for(manager).get(change_url(open_round)).content.decode()
    for name in ("budget", "status", "auditlog"):
        assert reverse(f"admin:applications_round_{name}", args=[open_round.pk]) in content
    changelist = client_for(manager).get(reverse("admin:applications_round_changelist")).content.decode()
    assert reverse("admin:applications_round_auditlog", args=[open_round.pk]) in changelist


@pytest.fixture
def draft_round(db):
    return RoundFactory(status=Round.Status.DRAFT)


def test_an_open_rounds_rules_criteria_and_indicators_are_shown_not_changed_in_the_admin(
    client_for, manager, open_round, form_data
):
    criterion = CriterionFactory(round=open_round, weight=Decimal("100.00"))
    IndicatorFactory(round=open_round, name="Disabled victims supported")
    client = client_for(manager)
    page = client.get(change_url(open_round))
    data = form_data(page)
    assert "income_cap" not in data and "criteria-0-weight" not in data and "indicators-0-name" not in data
    assert "Disabled victims supported" in page.content.decode()
    data.update(name=["Renamed round"], income_cap=["1.00"], quarters=["2"])
    assert client.post(change_url(open_round), data).status_code == 302
    open_round.refresh_from_db()
    assert (open_round.name, open_round.quarters) == ("Renamed round", 4)
    assert open_round.income_cap != Decimal("1.00")
    criterion_url = reverse("admin:applications_criterion_change", args=[criterion.pk])
    criterion_data = form_data(client.get(criterion_url))
    assert "weight" not in criterion_data
    assert client.post(criterion_url, {**criterion_data, "weight": ["40.00"]}).status_code == 403
    criterion.refresh_from_db()
    assert criterion.weight == Decimal("100.00")
    offered = client.get(reverse("admin:applications_criterion_add")).content.decode()
    assert f'value="{open_round.pk}"' not in offered


def test_editing_a_criterion_in_the_admin_leaves_who_changed_what_in_its_history(
    client_for, manager, form_data, draft_round
):
    criterion = CriterionFactory(weight=Decimal("25.00"), round=draft_round)
    url = reverse("admin:applications_criterion_change", args=[criterion.pk])
    client = client_for(manager)
    data = form_data(client.get(url))
    data.update(weight=["40.00"])
    assert client.post(url, data).status_code == 302
    entry = LogEntry.objects.get_for_object(criterion).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == manager
    assert entry.changes_dict["weight"] == ["25.00", "40.00"]
    history = client.get(reverse("admin:applications_criterion_auditlog", args=[criterion.pk])).content.decode()
    assert "40.00" in history
    assert "Erin Walsh" in history
    assert "<style" not in history and "auditlog-history.css" in history  # no inline styles under the CSP


def test_adding_a_round_in_the_admin_is_recorded_and_starts_as_a_draft(client_for, manager, form_data):
    client = client_for(manager)
    data = form_data(client.get(reverse("admin:applications_round_add")))
    data.update(
        name=["Next year's round"], reference_prefix=["DHC28"], summary=["Small grants."],
        opens_at_0=["2027-04-01"], opens_at_1=["09:00:00"], closes_at_0=["2027-06-01"], closes_at_1=["12:00:00"],
        budget=["150000.00"], status=["open"],
    )
    response = client.post(reverse("admin:applications_round_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    round_ = Round.objects.get(reference_prefix="DHC28")
    assert round_.status == Round.Status.DRAFT
    assert LogEntry.objects.get_for_object(round_).get(action=LogEntry.Action.CREATE).actor == manager
    assert not Criterion.objects.filter(round=round_).exists()


def test_a_rounds_history_is_the_one_that_records_service_changes_too(client_for, manager, open_round):
    response = client_for(manager).get(reverse("admin:applications_round_history", args=[open_round.pk]))
    assert (response.status_code, response.url) == (302, reverse("admin:applications_round_auditlog",
                                                                 args=[open_round.pk]))


def test_a_round_says_in_the_admin_which_indicator_is_part_of_which(client_for, manager, draft_round, form_data):
    made = IndicatorFactory(round=draft_round, name="Hate crime reports made", position=0)
    taken = IndicatorFactory(round=draft_round, name="Reports the police took", position=1)
    elsewhere = IndicatorFactory(name="An indicator of another round")
    client = client_for(manager)
    page = client.get(change_url(draft_round))
    assert "An indicator of another round" not in page.content.decode(), "only the round's own are offered"
    data = form_data(page)
    number = 1 if data["indicators-0-id"] == [str(made.pk)] else 0  # the form of "Reports the police took"
    data[f"indicators-{number}-part_of"] = [str(elsewhere.pk)]
    assert client.post(change_url(draft_round), data).status_code == 200, "another round's indicator is refused"
    data[f"indicators-{number}-part_of"] = [str(made.pk)]
    data[f"indicators-{number}-unit"] = ["percentage"]
    response = client.post(change_url(draft_round), data)
    assert "Choose an indicator counted in the same unit." in response.content.decode()
    data[f"indicators-{number}-unit"] = ["number"]
    assert client.post(change_url(draft_round), data).status_code == 302
    taken.refresh_from_db()
    assert taken.part_of == made
    data = form_data(client.get(change_url(draft_round)))
    data[f"indicators-{1 - number}-unit"] = ["percentage"]
    response = client.post(change_url(draft_round), data)
    assert "Its parts are counted in another unit" in response.content.decode()


def test_an_indicator_cannot_be_part_of_itself_or_of_its_own_part(open_round):
    made = IndicatorFactory(round=open_round)
    taken = IndicatorFactory(round=open_round, part_of=made)
    made.part_of = taken
    with pytest.raises(ValidationError, match="cannot be part of itself, or of one of its parts"):
        made.full_clean()
    made.part_of = made
    with pytest.raises(ValidationError, match="cannot be part of itself"):
        made.full_clean()


def test_saving_a_round_or_a_criterion_in_the_admin_has_what_follows_its_scoring_rules_worked_out_again(
    client_for, manager, form_data, monkeypatch
):
    refreshed = []
    monkeypatch.setattr("applications.services.SCORING_RULES_FOLLOWERS", [lambda *, round_: refreshed.append(round_.pk)])
    criterion = CriterionFactory(weight=Decimal("25.00"), round=RoundFactory(status=Round.Status.DRAFT))
    client = client_for(manager)
    url = reverse("admin:applications_criterion_change", args=[criterion.pk])
    data = form_data(client.get(url))
    data.update(weight=["40.00"])
    assert client.post(url, data).status_code == 302
    round_data = form_data(client.get(change_url(criterion.round)))
    round_data.update(tie_break=["earlier_submission"])
    assert client.post(change_url(criterion.round), round_data).status_code == 302
    assert refreshed == [criterion.round_id, criterion.round_id]


def test_assessment_follows_every_rounds_scoring_rules():
    from applications.services import SCORING_RULES_FOLLOWERS
    from assessment.services import round_score_summaries_refresh

    assert SCORING_RULES_FOLLOWERS == [round_score_summaries_refresh]
