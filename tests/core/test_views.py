from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from applications.audit import AuditAction
from assessment.audit import AuditAction as AssessmentAuditAction
from core.services import audit_record
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


def test_audit_trail_list_makes_a_fixed_number_of_queries(client_for, programme_manager, django_assert_max_num_queries):
    for _ in range(30):
        audit_record(acting_user=programme_manager, action=AuditAction.ROUND_STATUS_CHANGED, target=RoundFactory())
    client = client_for(programme_manager)
    with django_assert_max_num_queries(8):
        client.get(reverse("core:audit_list"))


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
