"""The header's link to the changes to grants waiting for a programme manager."""

from accounts.permissions import is_programme_manager


def links(user) -> list[tuple[str, str]]:
    return [("Changes to grants", "variations:waiting")] if is_programme_manager(user) else []
