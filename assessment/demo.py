"""The demo round's applications from other groups, screened eligible so they are ready to share out to assessors.
Dev Sharma has declared a conflict with the Deaf community group's application, so it has too few possible assessors
until the programme manager adds Ivo Mensah to the panel."""

from accounts.models import User
from applications.demo import DEMO_RECORDED, DEMO_ROUND_NAME, DEMO_SENT
from applications.models import Application
from assessment.models import ConflictDeclaration
from assessment.services import allocation_add, allocation_remove, application_screen, conflict_declare


def seed(stdout) -> None:
    manager = User.objects.filter(email="manager@example.org").first()
    waiting = Application.objects.filter(
        round__name=DEMO_ROUND_NAME,
        organisation__name__in=[name for name, *_ in DEMO_SENT],
        status=Application.Status.SUBMITTED,
    )
    for application in waiting:
        application_screen(application=application, eligible=True, reason="", acting_user=manager)
    _conflict_leaves_too_few(manager)


def _conflict_leaves_too_few(manager) -> None:
    application = Application.objects.filter(round__name=DEMO_ROUND_NAME, organisation__name=DEMO_RECORDED).first()
    dev = User.objects.filter(email="assessor@example.org").first()
    if application is None or dev is None or ConflictDeclaration.objects.filter(application=application).exists():
        return
    allocation = allocation_add(application=application, assessor=dev, acting_user=manager)
    conflict_declare(allocation=allocation, has_conflict=True, acting_user=dev,
                     nature="I volunteer at the group's Saturday drop-in.")
    allocation_remove(allocation=allocation, acting_user=manager)
