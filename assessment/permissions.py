"""What an assessor may see of an application."""

from accounts.permissions import is_assessor
from applications.models import Application
from assessment.models import ConflictDeclaration


def is_allocated_without_conflict(user, application: Application) -> bool:
    """An assessor sees an application only once it is theirs and they have declared no conflict with it."""
    return (
        is_assessor(user)
        and application.allocations.filter(assessor=user).exists()
        and ConflictDeclaration.objects.filter(application=application, assessor=user, has_conflict=False).exists()
    )
