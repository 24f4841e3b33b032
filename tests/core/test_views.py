from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from applications.audit import AuditAction
from assessment.audit import AuditAction as AssessmentAuditAction
from core.models import EmailOptOut, Notification
from core.services import audit_record, audit_record_each
from core.views import AUDIT_PAGE_SIZE
from grants.audit import AuditAction as GrantAuditAction
from tests.factories import ApplicationFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["core:accessibility", "core:privacy", "core:cookies"])
def test_the_services_own_pages_are_public_and_linked_from_every_page(client, url_name):
    assert client.get(reverse(url_name)).status_code == 200
    start_page = client.get(reverse("applications:start")).content.decode()
    assert f'href="{reverse(url_name)}"' in start_page


def test_programme_manager_reads_an_objects_history(client_for, programme_manager):
    round_ = RoundFactory()
    audit_record(acting_user=programme_manager, action=AuditAction.ROUND_STATUS_CHANGED, target=round_,
                 from_state="draft", to_state="open", reason="Criteria agreed")
    url = reverse("core:audit_history", args=["applications", "round", round_.pk])
    content = client_for(programme_manager).get(url).content.decode()
    assert "Criteria agreed" in content
    assert escape(programme_manager.full_name) in content


@pytest.mark.parametrize("count", [3, 120])
def test_an_objects_history_shows_a_page_of_changes_with_the_same_queries_at_few_and_many(
    count, client_for, programme_manager, django_assert_max_num_queries
):
    round_ = RoundFactory()
    audit_record_each(acting_user=programme_manager, action=AuditAction.ROUND_STATUS_CHANGED, targets=[round_] * count)
    client = client_for(programme_manager)
    url = reverse("core:audit_history", args=["applications", "round", round_.pk])
    client.get(url)  # the kind of record is looked up once, then kept
    for page in range(1, count // AUDIT_PAGE_SIZE + 2):
        # Signed in (3), the kind of record, whether it has a history, the record, the changes and their count, and
        # the session's save (3).
        with django_assert_max_num_queries(11):
            response = client.get(url, {"page": page})
        assert response.status_code == 200
        content = response.content.decode()
        assert f'<h1 class="govuk-heading-l">{escape(str(round_))}</h1>' in content
        assert content.count("<time datetime=") == min(count - AUDIT_PAGE_SIZE * (page - 1), AUDIT_PAGE_SIZE)


def test_the_audit_pages_read_as_plain_english_with_amounts_as_money(client_for, programme_manager):
    round_ = RoundFactory()
    audit_record(acting_user=programme_manager, action=GrantAuditAction.OFFERED, target=round_,
                 data={"amount": Decimal("6500.00")})
    audit_record(acting_user=programme_manager, action=AssessmentAuditAction.SCORES_SENT, target=round_,
                 data={"version": 2})
    client = client_for(programme_manager)
    for url in (reverse("core:audit_list"), reverse("core:audit_history", args=["applications", "round", round_.pk])):
        content = client.get(url).content.decode()
        assert "offered a grant of £6,500" in content
        assert "sent scores (version 2)" in content
        assert "award.offered" not in content


def test_the_audit_pages_name_each_status_as_its_model_does(client_for, programme_manager, superuser):
    from accounts.audit import AuditAction as AccountAuditAction

    audit_record(acting_user=programme_manager, action=AssessmentAuditAction.SCREENED, target=ApplicationFactory(),
                 from_state="submitted", to_state="ineligible")
    audit_record(acting_user=superuser, action=AccountAuditAction.ROLE_CHANGED, target=programme_manager,
                 from_state="finance_officer", to_state="programme_manager")
    content = client_for(programme_manager).get(reverse("core:audit_list")).content.decode()
    assert ">Not eligible</td>" in content and "ineligible" not in content
    assert ">finance officer</td>" in content and "finance_officer" not in content


def test_audit_trail_lists_recent_events_with_links_to_each_objects_history(client_for, programme_manager):
    round_ = RoundFactory()
    audit_record(acting_user=programme_manager, action=AuditAction.ROUND_STATUS_CHANGED, target=round_)
    content = client_for(programme_manager).get(reverse("core:audit_list")).content.decode()
    assert reverse("core:audit_history", args=["applications", "round", round_.pk]) in content


@pytest.mark.parametrize("count", [3, 120])
def test_audit_trail_list_makes_the_same_queries_at_few_and_many_changes(
    count, client_for, programme_manager, django_assert_max_num_queries
):
    rounds = [RoundFactory() for _ in range(count)]
    audit_record_each(acting_user=programme_manager, action=AuditAction.ROUND_STATUS_CHANGED, targets=rounds)
    client = client_for(programme_manager)
    for page in range(1, count // AUDIT_PAGE_SIZE + 2):
        with django_assert_max_num_queries(8):
            response = client.get(reverse("core:audit_list"), {"page": page})
        assert response.status_code == 200
        content = response.content.decode()
        assert '<h1 class="govuk-heading-l">Audit trail</h1>' in content
        assert content.count("/audit/applications/round/") == min(count - AUDIT_PAGE_SIZE * (page - 1), AUDIT_PAGE_SIZE)


@pytest.mark.parametrize(
    "path",
    [
        "/audit/applications/nosuchmodel/1/",
        "/audit/applications/round/999999/",
        "/audit/applications/round/abc/",
        "/audit/accounts/user/%C2%B2/",
        "/audit/auth/permission/1/",
    ],
)
def test_history_of_something_without_a_history_is_not_found(client_for, programme_manager, path):
    audit_record(acting_user=programme_manager, action=AuditAction.ROUND_STATUS_CHANGED, target=RoundFactory())
    assert client_for(programme_manager).get(path).status_code == 404


def test_not_found_page_is_in_the_service_style(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "govuk-template" in response.content.decode()


def test_server_error_page_is_in_the_service_style_and_needs_no_database(rf, django_assert_num_queries):
    from core.views import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_an_unhandled_error_shows_the_500_page(settings, db):
    settings.ROOT_URLCONF = "tests.core.failing_urls"
    response = Client(raise_request_exception=False).get("/fail/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_forbidden_page_explains_and_offers_help(client_for, applicant):
    response = client_for(applicant).get(reverse("core:audit_list"))
    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()


def test_the_service_icon_is_the_funders_own_never_the_gov_uk_crown(client, db):
    response = client.get("/favicon.ico")
    assert (response.status_code, response.url) == (301, "/static/app/images/favicon.svg")
    assert "govuk/assets/images/favicon" not in client.get("/accessibility/").content.decode()


# Notifications ------------------------------------------------------------------------------------------------------


def notification_for(person, number: int, **fields) -> Notification:
    return Notification.objects.create(recipient=person, kind="assessment.allocated", subject=f"Notification {number}",
                                       link=f"/assess/{number}/", **fields)


def test_the_notifications_page_lists_only_the_persons_own_newest_first_each_linking_to_its_page(
    client_for, assessor, applicant
):
    notification_for(assessor, 1, created_at=timezone.now() - timedelta(days=1))
    notification_for(assessor, 2)
    notification_for(applicant, 3)
    response = client_for(assessor).get(reverse("core:notifications"))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index('href="/assess/2/"') < content.index('href="/assess/1/"')
    assert "Notification 3" not in content
    assert content.count(">New</strong>") == 2


def test_opening_the_notifications_page_marks_those_shown_read(client_for, assessor):
    first = notification_for(assessor, 1)
    client = client_for(assessor)
    client.get(reverse("core:notifications"))
    first.refresh_from_db()
    assert first.read_at is not None
    assert ">New</strong>" not in client.get(reverse("core:notifications")).content.decode()


@pytest.mark.parametrize("count", [3, 130])
def test_the_notifications_page_shows_100_a_page_and_marks_only_those_read(
    count, client_for, assessor, django_assert_max_num_queries
):
    Notification.objects.bulk_create(
        Notification(recipient=assessor, kind="assessment.allocated", subject=f"Notification {n}", link="/assess/1/",
                     created_at=timezone.now() - timedelta(minutes=n))
        for n in range(count)
    )
    client = client_for(assessor)
    # Session, person, second factor, count, page, marking read, and the session's own save: none per row.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("core:notifications"))
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Your notifications</h1>' in response.content.decode()
    assert response.content.decode().count('href="/assess/1/"') == min(count, 100)
    assert Notification.objects.filter(read_at__isnull=True).count() == max(count - 100, 0)
    if count > 100:
        second = client.get(reverse("core:notifications"), {"page": 2})
        assert second.status_code == 200
        assert second.content.decode().count('href="/assess/1/"') == 30


@pytest.mark.parametrize("role", ["applicant", "assessor", "programme_manager", "finance_officer"])
def test_each_persons_dashboard_counts_their_new_notifications_with_one_query(
    role, request, client_for
):
    person = request.getfixturevalue(role)
    for number in range(3):
        notification_for(person, number)
    notification_for(person, 4, read_at=timezone.now())
    client = client_for(person)
    dashboard = client.get(reverse("core:home"), follow=True)
    assert dashboard.status_code == 200
    assert '3 new notifications</a>' in dashboard.content.decode()
    assert f'href="{reverse("core:notifications")}"' in dashboard.content.decode()
    notification_for(person, 5)
    with CaptureQueriesContext(connection) as counted:
        client.get(dashboard.redirect_chain[-1][0])
    assert sum("core_notification" in query["sql"] for query in counted.captured_queries) == 1


def test_the_dashboard_says_when_nothing_is_new(client_for, assessor):
    content = client_for(assessor).get(reverse("assessment:assessor_dashboard")).content.decode()
    assert "Your notifications (none new)" in content


def test_a_person_turns_an_email_off_and_the_account_page_says_so(client_for, assessor):
    client = client_for(assessor)
    page = client.get(reverse("core:email_choices"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "When you are given applications to assess" in content and 'value="assessment.allocated"' in content
    assert "When a payment falls due" not in content  # not an assessor's
    response = client.post(reverse("core:email_choices"), {"emailed": ["assessment.allocated"]})
    assert response.status_code == 302 and response.url == reverse("accounts:home")
    assert list(EmailOptOut.objects.filter(recipient=assessor).values_list("kind", flat=True)) == [
        "assessment.scores_overdue"]
    account = client.get(reverse("accounts:home")).content.decode()
    assert "Once a day while scores you were asked for are overdue (turned off" in account


def test_only_emails_that_can_be_turned_off_are_offered(client_for, applicant):
    content = client_for(applicant).get(reverse("core:email_choices")).content.decode()
    assert 'value="monitoring.return_accepted"' in content
    assert 'value="monitoring.return_reminder"' not in content and 'value="accounts.security"' not in content


def test_a_made_up_kind_is_refused_with_an_error_summary_not_saved(client_for, assessor):
    response = client_for(assessor).post(reverse("core:email_choices"), {"emailed": ["grants.payment_due"]})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not EmailOptOut.objects.exists()


def test_the_health_check_answers_ok_while_the_database_answers(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get(reverse("core:health"))
    assert response.status_code == 200
    assert response.content == b"OK"


def test_the_health_check_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get(reverse("core:health"))
    assert response.status_code == 503


def test_the_health_check_answers_a_load_balancer_over_plain_http(settings):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get(reverse("core:health")).status_code == 200
    assert Client().get(reverse("core:privacy")).status_code == 301
