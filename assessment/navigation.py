"""The header's link to an assessor's applications."""

from accounts.permissions import is_assessor


def links(user) -> list[tuple[str, str]]:
    return [("Applications to score", "assessment:assessor_dashboard")] if is_assessor(user) else []
