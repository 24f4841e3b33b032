"""How many messages the person has not read, for the pages that show it beside the header's count."""

from django import template

from conversations.selectors import has_threads, unread_count

register = template.Library()


@register.simple_tag
def messages_unread(user) -> int | None:
    """None for someone with no threads; the count is read once for each request, however often it is shown."""
    return unread_count(user) if has_threads(user) else None
