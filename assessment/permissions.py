"""What an assessor may see of an application, who may take one to score, and who may change a round's panel."""

import rules
from django.db.models import QuerySet

from accounts.models import User
from accounts.permissions import is_assessor, is_programme_manager
from applications.models import Application
from applications.selectors import panel_of
from assessment.models import ConflictDeclaration, Interests


def interests_of(assessor, application: Application) -> Interests:
    """Whether the assessor has declared their interests in the application, and what they declared."""
    return Interests.of(ConflictDeclaration.objects.filter(application=application, assessor=assessor).first())


def interests_in(assessor, applications: list[Application]) -> dict[int, Interests]:
    """`interests_of` for many applications in one query, for a sheet of thousands of rows: where the assessor
    stands with each, by application id."""
    declarations = {
        declaration.application_id: declaration
        for declaration in ConflictDeclaration.objects.filter(
            assessor=assessor, application_id__in=[application.pk for application in applications]
        )
    }
    return {application.pk: Interests.of(declarations.get(application.pk)) for application in applications}


def is_allocated_without_conflict(user, application: Application) -> bool:
    """An assessor sees an application only once it is theirs and they have declared no conflict with it."""
    return (
        is_assessor(user)
        and application.allocations.filter(assessor=user).exists()
        and interests_of(user, application).cleared
    )


def assessors_who_can_take(application: Application) -> QuerySet[User]:
    """The panel members who may be given the application now: not already given it, and no conflict declared."""
    return (
        panel_of(application.round)
        .exclude(pk__in=application.allocations.values("assessor"))
        .exclude(pk__in=ConflictDeclaration.objects.conflicts().filter(application=application).values("assessor"))
        .order_by("full_name", "pk")
    )


def why_cannot_take(assessor: User, application: Application) -> str:
    """Why the assessor cannot be given the application, in plain English; empty when they can."""
    if not panel_of(application.round).filter(pk=assessor.pk).exists():
        return f"{assessor} is not on this round's panel of assessors."
    if interests_of(assessor, application).conflicted:
        return f"{assessor} has declared a conflict of interest with {application}."
    if application.allocations.filter(assessor=assessor).exists():
        return f"{application} is already with {assessor}."
    return ""


rules.add_perm("assessment.export_ranking", is_programme_manager)
rules.add_perm("assessment.add_panel_member", is_programme_manager)
