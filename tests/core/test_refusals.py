import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse

import applications.views
from applications.models import Application
from applications.services import ApplicationError, DeadlinePassed, application_withdraw
from core.refusals import RefusalMiddleware, ServiceError
from core.state import InvalidTransition
from grants.services import GrantError, RingfenceExceeded
from monitoring.services import PersonalDataFound, ReturnError
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "error", [InvalidTransition, ApplicationError, DeadlinePassed, GrantError, RingfenceExceeded, ReturnError,
              PersonalDataFound],
)
def test_every_refusal_by_a_service_is_a_service_error(error):
    assert issubclass(error, ServiceError)


def request_for(method: str, path: str = "/somewhere/", **headers):
    request = getattr(RequestFactory(), method)(path, **headers)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def refused(request):
    return RefusalMiddleware(lambda request: None).process_exception(request, ServiceError("You cannot do that now."))


def test_a_refusal_of_a_post_goes_back_to_the_page_it_came_from_with_the_reason():
    request = request_for("post", HTTP_REFERER="http://testserver/form/?page=2")
    response = refused(request)
    assert (response.status_code, response.url) == (302, "http://testserver/form/?page=2")
    assert [str(message) for message in get_messages(request)] == ["You cannot do that now."]
    assert [message.level_tag for message in get_messages(request)] == ["error"]


@pytest.mark.parametrize("referer", [None, "https://elsewhere.example/phish/"])
def test_without_a_page_on_this_site_to_go_back_to_a_refusal_goes_to_the_same_address(referer):
    headers = {"HTTP_REFERER": referer} if referer else {}
    response = refused(request_for("post", "/somewhere/?x=1", **headers))
    assert response.url == "/somewhere/?x=1"


def test_a_refusal_on_a_get_or_any_other_error_is_left_alone():
    assert refused(request_for("get")) is None
    middleware = RefusalMiddleware(lambda request: None)
    assert middleware.process_exception(request_for("post"), ValueError("a bug")) is None


def test_a_status_that_moved_while_the_form_was_open_is_explained_not_a_server_error(client_for, applicant, organisation,
                                                                                     monkeypatch):
    application = ApplicationFactory(organisation=organisation, status=Application.Status.SUBMITTED, reference="R-0001")
    url = reverse("applications:withdraw", kwargs={"pk": application.pk})

    def withdrawn_by_a_colleague_first(**kwargs):
        application_withdraw(application=Application.objects.get(pk=application.pk), acting_user=applicant, reason="")
        return application_withdraw(**kwargs)

    monkeypatch.setattr(applications.views, "application_withdraw", withdrawn_by_a_colleague_first)
    response = client_for(applicant).post(url, {"reason": ""}, HTTP_REFERER=f"http://testserver{url}", follow=True)
    assert response.status_code == 200
    assert "R-0001 has changed since the page was opened: it is now ‘Withdrawn’, so that could not be done." in (
        response.content.decode()
    )
