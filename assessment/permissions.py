"""What an assessor may see of an application, and who may download the ranking."""

import rules

from accounts.permissions import is_assessor, is_programme_manager
from applications.models import Application
from assessment.models import ConflictDeclaration, Interests


def interests_of(assessor, application: Application) -> Interests:
    """Whether the assessor has declared their interests in the application, and what they declared."""
    return Interests.of(ConflictDeclaration.objects.filter(application=application, assessor=assessor).first())


def is_allocated_without_conflict(user, application: Application) -> bool:
    """An assessor sees an application only once it is theirs and they have declared no conflict with it."""
    return (
        is_assessor(user)
        and application.allocations.filter(assessor=user).exists()
        and interests_of(user, application).cleared
    )


rules.add_perm("assessment.export_ranking", is_programme_manager)
