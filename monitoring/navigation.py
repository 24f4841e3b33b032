"""The header's link to the programme manager's monitoring returns."""

from accounts.permissions import is_programme_manager


def links(user) -> list[tuple[str, str]]:
    return [("Returns", "monitoring:returns")] if is_programme_manager(user) else []
