"""The demo round's applications from other groups, screened eligible so they are ready to share out to assessors."""

from accounts.models import User
from applications.demo import DEMO_ROUND_NAME, DEMO_SENT
from applications.models import Application
from assessment.services import application_screen


def seed(stdout) -> None:
    manager = User.objects.filter(email="manager@example.org").first()
    waiting = Application.objects.filter(
        round__name=DEMO_ROUND_NAME,
        organisation__name__in=[name for name, *_ in DEMO_SENT],
        status=Application.Status.SUBMITTED,
    )
    for application in waiting:
        application_screen(application=application, eligible=True, reason="", acting_user=manager)
