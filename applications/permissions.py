"""Who may do what with organisations and applications; views and templates ask these, never the models."""

import rules

from accounts.permissions import is_applicant, is_programme_manager
from applications.models import Application, Membership, Organisation

# Who else may read an application, added by the apps that know them (assessment adds its assessors): this app
# comes first in the chain and imports none of them.
APPLICATION_READERS: list = []


def membership_role(user, organisation: Organisation) -> str | None:
    """The person's role in the organisation, or None. Read once for each user object, which lives for one request:
    a page asks several questions of it (may they read, withdraw, transcribe) and need not read it each time."""
    roles = _roles_read(user)
    if organisation.pk not in roles:
        roles[organisation.pk] = organisation.memberships.filter(user=user).values_list("role", flat=True).first()
    return roles[organisation.pk]


def membership_role_known(user, organisation: Organisation, role: str) -> None:
    """For a read that has found the person's role already (with the organisation's application, say)."""
    _roles_read(user)[organisation.pk] = role


def _roles_read(user) -> dict:
    roles = getattr(user, "_organisation_roles", None)
    if roles is None:
        roles = user._organisation_roles = {}
    return roles


def is_member(user, organisation: Organisation) -> bool:
    return is_applicant(user) and membership_role(user, organisation) is not None


def is_owner(user, organisation: Organisation) -> bool:
    return is_applicant(user) and membership_role(user, organisation) == Membership.Role.OWNER


def can_edit_application(user, application: Application) -> bool:
    return application.is_editable and is_member(user, application.organisation)


def can_withdraw_application(user, application: Application) -> bool:
    """Withdrawing ends the organisation's chance in the round, so it is for owners, not every editor."""
    return is_owner(user, application.organisation) and application.can_transition_to(Application.Status.WITHDRAWN)


def can_read_application(user, application: Application) -> bool:
    return (
        is_member(user, application.organisation)
        or is_programme_manager(user)
        or any(reader(user, application) for reader in APPLICATION_READERS)
    )


def can_transcribe_media_answer(user, application: Application) -> bool:
    """The organisation writes what its recordings say, while editing or after sending; a programme manager may
    too, once the application is sent, so an assessor who cannot watch or hear a recording is never left out."""
    if is_member(user, application.organisation):
        return application.status != Application.Status.WITHDRAWN
    return is_programme_manager(user) and application.status != Application.Status.DRAFT


rules.add_perm("applications.withdraw_application", can_withdraw_application)
rules.add_perm("applications.transcribe_media_answer", can_transcribe_media_answer)
# Only applicants belong to organisations: staff who did could score, decide or pay their own applications.
rules.add_perm("applications.join_organisation", is_applicant)
