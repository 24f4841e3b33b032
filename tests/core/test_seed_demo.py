import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_AUTHENTICATOR_KEY, DEMO_PASSWORD, DEMO_USERS
from accounts.models import Role, User
from applications.models import Membership, Organisation, Round
from applications.validators import normalise_postcode
from core.models import Notification

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_the_round_and_one_person_for_each_role():
    output = seed()
    round_ = Round.objects.get(reference_prefix="DHC27")
    assert round_.name == "Disability Hate Crime Victim Support Small Grants"
    assert round_.budget > 0
    assert {user.role for user in User.objects.all()} == set(Role.values)
    for email, _, _ in DEMO_USERS:
        assert email in output
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in output


def test_demo_staff_share_one_printed_authenticator_key_and_applicants_have_none():
    output = seed()
    assert DEMO_AUTHENTICATOR_KEY in output and "demo_code" in output
    keys = {device.user.email: device.key for device in TOTPDevice.objects.select_related("user").filter(confirmed=True)}
    staff = {email for email, _, role in DEMO_USERS if role != Role.APPLICANT}
    assert set(keys) == staff
    assert len(set(keys.values())) == 1


def test_seed_demo_can_run_twice_without_duplicating_anything():
    seed()
    counts = (User.objects.count(), Round.objects.count(), Organisation.objects.count(), Membership.objects.count())
    seed()
    assert counts == (User.objects.count(), Round.objects.count(), Organisation.objects.count(), Membership.objects.count())


def test_demo_applicants_share_one_organisation_and_the_third_has_another():
    seed()
    owner = User.objects.get(email="applicant@example.org").memberships.get()
    colleague = User.objects.get(email="colleague@example.org").memberships.get()
    other = User.objects.get(email="other.applicant@example.org").memberships.get()
    assert owner.organisation == colleague.organisation != other.organisation


def test_the_demo_round_is_ready_to_assess():
    from applications.round_setup import criteria_problems

    seed()
    round_ = Round.objects.get(reference_prefix="DHC27")
    assert criteria_problems(round_) == []
    assert round_.assessors.count() == 2
    assert round_.applications.filter(status="eligible").count() == 3


def test_last_years_demo_grants_have_returns_to_review_late_and_accepted():
    from grants.models import Tranche
    from monitoring.models import Return

    seed()
    returns = Return.objects.filter(award__round__reference_prefix="DHC26")
    assert returns.filter(status="accepted").count() == 4
    waiting = returns.get(status="submitted")
    assert waiting.award.application.organisation == User.objects.get(email="applicant@example.org").memberships.get().organisation
    assert returns.filter(status="due", due_on__lt=date.today()).count() == 1
    assert Tranche.objects.get(award__application__reference="DHC26-0002", number=2).status == "due"


def test_last_years_demo_round_says_what_is_part_of_what_and_one_return_may_be_sent_early():
    from monitoring.checks import figure_problems, send_refusal
    from monitoring.models import Return

    seed()
    round_ = Round.objects.get(reference_prefix="DHC26")
    taken = round_.indicators.get(code="police_report_taken")
    assert taken.part_of == round_.indicators.get(code="reports_with_support")
    indicators = list(round_.indicators.all())
    for monitoring_return in Return.objects.filter(award__round=round_).prefetch_related("counts"):
        counts = {count.indicator_id: count.value for count in monitoring_return.counts.all()}
        assert figure_problems(indicators, counts) == {}, monitoring_return
    early = Return.objects.get(award__application__reference="DHC26-0003", quarter=3)
    assert early.allowed_early and "caseworker leaves" in early.early_reason
    assert early.period_end >= date.today() and send_refusal(early) == ""


def test_the_demos_returns_give_every_part_and_record_poor_police_responses_for_an_evidence_pack():
    from monitoring.evidence import responses_by_area_and_quarter
    from monitoring.models import IndicatorCount, Return

    seed()
    round_ = Round.objects.get(reference_prefix="DHC26")
    surveys = IndicatorCount.objects.filter(monitoring_return__award__round=round_, indicator__kind="survey")
    assert surveys.exists() and all(0 < count.value <= count.asked for count in surveys)
    for monitoring_return in Return.objects.filter(award__round=round_, status="accepted"):
        by_borough = monitoring_return.counts.get(indicator__code="incidents_by_borough")
        assert set(by_borough.parts.values_list("part", flat=True)) == set(
            monitoring_return.award.application.boroughs.values_list("gss_code", flat=True))
    _, areas = responses_by_area_and_quarter(round_)
    assert {area for area, _ in areas} == {"Central East BCU", "Central South BCU", "West Area BCU"}
    assert any(count >= 5 for _, counts in areas for count in counts)
    report = round_.programme_reports.get()
    assert report.quarter == 1 and len(report.stories) == 3 and report.pdf.read().startswith(b"%PDF")


def test_the_demo_programme_manager_uses_the_admin_site_without_being_a_superuser():
    seed()
    manager = User.objects.get(email="manager@example.org")
    assert manager.is_staff and not manager.is_superuser
    assert manager.has_perm("applications.change_round")
    assert not manager.has_perm("accounts.change_user")
    assert not User.objects.filter(is_superuser=True).exists()
    assert manager.role_grants.get(ended_at__isnull=True).role == Role.PROGRAMME_MANAGER


def test_every_demo_application_sent_has_every_section_complete_and_its_documents():
    from applications.models import Application
    from applications.sections import incomplete_sections

    seed()
    sent = Application.objects.exclude(status=Application.Status.DRAFT).select_related("round")
    assert sent.count() == 6
    for application in sent:
        assert incomplete_sections(application) == [], application
        documents = {document.kind: document for document in application.documents.all()}
        assert set(documents) == set(application.round.required_documents)
        for document in documents.values():
            assert document.file.read(5) == b"%PDF-"
        assert application.targets.exists() and application.budget_lines.exists()


def test_the_demo_has_a_second_programme_manager_to_confirm_the_first_ones_decisions():
    call_command("seed_demo", stdout=StringIO())
    managers = User.objects.filter(role=Role.PROGRAMME_MANAGER)
    assert set(managers.values_list("email", flat=True)) == {"manager@example.org", "second.manager@example.org"}


def test_last_year_s_grants_were_each_proposed_by_one_manager_and_confirmed_by_another():
    from grants.models import Award, Decision

    seed()
    decisions = Decision.objects.select_related("decided_by", "confirmed_by")
    assert decisions.count() == Award.objects.count() > 0
    assert {(d.status, d.decided_by.email, d.confirmed_by.email) for d in decisions} == {
        (Decision.Status.CONFIRMED, "manager@example.org", "second.manager@example.org")}


def test_the_demo_has_a_clawback_for_the_second_manager_to_check_and_its_money_adds_up():
    from grants.clawbacks import clawback_confirm
    from grants.models import Clawback
    from grants.selectors import round_money

    seed()
    clawback = Clawback.objects.get()
    assert (clawback.status, clawback.award.reference, clawback.proposed_by.email) == (
        Clawback.Status.PROPOSED, "DHC26-0002", "manager@example.org")
    assert Notification.objects.filter(recipient__email="second.manager@example.org",
                                       kind="grants.clawback_to_confirm").exists()
    clawback_confirm(clawback=clawback, proposed_at=clawback.proposed_at,
                     acting_user=User.objects.get(email="second.manager@example.org"))
    assert round_money(clawback.award.round).adds_up


def test_the_demo_applicant_and_finance_have_new_notifications_from_the_demo_story():
    seed()
    new = Notification.objects.filter(read_at__isnull=True)
    assert new.filter(recipient__email="applicant@example.org", kind="monitoring.return_accepted").exists()
    assert new.filter(recipient__email="finance@example.org", kind="grants.payment_due").count() >= 3


def test_the_demo_asked_one_group_for_more_and_shows_what_changed():
    from applications.demo import DEMO_ASKED_FOR_MORE, DEMO_QUESTION, DEMO_REACH
    from applications.models import Application
    from applications.questions import information_changes
    from applications.selectors import application_with_answers

    seed()
    asked = Application.objects.get(round__reference_prefix="DHC27", organisation__name=DEMO_ASKED_FOR_MORE)
    request = asked.information_requests.get()
    assert request.message == DEMO_QUESTION and request.answered_at is not None
    [(_, changes)] = information_changes(application_with_answers(asked))
    assert [change.label for change in changes] == ["Who will benefit, and how will you reach them?"]
    assert DEMO_REACH in changes[0].after and DEMO_REACH not in changes[0].before


def test_the_demo_has_a_recorded_answer_with_its_transcript_and_a_conflict_that_leaves_it_short():
    from applications.demo import DEMO_RECORDED, DEMO_TRANSCRIPT
    from applications.models import Application
    from assessment.permissions import assessors_who_can_take
    from assessment.selectors import assessor_shortfalls

    seed()
    round_ = Round.objects.get(reference_prefix="DHC27")
    recorded = Application.objects.get(round=round_, organisation__name=DEMO_RECORDED)
    answer = recorded.media_answers.get()
    assert answer.question == "need" and answer.content_type == "audio/x-wav"
    assert answer.file.read(4) == b"RIFF"
    assert answer.transcript == DEMO_TRANSCRIPT
    assert [assessor.full_name for assessor in assessors_who_can_take(recorded)] == ["Grace Obi"]
    panel = list(round_.assessors.all())
    assert [(short, short.possible) for short in assessor_shortfalls(round_, panel)] == [
        (recorded, 1)
    ]
    assert not round_.assessors.filter(email="reserve.assessor@example.org").exists()


APPLICANTS_DO = {"application.submitted", "application.document_uploaded", "award.accepted", "return.sent"}
MANAGERS_DO = {"assessment.screened", "return.reviewed", "tranche.due", "round.standard_indicators_added"}
FINANCE_DOES = {"tranche.bacs_payment_recorded", "award.first_payment_made"}


def _organisation_of(target):
    for path in ("organisation", "application.organisation", "award.application.organisation"):
        found = target
        for name in path.split("."):
            found = getattr(found, name, None)
        if found is not None:
            return found
    return None


def test_the_demo_tells_one_story_in_order_by_the_people_who_did_each_thing():
    from django.utils import timezone

    from applications.models import Application, Membership
    from core.models import AuditEvent
    from grants.models import Award

    seed()
    now = timezone.now()
    members = set(Membership.objects.values_list("organisation_id", "user_id"))
    for application in Application.objects.exclude(status=Application.Status.DRAFT):
        assert (application.organisation_id, application.submitted_by_id) in members, application
    last_years = Award.objects.filter(round__reference_prefix="DHC26").select_related("application")
    assert last_years.count() == 3
    for award in last_years:
        organisation_id = award.application.organisation_id
        first = award.tranches.get(number=1)
        assert first.status == "paid"
        assert award.application.submitted_at < award.offered_at < award.accepted_at <= first.released_at
        assert (organisation_id, award.accepted_by_id) in members
        sent = list(award.returns.filter(submitted_at__isnull=False).order_by("quarter"))
        assert sent and first.paid_on < timezone.localdate(sent[0].submitted_at)
        previous = first.released_at
        for monitoring_return in sent:
            assert timezone.localdate(monitoring_return.submitted_at) > monitoring_return.period_end
            assert previous < monitoring_return.submitted_at <= now
            assert (organisation_id, monitoring_return.submitted_by_id) in members
            previous = monitoring_return.reviewed_at or monitoring_return.submitted_at
            assert previous <= now
    for event in AuditEvent.objects.select_related("actor", "target_type"):
        assert event.occurred_at <= now, event
        if event.actor is None:
            continue  # the system itself: a return falling due, a role given by the demo
        assert not event.actor.is_superuser
        if event.action in APPLICANTS_DO:
            organisation = _organisation_of(event.target)
            assert (organisation.pk, event.actor_id) in members, event
        elif event.action in MANAGERS_DO:
            assert event.actor.role == Role.PROGRAMME_MANAGER, event
        elif event.action in FINANCE_DOES:
            assert event.actor.role == Role.FINANCE_OFFICER, event


def test_every_demo_application_has_its_projects_name_from_its_rounds_questions():
    from applications.models import Application

    seed()
    assert Application.objects.exists()
    assert not Application.objects.filter(title="").exists()


def test_every_demo_group_has_its_own_real_address_in_london():
    seed()
    addresses = list(Organisation.objects.values_list("address_line_1", "postcode"))
    assert len(set(addresses)) == len(addresses)
    for _, postcode in addresses:
        assert normalise_postcode(postcode) == postcode
        assert re.match(r"^(E|EC|N|NW|SE|SW|W|WC|CR)[0-9]", postcode), postcode


def test_no_demo_return_tells_the_same_poor_police_response_twice():
    from monitoring.models import Return

    seed()
    for monitoring_return in Return.objects.prefetch_related("poor_responses"):
        told = [response.details for response in monitoring_return.poor_responses.all()]
        assert len(set(told)) == len(told), monitoring_return
