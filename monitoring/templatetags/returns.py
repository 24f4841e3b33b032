"""A return's status as a tag, the same in every table and on its own page."""

from django import template

from core.templatetags.govuk import status_tag

register = template.Library()


@register.inclusion_tag("components/status_tag.html")
def return_status_tag(monitoring_return):
    """Late, once the due date has passed with the return still with the grantee (`Return.is_late`); else its status."""
    if monitoring_return.is_late:
        return status_tag("late", "Late")
    return status_tag(monitoring_return.status, monitoring_return.get_status_display())
