"""The header's link to a person's messages, with how many they have not read, in words."""

from conversations.selectors import has_threads, unread_count


def links(user) -> list[tuple[str, str]]:
    if not user.is_authenticated or not has_threads(user):
        return []
    unread = unread_count(user)
    return [(f"Messages ({unread} unread)" if unread else "Messages", "conversations:inbox")]
