"""The header's links to the applicant's journey and to the programme manager's rounds."""

from accounts.permissions import is_applicant, is_operator, is_programme_manager


def links(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return [("Start", "applications:start")]
    if is_applicant(user) and not is_operator(user):
        return [("Your applications", "applications:dashboard")]
    if is_programme_manager(user):
        return [("Rounds", "applications:manage_rounds")]
    return []
